package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.config.ServiceConfig;
import io.bellwether.activities.config.SloConfig;
import io.bellwether.activities.config.SplitConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.ConfigTreePropertySource;

/** The {@code bellwether.*} keys of gates and blue-green pools bind as documented. */
class WorkerConfigBindingTest {
  private static final String SECRET = "s3cr3t-do-not-print-0123456789abcdef";

  @TempDir Path tmp;

  private static Map<String, String> issue3Keys() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bellwether.approvers.groups.release-managers[0]", "alice");
    p.put("bellwether.approvers.groups.release-managers[1]", "bob");
    p.put("bellwether.approvers.groups.sre[0]", "carol");
    p.put("bellwether.identity.max-age", "2m");
    p.put("bellwether.routers.edge.type", "haproxy");
    p.put("bellwether.routers.edge.runtime-api", "unix:/run/haproxy/admin.sock");
    p.put("bellwether.routers.edge.pools.shop.backends[0]", "shop_a");
    p.put("bellwether.routers.edge.pools.shop.backends[1]", "shop_b");
    p.put("bellwether.routers.edge.pools.shop.map-file", "/etc/haproxy/shop.map");
    p.put("bellwether.routers.edge.pools.shop.state-file", "/var/lib/haproxy/server-state");
    p.put("bellwether.deployers.script.type", "command");
    p.put("bellwether.deployers.script.command[0]", "/opt/deploy.sh");
    p.put("bellwether.deployers.script.provision-command[0]", "/opt/provision.sh");
    p.put("bellwether.deployers.script.provision-command[1]", "{instance}");
    p.put("bellwether.deployers.script.provision-command[2]", "{version}");
    p.put("bellwether.deployers.script.decommission-command[0]", "/opt/decommission.sh");
    p.put("bellwether.deployers.script.decommission-command[1]", "{instance}");
    return p;
  }

  private static BellwetherProperties bind(List<ConfigurationPropertySource> sources) {
    return new Binder(sources).bind("bellwether", BellwetherProperties.class).get();
  }

  @Test
  void approversIdentityPoolsAndProvisionCommandsBind() {
    Map<String, String> p = issue3Keys();
    p.put("bellwether.identity.keys.ops", SECRET);
    BellwetherProperties props = bind(List.of(new MapConfigurationPropertySource(p)));

    BellwetherConfig c = props.toConfig();
    assertEquals(List.of("alice", "bob"), c.approvers().groups().get("release-managers"));
    assertEquals(List.of("carol"), c.approvers().groups().get("sre"));
    assertEquals(Map.of("ops", SECRET), c.identity().keys());
    assertEquals(Duration.ofMinutes(2), c.identity().maxAge());
    assertEquals(
        new PoolConfig(List.of("shop_a", "shop_b"), "/etc/haproxy/shop.map", "/var/lib/haproxy/server-state"),
        c.routers().get("edge").pools().get("shop"));
    assertEquals(
        List.of("/opt/provision.sh", "{instance}", "{version}"),
        c.deployers().get("script").provisionCommand());
    assertEquals(
        List.of("/opt/decommission.sh", "{instance}"), c.deployers().get("script").decommissionCommand());
    assertEquals(List.of("/opt/deploy.sh"), c.deployers().get("script").command());
    assertEquals("[edge/shop]", WorkerConfiguration.pools(props).toString());
  }

  @Test
  void experimentSplitsBindWithTheirDefaults() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bellwether.routers.edge.type", "haproxy");
    p.put("bellwether.routers.edge.runtime-api", "unix:/run/haproxy/admin.sock");
    p.put("bellwether.routers.edge.splits.ab.backends[0]", "ab_v1");
    p.put("bellwether.routers.edge.splits.ab.backends[1]", "ab_v2");
    p.put("bellwether.routers.edge.splits.ab.backends[2]", "ab_v3");
    p.put("bellwether.routers.edge.splits.ab.map-file", "/etc/haproxy/ab.map");
    p.put("bellwether.routers.edge.splits.ab.state-file", "/var/lib/haproxy/server-state");
    p.put("bellwether.routers.edge.splits.checkout.backends[0]", "co_v1");
    p.put("bellwether.routers.edge.splits.checkout.backends[1]", "co_v2");
    p.put("bellwether.routers.edge.splits.checkout.map-file", "/etc/haproxy/checkout.map");
    p.put("bellwether.routers.edge.splits.checkout.state-file", "/var/lib/haproxy/server-state");
    p.put("bellwether.routers.edge.splits.checkout.sticky-cookie", "co_ab");
    p.put("bellwether.routers.edge.splits.checkout.user-header", "x-customer");
    p.put("bellwether.routers.edge.splits.checkout.segment-header", "x-cohort");
    p.put("bellwether.routers.edge.splits.checkout.segment-cookie", "cohort");
    BellwetherConfig c = bind(List.of(new MapConfigurationPropertySource(p))).toConfig();

    Map<String, SplitConfig> splits = c.routers().get("edge").splits();
    assertEquals(
        new SplitConfig(
            List.of("ab_v1", "ab_v2", "ab_v3"),
            "/etc/haproxy/ab.map",
            "/var/lib/haproxy/server-state",
            "bw_ab",
            "x-user-id",
            "x-bellwether-segment",
            "bellwether_segment"),
        splits.get("ab"));
    assertEquals(
        new SplitConfig(
            List.of("co_v1", "co_v2"),
            "/etc/haproxy/checkout.map",
            "/var/lib/haproxy/server-state",
            "co_ab",
            "x-customer",
            "x-cohort",
            "cohort"),
        splits.get("checkout"));
    assertTrue(c.routers().get("edge").pools().isEmpty());
    // The worker builds a split router from them.
    assertEquals(
        List.of("ab_v1", "ab_v2", "ab_v3"),
        io.bellwether.activities.AdapterRegistry.fromConfig(c)
            .splitRouter("edge")
            .orElseThrow()
            .backends("ab"));
  }

  @Test
  void withoutTheNewKeysThereAreNoGroupsNoKeysAndTheDefaultMaxAge() {
    BellwetherProperties props =
        bind(List.of(new MapConfigurationPropertySource(Map.of("bellwether.routers.edge.type", "haproxy"))));
    BellwetherConfig c = props.toConfig();
    assertTrue(c.approvers().groups().isEmpty());
    assertTrue(c.identity().keys().isEmpty());
    assertEquals(Duration.ofMinutes(10), c.identity().maxAge());
    assertTrue(c.routers().get("edge").pools().isEmpty());
    assertTrue(c.routers().get("edge").splits().isEmpty());
  }

  /**
   * The sandbox keeps its identity key out of worker.yaml: one file per key in a config tree,
   * named by the property. The same secret must come out, without the file's newline.
   */
  @Test
  void anIdentityKeyCanComeFromAConfigTreeFile() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("identity"));
    Files.writeString(tree.resolve("bellwether.identity.keys.sandbox"), SECRET + "\n");
    List<ConfigurationPropertySource> sources = new ArrayList<>();
    sources.add(new MapConfigurationPropertySource(issue3Keys()));
    ConfigurationPropertySources.from(
            new ConfigTreePropertySource("identity", tree, ConfigTreePropertySource.Option.AUTO_TRIM_TRAILING_NEW_LINE))
        .forEach(sources::add);
    BellwetherProperties props = bind(sources);
    assertEquals(Map.of("sandbox", SECRET), props.toConfig().identity().keys());
  }

  @Test
  void notifiersAndNotifyRoutesBind() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bellwether.notifiers.chat.type", "slack");
    p.put("bellwether.notifiers.chat.url", "https://hooks.example/services/T0/B0/" + SECRET);
    p.put("bellwether.notifiers.chat.timeout", "3s");
    p.put("bellwether.notifiers.audit.type", "webhook");
    p.put("bellwether.notifiers.audit.url", "http://127.0.0.1:9000/hook");
    p.put("bellwether.notify.default[0]", "chat");
    p.put("bellwether.notify.services.shop[0]", "chat");
    p.put("bellwether.notify.services.shop[1]", "audit");
    BellwetherProperties props = bind(List.of(new MapConfigurationPropertySource(p)));

    BellwetherConfig c = props.toConfig();
    assertEquals("slack", c.notifiers().get("chat").type());
    assertEquals("https://hooks.example/services/T0/B0/" + SECRET, c.notifiers().get("chat").url());
    assertEquals(Duration.ofSeconds(3), c.notifiers().get("chat").timeout());
    assertEquals("webhook", c.notifiers().get("audit").type());
    assertEquals(List.of("chat"), c.notifyRoutes().defaults());
    assertEquals(List.of("chat", "audit"), c.notifyRoutes().destinationsFor("shop"));
    assertEquals(List.of("chat"), c.notifyRoutes().destinationsFor("web"));

    String printed = props.toString() + c.toString();
    assertFalse(printed.contains(SECRET), printed);
    assertFalse(printed.contains("9000/hook"), printed);
    assertTrue(printed.contains("https://hooks.example"), "scheme and host may show: " + printed);
  }

  @Test
  void metricsProvidersAndTheScrapeTargetsDirBind() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bellwether.metrics.prom.type", "prometheus");
    p.put("bellwether.metrics.prom.url", "http://127.0.0.1:9090");
    p.put("bellwether.metrics.prom.timeout", "3s");
    p.put("bellwether.metrics.other.type", "prometheus");
    p.put("bellwether.metrics.other.url", "https://user:" + SECRET + "@prom.example");
    p.put("bellwether.deployers.local.type", "process");
    p.put("bellwether.deployers.local.command[0]", "/opt/run");
    p.put("bellwether.deployers.local.work-dir", "/var/lib/bellwether/instances");
    p.put("bellwether.deployers.local.scrape-targets-dir", "/var/lib/prometheus/targets");
    BellwetherProperties props = bind(List.of(new MapConfigurationPropertySource(p)));

    BellwetherConfig c = props.toConfig();
    assertEquals(
        new io.bellwether.activities.config.MetricsConfig(
            "prometheus", "http://127.0.0.1:9090", Duration.ofSeconds(3)),
        c.metrics().get("prom"));
    assertEquals(null, c.metrics().get("other").timeout());
    assertEquals("/var/lib/prometheus/targets", c.deployers().get("local").scrapeTargetsDir());
    String printed = props.toString() + c.toString();
    assertFalse(printed.contains(SECRET), printed);
  }

  @Test
  void servicesAndFaultInjectorsBind() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bellwether.services.web.router", "edge");
    p.put("bellwether.services.web.backend", "web");
    p.put("bellwether.services.web.metrics", "local");
    p.put("bellwether.services.web.zones.a[0]", "web-1");
    p.put("bellwether.services.web.zones.a[1]", "web-2");
    p.put("bellwether.services.web.zones.b[0]", "web-3");
    p.put("bellwether.services.web.endpoints.shop", "http://shop:" + SECRET + "@127.0.0.1:8080/");
    p.put("bellwether.services.web.slo.objective", "0.995");
    p.put("bellwether.services.web.slo.window", "1h");
    p.put("bellwether.services.web.slo.total", "haproxy_backend_http_responses_total{proxy=\"web\"}");
    p.put(
        "bellwether.services.web.slo.errors",
        "haproxy_backend_http_responses_total{proxy=\"web\",code=\"5xx\"}");
    p.put("bellwether.services.web.max-impaired-share", "0.25");
    p.put("bellwether.services.bare.router", "edge");
    p.put("bellwether.services.bare.backend", "bare");
    p.put("bellwether.fault-injectors.web-latency.type", "haproxy-latency");
    p.put("bellwether.fault-injectors.web-latency.router", "edge");
    p.put("bellwether.fault-injectors.web-latency.map-file", "/etc/haproxy/faults-latency.map");
    p.put("bellwether.fault-injectors.zone-cut.type", "haproxy-maintenance");
    p.put("bellwether.fault-injectors.zone-cut.router", "edge");
    p.put("bellwether.fault-injectors.zone-cut.map-file", "/etc/haproxy/faults-maintenance.map");
    p.put("bellwether.fault-injectors.zone-cut.state-file", "/var/lib/haproxy/server-state");
    p.put("bellwether.fault-injectors.web-kill.type", "process-kill");
    p.put("bellwether.fault-injectors.web-kill.router", "edge");
    p.put("bellwether.fault-injectors.web-kill.stop-command[0]", "/opt/stop.sh");
    p.put("bellwether.fault-injectors.web-kill.stop-command[1]", "{instance}");
    p.put("bellwether.fault-injectors.web-kill.start-command[0]", "/opt/start.sh");
    p.put("bellwether.fault-injectors.web-kill.start-command[1]", "{instance}");
    p.put("bellwether.fault-injectors.web-kill.start-command[2]", "{address}");
    p.put("bellwether.fault-injectors.web-kill.work-dir", "/var/lib/bellwether/kill");
    p.put("bellwether.fault-injectors.proc-kill.type", "process-kill");
    p.put("bellwether.fault-injectors.proc-kill.deployer", "local");
    p.put("bellwether.fault-injectors.disk-fill.type", "disk-fill");
    p.put("bellwether.fault-injectors.disk-fill.path", "/mnt/data");
    p.put("bellwether.fault-injectors.cpu-stress.type", "stress");
    p.put("bellwether.fault-injectors.cpu-stress.command[0]", "stress-ng");
    p.put("bellwether.fault-injectors.partition.type", "nftables-partition");
    p.put("bellwether.fault-injectors.partition.namespace", "bw-prod");
    BellwetherProperties props = bind(List.of(new MapConfigurationPropertySource(p)));

    BellwetherConfig c = props.toConfig();
    assertEquals(
        new ServiceConfig(
            "edge",
            "web",
            "local",
            Map.of("a", List.of("web-1", "web-2"), "b", List.of("web-3")),
            Map.of("shop", "http://shop:" + SECRET + "@127.0.0.1:8080/"),
            new SloConfig(
                0.995,
                Duration.ofHours(1),
                "haproxy_backend_http_responses_total{proxy=\"web\"}",
                "haproxy_backend_http_responses_total{proxy=\"web\",code=\"5xx\"}"),
            0.25),
        c.services().get("web"));
    ServiceConfig bare = c.services().get("bare");
    assertEquals(Map.of(), bare.zones());
    assertEquals(null, bare.slo());
    assertEquals(0.5, bare.maxImpairedShareOrDefault());

    assertEquals(
        new FaultInjectorConfig(
            "haproxy-maintenance", "edge", "/etc/haproxy/faults-maintenance.map", "/var/lib/haproxy/server-state"),
        c.faultInjectors().get("zone-cut"));
    FaultInjectorConfig kill = c.faultInjectors().get("web-kill");
    assertEquals(List.of("/opt/stop.sh", "{instance}"), kill.stopCommand());
    assertEquals(List.of("/opt/start.sh", "{instance}", "{address}"), kill.startCommand());
    assertEquals("/var/lib/bellwether/kill", kill.workDir());
    assertEquals("local", c.faultInjectors().get("proc-kill").deployer());
    assertEquals("/mnt/data", c.faultInjectors().get("disk-fill").path());
    assertEquals(List.of("stress-ng"), c.faultInjectors().get("cpu-stress").command());
    assertEquals("bw-prod", c.faultInjectors().get("partition").namespace());
    assertEquals(7, c.faultInjectors().size());

    String printed = props.toString() + c.toString();
    assertFalse(printed.contains(SECRET), printed);
  }

  @Test
  void withoutChaosKeysThereAreNoServicesAndNoInjectors() {
    BellwetherConfig c =
        bind(List.of(new MapConfigurationPropertySource(Map.of("bellwether.routers.edge.type", "haproxy"))))
            .toConfig();
    assertTrue(c.services().isEmpty());
    assertTrue(c.faultInjectors().isEmpty());
  }

  @Test
  void withoutMetricsKeysThereAreNoProviders() {
    BellwetherConfig c =
        bind(List.of(new MapConfigurationPropertySource(Map.of("bellwether.routers.edge.type", "haproxy"))))
            .toConfig();
    assertTrue(c.metrics().isEmpty());
    assertEquals(null, c.routers().get("edge").pools().get("web"));
  }

  @Test
  void withoutNotifierKeysNobodyIsNotified() {
    BellwetherConfig c =
        bind(List.of(new MapConfigurationPropertySource(Map.of("bellwether.routers.edge.type", "haproxy"))))
            .toConfig();
    assertTrue(c.notifiers().isEmpty());
    assertEquals(List.of(), c.notifyRoutes().destinationsFor("shop"));
  }

  @Test
  void secretsNeverAppearInThePrintedConfiguration() {
    Map<String, String> p = issue3Keys();
    p.put("bellwether.identity.keys.ops", SECRET);
    p.put("bellwether.temporal.address", "temporal.example:7233");
    p.put("bellwether.temporal.api-key", SECRET + "-api");
    BellwetherProperties props = bind(List.of(new MapConfigurationPropertySource(p)));
    String printed = props.toString() + props.toConfig().toString();
    assertFalse(printed.contains(SECRET), printed);
    assertTrue(printed.contains("ops"), "the key id may show: " + printed);
  }
}
