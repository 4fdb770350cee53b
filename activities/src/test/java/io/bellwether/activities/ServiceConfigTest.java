package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.MetricsConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.config.ServiceConfig;
import io.bellwether.activities.config.SloConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bellwether.services.*} and {@code bellwether.fault-injectors.*} as startup sees them. */
class ServiceConfigTest {
  private static final String PASSWORD = "pr0be-s3cret";

  private static final Map<String, RouterConfig> ROUTERS =
      Map.of("edge", new RouterConfig("haproxy", "unix:/nonexistent/admin.sock", null));
  private static final Map<String, MetricsConfig> METRICS =
      Map.of("local", new MetricsConfig("prometheus", "http://127.0.0.1:9090", null));

  private static SloConfig slo() {
    return new SloConfig(
        0.99,
        Duration.ofHours(1),
        "haproxy_backend_http_responses_total{proxy=\"web\"}",
        "haproxy_backend_http_responses_total{proxy=\"web\",code=\"5xx\"}");
  }

  private static ServiceConfig web() {
    return new ServiceConfig(
        "edge",
        "web",
        "local",
        Map.of("a", List.of("web-1", "web-2"), "b", List.of("web-3", "web-4")),
        Map.of("shop", "http://user:" + PASSWORD + "@127.0.0.1:8080/"),
        slo(),
        null);
  }

  private static BellwetherConfig config(
      Map<String, ServiceConfig> services, Map<String, FaultInjectorConfig> injectors) {
    return new BellwetherConfig(
        ROUTERS, null, null, null, null, null, null, METRICS, services, injectors);
  }

  private static List<String> problems(BellwetherConfig config) {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> AdapterRegistry.fromConfig(config));
    List<String> lines = e.getMessage().lines().skip(1).map(String::strip).toList();
    assertTrue(
        e.getMessage().startsWith("Bellwether configuration has " + lines.size() + " problem(s)"),
        e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    return lines;
  }

  private static void assertProblems(List<String> expected, List<String> actual) {
    for (String want : expected) {
      assertTrue(
          actual.stream().anyMatch(p -> p.startsWith(want)),
          "missing '" + want + "' in\n" + String.join("\n", actual));
    }
    assertEquals(expected.size(), actual.size(), String.join("\n", actual));
  }

  @Test
  void aServiceAndItsFaultInjectorsBuildWithoutConnectingToAnything() {
    AdapterRegistry r =
        AdapterRegistry.fromConfig(
            config(
                Map.of("web", web()),
                Map.of(
                    "web-latency",
                    new FaultInjectorConfig("haproxy-latency", "edge", "/tmp/faults-latency.map", null),
                    "zone-cut",
                    new FaultInjectorConfig(
                        "haproxy-maintenance", "edge", "/tmp/faults-maintenance.map", null))));
    ServiceConfig web = r.service("web").orElseThrow();
    assertEquals("edge", web.router());
    assertEquals("a", web.zoneOf("web-2"));
    assertEquals("b", web.zoneOf("web-3"));
    assertNull(web.zoneOf("web-9"));
    assertEquals(0.5, web.maxImpairedShareOrDefault());
    assertEquals(List.of("web"), List.copyOf(r.serviceNames()));
    assertEquals("haproxy-latency", r.faultInjector("web-latency").orElseThrow().type());
    assertEquals("haproxy-maintenance", r.faultInjector("zone-cut").orElseThrow().type());
    assertEquals("edge", r.faultInjectorConfig("zone-cut").orElseThrow().router());
    assertEquals(2, r.faultInjectorNames().size());
    assertTrue(r.service("shop").isEmpty());
    assertTrue(r.service(null).isEmpty());
    assertTrue(r.faultInjector("nope").isEmpty());
  }

  @Test
  void theOlderConstructorsHaveNoServicesAndNoInjectors() {
    BellwetherConfig c = new BellwetherConfig(ROUTERS, null, null, null, null, null, null, METRICS);
    assertTrue(c.services().isEmpty());
    assertTrue(c.faultInjectors().isEmpty());
    AdapterRegistry r = AdapterRegistry.fromConfig(new BellwetherConfig(ROUTERS, null, null));
    assertTrue(r.serviceNames().isEmpty());
    assertTrue(r.faultInjectorNames().isEmpty());
  }

  @Test
  void everyServiceProblemIsListedAtOnceWithItsKeyAndNoUrlShown() {
    Map<String, ServiceConfig> services = new HashMap<>();
    services.put("empty", null);
    services.put(
        "norouter",
        new ServiceConfig(null, null, null, null, null, null, null));
    services.put(
        "unknown",
        new ServiceConfig("lb", "web pool", "graphite", null, null, null, 0.0));
    Map<String, List<String>> zones = new LinkedHashMap<>();
    zones.put("a", List.of("web-1", "web-2"));
    zones.put("b", Arrays.asList("web-2", "", "bad name"));
    zones.put("c", List.of());
    Map<String, String> endpoints = new LinkedHashMap<>();
    endpoints.put("ftp", "ftp://admin:" + PASSWORD + "@host/");
    endpoints.put("nohost", "http:///path");
    endpoints.put("blank", " ");
    endpoints.put("ok", "https://user:" + PASSWORD + "@shop.example/health?x=1");
    services.put(
        "zoned",
        new ServiceConfig(
            "edge", "web", "local", zones, endpoints, new SloConfig(1.0, Duration.ZERO, " ", null), 1.5));
    services.put(
        "sloless",
        new ServiceConfig("edge", "web", null, null, null, new SloConfig(null, null, "x", "y"), 1.0));
    services.put("bad/name", new ServiceConfig("edge", "web", null, null, null, null, null));

    List<String> problems = problems(config(services, null));
    assertProblems(
        List.of(
            "bellwether.services.bad/name: a service name must be",
            "bellwether.services.empty: empty entry",
            "bellwether.services.norouter.router: required",
            "bellwether.services.norouter.backend: required",
            "bellwether.services.sloless.metrics: required with slo",
            "bellwether.services.sloless.slo.objective: required, above 0 and below 1",
            "bellwether.services.sloless.slo.window: required",
            "bellwether.services.unknown.router: no router 'lb' is configured under bellwether.routers; configured: edge",
            "bellwether.services.unknown.backend: must be a backend name",
            "bellwether.services.unknown.metrics: no metrics provider 'graphite' is configured under bellwether.metrics; configured: local",
            "bellwether.services.unknown.max-impaired-share: must be above 0 and at most 1",
            "bellwether.services.zoned.zones.b[0]: server 'web-2' is in zone 'a' too",
            "bellwether.services.zoned.zones.b[1]: empty server name",
            "bellwether.services.zoned.zones.b[2]: must be a server name",
            "bellwether.services.zoned.zones.c: lists no server",
            "bellwether.services.zoned.endpoints.blank: required",
            "bellwether.services.zoned.endpoints.ftp: must be an http or https URL",
            "bellwether.services.zoned.endpoints.nohost: must be an http or https URL with a host",
            "bellwether.services.zoned.slo.objective: must be above 0 and below 1",
            "bellwether.services.zoned.slo.window: must be positive",
            "bellwether.services.zoned.slo.total: required",
            "bellwether.services.zoned.slo.errors: required",
            "bellwether.services.zoned.max-impaired-share: must be above 0 and at most 1"),
        problems);
  }

  @Test
  void aFaultInjectorTheFactoryRefusesIsAProblemLineNamingIt() {
    Map<String, FaultInjectorConfig> injectors = new HashMap<>();
    injectors.put("empty", null);
    injectors.put("typeless", new FaultInjectorConfig(null, "edge", "/tmp/x.map", null));
    injectors.put("teleport", new FaultInjectorConfig("teleport", "edge", null, null));
    injectors.put("lost", new FaultInjectorConfig("haproxy-latency", "nowhere", "/tmp/x.map", null));
    injectors.put("fine", new FaultInjectorConfig("haproxy-latency", "edge", "/tmp/x.map", null));
    List<String> problems = problems(config(Map.of("web", web()), injectors));
    assertEquals(4, problems.size(), String.join("\n", problems));
    assertTrue(problems.get(0).startsWith("bellwether.fault-injectors.empty: empty entry"), problems.get(0));
    List<String> rest = new ArrayList<>(problems.subList(1, 4));
    assertTrue(rest.stream().anyMatch(p -> p.startsWith("bellwether.fault-injectors.lost: ") && p.contains("nowhere")), "" + rest);
    assertTrue(rest.stream().anyMatch(p -> p.startsWith("bellwether.fault-injectors.teleport: ") && p.contains("teleport")), "" + rest);
    assertTrue(rest.stream().anyMatch(p -> p.startsWith("bellwether.fault-injectors.typeless: ")), "" + rest);
    // The key already names the injector; the line does not say it twice.
    assertTrue(rest.stream().noneMatch(p -> p.contains("fault injector 'lost'")), "" + rest);
  }

  @Test
  void printedEndpointsShowSchemeAndHostOnly() {
    String printed = web().toString();
    assertFalse(printed.contains(PASSWORD), printed);
    assertTrue(printed.contains("shop=http://127.0.0.1:8080"), printed);
  }

  @Test
  void theFactorysLeadingNameIsDroppedAndAUrlNeverEchoed() {
    assertEquals("has no type", AdapterRegistry.withoutName("fault injector 'x' has no type", "x"));
    assertEquals("needs a map", AdapterRegistry.withoutName("fault injector 'x': needs a map", "x"));
    assertEquals("other text", AdapterRegistry.withoutName("other text", "x"));
    assertFalse(
        AdapterRegistry.withoutName("bad http://u:" + PASSWORD + "@h", "x").contains(PASSWORD));
  }
}
