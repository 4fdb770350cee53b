package io.bellwether.activities.chaos;

import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import java.util.Map;

/** Builds the adapter a configured fault injector's {@code type} names. */
public final class FaultInjectors {
  private FaultInjectors() {}

  /**
   * The injector configured as {@code name}, acting on its router from {@code routers}. Throws
   * {@link IllegalArgumentException} (a startup error) for a missing or unknown type, a router that
   * is not configured or not of type {@code haproxy}, or a missing map file; never falls back to a
   * default.
   */
  public static FaultInjector create(
      String name, FaultInjectorConfig config, Map<String, RouterConfig> routers) {
    if (config == null || config.type() == null || config.type().isBlank()) {
      throw new IllegalArgumentException("fault injector '" + name + "' has no type");
    }
    if (!config.type().equals(HaproxyLatencyInjector.TYPE)
        && !config.type().equals(HaproxyMaintenanceInjector.TYPE)) {
      throw new IllegalArgumentException(
          "fault injector '"
              + name
              + "' has unknown type '"
              + config.type()
              + "' (known: "
              + HaproxyLatencyInjector.TYPE
              + ", "
              + HaproxyMaintenanceInjector.TYPE
              + ")");
    }
    RouterConfig router = config.router() == null ? null : routers.get(config.router());
    if (router == null) {
      throw new IllegalArgumentException(
          "fault injector '" + name + "' names router '" + config.router() + "', which is not configured");
    }
    if (!"haproxy".equals(router.type())) {
      throw new IllegalArgumentException(
          "fault injector '" + name + "' of type " + config.type() + " needs a haproxy router, '"
              + config.router() + "' is of type " + router.type());
    }
    HaproxyRuntimeApi api = new HaproxyRuntimeApi(router.runtimeApi(), router.commandTimeout());
    try {
      return config.type().equals(HaproxyLatencyInjector.TYPE)
          ? new HaproxyLatencyInjector(config.router(), api, config.mapFile())
          : new HaproxyMaintenanceInjector(
              config.router(), api, config.mapFile(), config.stateFile());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fault injector '" + name + "': " + e.getMessage(), e);
    }
  }
}
