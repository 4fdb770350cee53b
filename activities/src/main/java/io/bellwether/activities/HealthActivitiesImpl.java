package io.bellwether.activities;

import io.bellwether.activities.health.HealthCheck;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.activities.HealthProbe;
import io.bellwether.contracts.activities.ProbeResult;

/** {@link HealthActivities} over the configured {@link HealthCheck}s. */
public class HealthActivitiesImpl implements HealthActivities {
  private final AdapterRegistry registry;
  private final Heartbeat heartbeat;

  /** Heartbeats through Temporal when running as an activity. */
  public HealthActivitiesImpl(AdapterRegistry registry) {
    this(registry, Heartbeat.temporal());
  }

  /** With an explicit heartbeat, for tests and for running outside a Temporal worker. */
  public HealthActivitiesImpl(AdapterRegistry registry, Heartbeat heartbeat) {
    this.registry = registry;
    this.heartbeat = heartbeat;
  }

  /**
   * Probes every {@code periodMillis}. A pass is the expected status and, when given, the expected
   * text in the body; a failed probe resets the count. Heartbeats the result so far after every
   * probe. Stops with {@code passed=false} once the next probe could not start before the timeout.
   */
  @Override
  public ProbeResult awaitHealthy(HealthProbe probe) {
    HealthCheck check =
        registry
            .healthCheck(probe.check())
            .orElseThrow(
                () ->
                    Failures.unknownTarget(
                        "no health check named '" + probe.check() + "' is configured"));
    int threshold = Math.max(1, probe.successThreshold());
    long period = Math.max(1, probe.periodMillis());
    long deadline = System.nanoTime() + Math.max(0, probe.timeoutMillis()) * 1_000_000;
    String expected = probe.expectBodyContains();
    int attempts = 0;
    int passes = 0;
    int lastStatus = 0;
    String lastError = "";
    while (true) {
      HealthCheck.Probe p = check.probe(probe.address(), probe.path());
      attempts++;
      lastStatus = p.status();
      if (p.status() != probe.expectStatus()) {
        passes = 0;
        lastError =
            p.status() == 0
                ? p.error()
                : "status " + p.status() + ", expected " + probe.expectStatus();
      } else if (expected != null && !expected.isEmpty() && !p.body().contains(expected)) {
        passes = 0;
        lastError = "body does not contain '" + expected + "'";
      } else {
        passes++;
        lastError = "";
      }
      ProbeResult result =
          new ProbeResult(passes >= threshold, attempts, passes, lastStatus, lastError);
      if (result.passed()) {
        return result;
      }
      if (System.nanoTime() + period * 1_000_000 > deadline) {
        return result;
      }
      heartbeat.beat(result);
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return result;
      }
    }
  }
}
