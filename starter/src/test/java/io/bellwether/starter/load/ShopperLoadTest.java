package io.bellwether.starter.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bellwether.starter.load.ShopperLoad.BuyMode;
import io.bellwether.starter.load.ShopperLoad.Settings;
import io.bellwether.starter.load.ShopperLoad.Snapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a fake shop with two variants: {@code a} (buys at 10%) and {@code b} (25%). A user with
 * an id is routed by a hash of it (flipped on demand, to break stickiness); a user without one by
 * a {@code bw_ab} cookie the shop sets on the first visit, as HAProxy's random assignment does.
 */
class ShopperLoadTest {
  private static final Map<String, Double> BUY = Map.of("a", 0.10, "b", 0.25);
  // Generous: the load only has to finish, however busy the machine is.
  private static final Duration FINISH = Duration.ofSeconds(60);

  private HttpServer server;
  private ExecutorService serverThreads;
  private volatile boolean flip;
  private final Set<String> failingUsers = ConcurrentHashMap.newKeySet();
  private final Set<String> garbledUsers = ConcurrentHashMap.newKeySet();
  // Per user id: the variants the shop answered 200 (pages and orders).
  private final Map<String, Set<String>> answered = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> orders = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong garbled = new AtomicLong();
  private final AtomicLong anonymous = new AtomicLong();
  private final AtomicLong anonymousWithCookie = new AtomicLong();
  private final AtomicLong cookiesSet = new AtomicLong();
  private final AtomicInteger nextCookie = new AtomicInteger();

  static {
    // As in DemoServer: without it every answer of the JDK server waits out the client's delayed
    // ACK (about 40 ms), which only makes the test slower. Read when the server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    serverThreads = Executors.newFixedThreadPool(4);
    server.setExecutor(serverThreads);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      ex.getRequestBody().readAllBytes();
      requests.incrementAndGet();
      String path = ex.getRequestURI().getPath();
      boolean page = path.equals("/shop") && ex.getRequestMethod().equals("GET");
      boolean order = path.equals("/shop/checkout") && ex.getRequestMethod().equals("POST");
      if (!page && !order) {
        reply(ex, 404, "not found");
        return;
      }
      String id = ex.getRequestHeaders().getFirst("x-user-id");
      String variant;
      if (id != null) {
        variant = variantOf(id, flip);
      } else {
        anonymous.incrementAndGet();
        String cookie = cookieValue(ex.getRequestHeaders().getFirst("Cookie"));
        if (cookie != null) {
          anonymousWithCookie.incrementAndGet();
          variant = cookie;
        } else {
          variant = nextCookie.getAndIncrement() % 2 == 0 ? "a" : "b";
          cookiesSet.incrementAndGet();
          ex.getResponseHeaders().add("Set-Cookie", "bw_ab=" + variant + "; Path=/; HttpOnly");
          ex.getResponseHeaders().add("Set-Cookie", "other=1; Max-Age=0");
        }
      }
      if (page && id != null && failingUsers.contains(id)) {
        errors.incrementAndGet();
        reply(ex, 500, "{\"error\":\"shop page failed\"}");
        return;
      }
      if (page && id != null && garbledUsers.contains(id)) {
        garbled.incrementAndGet();
        reply(ex, 200, "<html>not the shop</html>");
        return;
      }
      if (id != null) {
        answered.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(variant);
      }
      if (page) {
        reply(ex, 200, "{\"variant\":\"" + variant + "\",\"buyProbability\":" + BUY.get(variant) + "}");
      } else {
        orders.computeIfAbsent(variant, k -> new AtomicLong()).incrementAndGet();
        reply(ex, 200, "{\"variant\":\"" + variant + "\",\"order\":\"o1\"}");
      }
    }
  }

  private static void reply(HttpExchange ex, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  private static String cookieValue(String header) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String p = part.strip();
      if (p.startsWith("bw_ab=")) {
        return p.substring(6);
      }
    }
    return null;
  }

  /** The fake router's hash split: about half of the ids each way. */
  private static String variantOf(String id, boolean flipped) {
    CRC32 crc = new CRC32();
    crc.update(id.getBytes(StandardCharsets.UTF_8));
    boolean a = (crc.getValue() & 1) == 0;
    return a != flipped ? "a" : "b";
  }

  private static String id(int i) {
    return String.format("u%05d", i);
  }

  private Settings settings(int users, int rate) {
    return Settings.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), users, rate);
  }

  private static void awaitArrivals(ShopperLoad load, long n) throws InterruptedException {
    for (int i = 0; i < 6000 && load.snapshot().arrivals() < n; i++) {
      Thread.sleep(10);
    }
    assertTrue(load.snapshot().arrivals() >= n, "arrivals stuck at " + load.snapshot().arrivals());
  }

  private static Snapshot finish(ShopperLoad load) throws InterruptedException {
    load.start();
    assertTrue(load.awaitFinished(FINISH), "did not finish: " + ShopperLoad.describe(load.snapshot()));
    return load.snapshot();
  }

  @Test
  void evenModeMakesExactlyFloorNpBuyersPerVariant() throws Exception {
    int users = 200;
    long inA = 0;
    for (int i = 1; i <= users; i++) {
      inA += variantOf(id(i), false).equals("a") ? 1 : 0;
    }
    long inB = users - inA;
    // No returning share: the first 200 arrivals are the 200 users, the last 100 return.
    Settings s = settings(users, 500).withReturningShare(0).withMaxArrivals(300);
    try (ShopperLoad load = new ShopperLoad(s)) {
      Snapshot end = finish(load);

      assertEquals(300, end.arrivals());
      assertEquals(users, end.users());
      assertEquals(0, end.failed(), end.sampleErrors().toString());
      assertEquals(0, end.stickyViolations());
      assertEquals(300, end.exposures());
      assertEquals(inA, end.variant("a").users());
      assertEquals(inB, end.variant("b").users());
      long buyersA = (long) Math.floor(inA * 0.10);
      long buyersB = (long) Math.floor(inB * 0.25);
      assertEquals(buyersA, end.variant("a").buyers());
      assertEquals(buyersB, end.variant("b").buyers());
      assertEquals(buyersA, end.variant("a").conversions());
      assertEquals(buyersB, end.variant("b").conversions());
      // What the shop counted agrees: one order per buyer, each in the buyer's variant.
      assertEquals(buyersA, orders.get("a").get());
      assertEquals(buyersB, orders.get("b").get());
      assertEquals(300 + buyersA + buyersB, end.requests());
      assertEquals(requests.get(), end.requests());
      assertEquals(buyersA + buyersB, load.buyers().size());
      assertEquals((double) inA / users, end.userShare("a"), 1e-12);
    }
  }

  @Test
  void randomModeRepeatsWithTheSameSeed() throws Exception {
    Settings s =
        settings(300, 400).withBuyMode(BuyMode.RANDOM).withReturningShare(0.3).withMaxArrivals(400);
    List<Set<String>> buyers = new ArrayList<>();
    List<Map<String, ShopperLoad.VariantCounts>> counts = new ArrayList<>();
    for (long seed : new long[] {42, 42, 43}) {
      try (ShopperLoad load = new ShopperLoad(s.withSeed(seed))) {
        Snapshot end = finish(load);
        assertEquals(0, end.failed(), end.sampleErrors().toString());
        buyers.add(load.buyers());
        counts.add(end.variants());
      }
    }
    assertEquals(buyers.get(0), buyers.get(1));
    assertEquals(counts.get(0), counts.get(1));
    assertNotEquals(buyers.get(0), buyers.get(2), "another seed, other buyers");
    // Bernoulli, not EVEN: the seed gives fixed counts, and they are plausible for 10% and 25%.
    ShopperLoad.VariantCounts a = counts.get(0).get("a");
    ShopperLoad.VariantCounts b = counts.get(0).get("b");
    assertTrue(a.buyers() > 0 && a.buyers() < a.users() * 0.25, "a: " + a);
    assertTrue(b.buyers() > a.users() * 0.10 && b.buyers() < b.users() * 0.45, "b: " + b);
  }

  @Test
  void countsUsersWhoSawMoreThanOneVariantAndStartsAfreshAfterAReset() throws Exception {
    Settings s = settings(30, 500).withReturningShare(0);
    try (ShopperLoad load = new ShopperLoad(s)) {
      load.start();
      awaitArrivals(load, 60);
      assertEquals(0, load.snapshot().stickyViolations(), "the hash split is sticky");

      Instant beforeFlip = Instant.now();
      Thread.sleep(5);
      flip = true;
      awaitArrivals(load, load.snapshot().arrivals() + 200);
      load.stop();
      Snapshot broken = load.snapshot();
      // Up to a moment before the flip nobody had seen two variants, whatever came after.
      Snapshot upToFlip = load.snapshot(beforeFlip);
      assertEquals(0, upToFlip.stickyViolations(), upToFlip.violationSamples().toString());
      assertTrue(upToFlip.users() > 0 && upToFlip.users() < broken.users() + 1, upToFlip.toString());
      assertEquals(broken.requests(), upToFlip.requests(), "counters stay the phase's");
      List<String> switched = new ArrayList<>();
      answered.forEach(
          (user, variants) -> {
            if (variants.size() > 1) {
              switched.add(user);
            }
          });
      switched.sort(null);
      assertFalse(switched.isEmpty(), "nobody came back after the flip");
      assertEquals(switched.size(), broken.stickyViolations());
      assertEquals(Math.min(10, switched.size()), broken.violationSamples().size());
      assertEquals(switched.get(0) + " saw [a, b]", broken.violationSamples().get(0));
      assertEquals(0, broken.phase());

      // A new phase, as after a split opens: what came before no longer counts.
      load.resetObservations();
      answered.clear();
      Snapshot fresh = load.snapshot();
      assertEquals(1, fresh.phase());
      assertEquals(0, fresh.users());
      assertEquals(0, fresh.requests());
      assertEquals(broken.arrivals(), fresh.arrivals(), "arrivals count across phases");

      load.start();
      awaitArrivals(load, broken.arrivals() + 100);
      load.stop();
      Snapshot after = load.snapshot();
      assertEquals(0, after.stickyViolations(), after.violationSamples().toString());
      assertEquals(answered.size(), after.users());
      long inA = answered.values().stream().filter(v -> v.equals(Set.of("a"))).count();
      assertEquals(inA, after.variant("a").users());
      assertEquals(answered.size() - inA, after.variant("b").users());
      assertEquals(0, after.failed(), after.sampleErrors().toString());
    }
  }

  @Test
  void anonymousUsersSendNoIdAndKeepTheirCookie() throws Exception {
    Settings s = settings(40, 500).withAnonymousShare(0.5).withReturningShare(0).withMaxArrivals(120);
    try (ShopperLoad load = new ShopperLoad(s)) {
      Snapshot end = finish(load);
      assertEquals(0, end.failed(), end.sampleErrors().toString());
      assertEquals(40, end.users());
      // 20 anonymous users, each assigned once by cookie; every later request carried it.
      assertEquals(20, cookiesSet.get());
      assertEquals(anonymous.get() - 20, anonymousWithCookie.get());
      assertTrue(anonymous.get() >= 40, "anonymous requests: " + anonymous.get());
      assertEquals(20, answered.size(), "identified users");
      assertEquals(0, end.stickyViolations(), end.violationSamples().toString());
      long shopOrders = orders.values().stream().mapToLong(AtomicLong::get).sum();
      assertEquals(shopOrders, end.conversions());
      for (String v : List.of("a", "b")) {
        long counted = orders.containsKey(v) ? orders.get(v).get() : 0;
        assertEquals(counted, end.variant(v).conversions(), v);
      }
    }
  }

  @Test
  void failedAndGarbledAnswersAreCountedAndTheirUsersNotExposed() throws Exception {
    for (int i = 3; i <= 50; i += 10) {
      failingUsers.add(id(i)); // u00003, u00013, ... : 5 users
    }
    garbledUsers.add(id(7));
    Settings s = settings(50, 500).withReturningShare(0).withMaxArrivals(100);
    try (ShopperLoad load = new ShopperLoad(s)) {
      Snapshot end = finish(load);
      assertTrue(errors.get() >= 5, "every failing user came at least once");
      assertTrue(garbled.get() >= 1, "the garbled user came at least once");
      // Every 500 and every garbled page is a failure; nothing else failed.
      assertEquals(errors.get() + garbled.get(), end.failed());
      assertEquals(end.requests() - end.failed(), end.exposures() + end.conversions());
      assertTrue(
          end.sampleErrors().stream().anyMatch(e -> e.contains("GET /shop u00007 not a shop page")),
          end.sampleErrors().toString());
      assertEquals(44, end.users(), "failing and garbled users never saw the shop");
      assertEquals(0, end.stickyViolations());
      assertTrue(
          end.sampleErrors().stream().anyMatch(e -> e.contains("GET /shop u00003 HTTP 500")),
          end.sampleErrors().toString());
    }
  }

  @Test
  void anUnreachableShopCountsEveryVisitAsFailed() throws Exception {
    int port = server.getAddress().getPort();
    server.stop(0);
    Settings s =
        Settings.of(URI.create("http://127.0.0.1:" + port), 5, 100).withMaxArrivals(5);
    try (ShopperLoad load = new ShopperLoad(s)) {
      Snapshot end = finish(load);
      assertEquals(5, end.requests());
      assertEquals(5, end.failed());
      assertEquals(0, end.users());
      assertTrue(end.sampleErrors().get(0).contains("GET /shop u0000"), end.sampleErrors().toString());
    }
  }

  @Test
  void closeStopsArrivalsAndWaitsForVisitsInFlight() throws Exception {
    ShopperLoad load = new ShopperLoad(settings(100, 200));
    load.start();
    load.start(); // idempotent
    awaitArrivals(load, 20);
    load.close();
    Snapshot closed = load.snapshot();
    long received = requests.get();
    assertEquals(received, closed.requests(), "every request sent was answered before close returned");
    Thread.sleep(150);
    assertEquals(received, requests.get(), "nothing is sent after close()");
    assertEquals(closed.arrivals(), load.snapshot().arrivals());
    assertThrows(IllegalStateException.class, load::start);
    load.close(); // idempotent
  }

  @Test
  void evenDecisionsSpreadExactly() {
    for (double p : new double[] {0.0, 0.1, 0.15, 0.25, 1.0}) {
      int buyers = 0;
      for (int k = 0; k < 1000; k++) {
        buyers += ShopperLoad.evenBuys(k, p) ? 1 : 0;
      }
      assertEquals((int) Math.floor(1000 * p + 1e-9), buyers, "p=" + p);
    }
    int anonymousUsers = 0;
    for (int i = 0; i < 40; i++) {
      anonymousUsers += ShopperLoad.spread(i, 0.25) ? 1 : 0;
    }
    assertEquals(10, anonymousUsers);
  }

  @Test
  void keepsCookiesAsABrowserDoes() {
    Map<String, String> jar = new LinkedHashMap<>();
    ShopperLoad.keepCookies(jar, List.of("bw_ab=s1.b2; Path=/; HttpOnly", "theme=dark"));
    assertEquals(Map.of("bw_ab", "s1.b2", "theme", "dark"), jar);
    ShopperLoad.keepCookies(jar, List.of("bw_ab=s2.b1; Path=/", "theme=x; Max-Age=0", "junk"));
    assertEquals(Map.of("bw_ab", "s2.b1"), jar);
    ShopperLoad.keepCookies(jar, List.of("bw_ab=; Path=/"));
    assertTrue(jar.isEmpty());
  }

  @Test
  void readsShopAnswers() {
    ShopperLoad.Answer page =
        ShopperLoad.parse(
            "{\"instance\":\"shop-ab-b-1\",\"version\":\"4.1.0\",\"variant\":\"b\","
                + "\"randomized\":true,\"buyProbability\":0.15}",
            null);
    assertEquals("b", page.variant());
    assertEquals(0.15, page.buyProbability());
    assertEquals("a", ShopperLoad.parse("{\"order\":\"web-1-3\"}", "a").variant());
    assertTrue(Double.isNaN(ShopperLoad.parse("{\"variant\":\"a\"}", null).buyProbability()));
    assertNull(ShopperLoad.parse("{\"order\":\"web-1-3\"}", null));
    assertNull(ShopperLoad.parse("demo-app web-1 2.0.0", null));
    assertNull(ShopperLoad.parse("[1]", "a"));
  }

  @Test
  void rejectsNonsenseSettings() {
    URI base = URI.create("http://127.0.0.1:8080/");
    assertThrows(IllegalArgumentException.class, () -> Settings.of(base, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> Settings.of(base, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> Settings.of(base, 10, 10).withReturningShare(1.5));
    assertThrows(IllegalArgumentException.class, () -> Settings.of(base, 10, 10).withAnonymousShare(-0.1));
    assertThrows(IllegalArgumentException.class, () -> Settings.of(base, 10, 10).withMaxArrivals(-1));
    assertThrows(IllegalArgumentException.class, () -> Settings.of(base, 10, 10).withUserHeader(" "));
    assertThrows(IllegalArgumentException.class, () -> Settings.of(URI.create("ftp://h/"), 10, 10));
    try (ShopperLoad unlimited = new ShopperLoad(Settings.of(base, 1, 1))) {
      assertThrows(IllegalStateException.class, () -> unlimited.awaitFinished(Duration.ZERO));
    }
  }
}
