package io.bellwether.activities.haproxy;

import static io.bellwether.activities.haproxy.HaproxyTesting.HTTP;
import static io.bellwether.activities.haproxy.HaproxyTesting.readMapFile;
import static io.bellwether.activities.haproxy.HaproxyTesting.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.AdapterRegistry;
import io.bellwether.activities.SwitchActivitiesImpl;
import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.haproxy.HaproxyPoolSwitch.Segment;
import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.testing.TestBackend;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.canary.SegmentRoute;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real HAProxy whose main backend {@code web} (fixed servers answering {@code
 * stable-N}) is the live side of a canary route, with a canary instance ({@code canary-1}) in
 * {@code web_canary/s1}, a blue-green pool {@code shop} beside it and the Prometheus exporter on.
 */
class HaproxyCanaryRouteTest {
  @TempDir Path dir;

  private final List<TestBackend> backends = new ArrayList<>();
  private HaproxyLauncher haproxy;
  private HaproxyPoolSwitch pools;
  private int exporterPort;

  @BeforeEach
  void start() throws Exception {
    Map<String, String> servers = new LinkedHashMap<>();
    servers.put("web-1", backend("stable-1").address());
    servers.put("web-2", backend("stable-2").address());
    exporterPort = HaproxyLauncher.freePort();
    haproxy =
        HaproxyLauncher.start(
            dir,
            HaproxyLauncher.freePort(),
            "web",
            servers,
            HaproxyLauncher.Options.defaults()
                .withPool("shop", HaproxyLauncher.freePort(), 2)
                .withCanaryRoute("web", 4)
                .withPrometheusExporter(exporterPort));
    pools =
        new HaproxyPoolSwitch(
            new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)),
            haproxy.routerConfig().pools());
  }

  @AfterEach
  void stop() {
    if (haproxy != null) haproxy.close();
    backends.forEach(TestBackend::close);
  }

  @Test
  void theCanaryRouteIsAPoolOnTheMainFrontendWithStableLive() throws Exception {
    assertEquals(List.of("shop", "web"), haproxy.pools());
    assertEquals(List.of("web", "web_canary"), haproxy.poolBackends("web"));
    assertEquals(List.of("s1", "s2", "s3", "s4"), haproxy.poolSlots("web"));
    assertEquals(haproxy.frontendPort(), haproxy.poolFrontendPort("web"));
    assertEquals("web_canary", haproxy.canaryRoute().orElseThrow().canaryBackend());
    PoolConfig config = haproxy.routerConfig().pools().get("web");
    assertEquals(dir.toAbsolutePath().resolve("web.map").toString(), config.mapFile());
    for (Segment s : Segment.values()) {
      assertTrue(Files.exists(haproxy.poolSegmentMapFile("web", s)), s.toString());
    }

    PoolState state = pools.state("web");
    assertEquals("web", state.liveBackend());
    assertEquals("web_canary", state.candidateBackend());
    assertEquals(0, state.candidatePercent());
    assertEquals(
        List.of("web-1", "web-2"),
        state.servers().get("web").stream().map(ServerInfo::name).toList());
    state.servers().get("web_canary").forEach(s -> assertEquals(ServerState.MAINT, s.state()));

    assignCanary();
    Map<String, Integer> split = tally(40, Map.of());
    assertEquals(Map.of("stable", 40), split, "0% and no segments: nothing reaches the canary");
    assertEquals(List.of("shop_a", "shop_b"), pools.state("shop").servers().keySet().stream().toList());
  }

  @Test
  void theWeightSplitsTrafficToThePercent() throws Exception {
    assignCanary();
    pools.setCandidatePercent("web", 20);
    int n = 2000;
    int canary = tally(n, Map.of()).getOrDefault("canary", 0);
    // 20% of 2000 has a standard deviation of 0.9%: +-3% is more than 3 of them.
    double share = 100.0 * canary / n;
    assertTrue(share >= 17 && share <= 23, "canary share " + share + "% at weight 20%");

    pools.setCandidatePercent("web", 1);
    int one = tally(1000, Map.of()).getOrDefault("canary", 0);
    // Expected 10 of 1000 (standard deviation 3.1): 1% reaches the canary, and is not 3%.
    assertTrue(one >= 2 && one <= 25, one + " of 1000 at weight 1%");

    pools.setCandidatePercent("web", 100);
    assertEquals(Map.of("canary", 50), tally(50, Map.of()));
    pools.setCandidatePercent("web", 0);
    assertEquals(Map.of("stable", 50), tally(50, Map.of()));
  }

  @Test
  void headerCookieAndUserSegmentsReachTheCanaryWhateverTheWeight() throws Exception {
    assignCanary();
    PoolState state =
        pools.setSegments(
            "web", new SegmentRoute(List.of("beta", "internal"), List.of("early"), List.of("u-42", "a@b.c")));
    assertEquals(0, state.candidatePercent());

    assertEquals(Map.of("canary", 10), tally(10, header(HaproxyPoolSwitch.SEGMENT_HEADER, "beta")));
    assertEquals(Map.of("canary", 10), tally(10, header(HaproxyPoolSwitch.SEGMENT_HEADER, "internal")));
    assertEquals(Map.of("stable", 10), tally(10, header(HaproxyPoolSwitch.SEGMENT_HEADER, "gamma")));
    assertEquals(Map.of("canary", 10), tally(10, cookie("theme=dark; bellwether_segment=early")));
    assertEquals(Map.of("stable", 10), tally(10, cookie("bellwether_segment=beta")));
    assertEquals(Map.of("canary", 10), tally(10, header(HaproxyPoolSwitch.USER_HEADER, "u-42")));
    assertEquals(Map.of("canary", 10), tally(10, header(HaproxyPoolSwitch.USER_HEADER, "a@b.c")));
    assertEquals(Map.of("stable", 10), tally(10, header(HaproxyPoolSwitch.USER_HEADER, "u-43")));
    assertEquals(Map.of("stable", 20), tally(20, Map.of()));

    assertEquals(
        new SegmentRoute(List.of("beta", "internal"), List.of("early"), List.of("u-42", "a@b.c")),
        pools.segments("web"));
    // Idempotent: the same route again adds no duplicate keys.
    pools.setSegments(
        "web", new SegmentRoute(List.of("beta", "internal"), List.of("early"), List.of("u-42", "a@b.c")));
    assertEquals(List.of("beta", "internal"), pools.segments("web").headerValues());

    // Replacing keeps what stays and drops what goes.
    pools.setSegments("web", new SegmentRoute(List.of("internal", "gamma"), List.of(), List.of()));
    assertEquals(new SegmentRoute(List.of("internal", "gamma"), List.of(), List.of()), pools.segments("web"));
    assertEquals(Map.of("stable", 10), tally(10, header(HaproxyPoolSwitch.SEGMENT_HEADER, "beta")));
    assertEquals(Map.of("canary", 10), tally(10, header(HaproxyPoolSwitch.SEGMENT_HEADER, "gamma")));
    assertEquals(Map.of("stable", 10), tally(10, cookie("bellwether_segment=early")));
    assertEquals(Map.of("stable", 10), tally(10, header(HaproxyPoolSwitch.USER_HEADER, "u-42")));

    // Clearing.
    pools.setSegments("web", SegmentRoute.none());
    assertEquals(SegmentRoute.none(), pools.segments("web"));
    assertEquals(Map.of("stable", 10), tally(10, header(HaproxyPoolSwitch.SEGMENT_HEADER, "internal")));
    for (Segment s : Segment.values()) {
      assertEquals(Map.of(), readMapFile(haproxy.poolSegmentMapFile("web", s)), s.toString());
    }
    pools.setSegments("web", null);
    assertEquals(SegmentRoute.none(), pools.segments("web"));
  }

  @Test
  void segmentsAndWeightSurviveARestart() throws Exception {
    assignCanary();
    pools.setSegments("web", new SegmentRoute(List.of("beta"), List.of("early"), List.of("u-7")));
    pools.setCandidatePercent("web", 100);
    pools.setCandidatePercent("web", 0);
    assertEquals(Map.of("beta", "1"), readMapFile(haproxy.poolSegmentMapFile("web", Segment.HEADER)));
    assertEquals(Map.of("early", "1"), readMapFile(haproxy.poolSegmentMapFile("web", Segment.COOKIE)));
    assertEquals(Map.of("u-7", "1"), readMapFile(haproxy.poolSegmentMapFile("web", Segment.USER)));

    haproxy.restart();
    assertEquals(
        new SegmentRoute(List.of("beta"), List.of("early"), List.of("u-7")), pools.segments("web"));
    PoolState after = pools.state("web");
    assertEquals(ServerState.READY, after.servers().get("web_canary").get(0).state(), "slot kept");
    assertEquals(Map.of("canary", 10), tally(10, header(HaproxyPoolSwitch.SEGMENT_HEADER, "beta")));
    assertEquals(Map.of("canary", 10), tally(10, cookie("bellwether_segment=early")));
    assertEquals(Map.of("canary", 10), tally(10, header(HaproxyPoolSwitch.USER_HEADER, "u-7")));
    assertEquals(Map.of("stable", 20), tally(20, Map.of()));
  }

  @Test
  void blueGreenPoolFrontendsRouteSegmentsToo() throws Exception {
    pools.assignSlot("shop_a", "s1", backend("blue-1").address());
    pools.assignSlot("shop_b", "s1", backend("green-1").address());
    pools.setSegments("shop", new SegmentRoute(List.of("beta"), List.of(), List.of()));
    int port = haproxy.poolFrontendPort("shop");
    assertEquals("green-1", send(port, header(HaproxyPoolSwitch.SEGMENT_HEADER, "beta")).body());
    assertEquals("blue-1", send(port, Map.of()).body());
    // The other pool's segments are its own.
    assertEquals(SegmentRoute.none(), pools.segments("web"));
    assertEquals(
        Map.of("stable", 10), tally(10, header(HaproxyPoolSwitch.SEGMENT_HEADER, "beta")));
  }

  @Test
  void badValuesAndPoolsWithoutSegmentMapsAreRefusedThroughTheActivity() throws Exception {
    assignCanary();
    pools.setSegments("web", new SegmentRoute(List.of("beta"), List.of(), List.of()));
    Map<String, HaproxyPoolSwitch> switches = new HashMap<>();
    switches.put("edge", pools);
    SwitchActivitiesImpl activities =
        new SwitchActivitiesImpl(
            new AdapterRegistry(Map.of(), new HashMap<>(switches), Map.of(), Map.of(), null, null));

    for (String bad : new String[] {"two words", "a;show info", "#x", "a,b", ""}) {
      ApplicationFailure e =
          assertThrows(
              ApplicationFailure.class,
              () -> activities.setSegments("edge", "web", new SegmentRoute(List.of("ok", bad), List.of(), List.of())));
      assertEquals(FailureTypes.INVALID_SPEC, e.getType(), bad);
      assertTrue(e.isNonRetryable());
      assertThrows(
          RouterRejectedException.class,
          () -> pools.setSegments("web", new SegmentRoute(List.of(), List.of(), List.of(bad))));
    }
    assertEquals(List.of("beta"), pools.segments("web").headerValues(), "nothing changed");

    ApplicationFailure unknown =
        assertThrows(ApplicationFailure.class, () -> activities.setSegments("edge", "nope", SegmentRoute.none()));
    assertEquals(FailureTypes.UNKNOWN_TARGET, unknown.getType());

    PoolState viaActivity =
        activities.setSegments("edge", "web", new SegmentRoute(List.of(), List.of(), List.of("u-1")));
    assertEquals("web_canary", viaActivity.candidateBackend());
    assertEquals(new SegmentRoute(List.of(), List.of(), List.of("u-1")), pools.segments("web"));

    // A pool whose map lies where this HAProxy has no segment maps (as an older configuration
    // without segment rules): refused, not retried, and other changes still work.
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    HaproxyPoolSwitch old =
        new HaproxyPoolSwitch(
            new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)),
            Map.of(
                "web",
                new PoolConfig(
                    List.of("web", "web_canary"),
                    elsewhere.resolve("web.map").toString(),
                    haproxy.serverStateFile().toString())));
    SwitchActivitiesImpl oldActivities =
        new SwitchActivitiesImpl(
            new AdapterRegistry(Map.of(), new HashMap<>(Map.of("edge", old)), Map.of(), Map.of(), null, null));
    ApplicationFailure noMaps =
        assertThrows(ApplicationFailure.class, () -> oldActivities.setSegments("edge", "web", SegmentRoute.none()));
    assertEquals(FailureTypes.ROUTER_UNAVAILABLE, noMaps.getType());
    assertTrue(noMaps.isNonRetryable());
    assertTrue(noMaps.getOriginalMessage().contains("seg-header.map"), noMaps.getOriginalMessage());
  }

  @Test
  void thePrometheusExporterAnswersOnItsOwnFrontend() throws Exception {
    assertEquals(exporterPort, haproxy.prometheusExporterPort());
    tally(5, Map.of());
    HttpResponse<String> metrics = get(exporterPort, "/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(
        metrics.body().contains("haproxy_backend_http_responses_total{proxy=\"web\",code=\"2xx\"}"),
        metrics.body().lines().filter(l -> l.contains("proxy=\"web\"")).limit(5).toList().toString());
    assertTrue(metrics.body().contains("proxy=\"web_canary\""));
    assertEquals(503, get(exporterPort, "/").statusCode());
  }

  @Test
  void badCanaryRoutesAreRefusedBeforeStarting() {
    Path other = dir.resolve("other");
    Map<String, String> servers = Map.of("web-1", "127.0.0.1:1");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            HaproxyLauncher.start(
                other, HaproxyLauncher.freePort(), "web", servers,
                HaproxyLauncher.Options.defaults().withCanaryRoute("api", 2)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            HaproxyLauncher.start(
                other, HaproxyLauncher.freePort(), "web", servers,
                HaproxyLauncher.Options.defaults().withCanaryRoute("web", 0)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            HaproxyLauncher.start(
                other, HaproxyLauncher.freePort(), "web", servers,
                HaproxyLauncher.Options.defaults().withPool("web", HaproxyLauncher.freePort(), 1).withCanaryRoute("web", 2)));
    assertThrows(
        IllegalArgumentException.class,
        () -> HaproxyLauncher.Options.defaults().withPrometheusExporter(0));
    assertTrue(!Files.exists(other.resolve("haproxy.cfg")), "refused before writing anything");
  }

  private void assignCanary() throws Exception {
    pools.assignSlot("web_canary", "s1", backend("canary-1").address());
  }

  private TestBackend backend(String name) throws Exception {
    TestBackend b = TestBackend.start(name);
    backends.add(b);
    return b;
  }

  private static Map<String, String> header(String name, String value) {
    return Map.of(name, value);
  }

  private static Map<String, String> cookie(String value) {
    return Map.of("Cookie", value);
  }

  private static HttpResponse<String> send(int port, Map<String, String> headers) throws Exception {
    return HTTP.send(request(port, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Requests to the main frontend by side ({@code stable}/{@code canary}); else by status. Sent 16
   * at a time: HAProxy draws the random number per request, so concurrency changes nothing but the
   * test's duration.
   */
  private Map<String, Integer> tally(int requests, Map<String, String> headers) throws Exception {
    Map<String, Integer> out = new HashMap<>();
    for (int sent = 0; sent < requests; ) {
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (int i = 0; i < 16 && sent < requests; i++, sent++) {
        batch.add(
            HTTP.sendAsync(
                request(haproxy.frontendPort(), headers).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : batch) {
        HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
        String key =
            r.statusCode() == 200
                ? r.body().substring(0, r.body().indexOf('-'))
                : "status " + r.statusCode();
        out.merge(key, 1, Integer::sum);
      }
    }
    return out;
  }
}
