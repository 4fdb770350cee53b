package io.bellwether.activities;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.config.MetricsConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.contracts.spec.Violation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration the target-check tests share: the router {@code edge} each test brings, the
 * deployers {@code local} (a process deployer, which can provision, working in {@code dir}) and
 * {@code script} (a command deployer, which cannot), the health check {@code http}, and the
 * metrics provider {@code prom}, which is never asked (a provider that is down now may be back by
 * the first read).
 */
final class TargetCheckConfig {
  private TargetCheckConfig() {}

  /** {@link ConfigActivitiesImpl} over that configuration with {@code edge} as router "edge". */
  static ConfigActivitiesImpl config(Path dir, RouterConfig edge) {
    return new ConfigActivitiesImpl(
        AdapterRegistry.fromConfig(
            new BellwetherConfig(
                Map.of("edge", edge),
                Map.of(
                    "local",
                    new DeployerConfig("process", List.of("run"), null, dir.toString(), null),
                    "script",
                    new DeployerConfig("command", List.of("deploy.sh"), null, null, null)),
                Map.of("http", new HealthCheckConfig("http", null, null)),
                null,
                null,
                null,
                null,
                Map.of("prom", new MetricsConfig("prometheus", "http://127.0.0.1:1", null)))));
  }

  /** The field paths of {@code v}, in order. */
  static List<String> fields(List<Violation> v) {
    return v.stream().map(Violation::field).toList();
  }
}
