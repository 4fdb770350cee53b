package io.bellwether.activities;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.deploy.CommandDeployer;
import io.bellwether.activities.deploy.Deployer;
import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.health.HealthCheck;
import io.bellwether.activities.health.HttpHealthCheck;
import io.bellwether.activities.router.TrafficRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The configured adapters by name: the world the worker may touch. Built once at startup; nothing
 * is connected or started while building, so a router that is down does not stop the worker.
 */
public final class AdapterRegistry {
  /** Router adapter types. */
  public static final List<String> ROUTER_TYPES = List.of("haproxy");

  /** Deployer adapter types. */
  public static final List<String> DEPLOYER_TYPES = List.of("command", "process");

  /** Health check adapter types. */
  public static final List<String> HEALTH_CHECK_TYPES = List.of("http");

  private final Map<String, TrafficRouter> routers;
  private final Map<String, Deployer> deployers;
  private final Map<String, HealthCheck> healthChecks;

  /** A registry of ready-made adapters, for tests and for embedding with other adapters. */
  public AdapterRegistry(
      Map<String, TrafficRouter> routers,
      Map<String, Deployer> deployers,
      Map<String, HealthCheck> healthChecks) {
    this.routers = Map.copyOf(routers);
    this.deployers = Map.copyOf(deployers);
    this.healthChecks = Map.copyOf(healthChecks);
  }

  /**
   * Builds every adapter {@code config} names. Throws {@link IllegalStateException} listing every
   * problem, one per line as {@code bellwether.<kind>.<name>.<setting>: reason}, when an entry has
   * a missing or unknown {@code type} or lacks a setting its type requires. There is no default
   * type: a typo must stop the worker, not pick some adapter.
   */
  public static AdapterRegistry fromConfig(BellwetherConfig config) {
    List<String> problems = new ArrayList<>();
    Map<String, TrafficRouter> routers =
        build(
            "routers",
            config.routers(),
            ROUTER_TYPES,
            AdapterRegistry::router,
            RouterConfig::type,
            problems);
    Map<String, Deployer> deployers =
        build(
            "deployers",
            config.deployers(),
            DEPLOYER_TYPES,
            AdapterRegistry::deployer,
            DeployerConfig::type,
            problems);
    Map<String, HealthCheck> checks =
        build(
            "health-checks",
            config.healthChecks(),
            HEALTH_CHECK_TYPES,
            AdapterRegistry::healthCheck,
            HealthCheckConfig::type,
            problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Bellwether configuration has "
              + problems.size()
              + " problem(s):\n  "
              + String.join("\n  ", problems));
    }
    return new AdapterRegistry(routers, deployers, checks);
  }

  /** The router configured under {@code name}, or empty. */
  public Optional<TrafficRouter> router(String name) {
    return Optional.ofNullable(name == null ? null : routers.get(name));
  }

  /** The deployer configured under {@code name}, or empty. */
  public Optional<Deployer> deployer(String name) {
    return Optional.ofNullable(name == null ? null : deployers.get(name));
  }

  /** The health check configured under {@code name}, or empty. */
  public Optional<HealthCheck> healthCheck(String name) {
    return Optional.ofNullable(name == null ? null : healthChecks.get(name));
  }

  /** Configured router names. */
  public Set<String> routerNames() {
    return routers.keySet();
  }

  /** Configured deployer names. */
  public Set<String> deployerNames() {
    return deployers.keySet();
  }

  /** Configured health check names. */
  public Set<String> healthCheckNames() {
    return healthChecks.keySet();
  }

  private interface Factory<C, A> {
    /** The adapter, or null after adding problems (prefixed by the caller) to the list. */
    A create(C config, String type, List<String> problems);
  }

  private static <C, A> Map<String, A> build(
      String kind,
      Map<String, C> entries,
      List<String> types,
      Factory<C, A> factory,
      Function<C, String> typeOf,
      List<String> problems) {
    Map<String, A> out = new TreeMap<>();
    // Sorted, so the list of problems reads the same on every start.
    for (Map.Entry<String, C> e : new TreeMap<>(entries).entrySet()) {
      String prefix = "bellwether." + kind + "." + e.getKey();
      C cfg = e.getValue();
      if (cfg == null) {
        problems.add(prefix + ": empty entry (needs at least 'type', one of " + types + ")");
        continue;
      }
      String type = typeOf.apply(cfg);
      if (type == null || type.isBlank()) {
        problems.add(prefix + ".type: missing (one of " + types + ")");
        continue;
      }
      if (!types.contains(type)) {
        problems.add(prefix + ".type: unknown type '" + type + "' (one of " + types + ")");
        continue;
      }
      List<String> own = new ArrayList<>();
      A adapter = null;
      try {
        adapter = factory.create(cfg, type, own);
      } catch (IllegalArgumentException ex) {
        own.add(": " + ex.getMessage());
      }
      for (String p : own) {
        problems.add(prefix + p);
      }
      if (own.isEmpty() && adapter != null) {
        out.put(e.getKey(), adapter);
      }
    }
    return out;
  }

  private static TrafficRouter router(RouterConfig c, String type, List<String> problems) {
    if (c.runtimeApi() == null || c.runtimeApi().isBlank()) {
      problems.add(
          ".runtime-api: required for type haproxy (unix:/path/admin.sock or tcp:127.0.0.1:9999)");
    } else {
      String why = HaproxyRuntimeApi.endpointProblem(c.runtimeApi());
      if (why != null) {
        problems.add(".runtime-api: " + why);
      }
    }
    if (c.commandTimeout() != null
        && (c.commandTimeout().isZero() || c.commandTimeout().isNegative())) {
      problems.add(".command-timeout: must be positive");
    }
    return problems.isEmpty()
        ? new HaproxyRouter(new HaproxyRuntimeApi(c.runtimeApi(), c.commandTimeout()))
        : null;
  }

  private static Deployer deployer(DeployerConfig c, String type, List<String> problems) {
    if (c.command() == null || c.command().isEmpty()) {
      problems.add(".command: required for type " + type + " (an argv list)");
    }
    if (type.equals("process") && (c.workDir() == null || c.workDir().isBlank())) {
      problems.add(".work-dir: required for type process");
    }
    if (c.timeout() != null && (c.timeout().isZero() || c.timeout().isNegative())) {
      problems.add(".timeout: must be positive");
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return type.equals("command") ? new CommandDeployer(c) : new ProcessDeployer(c);
  }

  private static HealthCheck healthCheck(HealthCheckConfig c, String type, List<String> problems) {
    if (c.scheme() != null
        && !c.scheme().isBlank()
        && !c.scheme().equals("http")
        && !c.scheme().equals("https")) {
      problems.add(".scheme: must be http or https, not '" + c.scheme() + "'");
    }
    if (c.requestTimeout() != null
        && (c.requestTimeout().isZero() || c.requestTimeout().isNegative())) {
      problems.add(".request-timeout: must be positive");
    }
    return problems.isEmpty() ? new HttpHealthCheck(c) : null;
  }
}
