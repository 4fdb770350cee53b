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
 * @param notifiers {@code bellwether.notifiers.<name>}: where run notifications go; the URLs are
 *     secrets and print redacted
 * @param notifyRoutes {@code bellwether.notify}: which notifiers hear about which service (not
 *     named {@code notify}, which {@link Object} already uses)
 * @param metrics {@code bellwether.metrics.<name>}: metrics providers canary analyses query
 * @param services {@code bellwether.services.<name>}: services chaos experiments may act on
 * @param faultInjectors {@code bellwether.fault-injectors.<name>}: the faults they may inject
 */
public record BellwetherConfig(
    Map<String, RouterConfig> routers,
    Map<String, DeployerConfig> deployers,
    Map<String, HealthCheckConfig> healthChecks,
    ApproversConfig approvers,
    IdentityConfig identity,
    Map<String, NotifierConfig> notifiers,
    NotifyRoutes notifyRoutes,
    Map<String, MetricsConfig> metrics,
    Map<String, ServiceConfig> services,
    Map<String, FaultInjectorConfig> faultInjectors) {

  public BellwetherConfig {
    routers = routers == null ? Map.of() : Map.copyOf(routers);
    deployers = deployers == null ? Map.of() : Map.copyOf(deployers);
    healthChecks = healthChecks == null ? Map.of() : Map.copyOf(healthChecks);
    approvers = approvers == null ? new ApproversConfig(null) : approvers;
    identity = identity == null ? new IdentityConfig(null, null) : identity;
    // A null entry stays in, so that startup can report it instead of silently dropping it.
    notifiers =
        notifiers == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(notifiers));
    notifyRoutes = notifyRoutes == null ? NotifyRoutes.none() : notifyRoutes;
    // As for notifiers: an empty entry must reach startup's list of problems.
    metrics =
        metrics == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metrics));
    services =
        services == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(services));
    faultInjectors =
        faultInjectors == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(faultInjectors));
  }

  /** Without services or fault injectors, as before chaos experiments existed. */
  public BellwetherConfig(
      Map<String, RouterConfig> routers,
      Map<String, DeployerConfig> deployers,
      Map<String, HealthCheckConfig> healthChecks,
      ApproversConfig approvers,
      IdentityConfig identity,
      Map<String, NotifierConfig> notifiers,
      NotifyRoutes notifyRoutes,
      Map<String, MetricsConfig> metrics) {
    this(
        routers, deployers, healthChecks, approvers, identity, notifiers, notifyRoutes, metrics,
        null, null);
  }

  /** Without metrics providers, as before canary analysis existed. */
  public BellwetherConfig(
      Map<String, RouterConfig> routers,
      Map<String, DeployerConfig> deployers,
      Map<String, HealthCheckConfig> healthChecks,
      ApproversConfig approvers,
      IdentityConfig identity,
      Map<String, NotifierConfig> notifiers,
      NotifyRoutes notifyRoutes) {
    this(
        routers, deployers, healthChecks, approvers, identity, notifiers, notifyRoutes, null, null,
        null);
  }

  /** Without notifiers, as before notifications existed. */
  public BellwetherConfig(
      Map<String, RouterConfig> routers,
      Map<String, DeployerConfig> deployers,
      Map<String, HealthCheckConfig> healthChecks,
      ApproversConfig approvers,
      IdentityConfig identity) {
    this(routers, deployers, healthChecks, approvers, identity, null, null, null, null, null);
  }

  /** Without approver groups or identity keys, as before gates existed. */
  public BellwetherConfig(
      Map<String, RouterConfig> routers,
      Map<String, DeployerConfig> deployers,
      Map<String, HealthCheckConfig> healthChecks) {
    this(routers, deployers, healthChecks, null, null, null, null, null, null, null);
  }
}
