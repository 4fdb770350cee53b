package io.bellwether.activities.config;

import java.util.Map;

/**
 * The worker's configuration of the outside world: everything a spec may name. Bound from the
 * {@code bellwether.*} properties of the worker. Maps are keyed by the name specs use.
 */
public record BellwetherConfig(
    Map<String, RouterConfig> routers,
    Map<String, DeployerConfig> deployers,
    Map<String, HealthCheckConfig> healthChecks) {

  public BellwetherConfig {
    routers = routers == null ? Map.of() : Map.copyOf(routers);
    deployers = deployers == null ? Map.of() : Map.copyOf(deployers);
    healthChecks = healthChecks == null ? Map.of() : Map.copyOf(healthChecks);
  }
}
