package io.bellwether.activities.config;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * A named traffic router.
 *
 * @param type adapter: {@code haproxy}
 * @param runtimeApi HAProxy runtime API: {@code unix:/path/to/admin.sock} or {@code
 *     tcp:127.0.0.1:9999}
 * @param commandTimeout longest wait for one runtime API answer; default 5s
 * @param pools blue-green pools by name, from {@code bellwether.routers.<name>.pools.<pool>}
 * @param splits experiment (A/B test) splits by name, from {@code
 *     bellwether.routers.<name>.splits.<split>}
 */
public record RouterConfig(
    String type,
    String runtimeApi,
    Duration commandTimeout,
    Map<String, PoolConfig> pools,
    Map<String, SplitConfig> splits) {

  // Several constructors: the binder must be told which one the properties fill.
  @ConstructorBinding
  public RouterConfig {
    pools = pools == null ? Map.of() : Map.copyOf(pools);
    splits = splits == null ? Map.of() : Map.copyOf(splits);
  }

  /** A router without experiment splits. */
  public RouterConfig(
      String type, String runtimeApi, Duration commandTimeout, Map<String, PoolConfig> pools) {
    this(type, runtimeApi, commandTimeout, pools, null);
  }

  /** A router without blue-green pools or splits. */
  public RouterConfig(String type, String runtimeApi, Duration commandTimeout) {
    this(type, runtimeApi, commandTimeout, null, null);
  }
}
