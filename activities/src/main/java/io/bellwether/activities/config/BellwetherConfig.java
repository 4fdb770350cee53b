package io.bellwether.activities.config;

import java.util.Map;

/**
 * The worker's configuration of the outside world: everything a spec may name. Bound from the
 * {@code bellwether.*} properties of the worker. Maps are keyed by the name specs use.
 *
 * @param routers {@code bellwether.routers.<name>}
 * @param deployers {@code bellwether.deployers.<name>}
 * @param healthChecks {@code bellwether.health-checks.<name>}
 * @param approvers {@code bellwether.approvers}: groups of users that gates may name
 * @param identity {@code bellwether.identity}: keys that verify approval attestations
 */
public record BellwetherConfig(
    Map<String, RouterConfig> routers,
    Map<String, DeployerConfig> deployers,
    Map<String, HealthCheckConfig> healthChecks,
    ApproversConfig approvers,
    IdentityConfig identity) {

  public BellwetherConfig {
    routers = routers == null ? Map.of() : Map.copyOf(routers);
    deployers = deployers == null ? Map.of() : Map.copyOf(deployers);
    healthChecks = healthChecks == null ? Map.of() : Map.copyOf(healthChecks);
    approvers = approvers == null ? new ApproversConfig(null) : approvers;
    identity = identity == null ? new IdentityConfig(null, null) : identity;
  }

  /** Without approver groups or identity keys, as before gates existed. */
  public BellwetherConfig(
      Map<String, RouterConfig> routers,
      Map<String, DeployerConfig> deployers,
      Map<String, HealthCheckConfig> healthChecks) {
    this(routers, deployers, healthChecks, null, null);
  }
}
