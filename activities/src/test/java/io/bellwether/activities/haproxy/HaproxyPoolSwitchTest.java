package io.bellwether.activities.haproxy;

import static io.bellwether.activities.haproxy.HaproxyTesting.HTTP;
import static io.bellwether.activities.haproxy.HaproxyTesting.readMapFile;
import static io.bellwether.activities.haproxy.HaproxyTesting.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.AdapterRegistry;
import io.bellwether.activities.SwitchActivitiesImpl;
import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.activities.testing.TestBackend;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.bluegreen.PoolState;
import io.temporal.failure.ApplicationFailure;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real HAProxy with a blue-green pool {@code shop} on its own frontend: blue instances
 * answer {@code blue-N}, green ones {@code green-N}.
 */
class HaproxyPoolSwitchTest {
  @TempDir Path dir;

  private final List<TestBackend> backends = new ArrayList<>();
  private HaproxyLauncher haproxy;
  private HaproxyPoolSwitch pools;
  private TestBackend blue1;
  private TestBackend blue2;
  private TestBackend green1;
  private TestBackend green2;

  @BeforeEach
  void start() throws Exception {
    haproxy =
        HaproxyLauncher.start(
            dir,
            HaproxyLauncher.freePort(),
            "web",
            Map.of(),
            HaproxyLauncher.Options.defaults().withPool("shop", HaproxyLauncher.freePort(), 3));
    pools =
        new HaproxyPoolSwitch(
            new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)),
            Map.of("shop", haproxy.poolConfig("shop")));
    blue1 = backend("blue-1");
    blue2 = backend("blue-2");
    green1 = backend("green-1");
    green2 = backend("green-2");
  }

  @AfterEach
  void stop() {
    if (haproxy != null) haproxy.close();
    backends.forEach(TestBackend::close);
  }

  @Test
  void aPoolWithEverySlotInMaintenanceAnswers503AtOnce() throws Exception {
    PoolState state = pools.state("shop");
    assertEquals("shop_a", state.liveBackend());
    assertEquals("shop_b", state.candidateBackend());
    assertEquals(0, state.candidatePercent());
    assertFalse(state.previewOn());
    assertEquals(List.of("shop_a", "shop_b"), List.copyOf(state.servers().keySet()));
    for (List<ServerInfo> slots : state.servers().values()) {
      assertEquals(List.of("s1", "s2", "s3"), slots.stream().map(ServerInfo::name).toList());
      slots.forEach(s -> assertEquals(ServerState.MAINT, s.state(), s.toString()));
    }
    // The request's own timeout fails the test if HAProxy holds the request instead.
    assertEquals(503, send(false, false).statusCode());
  }

  @Test
  void assignedSlotsServeAndTrafficGoesToLive() throws Exception {
    fillBothPools();
    assertEquals(Map.of("blue", 40), tally(40, false));
    ServerInfo slot = pools.state("shop").servers().get("shop_a").get(0);
    assertEquals(new ServerInfo("s1", blue1.address(), ServerState.READY, 1, 0, "no check"), slot);
    assertTrue(blue1.hits() > 0 && blue2.hits() > 0, "round robin over both blue slots");
    assertEquals(0, green1.hits() + green2.hits(), "nothing reaches the candidate at 0%");
  }

  @Test
  void assignSlotIsIdempotentAndClearingPutsTheSlotInMaintenance() throws Exception {
    ServerInfo first = pools.assignSlot("shop_a", "s1", blue1.address());
    ServerInfo again = pools.assignSlot("shop_a", "s1", blue1.address());
    assertEquals(first, again);
    assertEquals(ServerState.READY, again.state());
    ServerInfo cleared = pools.assignSlot("shop_a", "s1", "");
    assertEquals(ServerState.MAINT, cleared.state());
    assertEquals(cleared, pools.assignSlot("shop_a", "s1", ""));
    assertEquals(503, send(false, false).statusCode());
    // Re-pointing a slot at another instance.
    ServerInfo moved = pools.assignSlot("shop_a", "s1", blue2.address());
    assertEquals(blue2.address(), moved.address());
    assertEquals("blue-2", send(false, false).body());
  }

  @Test
  void badSlotsAndAddressesAreRefused() throws Exception {
    assertThrows(UnknownBackendException.class, () -> pools.assignSlot("shop_a", "s9", blue1.address()));
    assertThrows(UnknownBackendException.class, () -> pools.assignSlot("nope", "s1", blue1.address()));
    assertThrows(RouterRejectedException.class, () -> pools.assignSlot("shop_a", "s1", "localhost:80"));
    assertThrows(RouterRejectedException.class, () -> pools.assignSlot("shop_a", "s1", "127.0.0.1"));
    assertThrows(RouterRejectedException.class, () -> pools.assignSlot("shop_a", "s1", "127.0.0.1:0"));
    assertEquals(ServerState.MAINT, pools.state("shop").servers().get("shop_a").get(0).state());
  }

  @Test
  void candidatePercentMovesAllTrafficAtOnceOrSplitsIt() throws Exception {
    fillBothPools();
    assertEquals(100, pools.setCandidatePercent("shop", 100).candidatePercent());
    assertEquals(Map.of("green", 60), tally(60, false));

    pools.setCandidatePercent("shop", 50);
    Map<String, Integer> mix = tally(200, false);
    // Either side missing from 200 fair coin flips has probability 2^-199.
    assertTrue(mix.getOrDefault("blue", 0) > 0 && mix.getOrDefault("green", 0) > 0, mix.toString());
    assertEquals(200, mix.getOrDefault("blue", 0) + mix.getOrDefault("green", 0), mix.toString());

    PoolState back = pools.setCandidatePercent("shop", 0);
    assertEquals(0, back.candidatePercent());
    assertEquals(Map.of("blue", 60), tally(60, false));
    assertThrows(RouterRejectedException.class, () -> pools.setCandidatePercent("shop", 101));
  }

  @Test
  void promotionUnderSteadyLoadLosesNoRequestAndEndsOnTheNewLive() throws Exception {
    fillBothPools();
    pools.setCandidatePercent("shop", 100);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger notGreen = new AtomicInteger();
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      boolean post = t % 2 == 0;
      Thread th =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    HttpResponse<String> r = send(false, post);
                    if (r.statusCode() == 200) {
                      ok.incrementAndGet();
                      if (!r.body().startsWith("green")) {
                        notGreen.incrementAndGet();
                      }
                    } else {
                      failed.incrementAndGet();
                      failures.add(r.statusCode() + " " + r.body());
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                    failures.add(e.toString());
                  }
                }
              });
      th.start();
      load.add(th);
    }
    try {
      awaitCount(ok, 50);
      PoolState promoted = pools.promoteCandidate("shop", "shop_b");
      int atPromotion = ok.get();
      awaitCount(ok, atPromotion + 50);
      assertEquals("shop_b", promoted.liveBackend());
      assertEquals("shop_a", promoted.candidateBackend());
      assertEquals(0, promoted.candidatePercent());
    } finally {
      running.set(false);
      for (Thread th : load) {
        th.join(10_000);
      }
    }
    assertEquals(0, failed.get(), failures.toString());
    assertEquals(0, notGreen.get(), "every step of the swap kept all traffic on green");
    assertEquals(Map.of("green", 40), tally(40, false));
  }

  @Test
  void promotionIsIdempotentAndSwitchingBackIsPercentThenPromote() throws Exception {
    fillBothPools();
    pools.setCandidatePercent("shop", 100);
    PoolState first = pools.promoteCandidate("shop", "shop_b");
    PoolState again = pools.promoteCandidate("shop", "shop_b");
    assertEquals(first, again);

    // Switch back to blue: blue is the candidate now.
    pools.setCandidatePercent("shop", 100);
    assertEquals(Map.of("blue", 40), tally(40, false));
    PoolState back = pools.promoteCandidate("shop", "shop_a");
    assertEquals("shop_a", back.liveBackend());
    assertEquals("shop_b", back.candidateBackend());
    assertEquals(0, back.candidatePercent());
    assertEquals(Map.of("blue", 40), tally(40, false));
  }

  @Test
  void promotionIsRefusedUnlessTheCandidateHasEverything() throws Exception {
    fillBothPools();
    pools.setCandidatePercent("shop", 50);
    RouterRejectedException e =
        assertThrows(RouterRejectedException.class, () -> pools.promoteCandidate("shop", "shop_b"));
    assertTrue(e.getMessage().contains("100%"), e.getMessage());
    assertEquals("shop_a", pools.state("shop").liveBackend(), "nothing changed");
    assertThrows(UnknownBackendException.class, () -> pools.promoteCandidate("shop", "web"));
    // The live backend named while the other takes half: promoting would cut that half off.
    assertThrows(RouterRejectedException.class, () -> pools.promoteCandidate("shop", "shop_a"));
  }

  @Test
  void aPromotionInterruptedHalfWayIsFinishedByTheRetry() throws Exception {
    fillBothPools();
    pools.setCandidatePercent("shop", 100);
    // As if the worker died after making green live but before the last two steps.
    HaproxyRuntimeApi api = new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2));
    assertEquals("", api.execute("set map " + haproxy.poolMapFile("shop") + " shop.live shop_b").strip());
    assertEquals(Map.of("green", 20), tally(20, false));
    PoolState done = pools.promoteCandidate("shop", "shop_b");
    assertEquals(
        List.of("shop_b", "shop_a", 0),
        List.of(done.liveBackend(), done.candidateBackend(), done.candidatePercent()));
    assertEquals(Map.of("green", 20), tally(20, false));
  }

  @Test
  void previewReachesTheCandidateOnlyWithTheHeaderAndPromotionClosesIt() throws Exception {
    fillBothPools();
    assertEquals("blue", side(send(true, false).body()), "preview is off: the header does nothing");
    assertTrue(pools.setPreview("shop", true).previewOn());
    assertEquals(Map.of("green", 20), tally(20, true));
    assertEquals(Map.of("blue", 20), tally(20, false));
    assertFalse(pools.setPreview("shop", false).previewOn());
    assertEquals(Map.of("blue", 20), tally(20, true));

    pools.setPreview("shop", true);
    pools.setCandidatePercent("shop", 100);
    PoolState promoted = pools.promoteCandidate("shop", "shop_b");
    assertFalse(promoted.previewOn());
    assertEquals(Map.of("green", 20), tally(20, true), "a preview header no longer reaches old blue");
  }

  @Test
  void everyChangeIsOnDiskAndSurvivesARestart() throws Exception {
    fillBothPools();
    pools.setCandidatePercent("shop", 100);
    pools.setPreview("shop", true);
    Map<String, String> onDisk = readMapFile(haproxy.poolMapFile("shop"));
    assertEquals(
        Map.of(
            "shop.live", "shop_a",
            "shop.candidate", "shop_b",
            "shop.candidate_pct", "100",
            "shop.preview", "on"),
        onDisk);
    String state = Files.readString(haproxy.serverStateFile());
    assertTrue(state.contains(" shop_b 1 s1 127.0.0.1 "), state);
    assertTrue(state.contains(" " + green1.port() + " "), state);

    haproxy.restart();
    PoolState after = pools.state("shop");
    assertEquals(100, after.candidatePercent());
    assertTrue(after.previewOn());
    assertEquals(green1.address(), after.servers().get("shop_b").get(0).address());
    assertEquals(ServerState.READY, after.servers().get("shop_b").get(0).state());
    assertEquals(ServerState.MAINT, after.servers().get("shop_b").get(2).state());
    assertEquals(Map.of("green", 20), tally(20, false));
  }

  @Test
  void unknownPoolsAndRoutersAreUnknownTargets() throws Exception {
    assertThrows(UnknownBackendException.class, () -> pools.state("nope"));
    assertThrows(UnknownBackendException.class, () -> pools.setCandidatePercent("nope", 100));
    Map<String, HaproxyPoolSwitch> switches = new HashMap<>();
    switches.put("edge", pools);
    SwitchActivitiesImpl activities =
        new SwitchActivitiesImpl(
            new AdapterRegistry(Map.of(), new HashMap<>(switches), Map.of(), Map.of(), null, null));
    ApplicationFailure pool =
        assertThrows(ApplicationFailure.class, () -> activities.poolState("edge", "nope"));
    assertEquals(FailureTypes.UNKNOWN_TARGET, pool.getType());
    assertTrue(pool.isNonRetryable());
    assertTrue(pool.getOriginalMessage().contains("configured: shop"), pool.getOriginalMessage());
    ApplicationFailure router =
        assertThrows(ApplicationFailure.class, () -> activities.poolState("nope", "shop"));
    assertEquals(FailureTypes.UNKNOWN_TARGET, router.getType());
    ApplicationFailure pct =
        assertThrows(ApplicationFailure.class, () -> activities.setCandidatePercent("edge", "shop", -1));
    assertEquals(FailureTypes.INVALID_SPEC, pct.getType());
    assertEquals("shop_a", activities.poolState("edge", "shop").liveBackend());
  }

  @Test
  void aMapFileHaproxyDoesNotKnowIsRefusedNotGuessed() throws Exception {
    HaproxyPoolSwitch wrong =
        new HaproxyPoolSwitch(
            new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)),
            Map.of(
                "shop",
                new PoolConfig(
                    List.of("shop_a", "shop_b"),
                    dir.resolve("other.map").toString(),
                    haproxy.serverStateFile().toString())));
    RouterRejectedException e = assertThrows(RouterRejectedException.class, () -> wrong.state("shop"));
    assertTrue(e.getMessage().contains("other.map"), e.getMessage());
  }

  private void fillBothPools() {
    pools.assignSlot("shop_a", "s1", blue1.address());
    pools.assignSlot("shop_a", "s2", blue2.address());
    pools.assignSlot("shop_b", "s1", green1.address());
    pools.assignSlot("shop_b", "s2", green2.address());
  }

  private TestBackend backend(String name) throws Exception {
    TestBackend b = TestBackend.start(name);
    backends.add(b);
    return b;
  }

  private HttpResponse<String> send(boolean previewHeader, boolean post) throws Exception {
    HttpRequest.Builder req =
        request(
            haproxy.poolFrontendPort("shop"),
            previewHeader ? Map.of(HaproxyPoolSwitch.PREVIEW_HEADER, "1") : Map.of());
    req = post ? req.POST(HttpRequest.BodyPublishers.ofString("order")) : req.GET();
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Requests by side ({@code blue}/{@code green}); anything else counts under its status. */
  private Map<String, Integer> tally(int requests, boolean previewHeader) throws Exception {
    Map<String, Integer> out = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> r = send(previewHeader, false);
      String key = r.statusCode() == 200 ? side(r.body()) : "status " + r.statusCode();
      out.merge(key, 1, Integer::sum);
    }
    return out;
  }

  private static String side(String body) {
    return body.substring(0, body.indexOf('-'));
  }

  private static void awaitCount(AtomicInteger count, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (count.get() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(count.get() >= atLeast, "load reached " + count.get() + " of " + atLeast);
  }
}
