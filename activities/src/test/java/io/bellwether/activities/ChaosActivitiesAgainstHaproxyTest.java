package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.ServiceConfig;
import io.bellwether.activities.config.SloConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.metrics.PrometheusLauncher;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.ChaosActivities;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ErrorBudgetSpec;
import io.bellwether.contracts.chaos.FaultActivities;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.ProbeReading;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.SloReading;
import io.bellwether.contracts.chaos.StopCondition;
import io.bellwether.contracts.chaos.TargetSelector;
import io.bellwether.contracts.chaos.Tolerance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos activities through the worker's configuration, against a real HAProxy (backend {@code
 * web} of four instances, health-checked, with its Prometheus exporter and the latency-fault hook)
 * and a real Prometheus scraping it. Zone {@code a} is web-1 and web-2, zone {@code b} web-3 and
 * web-4. One set of processes for the class: Prometheus' first scrape takes seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosActivitiesAgainstHaproxyTest {
  private static final String TOTAL = "haproxy_backend_http_responses_total{proxy=\"web\"}";
  private static final String ERRORS = "haproxy_backend_http_responses_total{proxy=\"web\",code=\"5xx\"}";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir static Path dir;

  private static final List<Instance> instances = new ArrayList<>();
  private static HaproxyLauncher haproxy;
  private static PrometheusLauncher prometheus;
  private static HaproxyRouter router;
  private static ChaosActivities chaos;
  private static FaultActivities faults;

  /** An instance answering its name on {@code /}, or 500 once failing; {@code /health} is 200. */
  static final class Instance implements AutoCloseable {
    final String name;
    final HttpServer server;
    volatile boolean failing;

    Instance(String name) throws IOException {
      this.name = name;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      server.setExecutor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "instance-" + name);
        t.setDaemon(true);
        return t;
      }));
      server.createContext(
          "/",
          ex -> {
            ex.getRequestBody().readAllBytes();
            boolean health = ex.getRequestURI().getPath().equals("/health");
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(!health && failing ? 500 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
          });
      server.start();
    }

    String address() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @BeforeAll
  static void startEverything() throws Exception {
    try {
      Map<String, String> servers = new LinkedHashMap<>();
      for (int i = 1; i <= 4; i++) {
        Instance instance = new Instance("web-" + i);
        instances.add(instance);
        servers.put(instance.name, instance.address());
      }
      int exporter = HaproxyLauncher.freePort();
      haproxy =
          HaproxyLauncher.start(
              dir.resolve("haproxy"),
              HaproxyLauncher.freePort(),
              "web",
              servers,
              new HaproxyLauncher.Options(false, Map.of(), true)
                  .withPrometheusExporter(exporter)
                  .withLatencyFaults());
      prometheus =
          PrometheusLauncher.start(
              dir.resolve("prometheus"),
              PrometheusLauncher.freePort(),
              PrometheusLauncher.Options.defaults().withHaproxyExporter(exporter));
      router = new HaproxyRouter(new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)));
      ServiceConfig web =
          new ServiceConfig(
              "edge",
              "web",
              "local",
              Map.of("a", List.of("web-1", "web-2"), "b", List.of("web-3", "web-4")),
              Map.of(
                  "shop", "http://127.0.0.1:" + haproxy.frontendPort() + "/",
                  "nothing", "http://127.0.0.1:" + HaproxyLauncher.freePort() + "/"),
              new SloConfig(0.99, Duration.ofMinutes(10), TOTAL, ERRORS),
              null);
      AdapterRegistry registry =
          AdapterRegistry.fromConfig(
              new BellwetherConfig(
                  Map.of("edge", haproxy.routerConfig()),
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  Map.of("local", prometheus.metricsConfig()),
                  Map.of("web", web),
                  Map.of(
                      "web-latency",
                      new FaultInjectorConfig(
                          "haproxy-latency", "edge", haproxy.latencyFaultMapFile().toString(), null),
                      "zone-cut",
                      new FaultInjectorConfig(
                          "haproxy-maintenance",
                          "edge",
                          dir.resolve("faults-maintenance.map").toString(),
                          haproxy.serverStateFile().toString()))));
      for (Object impl : BellwetherActivities.create(registry)) {
        if (impl instanceof ChaosActivities c) {
          chaos = c;
        }
        if (impl instanceof FaultActivities f) {
          faults = f;
        }
      }
      prometheus.awaitTargetsUp(1, Duration.ofSeconds(30));
      eventually(() -> upServers(), n -> n == 4.0);
    } catch (Exception | Error e) {
      stopEverything();
      throw e;
    }
  }

  @AfterAll
  static void stopEverything() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (haproxy != null) {
      haproxy.close();
    }
    instances.forEach(Instance::close);
  }

  private static <T> T eventually(Supplier<T> call, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    T last = call.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      last = call.get();
    }
    return last;
  }

  private static ProbeSpec servers() {
    return new ProbeSpec("servers", ProbeSpec.SERVERS, null, null, null, new Tolerance(4.0, null, null), null);
  }

  private static ProbeSpec shop() {
    return new ProbeSpec("shop", ProbeSpec.HTTP, "shop", null, null, new Tolerance(null, 500.0, List.of(200)), null);
  }

  private static ProbeSpec prom(String name, String query) {
    return new ProbeSpec(name, ProbeSpec.PROMETHEUS, null, query, null, new Tolerance(0.0, null, null), null);
  }

  private static Double upServers() {
    return chaos.readProbes("web", List.of(servers())).get(0).value();
  }

  private static int get() throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  @Order(1)
  void aSpecNamingTheConfiguredWorldPassesTheCheck() {
    ChaosExperimentSpec spec =
        new ChaosExperimentSpec(
            "web", "zone-a", "the shop stays up", "alice",
            List.of(shop(), servers(), prom("rps", "sum(rate(" + TOTAL + "[5s]))")),
            "5s", "1s",
            List.of(
                new FaultSpec("f1", "zone-cut", new TargetSelector(null, "a", null, null, null), null, Map.of(), "10s"),
                new FaultSpec("f2", "web-latency", new TargetSelector(null, null, 1, null, 3L), null, Map.of("delayMs", "200"), "10s")),
            List.of(new StopCondition("errors", "sum(" + ERRORS + ")", null, null, 5.0, 2)),
            new ErrorBudgetSpec(10L, 0.05),
            null, null, null, null);
    assertEquals(List.of(), chaos.checkExperiment(spec));
  }

  @Test
  @Order(2)
  void candidatesAreTheRoutersServersWithTheConfiguredZones() {
    assertEquals(
        List.of(
            new FaultTarget("web-1", "edge", "web", "web-1", "a"),
            new FaultTarget("web-2", "edge", "web", "web-2", "a"),
            new FaultTarget("web-3", "edge", "web", "web-3", "b"),
            new FaultTarget("web-4", "edge", "web", "web-4", "b")),
        chaos.candidates("web", "zone-cut"));
  }

  @Test
  @Order(3)
  void theServersProbeCountsWhatIsUpAndInRotation() throws Exception {
    ProbeReading all = chaos.readProbes("web", List.of(servers())).get(0);
    assertEquals(4.0, all.value(), all.detail());
    router.setState("web", "web-2", ServerState.MAINT);
    try {
      ProbeReading three = chaos.readProbes("web", List.of(servers())).get(0);
      assertEquals(3.0, three.value(), three.detail());
      assertTrue(three.detail().contains("web-2 MAINT"), three.detail());
    } finally {
      router.setState("web", "web-2", ServerState.READY);
    }
    // Out of MAINT, a checked server needs its rise of passing checks before it is UP again.
    assertEquals(4.0, eventually(ChaosActivitiesAgainstHaproxyTest::upServers, n -> n == 4.0));
  }

  @Test
  @Order(4)
  void httpAndPrometheusProbesReadTheRealThings() throws Exception {
    for (int i = 0; i < 8; i++) {
      assertEquals(200, get());
    }
    ProbeSpec nothing =
        new ProbeSpec("nothing", ProbeSpec.HTTP, "nothing", null, null, new Tolerance(null, null, List.of(200)), null);
    List<ProbeReading> readings =
        eventually(
            () ->
                chaos.readProbes(
                    "web",
                    List.of(shop(), nothing, prom("active", "sum(haproxy_backend_active_servers{proxy=\"web\"})"))),
            r -> r.get(2).value() != null && r.get(2).value() == 4.0);
    ProbeReading shop = readings.get(0);
    assertEquals(200, shop.status(), shop.detail());
    assertTrue(shop.value() != null && shop.value() >= 0 && shop.value() < 5_000, shop.toString());
    assertEquals(new ProbeReading("nothing", null, 0, "GET nothing: connection refused"), readings.get(1));
    assertEquals(4.0, readings.get(2).value(), readings.get(2).detail());
  }

  @Test
  @Order(5)
  void theSloIsReadFromTheRoutersCountersWithTheFailuresCounted() throws Exception {
    // The counters as Prometheus has them once no request has been sent for two scrapes.
    SloReading before = chaos.readSlo("web");
    for (int wait = 0; wait < 10; wait++) {
      Thread.sleep(2_100);
      SloReading again = chaos.readSlo("web");
      if (again.complete() && again.total().equals(before.total())) {
        break;
      }
      before = again;
    }
    Instance web1 = instances.get(0);
    web1.failing = true;
    int failed = 0;
    try {
      for (int i = 0; i < 40; i++) {
        if (get() >= 500) {
          failed++;
        }
      }
    } finally {
      web1.failing = false;
    }
    assertTrue(failed > 0, "web-1 answered 500 to its share");
    double sent = before.total() + 40;
    double expectedFailed = before.failed() + failed;
    SloReading slo =
        eventually(
            () -> chaos.readSlo("web"),
            s -> s.complete() && s.total() >= sent && s.failed() >= expectedFailed);
    assertTrue(slo.complete(), slo.toString());
    assertEquals(sent, slo.total(), slo.toString());
    assertEquals(expectedFailed, slo.failed(), slo.toString());
    assertEquals(0.0, before.failed(), "nothing failed before: " + before);
    assertEquals("10m", slo.window());
    assertEquals(0.99, slo.objective());
    // increase() extrapolates over the window; it is near, not equal to, what was sent.
    assertTrue(slo.windowTotal() > 0 && slo.windowFailed() > 0, slo.toString());
    assertTrue(slo.windowFailed() < slo.windowTotal(), slo.toString());
    assertTrue(slo.ratePerSecond() > 0, slo.toString());
    assertTrue(slo.detail().startsWith("read from metrics provider 'local'"), slo.detail());
  }

  /**
   * A latency fault on every server makes the HTTP probe slower than the 5 s probe timeout: that
   * reading comes back empty at the timeout, and the other probes are read meanwhile.
   */
  @Test
  @Order(6)
  void anEndpointSlowerThanTheTimeoutCostsTheOtherProbesNothing() throws Exception {
    FaultRequest slow =
        new FaultRequest(
            "chaos-web-slow/f1",
            "web-latency",
            chaos.candidates("web", "web-latency"),
            Map.of("delayMs", "8000"),
            60_000);
    try {
      assertEquals(4, faults.inject(slow).affected().size());
      long start = System.nanoTime();
      List<ProbeReading> readings =
          chaos.readProbes("web", List.of(shop(), servers(), prom("up", "min(up)")));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertNull(readings.get(0).value(), readings.get(0).toString());
      assertEquals(0, readings.get(0).status());
      assertTrue(readings.get(0).detail().contains("within 5s"), readings.get(0).detail());
      assertEquals(4.0, readings.get(1).value(), readings.get(1).detail());
      assertEquals(1.0, readings.get(2).value(), readings.get(2).detail());
      assertTrue(millis < 7_500, "the call ends near the 5 s timeout, not the 8 s delay: " + millis);
    } finally {
      assertFalse(faults.restore(slow).active());
    }
    assertFalse(faults.probe(slow).active(), "nothing left behind");
    ProbeReading fast = chaos.readProbes("web", List.of(shop())).get(0);
    assertEquals(200, fast.status(), fast.detail());
  }
}
