package io.bellwether.activities.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What the adapter does without any Prometheus: nothing listening, or a listener that never answers. */
class PrometheusProviderOfflineTest {
  @Test
  void nothingListeningIsUnavailableAndTheDetailDoesNotNameTheAddress() {
    int port = PrometheusLauncher.freePort();
    PrometheusProvider p =
        new PrometheusProvider("http://127.0.0.1:" + port, Duration.ofSeconds(2));
    MetricValue v = p.query("up");
    assertEquals(MetricStatus.UNAVAILABLE, v.status());
    assertFalse(v.detail().contains(String.valueOf(port)), v.detail());
    assertEquals(MetricStatus.UNAVAILABLE, p.queryRange("up", 10, 1).status());
    assertFalse(p.isOnline());
  }

  @Test
  void aProviderThatNeverAnswersIsUnavailableAfterTheTimeout() throws Exception {
    // Connections are accepted by the kernel into the backlog, and never answered.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      PrometheusProvider p =
          new PrometheusProvider(
              "http://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300));
      long t = System.nanoTime();
      MetricValue v = p.query("up");
      long ms = (System.nanoTime() - t) / 1_000_000;
      assertEquals(MetricStatus.UNAVAILABLE, v.status());
      assertTrue(v.detail().contains("300 ms"), v.detail());
      // The timeout bounds the wait; the limit here is generous, a hang would be far longer.
      assertTrue(ms < 5_000, "waited " + ms + " ms");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "127.0.0.1:9090", "ftp://127.0.0.1:9090", "http://", "http://h:1/?q=1", "http://[::1"})
  void aBadUrlIsRefusedWithoutRepeatingIt(String url) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new PrometheusProvider(url, null));
    assertFalse(!url.isEmpty() && e.getMessage().contains(url), e.getMessage());
  }

  @Test
  void goodUrlsAreAccepted() {
    assertNull(PrometheusProvider.urlProblem("http://127.0.0.1:9090"));
    assertNull(PrometheusProvider.urlProblem("https://prometheus.example/prom/"));
    assertEquals(
        Duration.ofSeconds(5), new PrometheusProvider("http://127.0.0.1:9090", null).timeout());
    assertThrows(
        IllegalArgumentException.class,
        () -> new PrometheusProvider("http://127.0.0.1:9090", Duration.ZERO));
  }

  @ParameterizedTest
  @CsvSource({"1.5, 1.5", "NaN, NaN", "+Inf, Infinity", "-Inf, -Infinity", "1e3, 1000", "junk, NaN"})
  void prometheusSampleStringsParse(String sample, double expected) {
    assertEquals(expected, PrometheusProvider.number(sample));
  }
}
