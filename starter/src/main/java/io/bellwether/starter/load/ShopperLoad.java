package io.bellwether.starter.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Simulated shoppers for A/B tests: a fixed population of users with stable ids ({@code u00001},
 * {@code u00002}, ...) visiting the demo-app shop through a frontend (HAProxy's main frontend).
 *
 * <p>Each arrival picks a user: while some users have not come yet, a returning user (uniformly
 * among those who came) with probability {@code returningShare}, else the next new user; once all
 * have come, a returning user. A visit is {@code GET /shop} with the header {@code x-user-id} (left
 * out for anonymous users) and the user's cookies. The answer names the variant and its {@code
 * buyProbability}. On the user's first exposure the user decides, once, whether to buy; a buyer
 * then posts {@code /shop/checkout} with the same id and cookies, so a sticky route sends it to
 * the same variant. Visits of one user run one after another, as in one browser tab, so a user
 * never races its own cookie.
 *
 * <p>The decision is either {@link BuyMode#RANDOM} (Bernoulli, each user's draw fixed by the
 * seed, so a run repeats whatever the timing) or {@link BuyMode#EVEN}: in each variant, the k-th
 * user exposed (from 0) buys iff {@code floor((k+1)p) > floor(kp)}, so n users exposed to a
 * variant make exactly {@code floor(n p)} buyers and a test can assert counts exactly.
 *
 * <p>It records, per phase ({@link #resetObservations()} starts a new one): the variants each user
 * saw (a user who saw more than one, {@code none} included, breaks stickiness), users, exposures,
 * buyers and conversions per variant, and failures (an I/O error, a timeout, a non-2xx answer, or
 * a 2xx answer that is not a shop answer). Paced at a fixed rate with a bound on visits in flight,
 * like {@link LoadGenerator}.
 */
public final class ShopperLoad implements AutoCloseable {
  /** Request header carrying the user id; the router hashes it or looks it up. */
  public static final String USER_HEADER = "x-user-id";

  /** How long one request may take before it counts as failed. */
  public static final Duration REQUEST_TIMEOUT = LoadGenerator.REQUEST_TIMEOUT;

  private static final int MAX_VIOLATION_SAMPLES = 10;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHECKOUT_BODY = "{\"cart\":\"demo\"}";

  /** How a user exposed for the first time decides whether to buy. */
  public enum BuyMode {
    /** Bernoulli with the answered probability; each user's draw comes from the seed. */
    RANDOM,
    /** Exactly {@code floor(n p)} buyers of n users first exposed to a variant, spread evenly. */
    EVEN
  }

  /**
   * What to simulate.
   *
   * @param base the frontend, such as {@code http://127.0.0.1:8080/}; requests go to {@code
   *     <base path>/shop} and {@code <base path>/shop/checkout}
   * @param users population size, 1 to 1,000,000
   * @param arrivalsPerSecond visits started per second, 1 to 5000
   * @param returningShare while some users have not come yet, the chance that an arrival is a
   *     returning user rather than a new one, 0 to 1
   * @param anonymousShare share of users who send no user id and rely on cookies alone, 0 to 1,
   *     spread evenly over the population
   * @param buyMode how a user decides to buy
   * @param seed seeds the arrivals and the {@link BuyMode#RANDOM} draws
   * @param maxArrivals stop after this many arrivals (all phases together); 0 for no limit
   * @param userHeader the header carrying the user id
   */
  public record Settings(
      URI base,
      int users,
      int arrivalsPerSecond,
      double returningShare,
      double anonymousShare,
      BuyMode buyMode,
      long seed,
      long maxArrivals,
      String userHeader) {
    public Settings {
      Objects.requireNonNull(base, "base");
      String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || base.getRawAuthority() == null) {
        throw new IllegalArgumentException("base must be an http(s) URL, got " + base);
      }
      if (users < 1 || users > 1_000_000) {
        throw new IllegalArgumentException("users must be 1 to 1000000, got " + users);
      }
      if (arrivalsPerSecond < 1 || arrivalsPerSecond > 5000) {
        throw new IllegalArgumentException(
            "arrivalsPerSecond must be 1 to 5000, got " + arrivalsPerSecond);
      }
      if (!(returningShare >= 0 && returningShare <= 1)) {
        throw new IllegalArgumentException("returningShare must be 0 to 1, got " + returningShare);
      }
      if (!(anonymousShare >= 0 && anonymousShare <= 1)) {
        throw new IllegalArgumentException("anonymousShare must be 0 to 1, got " + anonymousShare);
      }
      Objects.requireNonNull(buyMode, "buyMode");
      if (maxArrivals < 0) {
        throw new IllegalArgumentException("maxArrivals must be 0 or more, got " + maxArrivals);
      }
      if (userHeader == null || userHeader.isBlank()) {
        throw new IllegalArgumentException("userHeader must not be empty");
      }
    }

    /**
     * Defaults: half of arrivals are returning users while new ones remain, nobody anonymous,
     * {@link BuyMode#EVEN}, seed 1, no arrival limit, header {@code x-user-id}.
     */
    public static Settings of(URI base, int users, int arrivalsPerSecond) {
      return new Settings(
          base, users, arrivalsPerSecond, 0.5, 0.0, BuyMode.EVEN, 1L, 0L, USER_HEADER);
    }

    public Settings withReturningShare(double share) {
      return new Settings(
          base, users, arrivalsPerSecond, share, anonymousShare, buyMode, seed, maxArrivals,
          userHeader);
    }

    public Settings withAnonymousShare(double share) {
      return new Settings(
          base, users, arrivalsPerSecond, returningShare, share, buyMode, seed, maxArrivals,
          userHeader);
    }

    public Settings withBuyMode(BuyMode mode) {
      return new Settings(
          base, users, arrivalsPerSecond, returningShare, anonymousShare, mode, seed, maxArrivals,
          userHeader);
    }

    public Settings withSeed(long s) {
      return new Settings(
          base, users, arrivalsPerSecond, returningShare, anonymousShare, buyMode, s, maxArrivals,
          userHeader);
    }

    public Settings withMaxArrivals(long n) {
      return new Settings(
          base, users, arrivalsPerSecond, returningShare, anonymousShare, buyMode, seed, n,
          userHeader);
    }

    public Settings withUserHeader(String header) {
      return new Settings(
          base, users, arrivalsPerSecond, returningShare, anonymousShare, buyMode, seed,
          maxArrivals, header);
    }
  }

  /**
   * One variant's numbers in the current phase.
   *
   * @param users users who saw this variant at least once (a user who saw two counts in both)
   * @param exposures shop pages of this variant answered 200
   * @param buyers users whose first exposure was in this variant and who decided to buy
   * @param conversions checkouts answered 200 by this variant
   */
  public record VariantCounts(long users, long exposures, long buyers, long conversions) {}

  /**
   * The observations of the current phase at one moment.
   *
   * @param arrivals arrivals since the first start, all phases together (the arrival limit counts
   *     these)
   * @param phase 0 at first, one more after each {@link #resetObservations()}
   * @param requests requests sent in this phase, shop pages and checkouts (some may be in flight)
   * @param failed requests of this phase that got an I/O error, a timeout, a non-2xx answer or an
   *     answer that was not a shop answer
   * @param users users exposed at least once in this phase
   * @param variants per variant, by the name the answers gave ({@code none} outside the split)
   * @param stickyViolations users who saw more than one variant in this phase
   * @param violationSamples some of them, as {@code u00012 saw [a, b]}, by user id
   * @param sampleErrors the most recent failures, newest last, each with its time
   */
  public record Snapshot(
      long arrivals,
      int phase,
      long requests,
      long failed,
      long users,
      Map<String, VariantCounts> variants,
      long stickyViolations,
      List<String> violationSamples,
      List<String> sampleErrors) {
    public Snapshot {
      variants = Collections.unmodifiableMap(new TreeMap<>(variants));
      violationSamples = List.copyOf(violationSamples);
      sampleErrors = List.copyOf(sampleErrors);
    }

    /** Shop pages answered 200, all variants. */
    public long exposures() {
      return variants.values().stream().mapToLong(VariantCounts::exposures).sum();
    }

    /** Checkouts answered 200, all variants. */
    public long conversions() {
      return variants.values().stream().mapToLong(VariantCounts::conversions).sum();
    }

    /** This variant's numbers; all zero when it was not seen. */
    public VariantCounts variant(String name) {
      return variants.getOrDefault(name, new VariantCounts(0, 0, 0, 0));
    }

    /** Share of this phase's users who saw {@code variant}; 0 when nobody was exposed. */
    public double userShare(String variant) {
      return users == 0 ? 0 : (double) variant(variant).users() / users;
    }
  }

  /** A simulated user: the browser state that lasts across phases. */
  private static final class User {
    final int index;
    final String id;
    final boolean anonymous;
    // Guarded by this: cookie name -> value, as a browser keeps them for one site.
    final Map<String, String> cookies = new LinkedHashMap<>();
    // Pacer thread only: the end of this user's chain of visits.
    CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    User(int index, boolean anonymous) {
      this.index = index;
      this.id = String.format(Locale.ROOT, "u%05d", index + 1);
      this.anonymous = anonymous;
    }
  }

  /** What one user did in one phase. Written only by that user's (serialized) visits. */
  private static final class Seen {
    /** Each variant the user saw, with the wall-clock millis its first answer arrived. */
    final Map<String, Long> variants = new ConcurrentHashMap<>();
    volatile Boolean buys;

    void saw(String variant) {
      variants.putIfAbsent(variant, System.currentTimeMillis());
    }

    /** The variants first seen in answers that arrived at or before {@code cutoff}. */
    Set<String> seenBy(long cutoff) {
      Set<String> out = new TreeSet<>();
      variants.forEach((v, at) -> {
        if (at <= cutoff) {
          out.add(v);
        }
      });
      return out;
    }
  }

  private static final class Tally {
    final AtomicLong firstExposures = new AtomicLong();
    final LongAdder exposures = new LongAdder();
    final LongAdder buyers = new LongAdder();
    final LongAdder conversions = new LongAdder();
  }

  /** Observations of one phase; a visit records into the phase it started in. */
  private static final class Phase {
    final int number;
    final ConcurrentHashMap<Integer, Seen> users = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, Tally> tallies = new ConcurrentHashMap<>();
    final LongAdder requests = new LongAdder();
    final LongAdder failed = new LongAdder();
    final Deque<String> errors = new ArrayDeque<>();

    Phase(int number) {
      this.number = number;
    }

    Tally tally(String variant) {
      return tallies.computeIfAbsent(variant, v -> new Tally());
    }
  }

  /** A parsed shop answer: the variant and, for a shop page, the buy probability (else NaN). */
  record Answer(String variant, double buyProbability) {}

  private final Settings settings;
  private final URI shopUri;
  private final URI checkoutUri;
  private final User[] users;
  private final double[] buyDraws;
  private final SplittableRandom picks;
  private final Pacer pacer;
  private final AtomicLong arrivals = new AtomicLong();
  private volatile Phase phase = new Phase(0);
  private boolean closed;
  // Pacer thread only: how many distinct users have come (users 0..arrived-1).
  private int arrived;

  public ShopperLoad(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    String path = settings.base().getRawPath() == null ? "" : settings.base().getRawPath();
    String prefix =
        settings.base().getScheme()
            + "://"
            + settings.base().getRawAuthority()
            + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    this.shopUri = URI.create(prefix + "/shop");
    this.checkoutUri = URI.create(prefix + "/shop/checkout");
    this.users = new User[settings.users()];
    for (int i = 0; i < users.length; i++) {
      users[i] = new User(i, spread(i, settings.anonymousShare()));
    }
    // Two independent streams from one seed: which users arrive, and how each would decide.
    SplittableRandom root = new SplittableRandom(settings.seed());
    SplittableRandom draws = root.split();
    this.picks = root.split();
    this.buyDraws = new double[users.length];
    for (int i = 0; i < buyDraws.length; i++) {
      buyDraws[i] = draws.nextDouble();
    }
    this.pacer =
        new Pacer(
            "bellwether-shoppers",
            settings.arrivalsPerSecond(),
            REQUEST_TIMEOUT,
            () -> settings.maxArrivals() > 0 && arrivals.get() >= settings.maxArrivals(),
            () -> {
              arrive(users[pick()]);
              arrivals.incrementAndGet();
            });
  }

  /** The settings this load runs with. */
  public Settings settings() {
    return settings;
  }

  /**
   * Starts (or, after {@link #stop()}, resumes) the arrivals. Idempotent while running; throws
   * {@link IllegalStateException} after {@link #close()}.
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    pacer.start();
  }

  /**
   * Stops arrivals and waits (up to two request timeouts and a second) for visits in flight, so
   * that a snapshot taken afterwards is final. Idempotent.
   */
  public void stop() {
    pacer.stop(REQUEST_TIMEOUT.multipliedBy(2).plusSeconds(1));
  }

  /**
   * With an arrival limit: waits until every arrival was made and every visit finished. Returns
   * false when {@code timeout} passed first. Throws {@link IllegalStateException} without a limit.
   */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    if (settings.maxArrivals() == 0) {
      throw new IllegalStateException("no arrival limit: this load never finishes by itself");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (arrivals.get() < settings.maxArrivals()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return pacer.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  /** Same as {@link #stop()}, and releases the HTTP client's threads. Final. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    stop();
    pacer.close();
  }

  /**
   * Starts a new phase: what users saw, their buy decisions, the per-variant counts and failures
   * start from nothing; users keep their cookies and stay "returning". Visits that started before
   * the call record into the old phase and are not seen again, so a phase only holds what was
   * answered after it began (for example after the split opened).
   */
  public void resetObservations() {
    synchronized (this) {
      phase = new Phase(phase.number + 1);
    }
  }

  /** The current phase's observations now. Never null; all zero before {@link #start()}. */
  public Snapshot snapshot() {
    return snapshot(Instant.ofEpochMilli(Long.MAX_VALUE));
  }

  /**
   * The current phase's observations, with users and the variants they saw limited to answers
   * that arrived at or before {@code cutoff} (wall clock); requests, failures and the per-variant
   * exposure and conversion counts stay the phase's. For judging stickiness up to a moment known
   * only afterwards, such as the time a run recorded its decision to close a split: a user who
   * went back to the stable backend once the split closed is then no broken assignment.
   */
  public Snapshot snapshot(Instant cutoff) {
    long until = cutoff.toEpochMilli();
    Phase ph = phase;
    Map<String, Long> usersByVariant = new TreeMap<>();
    long exposed = 0;
    long violations = 0;
    TreeMap<Integer, Set<String>> violators = new TreeMap<>();
    for (Map.Entry<Integer, Seen> e : ph.users.entrySet()) {
      Set<String> seen = e.getValue().seenBy(until);
      if (seen.isEmpty()) {
        continue;
      }
      exposed++;
      seen.forEach(v -> usersByVariant.merge(v, 1L, Long::sum));
      if (seen.size() > 1) {
        violations++;
        violators.put(e.getKey(), seen);
        if (violators.size() > MAX_VIOLATION_SAMPLES) {
          violators.pollLastEntry();
        }
      }
    }
    Map<String, VariantCounts> variants = new TreeMap<>();
    Set<String> names = new TreeSet<>(ph.tallies.keySet());
    names.addAll(usersByVariant.keySet());
    for (String v : names) {
      Tally t = ph.tallies.get(v);
      variants.put(
          v,
          new VariantCounts(
              usersByVariant.getOrDefault(v, 0L),
              t == null ? 0 : t.exposures.sum(),
              t == null ? 0 : t.buyers.sum(),
              t == null ? 0 : t.conversions.sum()));
    }
    List<String> samples = new ArrayList<>();
    violators.forEach((i, seen) -> samples.add(users[i].id + " saw " + seen));
    List<String> errors;
    synchronized (ph.errors) {
      errors = new ArrayList<>(ph.errors);
    }
    return new Snapshot(
        arrivals.get(),
        ph.number,
        ph.requests.sum(),
        ph.failed.sum(),
        exposed,
        variants,
        violations,
        samples,
        errors);
  }

  /** Ids of the users who decided to buy in this phase, sorted; for tests. */
  Set<String> buyers() {
    Set<String> out = new TreeSet<>();
    phase.users.forEach(
        (i, seen) -> {
          if (Boolean.TRUE.equals(seen.buys)) {
            out.add(users[i].id);
          }
        });
    return out;
  }

  /** Whether user {@code i} is anonymous (sends no id); spreads exactly {@code share} evenly. */
  static boolean spread(long i, double share) {
    return Math.floor((i + 1) * share) > Math.floor(i * share);
  }

  /** The EVEN decision: whether the k-th (from 0) user first exposed to a variant buys. */
  static boolean evenBuys(long k, double p) {
    return Math.floor((k + 1) * p) > Math.floor(k * p);
  }

  /** The next arriving user. Pacer thread only; the sequence depends on the seed alone. */
  private int pick() {
    if (arrived == 0
        || (arrived < users.length && picks.nextDouble() >= settings.returningShare())) {
      return arrived++;
    }
    return picks.nextInt(arrived);
  }

  /**
   * Queues a visit behind the user's previous one; the in-flight permit is released after it.
   * Pacer thread only, the one thread that touches {@code tail}.
   */
  private void arrive(User u) {
    u.tail =
        u.tail
            .thenCompose(ignored -> visitSafely(u))
            .whenComplete((ignored, error) -> pacer.release());
  }

  private CompletableFuture<Void> visitSafely(User u) {
    Phase ph = phase;
    try {
      return visit(u, ph)
          .exceptionally(
              e -> {
                fail(ph, "visit " + u.id + " " + Pacer.describe(e));
                return null;
              });
    } catch (RuntimeException e) {
      fail(ph, "visit " + u.id + " " + Pacer.describe(e));
      return CompletableFuture.completedFuture(null);
    }
  }

  private CompletableFuture<Void> visit(User u, Phase ph) {
    return send(u, ph, "GET", shopUri)
        .thenCompose(
            body -> {
              if (body == null) {
                return CompletableFuture.completedFuture(null);
              }
              Answer page = parse(body, null);
              if (page == null || !(page.buyProbability() >= 0 && page.buyProbability() <= 1)) {
                fail(ph, "GET /shop " + u.id + " not a shop page: " + Pacer.abbreviate(body));
                return CompletableFuture.completedFuture(null);
              }
              Seen seen = ph.users.computeIfAbsent(u.index, i -> new Seen());
              seen.saw(page.variant());
              Tally tally = ph.tally(page.variant());
              tally.exposures.increment();
              if (seen.buys != null) {
                // Decided on the first exposure of this phase; a returning user only looks.
                return CompletableFuture.completedFuture(null);
              }
              boolean buys = decide(u, tally, page.buyProbability());
              seen.buys = buys;
              if (!buys) {
                return CompletableFuture.completedFuture(null);
              }
              tally.buyers.increment();
              return checkout(u, ph, seen, page.variant());
            });
  }

  /** A buyer's order, right after the first exposure; counted under the variant that took it. */
  private CompletableFuture<Void> checkout(User u, Phase ph, Seen seen, String shownVariant) {
    return send(u, ph, "POST", checkoutUri)
        .thenAccept(
            body -> {
              if (body == null) {
                return;
              }
              Answer order = parse(body, shownVariant);
              if (order == null) {
                fail(ph, "POST /shop/checkout " + u.id + " not an order: " + Pacer.abbreviate(body));
                return;
              }
              // The order's variant is also one the user saw: a split that sends the checkout
              // elsewhere breaks stickiness too.
              seen.saw(order.variant());
              ph.tally(order.variant()).conversions.increment();
            });
  }

  private boolean decide(User u, Tally tally, double p) {
    return switch (settings.buyMode()) {
      case RANDOM -> buyDraws[u.index] < p;
      case EVEN -> evenBuys(tally.firstExposures.getAndIncrement(), p);
    };
  }

  /**
   * Sends one request as the user and keeps the cookies the answer sets. Completes with the body of
   * a 2xx answer, or null after counting a failure; never exceptionally.
   */
  private CompletableFuture<String> send(User u, Phase ph, String method, URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
    if (!u.anonymous) {
      b.header(settings.userHeader(), u.id);
    }
    String cookie = cookieHeader(u);
    if (!cookie.isEmpty()) {
      b.header("Cookie", cookie);
    }
    if (method.equals("POST")) {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(CHECKOUT_BODY));
    } else {
      b.GET();
    }
    String what = method + " " + uri.getRawPath() + " " + u.id;
    ph.requests.increment();
    try {
      return pacer
          .client()
          .sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
          .handle(
              (response, error) -> {
                if (error != null) {
                  fail(ph, what + " " + Pacer.describe(error));
                  return null;
                }
                keepCookies(u, response.headers().allValues("set-cookie"));
                if (response.statusCode() / 100 != 2) {
                  fail(
                      ph,
                      what + " HTTP " + response.statusCode() + " " + Pacer.abbreviate(response.body()));
                  return null;
                }
                return response.body();
              });
    } catch (RuntimeException e) {
      fail(ph, what + " " + Pacer.describe(e));
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * The variant and buy probability of a shop answer; null when it is not one. {@code
   * fallbackVariant} is used when the answer names none (null: the variant is required).
   */
  static Answer parse(String body, String fallbackVariant) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode variant = node.get("variant");
    String name = variant != null && variant.isTextual() ? variant.asText() : fallbackVariant;
    if (name == null || name.isBlank()) {
      return null;
    }
    JsonNode p = node.get("buyProbability");
    return new Answer(name, p != null && p.isNumber() ? p.asDouble() : Double.NaN);
  }

  private static String cookieHeader(User u) {
    synchronized (u) {
      StringBuilder out = new StringBuilder();
      u.cookies.forEach(
          (name, value) -> {
            if (out.length() > 0) {
              out.append("; ");
            }
            out.append(name).append('=').append(value);
          });
      return out.toString();
    }
  }

  /**
   * Keeps {@code name=value} of each Set-Cookie, as a browser does for one site; an empty value or
   * {@code Max-Age=0} (or less) deletes the cookie. Domain, path and expiry dates are not needed
   * against one frontend.
   */
  static void keepCookies(Map<String, String> jar, List<String> setCookies) {
    for (String header : setCookies) {
      String[] parts = header.split(";");
      int eq = parts[0].indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = parts[0].substring(0, eq).strip();
      String value = parts[0].substring(eq + 1).strip();
      boolean expired = value.isEmpty();
      for (int i = 1; i < parts.length; i++) {
        String attr = parts[i].strip().toLowerCase(Locale.ROOT);
        if (attr.startsWith("max-age=")) {
          try {
            expired |= Long.parseLong(attr.substring(8).strip()) <= 0;
          } catch (NumberFormatException ignored) {
            // A malformed attribute is ignored, as browsers do.
          }
        }
      }
      if (expired) {
        jar.remove(name);
      } else {
        jar.put(name, value);
      }
    }
  }

  private static void keepCookies(User u, List<String> setCookies) {
    if (setCookies.isEmpty()) {
      return;
    }
    synchronized (u) {
      keepCookies(u.cookies, setCookies);
    }
  }

  private static void fail(Phase ph, String what) {
    ph.failed.increment();
    Pacer.addSample(ph.errors, what);
  }

  @Override
  public String toString() {
    return "ShopperLoad["
        + shopUri
        + ", "
        + settings.users()
        + " users, "
        + settings.arrivalsPerSecond()
        + " arrivals/s, "
        + settings.buyMode()
        + ", seed "
        + settings.seed()
        + "]";
  }

  /**
   * A snapshot as a short line: {@code phase 1, arrivals 600, users 200, sticky violations 0,
   * failed 0 of 640; a: 98 users, 150 exposures, 10 conversions; b: ...}.
   */
  public static String describe(Snapshot s) {
    StringBuilder out =
        new StringBuilder()
            .append("phase ")
            .append(s.phase())
            .append(", arrivals ")
            .append(s.arrivals())
            .append(", users ")
            .append(s.users())
            .append(", sticky violations ")
            .append(s.stickyViolations())
            .append(", failed ")
            .append(s.failed())
            .append(" of ")
            .append(s.requests());
    s.variants()
        .forEach(
            (v, c) ->
                out.append("; ")
                    .append(v)
                    .append(": ")
                    .append(c.users())
                    .append(" users, ")
                    .append(c.exposures())
                    .append(" exposures, ")
                    .append(c.conversions())
                    .append(" conversions"));
    return out.toString();
  }
}
