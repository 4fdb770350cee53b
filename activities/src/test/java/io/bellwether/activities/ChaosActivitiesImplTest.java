package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bellwether.activities.chaos.FaultInjector;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.ServiceConfig;
import io.bellwether.activities.config.SloConfig;
import io.bellwether.activities.metrics.MetricsProvider;
import io.bellwether.activities.router.RouterUnavailableException;
import io.bellwether.activities.router.TrafficRouter;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ErrorBudgetSpec;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.ProbeReading;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.SloReading;
import io.bellwether.contracts.chaos.StopCondition;
import io.bellwether.contracts.chaos.TargetSelector;
import io.bellwether.contracts.chaos.Tolerance;
import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.spec.Violation;
import io.temporal.failure.ApplicationFailure;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link ChaosActivitiesImpl} over fakes: every name the configuration lacks, every way a reading
 * can fail, and the SLO queries. The real HAProxy and Prometheus are in {@code
 * ChaosActivitiesAgainstHaproxyTest}.
 */
class ChaosActivitiesImplTest {
  private static final String PASSWORD = "pr0be-s3cret";

  /** A router with the servers the test gives it, or down. */
  static final class FakeRouter implements TrafficRouter {
    volatile List<ServerInfo> servers = List.of();
    volatile boolean down;

    @Override
    public List<ServerInfo> servers(String backend) {
      if (down) {
        throw new RouterUnavailableException("no connection", null);
      }
      return servers;
    }

    @Override
    public ServerInfo setState(String backend, String server, ServerState state) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerInfo setWeight(String backend, String server, int weight) {
      throw new UnsupportedOperationException();
    }
  }

  /** A metrics provider answering each query as the test's function says, recording them. */
  static final class FakeMetrics implements MetricsProvider {
    final List<String> queries = Collections.synchronizedList(new ArrayList<>());
    final Function<String, MetricValue> answer;

    FakeMetrics(Function<String, MetricValue> answer) {
      this.answer = answer;
    }

    @Override
    public boolean isOnline() {
      return true;
    }

    @Override
    public MetricValue query(String query) {
      queries.add(query);
      return answer.apply(query);
    }

    @Override
    public MetricSeries queryRange(String query, int windowSeconds, int stepSeconds) {
      throw new UnsupportedOperationException();
    }
  }

  /** An injector that only says what it acts on. */
  record Injector(boolean onServers) implements FaultInjector {
    @Override
    public String type() {
      return onServers ? "haproxy-latency" : "disk-fill";
    }

    @Override
    public FaultState inject(FaultRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FaultState restore(FaultRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FaultState probe(FaultRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean actsOnServers() {
      return onServers;
    }
  }

  private static ServerInfo server(String name, ServerState state, String status) {
    return new ServerInfo(name, "127.0.0.1:1", state, 1, 0, status);
  }

  private static SloConfig slo() {
    return new SloConfig(0.99, Duration.ofHours(1), "req_total{svc=\"web\"}", "req_total{svc=\"web\",code=\"5xx\"}");
  }

  private static ServiceConfig web(Map<String, String> endpoints, SloConfig slo, Double share) {
    return new ServiceConfig(
        "edge",
        "web",
        "local",
        Map.of("a", List.of("web-1", "web-2"), "b", List.of("web-3")),
        endpoints,
        slo,
        share);
  }

  private static AdapterRegistry registry(
      FakeRouter router, MetricsProvider metrics, Map<String, ServiceConfig> services) {
    return new AdapterRegistry(
        Map.of("edge", router, "other", new FakeRouter()),
        Map.of(),
        Map.of(),
        Map.of(),
        null,
        null,
        Map.of(),
        null,
        Map.of("local", metrics, "slow", new FakeMetrics(q -> sleepThen(MetricValue.ok(1)))),
        Map.of(),
        services,
        Map.of(
            "web-latency", new Injector(true),
            "db-latency", new Injector(true),
            "disk-fill", new Injector(false)),
        Map.of(
            "web-latency", new FaultInjectorConfig("haproxy-latency", "edge", "/x.map", null),
            "db-latency", new FaultInjectorConfig("haproxy-latency", "other", "/y.map", null),
            "disk-fill", new FaultInjectorConfig("disk-fill", null, null, null)));
  }

  private static MetricValue sleepThen(MetricValue v) {
    try {
      Thread.sleep(20_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return v;
  }

  private static ProbeSpec http(String name, String endpoint) {
    return new ProbeSpec(name, ProbeSpec.HTTP, endpoint, null, null, new Tolerance(null, 500.0, List.of(200)), null);
  }

  private static ProbeSpec prom(String name, String query, String metrics) {
    return new ProbeSpec(name, ProbeSpec.PROMETHEUS, null, query, metrics, new Tolerance(0.99, null, null), null);
  }

  private static ProbeSpec servers(String name) {
    return new ProbeSpec(name, ProbeSpec.SERVERS, null, null, null, new Tolerance(3.0, null, null), null);
  }

  private static ChaosExperimentSpec spec(
      String service,
      List<ProbeSpec> probes,
      List<FaultSpec> faults,
      List<StopCondition> guardrails,
      ErrorBudgetSpec budget) {
    return new ChaosExperimentSpec(
        service, "exp", "holds", "alice", probes, "10s", "1s", faults, guardrails, budget, null,
        null, null, null);
  }

  @Test
  void aSpecWhoseNamesAreAllConfiguredHasNoProblems() {
    AdapterRegistry r =
        registry(new FakeRouter(), new FakeMetrics(q -> MetricValue.ok(1)),
            Map.of("web", web(Map.of("shop", "http://127.0.0.1:1/"), slo(), null)));
    List<Violation> v =
        new ChaosActivitiesImpl(r)
            .checkExperiment(
                spec(
                    "web",
                    List.of(http("p1", "shop"), prom("p2", "up", null), prom("p3", "up", "slow"), servers("p4")),
                    List.of(
                        new FaultSpec("f1", "web-latency", new TargetSelector(null, "a", 1, null, 7L), null, Map.of(), "30s"),
                        new FaultSpec(
                            "f2", "web-latency", null,
                            List.of(new TargetSelector(null, null, 1, null, null), new TargetSelector(null, "b", null, null, null)),
                            Map.of(), "30s"),
                        new FaultSpec("f3", "disk-fill", null, null, Map.of("percent", "90"), "30s")),
                    List.of(new StopCondition("errors", "up", null, 0.5, null, 1)),
                    new ErrorBudgetSpec(10L, null)));
    assertEquals(List.of(), v);
  }

  @Test
  void everyNameTheConfigurationLacksIsAViolationWithItsField() {
    ServiceConfig noMetricsNoSlo =
        new ServiceConfig("edge", "web", null, Map.of("a", List.of("web-1")), Map.of("shop", "http://127.0.0.1:1/"), null, null);
    AdapterRegistry r =
        registry(new FakeRouter(), new FakeMetrics(q -> MetricValue.ok(1)), Map.of("web", noMetricsNoSlo));
    List<Violation> v =
        new ChaosActivitiesImpl(r)
            .checkExperiment(
                spec(
                    "web",
                    List.of(http("p1", "cart"), prom("p2", "up", null), prom("p3", "up", "graphite"), servers("p4")),
                    List.of(
                        new FaultSpec("f1", "nope", null, null, Map.of(), "30s"),
                        new FaultSpec("f2", "db-latency", null, null, Map.of(), "30s"),
                        new FaultSpec("f3", "web-latency", new TargetSelector(null, "z", null, null, null), null, Map.of(), "30s"),
                        new FaultSpec(
                            "f4", "web-latency", null,
                            List.of(new TargetSelector(null, "a", null, null, null), new TargetSelector(null, "q", null, null, null)),
                            Map.of(), "30s"),
                        new FaultSpec("f5", "disk-fill", new TargetSelector(List.of("web-1"), null, null, null, null), null, Map.of(), "30s")),
                    List.of(new StopCondition("g", "up", null, 1.0, null, 1)),
                    new ErrorBudgetSpec(10L, null)));
    List<String> fields = v.stream().map(Violation::field).toList();
    assertEquals(
        List.of(
            "faults[0].injector",
            "faults[1].injector",
            "faults[2].targets.zone",
            "faults[3].steps[1].zone",
            "faults[4].targets",
            "probes[0].endpoint",
            "probes[1].metrics",
            "probes[2].metrics",
            "guardrails[0].metrics",
            "errorBudget"),
        fields,
        v.toString());
    assertTrue(v.get(0).reason().contains("configured: db-latency, disk-fill, web-latency"), v.get(0).reason());
    assertTrue(v.get(1).reason().contains("router 'other'") && v.get(1).reason().contains("router 'edge'"), v.get(1).reason());
    assertTrue(v.get(2).reason().contains("no zone 'z'") && v.get(2).reason().contains("configured: a"), v.get(2).reason());
    assertTrue(v.get(5).reason().contains("no endpoint 'cart'") && v.get(5).reason().contains("configured: shop"), v.get(5).reason());
    assertTrue(v.get(7).reason().contains("'graphite'"), v.get(7).reason());
    assertTrue(v.get(9).reason().contains("no SLO"), v.get(9).reason());
  }

  @Test
  void anUnknownServiceIsOneViolationAndTheInjectorsAreStillChecked() {
    AdapterRegistry r = registry(new FakeRouter(), new FakeMetrics(q -> MetricValue.ok(1)), Map.of());
    List<Violation> v =
        new ChaosActivitiesImpl(r)
            .checkExperiment(
                spec(
                    "shop",
                    List.of(http("p1", "cart")),
                    List.of(new FaultSpec("f1", "nope", null, null, Map.of(), "30s")),
                    List.of(),
                    new ErrorBudgetSpec(1L, null)));
    assertEquals(
        List.of(
            new Violation("service", "no service 'shop' is configured under bellwether.services; configured: none"),
            new Violation(
                "faults[0].injector",
                "no fault injector 'nope' is configured under bellwether.fault-injectors; configured: db-latency, disk-fill, web-latency")),
        v);
    assertEquals(List.of(), new ChaosActivitiesImpl(r).checkExperiment(null));
  }

  @Test
  void candidatesAreTheBackendsServersWithTheirZonesOrOneHostTarget() {
    FakeRouter router = new FakeRouter();
    router.servers =
        List.of(
            server("web-1", ServerState.READY, "UP"),
            server("web-2", ServerState.MAINT, "MAINT"),
            server("web-4", ServerState.READY, "UP"));
    AdapterRegistry r =
        registry(router, new FakeMetrics(q -> MetricValue.ok(1)), Map.of("web", web(Map.of(), null, null)));
    ChaosActivitiesImpl chaos = new ChaosActivitiesImpl(r);
    assertEquals(
        List.of(
            new FaultTarget("web-1", "edge", "web", "web-1", "a"),
            new FaultTarget("web-2", "edge", "web", "web-2", "a"),
            new FaultTarget("web-4", "edge", "web", "web-4", null)),
        chaos.candidates("web", "web-latency"));
    assertEquals(
        List.of(new FaultTarget("disk-fill", null, null, null, null)),
        chaos.candidates("web", "disk-fill"));

    ApplicationFailure unknownService =
        assertThrows(ApplicationFailure.class, () -> chaos.candidates("shop", "web-latency"));
    assertEquals(FailureTypes.UNKNOWN_TARGET, unknownService.getType());
    assertTrue(unknownService.isNonRetryable());
    ApplicationFailure unknownInjector =
        assertThrows(ApplicationFailure.class, () -> chaos.candidates("web", "nope"));
    assertEquals(FailureTypes.UNKNOWN_TARGET, unknownInjector.getType());

    router.down = true;
    ApplicationFailure down =
        assertThrows(ApplicationFailure.class, () -> chaos.candidates("web", "web-latency"));
    assertEquals(FailureTypes.ROUTER_UNAVAILABLE, down.getType());
    assertFalse(down.isNonRetryable(), "a router that is down now may answer on the next attempt");
  }

  @Test
  void readingsAreFactsAndAProbeThatCannotBeReadSaysWhyWithoutFailing() throws Exception {
    FakeRouter router = new FakeRouter();
    router.servers =
        List.of(
            server("web-1", ServerState.READY, "UP"),
            server("web-2", ServerState.READY, "no check"),
            server("web-3", ServerState.READY, "DOWN"),
            server("web-4", ServerState.MAINT, "MAINT"),
            server("web-5", ServerState.DRAIN, "DRAIN"),
            server("web-6", ServerState.READY, "UP 1/3"));
    FakeMetrics metrics =
        new FakeMetrics(
            q -> q.equals("up") ? MetricValue.ok(0.995) : MetricValue.of(MetricStatus.EMPTY, "no series"));
    try (ServerSocket refused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int closedPort = refused.getLocalPort();
      refused.close();
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
      AtomicReference<String> auth = new AtomicReference<>();
      server.createContext(
          "/",
          ex -> {
            auth.set(ex.getRequestHeaders().getFirst("Authorization"));
            int status = ex.getRequestURI().getPath().equals("/broken") ? 503 : 200;
            ex.sendResponseHeaders(status, -1);
            ex.close();
          });
      server.start();
      try {
        String base = "http://shop:" + PASSWORD + "@127.0.0.1:" + server.getAddress().getPort();
        AdapterRegistry r =
            registry(
                router,
                metrics,
                Map.of(
                    "web",
                    web(
                        Map.of(
                            "shop", base + "/",
                            "broken", base + "/broken",
                            "closed", "http://127.0.0.1:" + closedPort + "/"),
                        null,
                        null)));
        List<ProbeReading> readings =
            new ChaosActivitiesImpl(r)
                .readProbes(
                    "web",
                    List.of(
                        http("ok", "shop"),
                        http("fails", "broken"),
                        http("refused", "closed"),
                        http("unknown", "cart"),
                        prom("good", "up", null),
                        prom("empty", "nothing", null),
                        prom("noprovider", "up", "graphite"),
                        servers("servers")));
        assertEquals(8, readings.size());
        ProbeReading ok = readings.get(0);
        assertEquals("ok", ok.name());
        assertEquals(200, ok.status());
        assertTrue(ok.value() != null && ok.value() >= 0, ok.toString());
        assertEquals(
            "Basic " + java.util.Base64.getEncoder().encodeToString(("shop:" + PASSWORD).getBytes()),
            auth.get(),
            "the URL's user and password go in a header");
        assertEquals(503, readings.get(1).status(), "a failing answer is a status, with its latency");
        assertTrue(readings.get(1).value() != null);
        assertEquals(new ProbeReading("refused", null, 0, "GET closed: connection refused"), readings.get(2));
        assertNull(readings.get(3).value());
        assertTrue(readings.get(3).detail().contains("no endpoint 'cart'"), readings.get(3).detail());
        assertEquals(0.995, readings.get(4).value());
        assertNull(readings.get(5).value());
        assertTrue(readings.get(5).detail().contains("EMPTY"), readings.get(5).detail());
        assertNull(readings.get(6).value());
        assertTrue(readings.get(6).detail().contains("'graphite'"), readings.get(6).detail());
        ProbeReading up = readings.get(7);
        assertEquals(3.0, up.value(), up.detail());
        assertTrue(up.detail().startsWith("3 of 6 servers of web up and in rotation"), up.detail());
        for (ProbeReading reading : readings) {
          assertFalse(reading.detail().contains(PASSWORD), reading.detail());
          assertFalse(reading.detail().contains("127.0.0.1"), "no address in " + reading.detail());
        }

        router.down = true;
        ProbeReading routerDown = new ChaosActivitiesImpl(r).readProbes("web", List.of(servers("s"))).get(0);
        assertNull(routerDown.value());
        assertTrue(routerDown.detail().contains("unavailable"), routerDown.detail());
      } finally {
        server.stop(0);
      }
    }
  }

  /**
   * Two probes that never answer cost the third nothing, and the call returns within about one
   * probe timeout, not one per slow probe.
   */
  @Test
  void slowProbesAreCutAtTheTimeoutWhileTheOthersAreRead() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      // Accepts connections (the backlog) and never answers.
      AdapterRegistry r =
          registry(
              new FakeRouter(),
              new FakeMetrics(q -> MetricValue.ok(1)),
              Map.of("web", web(Map.of("silent", "http://127.0.0.1:" + silent.getLocalPort() + "/"), null, null)));
      ChaosActivitiesImpl chaos = new ChaosActivitiesImpl(r, Duration.ofSeconds(2));
      long start = System.nanoTime();
      List<ProbeReading> readings =
          chaos.readProbes(
              "web",
              List.of(http("silent", "silent"), prom("slow", "up", "slow"), prom("quick", "up", null)));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertNull(readings.get(0).value());
      assertTrue(readings.get(0).detail().contains("no answer within 2s"), readings.get(0).detail());
      assertNull(readings.get(1).value());
      assertEquals("no reading within 2s", readings.get(1).detail());
      assertEquals(1.0, readings.get(2).value());
      // Read one after the other, the two slow ones alone would take 4 s and more.
      assertTrue(millis < 3_900, "took " + millis + " ms");
    }
  }

  @Test
  void theSloIsFiveQueriesAndNoErrorSeriesMeansNoFailures() {
    FakeMetrics metrics =
        new FakeMetrics(
            q -> {
              if (q.contains("5xx")) {
                return MetricValue.of(MetricStatus.EMPTY, "no series");
              }
              if (q.startsWith("sum(increase(")) {
                return MetricValue.ok(3600);
              }
              if (q.startsWith("sum(rate(")) {
                return MetricValue.ok(1);
              }
              return MetricValue.ok(10_000);
            });
    AdapterRegistry r =
        registry(new FakeRouter(), metrics, Map.of("web", web(Map.of(), slo(), 0.25), "bare", web(Map.of(), null, null)));
    ChaosActivitiesImpl chaos = new ChaosActivitiesImpl(r);
    SloReading slo = chaos.readSlo("web");
    assertEquals(
        new SloReading(0.99, "1h", 3600.0, 0.0, 10_000.0, 0.0, 1.0, "read from metrics provider 'local' over 1h"),
        slo);
    assertTrue(slo.complete());
    assertEquals(
        List.of(
            "sum(increase(req_total{svc=\"web\"}[1h]))",
            "sum(increase(req_total{svc=\"web\",code=\"5xx\"}[1h]))",
            "sum(req_total{svc=\"web\"})",
            "sum(req_total{svc=\"web\",code=\"5xx\"})",
            "sum(rate(req_total{svc=\"web\"}[5m]))"),
        metrics.queries.stream().sorted(ChaosActivitiesImplTest::byExpectedOrder).toList());
    assertNull(chaos.readSlo("bare"), "no SLO configured");
    assertEquals(0.25, chaos.maxImpairedShare("web"));
    assertEquals(0.5, chaos.maxImpairedShare("bare"));
    assertEquals(
        FailureTypes.UNKNOWN_TARGET,
        assertThrows(ApplicationFailure.class, () -> chaos.readSlo("shop")).getType());
  }

  @Test
  void anSloThatCannotBeReadHasNullsAndSaysWhy() {
    FakeMetrics metrics =
        new FakeMetrics(q -> MetricValue.of(MetricStatus.UNAVAILABLE, "connection refused"));
    AdapterRegistry r = registry(new FakeRouter(), metrics, Map.of("web", web(Map.of(), slo(), null)));
    SloReading slo = new ChaosActivitiesImpl(r).readSlo("web");
    assertFalse(slo.complete());
    assertNull(slo.windowTotal());
    assertNull(slo.windowFailed(), "an unreachable provider is not 'no failures'");
    assertTrue(slo.detail().contains("total: UNAVAILABLE (connection refused)"), slo.detail());
  }

  private static int byExpectedOrder(String a, String b) {
    return Integer.compare(rank(a), rank(b));
  }

  private static int rank(String q) {
    if (q.startsWith("sum(increase(")) {
      return q.contains("5xx") ? 1 : 0;
    }
    if (q.startsWith("sum(rate(")) {
      return 4;
    }
    return q.contains("5xx") ? 3 : 2;
  }
}
