package io.bellwether.activities.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.testing.TestBackend;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpHealthCheckTest {
  private final HttpHealthCheck check =
      new HttpHealthCheck(new HealthCheckConfig("http", null, Duration.ofMillis(500)));

  @Test
  void reportsStatusAndBody() throws Exception {
    try (TestBackend b = TestBackend.start("a")) {
      assertEquals(new HealthCheck.Probe(200, "ok", ""), check.probe(b.address(), "/health"));
      assertEquals(new HealthCheck.Probe(200, "a", ""), check.probe(b.address(), "version"));
      b.health(503, "draining");
      assertEquals(new HealthCheck.Probe(503, "draining", ""), check.probe(b.address(), "/health"));
    }
  }

  @Test
  void noAnswerIsStatusZeroWithAReason() throws Exception {
    HealthCheck.Probe refused = check.probe("127.0.0.1:" + HaproxyLauncher.freePort(), "/health");
    assertEquals(0, refused.status());
    assertFalse(refused.error().isEmpty());

    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      HealthCheck.Probe timedOut = check.probe("127.0.0.1:" + silent.getLocalPort(), "/health");
      assertEquals(0, timedOut.status());
      assertTrue(timedOut.error().contains("500 ms"), timedOut.error());
    }
  }
}
