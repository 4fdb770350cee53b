package io.bellwether.activities.health;

/** Port to a health checker. One instance per configured name. */
public interface HealthCheck {
  /**
   * One probe of {@code address} (host:port) at {@code path}. Never throws for an unhealthy or
   * unreachable instance: that is a fact in the result.
   */
  Probe probe(String address, String path);

  /**
   * @param status HTTP status, 0 when there was no answer
   * @param body the start of the body, empty when none
   * @param error why there was no answer, empty when there was one
   */
  record Probe(int status, String body, String error) {}
}
