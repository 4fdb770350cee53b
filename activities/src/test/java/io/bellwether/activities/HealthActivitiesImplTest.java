package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.health.HealthCheck;
import io.bellwether.activities.health.HealthCheck.Probe;
import io.bellwether.activities.health.HttpHealthCheck;
import io.bellwether.activities.testing.TestBackend;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.HealthProbe;
import io.bellwether.contracts.activities.ProbeResult;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthActivitiesImplTest {
  private final List<Object> beats = new ArrayList<>();

  /** A checker that answers from a script, one probe at a time, then repeats the last answer. */
  private HealthActivitiesImpl scripted(Probe... answers) {
    Iterator<Probe> it = List.of(answers).iterator();
    Probe[] last = {answers[0]};
    HealthCheck check = (address, path) -> last[0] = it.hasNext() ? it.next() : last[0];
    return new HealthActivitiesImpl(
        new AdapterRegistry(Map.of(), Map.of(), Map.of("http", check)), beats::add);
  }

  private static HealthProbe probe(int threshold, long timeoutMillis, String bodyContains) {
    return new HealthProbe(
        "http", "127.0.0.1:1", "/health", threshold, 5, timeoutMillis, 200, bodyContains);
  }

  private static final Probe OK = new Probe(200, "ok 2.0.0", "");
  private static final Probe DOWN = new Probe(503, "", "");
  private static final Probe NONE = new Probe(0, "", "connection refused");

  @Test
  void countsConsecutivePassesAndAFailureResetsThem() {
    ProbeResult r = scripted(OK, DOWN, OK, NONE, OK, OK, OK).awaitHealthy(probe(3, 5_000, null));
    assertEquals(new ProbeResult(true, 7, 3, 200, ""), r);
    assertEquals(6, beats.size(), "a heartbeat after every probe that did not finish the wait");
    assertEquals(new ProbeResult(false, 1, 1, 200, ""), beats.get(0));
  }

  @Test
  void givesUpWithFactsAtTheTimeout() {
    ProbeResult r = scripted(NONE).awaitHealthy(probe(1, 100, null));
    assertFalse(r.passed());
    assertTrue(r.attempts() >= 2, "kept probing until the timeout: " + r);
    assertEquals(0, r.lastStatus());
    assertEquals("connection refused", r.lastError());
  }

  @Test
  void theBodyMustHoldTheExpectedText() {
    ProbeResult r = scripted(OK).awaitHealthy(probe(2, 100, "3.0.0"));
    assertFalse(r.passed());
    assertEquals(0, r.consecutivePasses());
    assertTrue(r.lastError().contains("3.0.0"), r.lastError());
    assertTrue(scripted(OK).awaitHealthy(probe(2, 1000, "2.0.0")).passed());
  }

  @Test
  void anUnknownCheckIsUnknownTarget() {
    HealthActivitiesImpl impl = scripted(OK);
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class,
            () -> impl.awaitHealthy(new HealthProbe("tcp", "h:1", "/", 1, 5, 100, 200, null)));
    assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
    assertTrue(f.isNonRetryable());
  }

  @Test
  void againstARealServerThatBecomesHealthy() throws Exception {
    try (TestBackend b = TestBackend.start("a")) {
      b.health(503, "starting");
      HealthActivitiesImpl impl =
          new HealthActivitiesImpl(
              new AdapterRegistry(
                  Map.of(),
                  Map.of(),
                  Map.of("http", new HttpHealthCheck(new HealthCheckConfig("http", null, null)))),
              beat -> {
                if (beats.add(beat) && beats.size() == 3) {
                  b.health(200, "ok");
                }
              });
      ProbeResult r =
          impl.awaitHealthy(
              new HealthProbe("http", b.address(), "/health", 2, 20, 5_000, 200, "ok"));
      assertTrue(r.passed(), r.toString());
      assertEquals(5, r.attempts());
      assertEquals(5, b.healthChecks());
    }
  }
}
