package io.bellwether.workflows;

import io.bellwether.contracts.activities.HealthProbe;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import java.time.Duration;

/**
 * The probes runs send to the health activity, built from a spec's {@code healthCheck} and {@code
 * smokeCheck} with the same defaults in every workflow. Pure code.
 */
public final class HealthProbes {
  /** Probe period when the spec names none. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);

  /** How long a probe may wait for a pass when the spec names no timeout. */
  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(60);

  /** The status a health check expects. */
  public static final int DEFAULT_EXPECT_STATUS = 200;

  private HealthProbes() {}

  /** The spec's probe period, or {@link #DEFAULT_PERIOD}. */
  public static Duration period(HealthCheckSpec h) {
    return Durations.parseOr(h.period(), DEFAULT_PERIOD);
  }

  /** The spec's probe timeout, or {@link #DEFAULT_HEALTH_TIMEOUT}. */
  public static Duration timeout(HealthCheckSpec h) {
    return Durations.parseOr(h.timeout(), DEFAULT_HEALTH_TIMEOUT);
  }

  /**
   * A readiness probe of {@code address} through the named health check: the spec's path and
   * success threshold, expecting {@link #DEFAULT_EXPECT_STATUS}.
   */
  public static HealthProbe health(String check, HealthCheckSpec h, String address) {
    return new HealthProbe(
        check,
        address,
        h.pathOrDefault(),
        h.successThresholdOrDefault(),
        period(h).toMillis(),
        timeout(h).toMillis(),
        DEFAULT_EXPECT_STATUS,
        null);
  }

  /**
   * A smoke probe of {@code address}: one pass of the smoke path with its expected status and, when
   * set, the body it expects from {@code version}; period and timeout from the health check.
   */
  public static HealthProbe smoke(
      String check, HealthCheckSpec h, SmokeCheckSpec smoke, String version, String address) {
    return new HealthProbe(
        check,
        address,
        smoke.path(),
        1,
        period(h).toMillis(),
        timeout(h).toMillis(),
        smoke.expectStatusOrDefault(),
        smoke.expectedBodyFor(version));
  }
}
