package io.bellwether.activities;

import io.bellwether.activities.chaos.FaultInjector;
import io.bellwether.activities.chaos.FaultInjectors;
import io.bellwether.activities.config.ApproversConfig;
import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.config.IdentityConfig;
import io.bellwether.activities.config.MetricsConfig;
import io.bellwether.activities.config.NotifyRoutes;
import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.config.ServiceConfig;
import io.bellwether.activities.config.SloConfig;
import io.bellwether.activities.config.SplitConfig;
import io.bellwether.activities.deploy.CommandDeployer;
import io.bellwether.activities.deploy.Deployer;
import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyPoolSwitch;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.haproxy.HaproxySplit;
import io.bellwether.activities.health.HealthCheck;
import io.bellwether.activities.health.HttpHealthCheck;
import io.bellwether.activities.identity.Attestations;
import io.bellwether.activities.metrics.MetricsProvider;
import io.bellwether.activities.metrics.PrometheusProvider;
import io.bellwether.activities.notify.Notifier;
import io.bellwether.activities.notify.Notifiers;
import io.bellwether.activities.router.PoolSwitch;
import io.bellwether.activities.router.SplitRouter;
import io.bellwether.activities.router.TrafficRouter;
import io.bellwether.contracts.chaos.ChaosSpecValidator;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

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

  /** Metrics provider adapter types. */
  public static final List<String> METRICS_TYPES = List.of("prometheus");

  private final Map<String, TrafficRouter> routers;
  private final Map<String, PoolSwitch> poolSwitches;
  private final Map<String, Deployer> deployers;
  private final Map<String, HealthCheck> healthChecks;
  private final ApproversConfig approvers;
  private final IdentityConfig identity;
  private final Map<String, Notifier> notifiers;
  private final NotifyRoutes notifyRoutes;
  private final Map<String, MetricsProvider> metricsProviders;
  private final Map<String, SplitRouter> splitRouters;
  private final Map<String, ServiceConfig> services;
  private final Map<String, FaultInjector> faultInjectors;
  private final Map<String, FaultInjectorConfig> faultInjectorConfigs;

  /**
   * A registry of ready-made adapters, without pool switches, approver groups or identity keys,
   * for tests and for embedding with other adapters.
   */
  public AdapterRegistry(
      Map<String, TrafficRouter> routers,
      Map<String, Deployer> deployers,
      Map<String, HealthCheck> healthChecks) {
    this(routers, Map.of(), deployers, healthChecks, null, null);
  }

  /**
   * A registry of ready-made adapters. {@code poolSwitches} is keyed by router name, like {@code
   * routers}; null configs mean none.
   */
  public AdapterRegistry(
      Map<String, TrafficRouter> routers,
      Map<String, PoolSwitch> poolSwitches,
      Map<String, Deployer> deployers,
      Map<String, HealthCheck> healthChecks,
      ApproversConfig approvers,
      IdentityConfig identity) {
    this(routers, poolSwitches, deployers, healthChecks, approvers, identity, Map.of(), null);
  }

  /**
   * A registry of ready-made adapters with notifiers and their routes. The routes are not checked
   * against the notifiers here; {@link #fromConfig} does that.
   */
  public AdapterRegistry(
      Map<String, TrafficRouter> routers,
      Map<String, PoolSwitch> poolSwitches,
      Map<String, Deployer> deployers,
      Map<String, HealthCheck> healthChecks,
      ApproversConfig approvers,
      IdentityConfig identity,
      Map<String, Notifier> notifiers,
      NotifyRoutes notifyRoutes) {
    this(
        routers,
        poolSwitches,
        deployers,
        healthChecks,
        approvers,
        identity,
        notifiers,
        notifyRoutes,
        Map.of());
  }

  /** A registry of ready-made adapters with notifiers, their routes and metrics providers. */
  public AdapterRegistry(
      Map<String, TrafficRouter> routers,
      Map<String, PoolSwitch> poolSwitches,
      Map<String, Deployer> deployers,
      Map<String, HealthCheck> healthChecks,
      ApproversConfig approvers,
      IdentityConfig identity,
      Map<String, Notifier> notifiers,
      NotifyRoutes notifyRoutes,
      Map<String, MetricsProvider> metricsProviders) {
    this(
        routers,
        poolSwitches,
        deployers,
        healthChecks,
        approvers,
        identity,
        notifiers,
        notifyRoutes,
        metricsProviders,
        Map.of());
  }

  /**
   * A registry of ready-made adapters with everything, experiment splits too ({@code
   * splitRouters} keyed by router name, like {@code routers}).
   */
  public AdapterRegistry(
      Map<String, TrafficRouter> routers,
      Map<String, PoolSwitch> poolSwitches,
      Map<String, Deployer> deployers,
      Map<String, HealthCheck> healthChecks,
      ApproversConfig approvers,
      IdentityConfig identity,
      Map<String, Notifier> notifiers,
      NotifyRoutes notifyRoutes,
      Map<String, MetricsProvider> metricsProviders,
      Map<String, SplitRouter> splitRouters) {
    this(
        routers,
        poolSwitches,
        deployers,
        healthChecks,
        approvers,
        identity,
        notifiers,
        notifyRoutes,
        metricsProviders,
        splitRouters,
        Map.of(),
        Map.of(),
        Map.of());
  }

  /**
   * A registry of ready-made adapters with everything, chaos experiments' services and fault
   * injectors too. {@code faultInjectorConfigs} holds the configuration each injector was built
   * from (its router is checked against the service's); an injector without one has no router.
   */
  public AdapterRegistry(
      Map<String, TrafficRouter> routers,
      Map<String, PoolSwitch> poolSwitches,
      Map<String, Deployer> deployers,
      Map<String, HealthCheck> healthChecks,
      ApproversConfig approvers,
      IdentityConfig identity,
      Map<String, Notifier> notifiers,
      NotifyRoutes notifyRoutes,
      Map<String, MetricsProvider> metricsProviders,
      Map<String, SplitRouter> splitRouters,
      Map<String, ServiceConfig> services,
      Map<String, FaultInjector> faultInjectors,
      Map<String, FaultInjectorConfig> faultInjectorConfigs) {
    this.services = services == null ? Map.of() : Map.copyOf(services);
    this.faultInjectors = faultInjectors == null ? Map.of() : Map.copyOf(faultInjectors);
    this.faultInjectorConfigs =
        faultInjectorConfigs == null ? Map.of() : Map.copyOf(faultInjectorConfigs);
    this.splitRouters = splitRouters == null ? Map.of() : Map.copyOf(splitRouters);
    this.metricsProviders = metricsProviders == null ? Map.of() : Map.copyOf(metricsProviders);
    this.notifiers = notifiers == null ? Map.of() : Map.copyOf(notifiers);
    this.notifyRoutes = notifyRoutes == null ? NotifyRoutes.none() : notifyRoutes;
    this.routers = Map.copyOf(routers);
    this.poolSwitches = Map.copyOf(poolSwitches);
    this.deployers = Map.copyOf(deployers);
    this.healthChecks = Map.copyOf(healthChecks);
    this.approvers = approvers == null ? new ApproversConfig(null) : approvers;
    this.identity = identity == null ? new IdentityConfig(null, null) : identity;
  }

  /**
   * Builds every adapter {@code config} names. Throws {@link IllegalStateException} listing every
   * problem, one per line as {@code bellwether.<kind>.<name>.<setting>: reason}, when an entry has
   * a missing or unknown {@code type} or lacks a setting its type requires. There is no default
   * type: a typo must stop the worker, not pick some adapter. Pools ({@code
   * bellwether.routers.<name>.pools.<pool>}), splits ({@code
   * bellwether.routers.<name>.splits.<split>}), approver groups and identity keys are checked too,
   * and so are notifiers ({@code bellwether.notifiers.<name>}, never echoing a URL) and their
   * routes ({@code bellwether.notify.*}): a route naming an unconfigured notifier is a problem.
   * Metrics providers ({@code bellwether.metrics.<name>}) need a known type and a URL, which no
   * problem line repeats. Services ({@code bellwether.services.<name>}) need a configured router, a
   * backend, and a configured metrics provider when they name one or have an SLO; their zones must
   * list servers, their endpoints be http(s) URLs (never echoed), their SLO complete, and their
   * max-impaired-share within (0, 1]. Fault injectors ({@code bellwether.fault-injectors.<name>})
   * are built by {@link FaultInjectors}, whose refusal becomes the problem line.
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
    Map<String, MetricsProvider> metrics =
        build(
            "metrics",
            config.metrics(),
            METRICS_TYPES,
            AdapterRegistry::metricsProvider,
            MetricsConfig::type,
            problems);
    problems.addAll(approverProblems(config.approvers()));
    problems.addAll(identityProblems(config.identity()));
    Map<String, Notifier> notifiers = Notifiers.build(config.notifiers(), problems);
    problems.addAll(routeProblems(config.notifyRoutes(), config.notifiers().keySet()));
    Map<String, ServiceConfig> services = services(config, problems);
    Map<String, FaultInjector> injectors = faultInjectors(config, problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Bellwether configuration has "
              + problems.size()
              + " problem(s):\n  "
              + String.join("\n  ", problems));
    }
    Map<String, PoolSwitch> switches = new TreeMap<>();
    Map<String, SplitRouter> splitRouters = new TreeMap<>();
    for (String name : routers.keySet()) {
      RouterConfig c = config.routers().get(name);
      HaproxyRuntimeApi api = new HaproxyRuntimeApi(c.runtimeApi(), c.commandTimeout());
      // Variant slots are assigned through the pool switch: it saves their state files too.
      List<String> splitStateFiles =
          c.splits().values().stream().map(SplitConfig::stateFile).toList();
      switches.put(name, new HaproxyPoolSwitch(api, c.pools(), splitStateFiles));
      splitRouters.put(name, new HaproxySplit(name, api, c.splits()));
    }
    return new AdapterRegistry(
        routers,
        switches,
        deployers,
        checks,
        config.approvers(),
        config.identity(),
        notifiers,
        config.notifyRoutes(),
        metrics,
        splitRouters,
        services,
        injectors,
        config.faultInjectors());
  }

  /** The service configured under {@code name}, or empty. */
  public Optional<ServiceConfig> service(String name) {
    return Optional.ofNullable(name == null ? null : services.get(name));
  }

  /** Configured service names. */
  public Set<String> serviceNames() {
    return services.keySet();
  }

  /** The fault injector configured under {@code name}, or empty. */
  public Optional<FaultInjector> faultInjector(String name) {
    return Optional.ofNullable(name == null ? null : faultInjectors.get(name));
  }

  /** The configuration the fault injector {@code name} was built from, or empty. */
  public Optional<FaultInjectorConfig> faultInjectorConfig(String name) {
    return Optional.ofNullable(name == null ? null : faultInjectorConfigs.get(name));
  }

  /** Configured fault injector names. */
  public Set<String> faultInjectorNames() {
    return faultInjectors.keySet();
  }

  /** The experiment splits of the router configured under {@code name}, or empty. */
  public Optional<SplitRouter> splitRouter(String name) {
    return Optional.ofNullable(name == null ? null : splitRouters.get(name));
  }

  /** The metrics provider configured under {@code name}, or empty. */
  public Optional<MetricsProvider> metricsProvider(String name) {
    return Optional.ofNullable(name == null ? null : metricsProviders.get(name));
  }

  /** Configured metrics provider names. */
  public Set<String> metricsProviderNames() {
    return metricsProviders.keySet();
  }

  /** The blue-green switch of the router configured under {@code name}, or empty. */
  public Optional<PoolSwitch> poolSwitch(String name) {
    return Optional.ofNullable(name == null ? null : poolSwitches.get(name));
  }

  /** Approver groups from {@code bellwether.approvers}. */
  public ApproversConfig approvers() {
    return approvers;
  }

  /** Attestation keys from {@code bellwether.identity}. */
  public IdentityConfig identity() {
    return identity;
  }

  /** The notifier configured under {@code name}, or empty. */
  public Optional<Notifier> notifier(String name) {
    return Optional.ofNullable(name == null ? null : notifiers.get(name));
  }

  /** Configured notifier names. */
  public Set<String> notifierNames() {
    return notifiers.keySet();
  }

  /** Which notifiers hear about which service, from {@code bellwether.notify}. */
  public NotifyRoutes notifyRoutes() {
    return notifyRoutes;
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
        // A URL pasted into the type setting may carry a credential.
        String shown = type.contains("://") ? "<a URL>" : "'" + type + "'";
        problems.add(prefix + ".type: unknown type " + shown + " (one of " + types + ")");
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
    Set<String> seenBackends = new HashSet<>();
    for (Map.Entry<String, PoolConfig> e : new TreeMap<>(c.pools()).entrySet()) {
      String p = ".pools." + e.getKey();
      PoolConfig pool = e.getValue();
      if (pool == null) {
        problems.add(p + ": empty entry (needs backends, map-file and state-file)");
        continue;
      }
      List<String> backends = pool.backends();
      if (backends.size() != 2
          || backends.stream().anyMatch(b -> b == null || !HAPROXY_NAME.matcher(b).matches())
          || backends.get(0).equals(backends.get(1))) {
        problems.add(
            p + ".backends: must name exactly two different HAProxy backends, got " + backends);
      } else {
        claimBackends(p, backends, seenBackends, "another pool", problems);
      }
      fileProblems(
          p,
          pool.mapFile(),
          "the map file the pool's frontend routes by",
          pool.stateFile(),
          problems);
    }
    splitProblems(c, seenBackends, problems);
    return problems.isEmpty()
        ? new HaproxyRouter(new HaproxyRuntimeApi(c.runtimeApi(), c.commandTimeout()))
        : null;
  }

  private static final Pattern SPLIT_NAME =
      Pattern.compile("[A-Za-z0-9_]{1,64}");
  private static final Pattern HEADER_NAME =
      Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern COOKIE_NAME =
      Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** {@code .splits.<split>.*}: names HAProxy rules can hold, and files a reload keeps. */
  private static void splitProblems(RouterConfig c, Set<String> seenBackends, List<String> problems) {
    for (Map.Entry<String, SplitConfig> e : new TreeMap<>(c.splits()).entrySet()) {
      String p = ".splits." + e.getKey();
      SplitConfig split = e.getValue();
      if (!SPLIT_NAME.matcher(e.getKey()).matches()) {
        problems.add(p + ": a split name must be letters, digits and _ (it names HAProxy variables)");
      }
      if (split == null) {
        problems.add(p + ": empty entry (needs backends, map-file and state-file)");
        continue;
      }
      List<String> backends = split.backends();
      if (backends.size() < 2
          || backends.stream()
              .anyMatch(b -> b == null || !HAPROXY_NAME.matcher(b).matches() || b.equals(HaproxySplit.OUT))
          || new HashSet<>(backends).size() != backends.size()) {
        problems.add(
            p + ".backends: must name two or more different HAProxy backends (not '"
                + HaproxySplit.OUT + "'), got " + backends);
      } else {
        claimBackends(p, backends, seenBackends, "a pool or another split", problems);
      }
      fileProblems(
          p,
          split.mapFile(),
          "the split's own map file, as in haproxy.cfg",
          split.stateFile(),
          problems);
      String header = "a header name (letters, digits and -)";
      String cookie = "a cookie name (letters, digits, _ and -)";
      nameProblem(p + ".user-header", HEADER_NAME, split.userHeader(), header, problems);
      nameProblem(p + ".segment-header", HEADER_NAME, split.segmentHeader(), header, problems);
      nameProblem(p + ".segment-cookie", COOKIE_NAME, split.segmentCookie(), cookie, problems);
      nameProblem(p + ".sticky-cookie", COOKIE_NAME, split.stickyCookie(), cookie, problems);
    }
  }

  /**
   * Adds a problem for each backend of entry {@code p} that {@code seen} already holds (it belongs
   * to {@code elsewhere} too: "another pool"), and adds the rest to {@code seen}.
   */
  private static void claimBackends(
      String p, List<String> backends, Set<String> seen, String elsewhere, List<String> problems) {
    for (String b : backends) {
      if (!seen.add(b)) {
        problems.add(p + ".backends: backend '" + b + "' belongs to " + elsewhere + " as well");
      }
    }
  }

  /**
   * The files of a pool or split entry {@code p}: its map file (required, {@code mapFileIs} says
   * which file it is) must be an absolute path without spaces as in haproxy.cfg; its state file
   * (HAProxy's server-state-file) must be an absolute path.
   */
  private static void fileProblems(
      String p, String mapFile, String mapFileIs, String stateFile, List<String> problems) {
    if (mapFile == null || mapFile.isBlank()) {
      problems.add(p + ".map-file: required (" + mapFileIs + ")");
    } else if (!mapFile.startsWith("/") || mapFile.matches(".*\\s.*")) {
      problems.add(p + ".map-file: must be an absolute path without spaces, as in haproxy.cfg");
    }
    if (stateFile == null || stateFile.isBlank()) {
      problems.add(
          p + ".state-file: required (HAProxy's server-state-file, so a reload keeps the slots)");
    } else if (!Path.of(stateFile).isAbsolute()) {
      problems.add(p + ".state-file: must be an absolute path");
    }
  }

  /** Adds "{@code key}: must be {@code mustBe}" when {@code value} does not match {@code form}. */
  private static void nameProblem(
      String key, Pattern form, String value, String mustBe, List<String> problems) {
    if (!form.matcher(value).matches()) {
      problems.add(key + ": must be " + mustBe);
    }
  }

  private static final Pattern HAPROXY_NAME =
      Pattern.compile("[A-Za-z0-9_.:-]+");

  private static List<String> approverProblems(ApproversConfig c) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : new TreeMap<>(c.groups()).entrySet()) {
      List<String> users = e.getValue();
      for (int i = 0; i < users.size(); i++) {
        if (users.get(i) == null || users.get(i).isBlank()) {
          out.add("bellwether.approvers.groups." + e.getKey() + "[" + i + "]: empty user name");
        }
      }
    }
    return out;
  }

  /**
   * Every route entry that is blank or names no configured notifier. A name that looks like a URL
   * (pasted into the wrong setting) is not echoed.
   */
  static List<String> routeProblems(NotifyRoutes routes, Set<String> configured) {
    List<String> out = new ArrayList<>();
    String known = configured.isEmpty() ? "none" : String.join(", ", new TreeSet<>(configured));
    routeProblems("bellwether.notify.default", routes.defaults(), configured, known, out);
    for (Map.Entry<String, List<String>> e : new TreeMap<>(routes.services()).entrySet()) {
      routeProblems(
          "bellwether.notify.services." + e.getKey(), e.getValue(), configured, known, out);
    }
    return out;
  }

  private static void routeProblems(
      String at, List<String> names, Set<String> configured, String known, List<String> out) {
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name == null || name.isBlank()) {
        out.add(at + "[" + i + "]: empty notifier name");
      } else if (!configured.contains(name)) {
        String shown = name.contains("://") ? "<a URL>" : "'" + name + "'";
        out.add(
            at
                + "["
                + i
                + "]: no notifier "
                + shown
                + " is configured under bellwether.notifiers; configured: "
                + known);
      }
    }
  }

  private static List<String> identityProblems(IdentityConfig c) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(c.keys()).entrySet()) {
      String p = "bellwether.identity.keys." + e.getKey();
      if (!Attestations.isValidKeyId(e.getKey())) {
        out.add(p + ": key id must be letters, digits, _ or - (up to 64)");
      }
      // Never print the secret itself.
      if (e.getValue() == null || e.getValue().length() < 16) {
        out.add(p + ": secret must be at least 16 characters");
      }
    }
    if (c.maxAge().isZero() || c.maxAge().isNegative()) {
      out.add("bellwether.identity.max-age: must be positive");
    }
    return out;
  }

  private static Deployer deployer(DeployerConfig c, String type, List<String> problems) {
    if (c.command() == null || c.command().isEmpty()) {
      problems.add(".command: required for type " + type + " (an argv list)");
    }
    boolean provision = c.provisionCommand() != null && !c.provisionCommand().isEmpty();
    boolean decommission = c.decommissionCommand() != null && !c.decommissionCommand().isEmpty();
    if (type.equals("process") && (provision || decommission)) {
      problems.add(
          (provision ? ".provision-command" : ".decommission-command")
              + ": not used by type process (it provisions with 'command' on a free port)");
    }
    if (type.equals("command") && provision != decommission) {
      problems.add(
          provision
              ? ".decommission-command: required with provision-command (what is started must be removable)"
              : ".provision-command: required with decommission-command");
    }
    if (type.equals("command")
        && c.scrapeTargetsDir() != null
        && !c.scrapeTargetsDir().isBlank()) {
      problems.add(
          ".scrape-targets-dir: not used by type command (only the process deployer writes"
              + " scrape target files)");
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

  private static MetricsProvider metricsProvider(
      MetricsConfig c, String type, List<String> problems) {
    String why = PrometheusProvider.urlProblem(c.url());
    if (why != null) {
      problems.add(".url: " + why);
    }
    if (c.timeout() != null && (c.timeout().isZero() || c.timeout().isNegative())) {
      problems.add(".timeout: must be positive");
    }
    return problems.isEmpty() ? new PrometheusProvider(c) : null;
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

  /** The services of {@code bellwether.services}, after adding the problems of each. */
  private static Map<String, ServiceConfig> services(
      BellwetherConfig config, List<String> problems) {
    Map<String, ServiceConfig> out = new TreeMap<>();
    for (Map.Entry<String, ServiceConfig> e : config.services().entrySet()) {
      String p = "bellwether.services." + e.getKey();
      List<String> own = new ArrayList<>();
      if (!ChaosSpecValidator.NAME.matcher(e.getKey()).matches()) {
        own.add(": a service name must be letters, digits, '.', '_' or '-' (specs name it)");
      }
      ServiceConfig c = e.getValue();
      if (c == null) {
        own.add(": empty entry (needs at least router and backend)");
      } else {
        own.addAll(serviceProblems(c, config));
      }
      own.forEach(line -> problems.add(p + line));
      if (own.isEmpty()) {
        out.put(e.getKey(), c);
      }
    }
    return out;
  }

  /** The problems of one service entry, each starting with the key below the service's name. */
  static List<String> serviceProblems(ServiceConfig c, BellwetherConfig config) {
    List<String> out = new ArrayList<>();
    if (c.router() == null || c.router().isBlank()) {
      out.add(".router: required (a router under bellwether.routers)");
    } else if (!config.routers().containsKey(c.router())) {
      out.add(
          ".router: no router "
              + shown(c.router())
              + " is configured under bellwether.routers; configured: "
              + known(config.routers().keySet()));
    }
    if (c.backend() == null || c.backend().isBlank()) {
      out.add(
          ".backend: required (the router's backend whose servers are the service's instances)");
    } else if (!HAPROXY_NAME.matcher(c.backend()).matches()) {
      out.add(".backend: must be a backend name (letters, digits, '_', '.', ':' or '-')");
    }
    if (c.metrics() == null || c.metrics().isBlank()) {
      if (c.slo() != null) {
        out.add(
            ".metrics: required with slo (the metrics provider the SLO counters are read from)");
      }
    } else if (!config.metrics().containsKey(c.metrics())) {
      out.add(
          ".metrics: no metrics provider "
              + shown(c.metrics())
              + " is configured under bellwether.metrics; configured: "
              + known(config.metrics().keySet()));
    }
    Map<String, String> zoneOf = new TreeMap<>();
    for (Map.Entry<String, List<String>> z : c.zones().entrySet()) {
      String p = ".zones." + z.getKey();
      if (!ChaosSpecValidator.NAME.matcher(z.getKey()).matches()) {
        out.add(p + ": a zone name must be letters, digits, '.', '_' or '-' (specs name it)");
      }
      List<String> servers = z.getValue();
      if (servers == null || servers.isEmpty()) {
        out.add(p + ": lists no server (a zone is the list of its servers' names)");
        continue;
      }
      for (int i = 0; i < servers.size(); i++) {
        String server = servers.get(i);
        if (server == null || server.isBlank()) {
          out.add(p + "[" + i + "]: empty server name");
        } else if (!HAPROXY_NAME.matcher(server).matches()) {
          out.add(p + "[" + i + "]: must be a server name (letters, digits, '_', '.', ':' or '-')");
        } else {
          String other = zoneOf.putIfAbsent(server, z.getKey());
          if (other != null && !other.equals(z.getKey())) {
            out.add(p + "[" + i + "]: server '" + server + "' is in zone '" + other + "' too");
          } else if (other != null) {
            out.add(p + "[" + i + "]: server '" + server + "' is listed twice");
          }
        }
      }
    }
    for (Map.Entry<String, String> ep : c.endpoints().entrySet()) {
      String p = ".endpoints." + ep.getKey();
      if (!ChaosSpecValidator.NAME.matcher(ep.getKey()).matches()) {
        out.add(p + ": an endpoint name must be letters, digits, '.', '_' or '-' (probes name it)");
      }
      String why = endpointProblem(ep.getValue());
      if (why != null) {
        out.add(p + ": " + why);
      }
    }
    SloConfig slo = c.slo();
    if (slo != null) {
      if (slo.objective() == null || !(slo.objective() > 0 && slo.objective() < 1)) {
        out.add(".slo.objective: " + (slo.objective() == null ? "required, " : "must be ")
            + "above 0 and below 1 (the share of requests that must succeed, such as 0.99)");
      }
      if (slo.window() == null) {
        out.add(".slo.window: required (such as 1h)");
      } else if (slo.window().isZero() || slo.window().isNegative()) {
        out.add(".slo.window: must be positive");
      } else if (slo.window().toMillis() < 1000 || slo.window().getNano() % 1_000_000 != 0) {
        out.add(".slo.window: must be at least 1s, in whole milliseconds");
      }
      if (slo.total() == null || slo.total().isBlank()) {
        out.add(".slo.total: required (a selector of the counter of every request)");
      }
      if (slo.errors() == null || slo.errors().isBlank()) {
        out.add(".slo.errors: required (a selector of the counter of failed requests)");
      }
    }
    Double share = c.maxImpairedShare();
    if (share != null && !(share > 0 && share <= 1)) {
      out.add(".max-impaired-share: must be above 0 and at most 1");
    }
    return out;
  }

  /**
   * Why {@code url} cannot be a probe endpoint, or null when it can: an http(s) URL with a host.
   * Never echoes the URL, which may hold a password.
   */
  static String endpointProblem(String url) {
    if (url == null || url.isBlank()) {
      return "required (an http or https URL, such as http://127.0.0.1:8080/)";
    }
    try {
      URI u = new URI(url.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return "must be an http or https URL";
      }
      if (u.getHost() == null) {
        return "must be an http or https URL with a host";
      }
      return null;
    } catch (URISyntaxException e) {
      return "must be an http or https URL (this one does not parse)";
    }
  }

  /** The fault injectors of {@code bellwether.fault-injectors}, after adding their problems. */
  private static Map<String, FaultInjector> faultInjectors(
      BellwetherConfig config, List<String> problems) {
    Map<String, FaultInjector> out = new TreeMap<>();
    for (Map.Entry<String, FaultInjectorConfig> e : config.faultInjectors().entrySet()) {
      String name = e.getKey();
      String p = "bellwether.fault-injectors." + name;
      if (!ChaosSpecValidator.NAME.matcher(name).matches()) {
        problems.add(
            p + ": an injector name must be letters, digits, '.', '_' or '-' (specs name it)");
        continue;
      }
      if (e.getValue() == null) {
        problems.add(p + ": empty entry (needs at least 'type')");
        continue;
      }
      try {
        out.put(name, createInjector(name, e.getValue(), config));
      } catch (IllegalArgumentException ex) {
        problems.add(p + ": " + withoutName(ex.getMessage(), name));
      }
    }
    return out;
  }

  private static FaultInjector createInjector(
      String name, FaultInjectorConfig c, BellwetherConfig config) {
    return FaultInjectors.create(name, c, config.routers(), config.deployers());
  }

  /**
   * The factory's message without its leading {@code fault injector '<name>'}, which the problem
   * line's key already says; a message that looks like it holds a URL is not echoed.
   */
  static String withoutName(String message, String name) {
    if (message == null || message.isBlank()) {
      return "refused without saying why";
    }
    String m = message.strip();
    String lead = "fault injector '" + name + "'";
    if (m.startsWith(lead)) {
      m = m.substring(lead.length()).strip();
      if (m.startsWith(":")) {
        m = m.substring(1).strip();
      }
    }
    return m.contains("://") ? "refused (the reason holds a URL, not shown)" : m;
  }

  private static String shown(String name) {
    return name.contains("://") ? "<a URL>" : "'" + name + "'";
  }

  private static String known(Set<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names));
  }
}
