package io.bellwether.contracts.activities;

import io.temporal.activity.ActivityInterface;

/** The health check port, as activities. Read-only, so safe to repeat. */
@ActivityInterface
public interface HealthActivities {
  /**
   * Probes until {@code successThreshold} passes in a row or the timeout, heartbeating. A probe
   * that never passed returns {@code passed=false}; it does not throw.
   */
  ProbeResult awaitHealthy(HealthProbe probe);
}
