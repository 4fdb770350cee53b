package io.bellwether.activities;

import io.bellwether.activities.deploy.Deployer;
import io.bellwether.activities.router.PoolSwitch;
import io.bellwether.activities.router.SplitRouter;
import io.bellwether.contracts.abtest.ABTestTarget;
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
    checkHealthCheck(out, target.healthCheck(), target.healthCheckOrDefault());
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
              notConfiguredIn(target.router(), "pool", target.pool(), router.get().pools())));
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
      boolean backendGiven =
          checkStableBackend(out, target.router(), router.get(), target.backend());
      Set<String> known = pools.map(PoolSwitch::pools).orElse(Set.of());
      if (target.pool() == null || target.pool().isBlank() || !known.contains(target.pool())) {
        String reason = notConfiguredIn(target.router(), "pool", target.pool(), known);
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
    checkHealthCheckAndMetrics(
        out, target.healthCheck(), target.healthCheckOrDefault(), target.metrics());
    return out;
  }

  /**
   * For an A/B test: one violation per name the configuration lacks or that does not fit. {@code
   * target.router}; {@code target.backend} when the router has no such backend (asked of the router
   * itself, so an unreachable router fails retryably rather than being reported as a bad spec);
   * {@code target.split} when the router has no such split, or when the stable backend is one of
   * the split's variant backends; {@code target.deployer}, also when it cannot provision; {@code
   * target.healthCheck} defaulting to {@code http}; {@code target.metrics} when no such metrics
   * provider is configured (not asked). Empty when all are known.
   */
  @Override
  public List<Violation> checkABTestTarget(ABTestTarget target) {
    List<Violation> out = new ArrayList<>();
    Optional<TrafficRouter> router = registry.router(target.router());
    Optional<SplitRouter> splits = registry.splitRouter(target.router());
    if (router.isEmpty()) {
      out.add(
          new Violation(
              "target.router", notConfigured("router", target.router(), registry.routerNames())));
    } else {
      boolean backendGiven =
          checkStableBackend(out, target.router(), router.get(), target.backend());
      Set<String> known = splits.map(SplitRouter::splits).orElse(Set.of());
      if (target.split() == null || target.split().isBlank() || !known.contains(target.split())) {
        out.add(
            new Violation(
                "target.split", notConfiguredIn(target.router(), "split", target.split(), known)));
      } else if (backendGiven && splits.get().backends(target.split()).contains(target.backend())) {
        out.add(
            new Violation(
                "target.split",
                "split '"
                    + target.split()
                    + "' routes to "
                    + splits.get().backends(target.split())
                    + ", which include the stable backend '"
                    + target.backend()
                    + "'; the variants need backends of their own"));
      }
    }
    checkProvisioningDeployer(out, target.deployer());
    checkHealthCheckAndMetrics(
        out, target.healthCheck(), target.healthCheckOrDefault(), target.metrics());
    return out;
  }

  /**
   * Adds a {@code target.backend} violation when the stable {@code backend} is not given or router
   * {@code name} has no such backend; returns whether it was given.
   */
  private static boolean checkStableBackend(
      List<Violation> out, String name, TrafficRouter router, String backend) {
    boolean given = backend != null && !backend.isBlank();
    if (!given) {
      out.add(new Violation("target.backend", "is required"));
    } else if (!routerHasBackend(name, router, backend)) {
      out.add(
          new Violation("target.backend", "router '" + name + "' has no backend '" + backend + "'"));
    }
    return given;
  }

  /**
   * Adds a {@code target.healthCheck} violation when health check {@code check} (the name given,
   * {@code given}, or the default when that is blank) is not configured.
   */
  private void checkHealthCheck(List<Violation> out, String given, String check) {
    if (registry.healthCheck(check).isEmpty()) {
      String reason = notConfigured("health check", check, registry.healthCheckNames());
      if (given == null || given.isBlank()) {
        reason += " (it is the default when target.healthCheck is not given)";
      }
      out.add(new Violation("target.healthCheck", reason));
    }
  }

  /**
   * {@link #checkHealthCheck}, and a {@code target.metrics} violation when metrics provider {@code
   * metrics} is not configured (the provider is not asked: it may be down now and back later).
   */
  private void checkHealthCheckAndMetrics(
      List<Violation> out, String given, String check, String metrics) {
    checkHealthCheck(out, given, check);
    if (registry.metricsProvider(metrics).isEmpty()) {
      out.add(
          new Violation(
              "target.metrics",
              notConfigured("metrics provider", metrics, registry.metricsProviderNames())));
    }
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
  /** {@link #notConfigured} for a {@code kind} that lives in router {@code router}. */
  private static String notConfiguredIn(
      String router, String kind, String name, Set<String> known) {
    return notConfigured(kind, name, known)
        .replace("is configured", "is configured in router '" + router + "'");
  }


  /** A deployer named {@code name} that can provision new instances (blue-green, canary, A/B). */
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
