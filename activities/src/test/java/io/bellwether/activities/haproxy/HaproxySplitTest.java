package io.bellwether.activities.haproxy;

import static io.bellwether.activities.haproxy.HaproxyTesting.HTTP;
import static io.bellwether.activities.haproxy.HaproxyTesting.readMapFile;
import static io.bellwether.activities.haproxy.HaproxyTesting.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.AdapterRegistry;
import io.bellwether.activities.SplitActivitiesImpl;
import io.bellwether.activities.config.SplitConfig;
import io.bellwether.activities.haproxy.HaproxySplit.SplitMap;
import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.activities.testing.EchoBackend;
import io.bellwether.activities.testing.RecordingSocket;
import io.bellwether.activities.testing.Xxh32;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.abtest.SplitRoutes;
import io.bellwether.contracts.abtest.SplitState;
import io.bellwether.contracts.abtest.VariantRoute;
import io.temporal.failure.ApplicationFailure;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real HAProxy whose main backend {@code web} (answering {@code stable}) has a canary
 * route ({@code web_canary}, answering {@code canary}) and, ahead of it, the split {@code ab}:
 * {@code ab_v1} (answering {@code v1}) and {@code ab_v2} ({@code v2}). Every instance echoes the
 * {@code x-bellwether-variant} and {@code x-bellwether-assignment} headers it received. The
 * runtime API is reached through a recording socket, so a test can count the router commands.
 */
class HaproxySplitTest {
  @TempDir Path dir;

  private final List<EchoBackend> backends = new ArrayList<>();
  private HaproxyLauncher haproxy;
  private RecordingSocket recorder;
  private HaproxySplit split;
  private HaproxyPoolSwitch pools;

  @BeforeEach
  void start() throws Exception {
    Map<String, String> servers = new LinkedHashMap<>();
    servers.put("web-1", backend("stable").address());
    haproxy =
        HaproxyLauncher.start(
            dir.resolve("h"),
            HaproxyLauncher.freePort(),
            "web",
            servers,
            HaproxyLauncher.Options.defaults().withCanaryRoute("web", 1).withSplit("ab", 2, 2));
    recorder = RecordingSocket.start(dir.resolve("rec.sock"), haproxy.socket());
    HaproxyRuntimeApi api = new HaproxyRuntimeApi(recorder.endpoint(), Duration.ofSeconds(5));
    split = new HaproxySplit("edge", api, haproxy.routerConfig().splits());
    pools =
        new HaproxyPoolSwitch(
            api, haproxy.routerConfig().pools(), List.of(haproxy.serverStateFile().toString()));
    pools.assignSlot("ab_v1", "s1", backend("v1").address());
    pools.assignSlot("ab_v2", "s1", backend("v2").address());
    pools.assignSlot("web_canary", "s1", backend("canary").address());
  }

  @AfterEach
  void stop() throws Exception {
    if (haproxy != null) haproxy.close();
    if (recorder != null) recorder.close();
    backends.forEach(EchoBackend::close);
  }

  // ---------------------------------------------------------------- the generated configuration

  @Test
  void theSplitIsConfiguredAheadOfTheCanaryRouteAndStartsClosedAndEmpty() throws Exception {
    String cfg = Files.readString(haproxy.configFile());
    int splitBackend = cfg.indexOf("use_backend %[var(txn.ab_be)] if bw_ab_hit");
    int canaryBackend = cfg.indexOf("use_backend %[str(web.candidate)");
    int lastRequestRule = cfg.lastIndexOf("http-request ");
    assertTrue(splitBackend > 0 && canaryBackend > splitBackend, cfg);
    assertTrue(lastRequestRule < splitBackend, "every http-request rule before any use_backend");
    assertTrue(cfg.indexOf("default_backend web") > canaryBackend, cfg);
    // HAProxy warns about configuration lines as "parsing [file:line]": there must be none.
    assertFalse(Files.readString(haproxy.logFile()).contains("parsing ["), Files.readString(haproxy.logFile()));

    assertEquals(List.of("ab"), haproxy.splits());
    assertEquals(List.of("ab_v1", "ab_v2"), haproxy.splitBackends("ab"));
    assertEquals(List.of("s1", "s2"), haproxy.splitSlots("ab"));
    SplitConfig config = haproxy.routerConfig().splits().get("ab");
    assertEquals(haproxy.dir().resolve("ab.map").toString(), config.mapFile());
    assertEquals("bw_ab", config.stickyCookie());
    assertEquals("x-user-id", config.userHeader());
    assertEquals(haproxy.dir().resolve("ab.names.map"), haproxy.splitMapFile("ab", SplitMap.NAMES));
    assertEquals(Map.of("ab.open", "off"), readMapFile(haproxy.splitMapFile("ab")));
    for (SplitMap m : SplitMap.values()) {
      if (m != SplitMap.MAIN) {
        assertEquals(Map.of(), readMapFile(haproxy.splitMapFile("ab", m)), m.toString());
      }
    }

    SplitState state = split.state("ab");
    assertTrue(state.isClear(), state.toString());
    assertEquals("edge", state.router());
    assertEquals(List.of("ab_v1", "ab_v2"), state.backends());
    assertEquals(Map.of("stable - -", 20), tally(repeat(20, Map.of("x-user-id", "u-1"))));
  }

  // ------------------------------------------------------------------------------ closed split

  @Test
  void aClosedSplitSendsEveryRequestToStableAndNoVariantHeaderReachesIt() throws Exception {
    split.setRoutes("ab", halfAndHalf("s1").withForced());
    SplitState state = split.state("ab");
    assertFalse(state.open());
    assertEquals(2, state.routes().variants().size());

    List<Map<String, String>> requests = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      requests.add(Map.of("x-user-id", "u-" + i));
    }
    requests.add(Map.of("x-user-id", "forced-1"));
    requests.add(Map.of("x-bellwether-segment", "beta"));
    requests.add(Map.of("Cookie", "bellwether_segment=early; bw_ab=s1.ab_v2"));
    requests.add(Map.of("x-bellwether-variant", "forged", "x-bellwether-assignment", "forced"));
    requests.add(Map.of());
    List<Hit> hits = sendAll(requests);
    for (Hit h : hits) {
      assertEquals("stable - -", h.echo(), "closed: as without a split");
      assertEquals(List.of(), h.setCookies());
    }
  }

  // ------------------------------------------------------------------------------------- hash

  @Test
  void hashAssignmentIsStickyPerUserSplitsInHalvesAndFollowsTheDocumentedFormula() throws Exception {
    split.setRoutes("ab", halfAndHalf("s1").routes());
    split.setOpen("ab", true);
    int users = 2000;
    List<Map<String, String>> requests = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int u = 0; u < users; u++) {
        requests.add(Map.of("x-user-id", "user-" + u));
      }
    }
    List<Hit> hits = sendAll(requests);
    Map<String, String> first = new HashMap<>();
    int control = 0;
    int notAsPredicted = 0;
    for (int i = 0; i < hits.size(); i++) {
      String user = "user-" + (i % users);
      Hit h = hits.get(i);
      assertEquals("hash", h.how(), h.echo());
      assertEquals(List.of(), h.setCookies(), "no cookie for a hashed user");
      String before = first.putIfAbsent(user, h.echo());
      if (before != null) {
        assertEquals(before, h.echo(), user + " must keep its variant");
      } else {
        control += h.backend().equals("v1") ? 1 : 0;
        String predicted = Xxh32.bucket(user, "s1") < 50 ? "v1" : "v2";
        notAsPredicted += predicted.equals(h.backend()) ? 0 : 1;
      }
      assertEquals(h.backend().equals("v1") ? "control" : "treatment", h.variant());
    }
    double share = 100.0 * control / users;
    System.out.printf("split accuracy, hash 50/50 over %d users: control %.1f%%%n", users, share);
    assertTrue(Math.abs(share - 50) <= 5, "control share " + share + "%");
    assertEquals(0, notAsPredicted, "bucket = xxh32(user id + salt) mod 100");

    // Another salt: an independent assignment, about half the users change sides.
    split.setRoutes("ab", halfAndHalf("s2").routes());
    List<Map<String, String>> again = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      again.add(Map.of("x-user-id", "user-" + u));
    }
    List<Hit> salted = sendAll(again);
    int moved = 0;
    for (int u = 0; u < users; u++) {
      moved += salted.get(u).echo().equals(first.get("user-" + u)) ? 0 : 1;
    }
    double movedPct = 100.0 * moved / users;
    System.out.printf("another salt moved %.1f%% of %d users (independent: 50%%)%n", movedPct, users);
    assertTrue(movedPct >= 40 && movedPct <= 60, movedPct + "% moved");
  }

  @Test
  void sharesOfTenAndTenLeaveEightyPercentOnStable() throws Exception {
    split.setRoutes("ab", tenAndTen("s1", "hash"));
    split.setOpen("ab", true);
    int users = 3000;
    List<Map<String, String>> requests = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      requests.add(Map.of("x-user-id", "shopper-" + u));
    }
    Map<String, Integer> byId = tallyBackends(sendAll(requests));
    // Without a user id: a random draw per new visitor.
    Map<String, Integer> random = tallyBackends(sendAll(repeat(2000, Map.of())));
    System.out.printf("split accuracy, hash 10/10/80 over %d users: %s%n", users, percent(byId, users));
    System.out.printf("split accuracy, random 10/10/80 over 2000 visitors: %s%n", percent(random, 2000));
    // 10% of 3000 has a standard deviation of 0.55 points, of 2000 0.67 points.
    assertWithin(byId, users, "v1", 10, 2);
    assertWithin(byId, users, "v2", 10, 2);
    assertWithin(byId, users, "stable", 80, 3);
    assertWithin(random, 2000, "v1", 10, 3);
    assertWithin(random, 2000, "v2", 10, 3);
    assertWithin(random, 2000, "stable", 80, 4);
  }

  // ------------------------------------------------------------------ forced users and segments

  @Test
  void forcedUsersThenSegmentsThenTheStickyCookieWinOverTheHash() throws Exception {
    // Users whose hash sends them to control (ab_v1) and to treatment (ab_v2).
    String toControl = userWithBucket("s1", 0, 50);
    String toTreatment = userWithBucket("s1", 50, 100);
    split.setRoutes(
        "ab",
        new SplitRoutes(
            "s1",
            "hash",
            List.of(
                new VariantRoute("control", "ab_v1", 0, 50, List.of(), List.of("beta"), List.of()),
                new VariantRoute(
                    "treatment", "ab_v2", 50, 100, List.of(toControl), List.of(), List.of("early")))));
    split.setOpen("ab", true);
    assertEquals(List.of(toControl), split.state("ab").routes().variants().get(1).users());

    assertOnly("v2 treatment forced", Map.of("x-user-id", toControl));
    assertOnly("v2 treatment forced", Map.of("x-user-id", toControl, "x-bellwether-segment", "beta"));
    assertOnly("v1 control segment", Map.of("x-user-id", toTreatment, "x-bellwether-segment", "beta"));
    assertOnly("v2 treatment segment", Map.of("x-user-id", toTreatment, "Cookie", "bellwether_segment=early"));
    assertOnly("v1 control segment", Map.of("x-bellwether-segment", "beta", "Cookie", "bellwether_segment=early"));
    assertOnly("v2 treatment segment", Map.of("Cookie", "bellwether_segment=early; bw_ab=s1.ab_v1"));
    assertOnly("v1 control cookie", Map.of("x-user-id", toTreatment, "Cookie", "bw_ab=s1.ab_v1"));
    assertOnly("v2 treatment hash", Map.of("x-user-id", toTreatment, "x-bellwether-segment", "gamma"));
    // "a" hashes to bucket 23 under s1 (see Xxh32Test) and is not forced.
    assertOnly("v1 control hash", Map.of("x-user-id", "a"));
  }

  // ------------------------------------------------------------------------------------ cookie

  @Test
  void aVisitorWithoutUserIdKeepsTheVariantOfTheCookieTheRouterSet() throws Exception {
    split.setRoutes("ab", halfAndHalf("s1").routes());
    split.setOpen("ab", true);
    Hit first = send(Map.of());
    assertEquals("random", first.how());
    String backendName = first.backend().equals("v1") ? "ab_v1" : "ab_v2";
    assertEquals(List.of("bw_ab=s1." + backendName + "; Path=/; HttpOnly"), first.setCookies());
    String cookie = "bw_ab=s1." + backendName;
    for (int i = 0; i < 5; i++) {
      Hit h = send(Map.of("Cookie", cookie));
      assertEquals(first.backend() + " " + first.variant() + " cookie", h.echo());
      assertEquals(List.of(), h.setCookies(), "nothing new to keep");
    }

    // A cookie of another salt (another experiment) is ignored: a fresh draw, a fresh cookie.
    Set<String> drawn = new HashSet<>();
    for (Hit h : sendAll(repeat(40, Map.of("Cookie", "bw_ab=s0.ab_v1")))) {
      assertEquals("random", h.how());
      assertEquals(1, h.setCookies().size());
      assertTrue(h.setCookies().get(0).startsWith("bw_ab=s1.ab_v"), h.setCookies().toString());
      drawn.add(h.backend());
    }
    assertEquals(Set.of("v1", "v2"), drawn);

    // An empty user id is no user id: a random draw too.
    Hit empty = send(Map.of("x-user-id", ""));
    assertEquals("random", empty.how());
    assertEquals(1, empty.setCookies().size());

    // Stickiness 'cookie': a random draw kept in the cookie even with a user id.
    split.setRoutes("ab", new SplitRoutes("s1", "cookie", halfAndHalf("s1").routes().variants()));
    Hit withId = send(Map.of("x-user-id", "user-1"));
    assertEquals("random", withId.how());
    assertEquals(1, withId.setCookies().size());
  }

  @Test
  void aRandomDrawOutsideEveryShareIsKeptOutside() throws Exception {
    split.setRoutes("ab", tenAndTen("s1", "hash"));
    split.setOpen("ab", true);
    Hit outside = null;
    for (Hit h : sendAll(repeat(100, Map.of()))) {
      if (h.backend().equals("stable")) {
        outside = h;
        break;
      }
    }
    assertTrue(outside != null, "80% stay outside");
    assertEquals("stable - -", outside.echo());
    assertEquals(List.of("bw_ab=s1.out; Path=/; HttpOnly"), outside.setCookies());
    for (Hit h : sendAll(repeat(30, Map.of("Cookie", "bw_ab=s1.out")))) {
      assertEquals("stable - -", h.echo());
      assertEquals(List.of(), h.setCookies());
    }
  }

  @Test
  void clientsCannotForgeTheVariantHeaders() throws Exception {
    split.setRoutes("ab", tenAndTen("s1", "hash"));
    split.setOpen("ab", true);
    Map<String, String> forged = new HashMap<>();
    forged.put("x-bellwether-variant", "forged");
    forged.put("x-bellwether-assignment", "forced");
    Map<String, String> inside = new HashMap<>(forged);
    inside.put("x-user-id", userWithBucket("s1", 0, 10));
    assertOnly("v1 control hash", inside);
    Map<String, String> outside = new HashMap<>(forged);
    outside.put("x-user-id", userWithBucket("s1", 20, 100));
    assertOnly("stable - -", outside);
  }

  @Test
  void usersOutsideTheSplitFollowTheCanaryRouteAsWithoutIt() throws Exception {
    split.setRoutes("ab", tenAndTen("s1", "hash"));
    split.setOpen("ab", true);
    pools.setCandidatePercent("web", 100);
    assertOnly("canary - -", Map.of("x-user-id", userWithBucket("s1", 20, 100)));
    assertOnly("v2 treatment hash", Map.of("x-user-id", userWithBucket("s1", 10, 20)));
  }

  // ------------------------------------------------------------------------- close and clear

  @Test
  void closingIsOneCommandAndClearLeavesEveryMapEmptyOnTheRouterAndOnDisk() throws Exception {
    SplitRoutes routes = halfAndHalf("s1").withForced();
    split.setRoutes("ab", routes);
    recorder.reset();
    split.setRoutes("ab", routes);
    assertEquals(List.of(), recorder.changes(), "the same routes again change nothing");
    split.setOpen("ab", true);
    List<Map<String, String>> mix = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      mix.add(Map.of("x-user-id", "u-" + i));
    }
    mix.add(Map.of("x-user-id", "forced-1"));
    mix.add(Map.of("x-bellwether-segment", "beta"));
    mix.add(Map.of("Cookie", "bw_ab=s1.ab_v2"));
    mix.addAll(repeat(20, Map.of()));
    assertTrue(tallyBackends(sendAll(mix)).getOrDefault("stable", 0) == 0, "open: all in the test");

    recorder.reset();
    SplitState closed = split.setOpen("ab", false);
    String main = haproxy.splitMapFile("ab").toString();
    assertEquals(List.of("set map " + main + " ab.open off"), recorder.changes());
    assertFalse(closed.open());
    assertEquals(Map.of("stable", mix.size()), tallyBackends(sendAll(mix)));
    assertEquals("off", readMapFile(haproxy.splitMapFile("ab")).get("ab.open"));

    split.setOpen("ab", true);
    SplitState cleared = split.clear("ab");
    assertTrue(cleared.isClear(), cleared.toString());
    assertEquals("", cleared.routes().salt());
    assertEquals(Map.of("stable", mix.size()), tallyBackends(sendAll(mix)));
    HaproxyRuntimeApi direct = new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2));
    for (SplitMap m : SplitMap.values()) {
      Path file = haproxy.splitMapFile("ab", m);
      String shown = direct.execute("show map " + file).strip();
      if (m == SplitMap.MAIN) {
        assertEquals(Map.of("ab.open", "off"), readMapFile(file));
        assertTrue(shown.endsWith(" ab.open off") && shown.lines().count() == 1, shown);
      } else {
        assertEquals(Map.of(), readMapFile(file), m.toString());
        assertEquals("", shown, m.toString());
      }
    }
    recorder.reset();
    assertTrue(split.clear("ab").isClear());
    assertEquals(List.of(), recorder.changes(), "clearing a clear split changes nothing");
  }

  @Test
  void aRestartKeepsAnOpenSplitsRoutes() throws Exception {
    split.setRoutes("ab", halfAndHalf("s1").withForced());
    split.setOpen("ab", true);
    SplitState before = split.state("ab");
    List<Map<String, String>> requests = new ArrayList<>();
    for (int u = 0; u < 200; u++) {
      requests.add(Map.of("x-user-id", "user-" + u));
    }
    requests.add(Map.of("x-user-id", "forced-1"));
    List<String> hitsBefore = sendAll(requests).stream().map(Hit::echo).toList();

    haproxy.restart();
    assertEquals(before, split.state("ab"));
    assertEquals(hitsBefore, sendAll(requests).stream().map(Hit::echo).toList());
    assertEquals("v2 treatment forced", hitsBefore.get(200));
  }

  @Test
  void variantSlotsAssignedThroughTheWorkersSwitchAreSavedForAReloadWithoutAnyPool() throws Exception {
    AdapterRegistry registry =
        AdapterRegistry.fromConfig(
            new io.bellwether.activities.config.BellwetherConfig(
                Map.of(
                    "edge",
                    new io.bellwether.activities.config.RouterConfig(
                        "haproxy", haproxy.runtimeApi(), null, null, haproxy.routerConfig().splits())),
                null,
                null));
    Files.deleteIfExists(haproxy.serverStateFile());
    EchoBackend extra = backend("v2b");
    new io.bellwether.activities.SwitchActivitiesImpl(registry).assignSlot("edge", "ab_v2", "s2", extra.address());
    String saved = Files.readString(haproxy.serverStateFile());
    String port = extra.address().substring(extra.address().indexOf(':') + 1);
    assertTrue(saved.lines().anyMatch(l -> l.contains(" ab_v2 ") && l.contains(" s2 ") && l.contains(" " + port + " ")), saved);
    haproxy.restart();
    split.setRoutes("ab", halfAndHalf("s1").routes());
    split.setOpen("ab", true);
    Set<String> seen = new HashSet<>();
    for (Hit h : sendAll(repeat(20, Map.of("x-user-id", userWithBucket("s1", 50, 100))))) {
      seen.add(h.backend());
    }
    assertEquals(Set.of("v2", "v2b"), seen, "both slots of ab_v2 serve after the reload");
  }

  @Test
  void aClosedTreatmentTakesNoNewUserAndItsCookieNoLongerRoutes() throws Exception {
    Routes r = halfAndHalf("s1");
    split.setRoutes("ab", r.withForced());
    split.setOpen("ab", true);
    SplitRoutes closing =
        new SplitRoutes(
            "s1",
            "hash",
            List.of(r.routes().variants().get(0), r.withForced().variants().get(1).closed()));
    SplitState state = split.setRoutes("ab", closing);
    assertTrue(state.open());
    VariantRoute treatment = state.routes().variants().get(1);
    assertEquals("treatment", treatment.variant());
    assertEquals(50, treatment.bucketFrom());
    assertEquals(50, treatment.bucketTo());
    assertEquals(List.of(), treatment.users());
    assertEquals(closing, state.routes(), "read back as set");
    assertOnly("stable - -", Map.of("x-user-id", "forced-1"));
    assertOnly("stable - -", Map.of("x-user-id", userWithBucket("s1", 50, 100)));
    assertOnly("v1 control hash", Map.of("x-user-id", userWithBucket("s1", 0, 50)));
    Hit cookie = send(Map.of("Cookie", "bw_ab=s1.ab_v2"));
    assertTrue(!cookie.backend().equals("v2"), cookie.echo());
  }

  @Test
  void thousandsOfForcedUsersGoInChunksAndAllRoute() throws Exception {
    List<String> users = IntStream.range(0, 3000).mapToObj(i -> "internal-user-" + i + "@example.com").toList();
    split.setRoutes(
        "ab",
        new SplitRoutes(
            "s1",
            "hash",
            List.of(
                new VariantRoute("control", "ab_v1", 0, 50, List.of(), List.of(), List.of()),
                new VariantRoute("treatment", "ab_v2", 50, 100, users, List.of(), List.of()))));
    split.setOpen("ab", true);
    assertEquals(users, split.state("ab").routes().variants().get(1).users());
    assertEquals(3000, readMapFile(haproxy.splitMapFile("ab", SplitMap.USERS)).size());
    long commits = recorder.commands().stream().filter(c -> c.startsWith("add map @")).count();
    assertTrue(commits >= 10, "about 100 kB in chunks of 8 kB: " + commits);
    for (String u : List.of(users.get(0), users.get(1499), users.get(2999))) {
      assertOnly("v2 treatment forced", Map.of("x-user-id", u));
    }

    // The same straight on the admin socket, moving them all to control at once.
    HaproxySplit direct =
        new HaproxySplit(
            "edge",
            new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(5)),
            haproxy.routerConfig().splits());
    direct.setRoutes(
        "ab",
        new SplitRoutes(
            "s1",
            "hash",
            List.of(
                new VariantRoute("control", "ab_v1", 0, 50, users, List.of(), List.of()),
                new VariantRoute("treatment", "ab_v2", 50, 100, List.of(), List.of(), List.of()))));
    assertEquals(users, direct.state("ab").routes().variants().get(0).users());
    assertOnly("v1 control forced", Map.of("x-user-id", users.get(2999)));
  }

  @Test
  void aSecondSplitOnlyTakesWhatTheFirstLeft() throws Exception {
    HaproxyLauncher.Split second = new HaproxyLauncher.Split("cd", 2, 1, "x-user-id", "x-seg", "seg", "bw_cd");
    try (HaproxyLauncher two =
        HaproxyLauncher.start(
            dir.resolve("two"),
            HaproxyLauncher.freePort(),
            "web",
            Map.of("web-1", backend("stable").address()),
            HaproxyLauncher.Options.defaults().withSplit("ab", 2, 1).withSplit(second))) {
      HaproxyRuntimeApi api = new HaproxyRuntimeApi(two.runtimeApi(), Duration.ofSeconds(5));
      HaproxySplit splits = new HaproxySplit("edge", api, two.routerConfig().splits());
      HaproxyPoolSwitch slots = new HaproxyPoolSwitch(api, Map.of(), List.of(two.serverStateFile().toString()));
      slots.assignSlot("ab_v1", "s1", backend("v1").address());
      slots.assignSlot("ab_v2", "s1", backend("v2").address());
      slots.assignSlot("cd_v1", "s1", backend("w1").address());
      slots.assignSlot("cd_v2", "s1", backend("w2").address());
      splits.setRoutes("ab", tenAndTen("s1", "hash"));
      splits.setRoutes(
          "cd",
          new SplitRoutes(
              "t1",
              "hash",
              List.of(
                  new VariantRoute("a", "cd_v1", 0, 50, List.of(), List.of("beta"), List.of()),
                  new VariantRoute("b", "cd_v2", 50, 100, List.of(), List.of(), List.of()))));
      splits.setOpen("ab", true);
      splits.setOpen("cd", true);
      String inAb = userWithBucket("s1", 0, 10);
      String outsideAb = userWithBucket("s1", 20, 100);
      String expected = (Xxh32.bucket(outsideAb, "t1") < 50 ? "w1 a" : "w2 b") + " hash";
      int port = two.frontendPort();
      assertEquals("v1 control hash", sendTo(port, Map.of("x-user-id", inAb)).echo());
      assertEquals(expected, sendTo(port, Map.of("x-user-id", outsideAb)).echo());
      assertEquals("w1 a segment", sendTo(port, Map.of("x-seg", "beta", "x-user-id", outsideAb)).echo());
      splits.setOpen("ab", false);
      assertEquals(
          (Xxh32.bucket(inAb, "t1") < 50 ? "w1 a" : "w2 b") + " hash",
          sendTo(port, Map.of("x-user-id", inAb)).echo());
      assertEquals(List.of("ab", "cd"), two.splits());
    }
  }

  // ----------------------------------------------------------------- refusals and activities

  @Test
  void badRoutesUnknownSplitsAndForeignBackendsAreRefusedBeforeAnyChange() throws Exception {
    SplitActivitiesImpl activities =
        new SplitActivitiesImpl(
            new AdapterRegistry(
                Map.of(), Map.of(), Map.of(), Map.of(), null, null, Map.of(), null, Map.of(),
                Map.of("edge", split)));
    List<SplitRoutes> bad =
        List.of(
            withUser("two words"),
            withUser("a;show info"),
            withUser("#x"),
            withUser("a,b"),
            withUser(""),
            new SplitRoutes("s-1", "hash", halfAndHalf("s1").routes().variants()),
            new SplitRoutes("", "hash", halfAndHalf("s1").routes().variants()),
            new SplitRoutes("s1", "sticky", halfAndHalf("s1").routes().variants()),
            new SplitRoutes(
                "s1",
                "hash",
                List.of(
                    new VariantRoute("control", "ab_v1", 0, 60, List.of(), List.of(), List.of()),
                    new VariantRoute("treatment", "ab_v2", 50, 100, List.of(), List.of(), List.of()))),
            new SplitRoutes(
                "s1",
                "hash",
                List.of(
                    new VariantRoute("control", "ab_v1", 0, 50, List.of("u1"), List.of(), List.of()),
                    new VariantRoute("treatment", "ab_v2", 50, 100, List.of("u1"), List.of(), List.of()))),
            new SplitRoutes(
                "s1",
                "hash",
                List.of(new VariantRoute("con trol", "ab_v1", 0, 50, List.of(), List.of(), List.of()))),
            new SplitRoutes(
                "s1",
                "hash",
                List.of(new VariantRoute("control", "ab_v1", 0, 101, List.of(), List.of(), List.of()))));
    for (SplitRoutes routes : bad) {
      ApplicationFailure f =
          assertThrows(ApplicationFailure.class, () -> activities.setRoutes("edge", "ab", routes));
      assertEquals(FailureTypes.INVALID_SPEC, f.getType(), routes.toString());
      assertTrue(f.isNonRetryable());
      assertThrows(RouterRejectedException.class, () -> split.setRoutes("ab", routes), routes.toString());
    }
    SplitRoutes foreign =
        new SplitRoutes(
            "s1",
            "hash",
            List.of(new VariantRoute("control", "web", 0, 50, List.of(), List.of(), List.of())));
    ApplicationFailure f =
        assertThrows(ApplicationFailure.class, () -> activities.setRoutes("edge", "ab", foreign));
    assertEquals(FailureTypes.ROUTER_UNAVAILABLE, f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("not one of split 'ab'"), f.getOriginalMessage());
    assertTrue(split.state("ab").isClear(), "nothing changed");
    assertEquals(List.of(), recorder.changes().stream().filter(c -> c.contains(" ab.")).toList());

    assertThrows(UnknownBackendException.class, () -> split.state("nope"));
    for (ApplicationFailure unknown :
        List.of(
            assertThrows(ApplicationFailure.class, () -> activities.splitState("edge", "nope")),
            assertThrows(ApplicationFailure.class, () -> activities.setOpen("lb", "ab", true)),
            assertThrows(ApplicationFailure.class, () -> activities.clear("edge", null)))) {
      assertEquals(FailureTypes.UNKNOWN_TARGET, unknown.getType());
      assertTrue(unknown.isNonRetryable());
    }

    SplitState viaActivity = activities.setRoutes("edge", "ab", halfAndHalf("s1").routes());
    assertEquals(2, viaActivity.routes().variants().size());
    assertTrue(activities.setOpen("edge", "ab", true).open());
    assertTrue(activities.clear("edge", "ab").isClear());
    assertTrue(activities.splitState("edge", "ab").isClear());
  }

  // ------------------------------------------------------------------------------- helpers

  /** The routes of a two-variant test, and the same with forced users and segments. */
  private record Routes(SplitRoutes routes) {
    SplitRoutes withForced() {
      VariantRoute c = routes.variants().get(0);
      VariantRoute t = routes.variants().get(1);
      return new SplitRoutes(
          routes.salt(),
          routes.stickiness(),
          List.of(
              new VariantRoute(c.variant(), c.backend(), c.bucketFrom(), c.bucketTo(), List.of("forced-0"), List.of(), List.of()),
              new VariantRoute(
                  t.variant(), t.backend(), t.bucketFrom(), t.bucketTo(), List.of("forced-1", "forced-2"), List.of("beta"), List.of("early"))));
    }
  }

  private static Routes halfAndHalf(String salt) {
    return new Routes(
        new SplitRoutes(
            salt,
            "hash",
            List.of(
                new VariantRoute("control", "ab_v1", 0, 50, List.of(), List.of(), List.of()),
                new VariantRoute("treatment", "ab_v2", 50, 100, List.of(), List.of(), List.of()))));
  }

  private static SplitRoutes tenAndTen(String salt, String stickiness) {
    return new SplitRoutes(
        salt,
        stickiness,
        List.of(
            new VariantRoute("control", "ab_v1", 0, 10, List.of(), List.of(), List.of()),
            new VariantRoute("treatment", "ab_v2", 10, 20, List.of(), List.of(), List.of())));
  }

  private static SplitRoutes withUser(String user) {
    return new SplitRoutes(
        "s1",
        "hash",
        List.of(new VariantRoute("control", "ab_v1", 0, 50, List.of("ok", user), List.of(), List.of())));
  }

  /** The first {@code user-N} whose bucket under {@code salt} is in [from, to). */
  private static String userWithBucket(String salt, int from, int to) {
    for (int i = 0; ; i++) {
      int b = Xxh32.bucket("user-" + i, salt);
      if (b >= from && b < to) {
        return "user-" + i;
      }
    }
  }

  private EchoBackend backend(String name) throws Exception {
    EchoBackend b = EchoBackend.start(name);
    backends.add(b);
    return b;
  }

  /** What reached which instance, and the cookies the router set. */
  private record Hit(String echo, List<String> setCookies) {
    String backend() {
      return echo.split(" ")[0];
    }

    String variant() {
      return echo.split(" ")[1];
    }

    String how() {
      return echo.split(" ")[2];
    }
  }

  private void assertOnly(String echo, Map<String, String> headers) throws Exception {
    for (Hit h : sendAll(repeat(5, headers))) {
      assertEquals(echo, h.echo(), headers.toString());
    }
  }

  private Hit send(Map<String, String> headers) throws Exception {
    return sendAll(List.of(headers)).get(0);
  }

  private static Hit sendTo(int port, Map<String, String> headers) throws Exception {
    HttpResponse<String> r =
        HTTP.send(request(port, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new Hit(r.body(), r.headers().allValues("set-cookie"));
  }

  /** The requests in order, 32 at a time. */
  private List<Hit> sendAll(List<Map<String, String>> requests) throws Exception {
    List<Hit> out = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += 32) {
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (Map<String, String> headers : requests.subList(from, Math.min(requests.size(), from + 32))) {
        batch.add(
            HTTP.sendAsync(
                request(haproxy.frontendPort(), headers).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : batch) {
        HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        out.add(new Hit(r.body(), r.headers().allValues("set-cookie")));
      }
    }
    return out;
  }

  private static List<Map<String, String>> repeat(int n, Map<String, String> headers) {
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(headers);
    }
    return out;
  }

  /** What reached the instances, by echo. */
  private Map<String, Integer> tally(List<Map<String, String>> requests) throws Exception {
    Map<String, Integer> out = new HashMap<>();
    sendAll(requests).forEach(h -> out.merge(h.echo(), 1, Integer::sum));
    return out;
  }

  private static Map<String, Integer> tallyBackends(List<Hit> hits) {
    Map<String, Integer> out = new HashMap<>();
    hits.forEach(h -> out.merge(h.backend(), 1, Integer::sum));
    return out;
  }

  private static String percent(Map<String, Integer> counts, int n) {
    StringBuilder s = new StringBuilder();
    for (String k : List.of("v1", "v2", "stable")) {
      s.append(String.format("%s %.1f%% ", k, 100.0 * counts.getOrDefault(k, 0) / n));
    }
    return s.toString().strip();
  }

  private static void assertWithin(Map<String, Integer> counts, int n, String key, double pct, double points) {
    double got = 100.0 * counts.getOrDefault(key, 0) / n;
    assertTrue(Math.abs(got - pct) <= points, key + ": " + got + "% (planned " + pct + "% +- " + points + ")");
  }
}
