package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.MetricsConfig;
import io.bellwether.activities.metrics.PrometheusProvider;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bellwether.metrics.<name>} and the process deployer's {@code scrape-targets-dir}. */
class MetricsConfigTest {
  private static final String PASSWORD = "hunter2-do-not-print";

  private static BellwetherConfig withMetrics(Map<String, MetricsConfig> metrics) {
    return new BellwetherConfig(null, null, null, null, null, null, null, metrics);
  }

  @Test
  void aPrometheusProviderIsBuiltWithoutConnecting() {
    AdapterRegistry r =
        AdapterRegistry.fromConfig(
            withMetrics(
                Map.of(
                    "prom",
                    new MetricsConfig("prometheus", "http://127.0.0.1:1", Duration.ofSeconds(3)))));
    PrometheusProvider p = assertInstanceOf(PrometheusProvider.class, r.metricsProvider("prom").orElseThrow());
    assertEquals(Duration.ofSeconds(3), p.timeout());
    assertEquals(List.of("prom"), List.copyOf(r.metricsProviderNames()));
    assertTrue(r.metricsProvider("other").isEmpty());
    assertTrue(r.metricsProvider(null).isEmpty());
  }

  @Test
  void everyMetricsProblemIsListedAtOnceAndNoUrlIsRepeated() {
    Map<String, MetricsConfig> metrics = new HashMap<>();
    metrics.put("a", new MetricsConfig(null, "http://127.0.0.1:9090", null));
    metrics.put("b", new MetricsConfig("datadog", "http://127.0.0.1:9090", null));
    metrics.put("c", new MetricsConfig("prometheus", null, null));
    metrics.put("d", new MetricsConfig("prometheus", "ftp://admin:" + PASSWORD + "@h:1", Duration.ZERO));
    metrics.put("e", null);
    metrics.put("f", new MetricsConfig("http://admin:" + PASSWORD + "@h:1", null, null));
    Map<String, DeployerConfig> deployers =
        Map.of(
            "script",
            new DeployerConfig(
                "command",
                List.of("deploy.sh"),
                null,
                null,
                null,
                List.of("provision.sh"),
                List.of("decommission.sh"),
                "/tmp/targets"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                AdapterRegistry.fromConfig(
                    new BellwetherConfig(null, deployers, null, null, null, null, null, metrics)));
    List<String> expected =
        List.of(
            "bellwether.metrics.a.type: missing (one of [prometheus])",
            "bellwether.metrics.b.type: unknown type 'datadog' (one of [prometheus])",
            "bellwether.metrics.c.url: required",
            "bellwether.metrics.d.url: must be an http or https URL",
            "bellwether.metrics.d.timeout: must be positive",
            "bellwether.metrics.e: empty entry",
            "bellwether.metrics.f.type: unknown type <a URL>",
            "bellwether.deployers.script.scrape-targets-dir: not used by type command");
    for (String problem : expected) {
      assertTrue(
          e.getMessage().contains(problem), "missing '" + problem + "' in:\n" + e.getMessage());
    }
    assertTrue(
        e.getMessage().startsWith("Bellwether configuration has 8 problem(s)"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    assertFalse(new MetricsConfig("prometheus", "http://u:" + PASSWORD + "@h:1", null).toString().contains(PASSWORD));
  }
}
