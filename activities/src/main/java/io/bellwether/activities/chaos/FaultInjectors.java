package io.bellwether.activities.chaos;

import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the adapter a configured fault injector's {@code type} names. Every type is one entry of
 * {@link #TYPES}: adding an injector is adding an entry there.
 */
public final class FaultInjectors {
  /** What a builder gets: the injector's name and configuration, and the configured world. */
  private record Context(
      String name,
      FaultInjectorConfig config,
      Map<String, RouterConfig> routers,
      Map<String, DeployerConfig> deployers) {

    /** The runtime API of the injector's router, which must be configured and of type haproxy. */
    HaproxyRuntimeApi haproxy() {
      RouterConfig router = config.router() == null ? null : routers.get(config.router());
      if (router == null) {
        throw new IllegalArgumentException(
            "names router '" + config.router() + "', which is not configured");
      }
      if (!"haproxy".equals(router.type())) {
        throw new IllegalArgumentException(
            "of type " + config.type() + " needs a haproxy router, '" + config.router()
                + "' is of type " + router.type());
      }
      return new HaproxyRuntimeApi(router.runtimeApi(), router.commandTimeout());
    }

    /** The configured {@code work-dir}, which must be an absolute path. */
    Path workDir() {
      return absolute("work-dir", config.workDir());
    }

    static Path absolute(String key, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("needs '" + key + "'");
      }
      Path p = Path.of(value);
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("'" + key + "' must be an absolute path, got '" + value + "'");
      }
      return p;
    }
  }

  @FunctionalInterface
  private interface Builder {
    /** The injector; {@link IllegalArgumentException} with what is wrong in its configuration. */
    FaultInjector build(Context c);
  }

  /** Every type, by name, in the order problem messages list them. */
  private static final Map<String, Builder> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put(
        HaproxyLatencyInjector.TYPE,
        c -> new HaproxyLatencyInjector(c.config().router(), c.haproxy(), c.config().mapFile()));
    TYPES.put(
        HaproxyMaintenanceInjector.TYPE,
        c ->
            new HaproxyMaintenanceInjector(
                c.config().router(), c.haproxy(), c.config().mapFile(), c.config().stateFile()));
    TYPES.put(ProcessKillInjector.TYPE, FaultInjectors::processKill);
    TYPES.put(
        DiskFillInjector.TYPE,
        c -> new DiskFillInjector(Context.absolute("path", c.config().path())));
    TYPES.put(
        StressInjector.TYPE,
        c ->
            new StressInjector(
                c.config().command(), c.workDir(), StressInjector.DEFAULT_TIMEOUT_GRACE));
    TYPES.put(
        NftablesPartitionInjector.TYPE,
        c -> {
          HaproxyRuntimeApi api = c.haproxy();
          Path workDir = c.workDir();
          if (c.config().namespace() == null || c.config().namespace().isBlank()) {
            throw new IllegalArgumentException("needs 'namespace' (the network namespace the router runs in)");
          }
          return new NftablesPartitionInjector(c.config().router(), api, c.config().namespace(), workDir);
        });
    TYPES.put(
        ChaosMonkeyInjector.TYPE,
        c -> new ChaosMonkeyInjector(c.config().router(), c.haproxy(), c.workDir()));
  }

  private FaultInjectors() {}

  /** The configured types, in the order they are listed in error messages. */
  public static List<String> types() {
    return List.copyOf(TYPES.keySet());
  }

  /** {@link #create(String, FaultInjectorConfig, Map, Map)} with no deployers configured. */
  public static FaultInjector create(
      String name, FaultInjectorConfig config, Map<String, RouterConfig> routers) {
    return create(name, config, routers, Map.of());
  }

  /**
   * The injector configured as {@code name}, acting on its router from {@code routers} (the types
   * that act on servers) or deployer from {@code deployers} ({@code process-kill}). Throws {@link
   * IllegalArgumentException} (a startup error), its message starting {@code fault injector
   * '<name>'}, for a missing or unknown type, a router that is not configured or not of type
   * {@code haproxy}, a deployer that is not configured or not of type {@code process}, or a setting
   * the type requires that is missing or malformed; never falls back to a default.
   */
  public static FaultInjector create(
      String name,
      FaultInjectorConfig config,
      Map<String, RouterConfig> routers,
      Map<String, DeployerConfig> deployers) {
    if (config == null || config.type() == null || config.type().isBlank()) {
      throw new IllegalArgumentException("fault injector '" + name + "' has no type");
    }
    Builder builder = TYPES.get(config.type());
    if (builder == null) {
      throw new IllegalArgumentException(
          "fault injector '" + name + "' has unknown type '" + config.type() + "' (known: "
              + String.join(", ", TYPES.keySet()) + ")");
    }
    try {
      return builder.build(
          new Context(
              name,
              config,
              routers == null ? Map.of() : routers,
              deployers == null ? Map.of() : deployers));
    } catch (IllegalArgumentException e) {
      String why = e.getMessage();
      // Builders speak of the injector ("names router ...", "needs ..."), adapters in sentences.
      String glue = why != null && (why.startsWith("names ") || why.startsWith("needs ") || why.startsWith("of type ")) ? " " : ": ";
      throw new IllegalArgumentException("fault injector '" + name + "'" + glue + why, e);
    }
  }

  /** Through a {@code process} deployer, or through stop and start commands: one of the two. */
  private static FaultInjector processKill(Context c) {
    FaultInjectorConfig config = c.config();
    HaproxyRuntimeApi api = c.haproxy();
    Path workDir = c.workDir();
    boolean commands = config.stopCommand() != null || config.startCommand() != null;
    boolean deployer = config.deployer() != null && !config.deployer().isBlank();
    if (deployer == commands) {
      throw new IllegalArgumentException(
          "needs either 'deployer' (a process deployer) or both 'stop-command' and 'start-command'");
    }
    if (commands) {
      if (config.stopCommand() == null || config.stopCommand().isEmpty()
          || config.startCommand() == null || config.startCommand().isEmpty()) {
        throw new IllegalArgumentException("needs both 'stop-command' and 'start-command'");
      }
      return new ProcessKillInjector(
          config.router(), api, config.stopCommand(), config.startCommand(), workDir);
    }
    DeployerConfig d = c.deployers().get(config.deployer());
    if (d == null) {
      throw new IllegalArgumentException(
          "names deployer '" + config.deployer() + "', which is not configured");
    }
    if (!"process".equals(d.type())) {
      throw new IllegalArgumentException(
          "of type process-kill needs a process deployer, '" + config.deployer() + "' is of type " + d.type());
    }
    return new ProcessKillInjector(config.router(), api, new ProcessDeployer(d), workDir);
  }
}
