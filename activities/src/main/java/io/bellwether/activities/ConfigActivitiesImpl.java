package io.bellwether.activities;

import io.bellwether.activities.deploy.Deployer;
import io.bellwether.activities.router.PoolSwitch;
import io.bellwether.activities.router.TrafficRouter;
import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.canary.CanaryTarget;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@link ConfigActivities} against the {@link AdapterRegistry}. */
public class ConfigActivitiesImpl implements ConfigActivities {
  private final AdapterRegistry registry;

  public ConfigActivitiesImpl(AdapterRegistry registry) {
    this.registry = registry;
  }

  /**
   * One violation per name the configuration lacks ({@code target.router}, {@code target.deployer},
   * {@code target.healthCheck}, the latter defaulting to {@code http}), and {@code target.backend}
   * when the router has no such backend. Asks the router only when the router name is known; an
   * unreachable router fails retryably rather than being reported as a bad spec.
   */
  @Override
  public List<Violation> checkTarget(TargetRef target) {
    List<Violation> out = new ArrayList<>();
    Optional<TrafficRouter> router = registry.router(target.router());
    if (router.isEmpty()) {
      out.add(
          new Violation(
              "target.router", notConfigured("router", target.router(), registry.routerNames())));
    } else if (target.backend() == null || target.backend().isBlank()) {
      out.add(new Violation("target.backend", "is required"));
    } else {
      try {
        Failures.router(target.router(), () -> router.get().servers(target.backend()));
      } catch (ApplicationFailure e) {
        if (!FailureTypes.UNKNOWN_TARGET.equals(e.getType())) {
          throw e;
        }
        out.add(
            new Violation(
                "target.backend",
                "router '" + target.router() + "' has no backend '" + target.backend() + "'"));
      }
    }
    if (registry.deployer(target.deployer()).isEmpty()) {
      out.add(
          new Violation(
              "target.deployer",
              notConfigured("deployer", target.deployer(), registry.deployerNames())));
    }
    String check = target.healthCheckOrDefault();
    if (registry.healthCheck(check).isEmpty()) {
      String reason = notConfigured("health check", check, registry.healthCheckNames());
      if (target.healthCheck() == null || target.healthCheck().isBlank()) {
        reason += " (it is the default when target.healthCheck is not given)";
      }
      out.add(new Violation("target.healthCheck", reason));
    }
    return out;
  }

  /**
   * For a blue-green run, and not part of {@link ConfigActivities} (so older workflows are
   * untouched): one violation per name the configuration lacks ({@code target.router}, {@code
   * target.pool} when the router has no such pool, {@code target.deployer}, also when it cannot
   * provision, {@code target.healthCheck} defaulting to {@code http}). Reads configuration only;
   * the router is not asked, so it may be down.
   */
  @Override
  public List<Violation> checkBlueGreenTarget(BlueGreenTarget target) {
    List<Violation> out = new ArrayList<>();
    Optional<PoolSwitch> router = registry.poolSwitch(target.router());
    if (router.isEmpty()) {
      out.add(
          new Violation(
              "target.router", notConfigured("router", target.router(), registry.routerNames())));
    } else if (!router.get().pools().contains(target.pool())) {
      out.add(
          new Violation(
              "target.pool",
              notConfigured("pool", target.pool(), router.get().pools())
                  .replace("is configured", "is configured in router '" + target.router() + "'")));
    }
    checkProvisioningDeployer(out, target.deployer());
    String check = target.healthCheckOrDefault();
    if (registry.healthCheck(check).isEmpty()) {
      out.add(
          new Violation(
              "target.healthCheck",
              notConfigured("health check", check, registry.healthCheckNames())));
    }
    return out;
  }

  /**
   * For a canary run: one violation per name the configuration lacks or that does not fit. {@code
   * target.router}; {@code target.backend} when the router has no such backend (asked of the
   * router itself, so an unreachable router fails retryably rather than being reported as a bad
   * spec); {@code target.pool} when the router has no such pool or the pool's live (first) backend
   * is not {@code target.backend}; {@code target.deployer}, also when it cannot provision; {@code
   * target.healthCheck} defaulting to {@code http}; {@code target.metrics} when no such metrics
   * provider is configured (the provider is not asked: it may be down now and back by the first
   * analysis). Empty when all are known.
   */
  @Override
  public List<Violation> checkCanaryTarget(CanaryTarget target) {
    List<Violation> out = new ArrayList<>();
    Optional<TrafficRouter> router = registry.router(target.router());
    Optional<PoolSwitch> pools = registry.poolSwitch(target.router());
    if (router.isEmpty()) {
      out.add(
          new Violation(
              "target.router", notConfigured("router", target.router(), registry.routerNames())));
    } else {
      boolean backendGiven = target.backend() != null && !target.backend().isBlank();
      if (!backendGiven) {
        out.add(new Violation("target.backend", "is required"));
      } else if (!routerHasBackend(target.router(), router.get(), target.backend())) {
        out.add(
            new Violation(
                "target.backend",
                "router '" + target.router() + "' has no backend '" + target.backend() + "'"));
      }
      Set<String> known = pools.map(PoolSwitch::pools).orElse(Set.of());
      if (target.pool() == null || target.pool().isBlank() || !known.contains(target.pool())) {
        String reason =
            notConfigured("pool", target.pool(), known)
                .replace("is configured", "is configured in router '" + target.router() + "'");
        String fitting = backendGiven ? poolLiveOn(pools, target.backend()) : null;
        if (fitting != null) {
          reason += " (pool '" + fitting + "' routes to backend '" + target.backend() + "')";
        }
        out.add(new Violation("target.pool", reason));
      } else if (backendGiven) {
        List<String> backends = pools.get().backends(target.pool());
        if (backends.isEmpty() || !backends.get(0).equals(target.backend())) {
          out.add(
              new Violation(
                  "target.pool",
                  "pool '"
                      + target.pool()
                      + "' of router '"
                      + target.router()
                      + "' routes between "
                      + backends
                      + "; a canary pool's first (live) backend must be the stable backend '"
                      + target.backend()
                      + "'"));
        }
      }
    }
    checkProvisioningDeployer(out, target.deployer());
    String check = target.healthCheckOrDefault();
    if (registry.healthCheck(check).isEmpty()) {
      String reason = notConfigured("health check", check, registry.healthCheckNames());
      if (target.healthCheck() == null || target.healthCheck().isBlank()) {
        reason += " (it is the default when target.healthCheck is not given)";
      }
      out.add(new Violation("target.healthCheck", reason));
    }
    if (registry.metricsProvider(target.metrics()).isEmpty()) {
      out.add(
          new Violation(
              "target.metrics",
              notConfigured("metrics provider", target.metrics(), registry.metricsProviderNames())));
    }
    return out;
  }

  /** Whether the router knows {@code backend}; an unreachable router fails retryably. */
  private static boolean routerHasBackend(String name, TrafficRouter router, String backend) {
    try {
      Failures.router(name, () -> router.servers(backend));
      return true;
    } catch (ApplicationFailure e) {
      if (!FailureTypes.UNKNOWN_TARGET.equals(e.getType())) {
        throw e;
      }
      return false;
    }
  }

  /** A configured pool whose live (first) backend is {@code backend}, for a hint; else null. */
  private static String poolLiveOn(Optional<PoolSwitch> pools, String backend) {
    if (pools.isEmpty()) {
      return null;
    }
    for (String pool : new TreeSet<>(pools.get().pools())) {
      List<String> b = pools.get().backends(pool);
      if (!b.isEmpty() && b.get(0).equals(backend)) {
        return pool;
      }
    }
    return null;
  }

  private static String notConfigured(String kind, String name, Set<String> known) {
    String what =
        name == null || name.isBlank()
            ? "is required"
            : "no " + kind + " named '" + name + "' is configured";
    return what
        + "; configured: "
        + (known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known)));
  }

  /** A deployer named {@code name} that can provision new instances (blue-green, canary). */
  private void checkProvisioningDeployer(List<Violation> out, String name) {
    Optional<Deployer> deployer = registry.deployer(name);
    if (deployer.isEmpty()) {
      out.add(
          new Violation("target.deployer", notConfigured("deployer", name, registry.deployerNames())));
    } else if (!deployer.get().canProvision()) {
      out.add(
          new Violation(
              "target.deployer",
              "deployer '"
                  + name
                  + "' cannot provision new instances (a command deployer needs provision-command"
                  + " and decommission-command)"));
    }
  }
}
