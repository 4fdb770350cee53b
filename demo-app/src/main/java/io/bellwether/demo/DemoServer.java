package io.bellwether.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo HTTP service: {@code /} (GET or POST), the shop ({@code GET /shop}, {@code POST
 * /shop/checkout}), {@code /version}, {@code /health} and {@code /metrics}, behaving as its {@link
 * Release} says. Plain JDK server and no framework, so a whole process starts in well under a
 * second and tests can restart instances often.
 */
public final class DemoServer implements AutoCloseable, RunningServer {
  static {
    // The JDK server writes headers and body separately; with Nagle on, the client's delayed ACK
    // then adds about 40 ms to every answer. Read once, when the server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final Release release;
  private final String instance;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final HttpMetrics metrics;
  private final ShopMetrics shop;
  private final AtomicLong orders = new AtomicLong();
  private final Random random;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Duration shutdownGrace;

  private DemoServer(Release release, DemoOptions options) throws IOException {
    this.release = release;
    this.instance = options.instance();
    this.shutdownGrace = options.shutdownGrace();
    this.random = options.seed() == null ? new Random() : new Random(options.seed());
    this.metrics = new HttpMetrics(release.version());
    this.shop = new ShopMetrics(release.version());
    this.server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
    // A few warm threads, more on demand: a slow release ties up one thread per request.
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            Math.min(4, options.threads()),
            options.threads(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "demo-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Binds and starts serving. The release is the catalog's entry for the version with the
   * options' overrides applied. Throws {@link IOException} when the address cannot be bound.
   */
  public static DemoServer start(DemoOptions options, ReleaseCatalog catalog) throws IOException {
    Release release =
        catalog
            .lookup(options.version())
            .with(
                options.errorRate(),
                options.latencyMs(),
                options.unhealthy(),
                options.conversionRate());
    DemoServer s = new DemoServer(release, options);
    s.server.start();
    return s;
  }

  /** Starts with the built-in catalog. */
  public static DemoServer start(DemoOptions options) throws IOException {
    return start(options, ReleaseCatalog.builtIn());
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The bound host address. */
  public String host() {
    return server.getAddress().getHostString();
  }

  /** The behaviour in force, after overrides. */
  public Release release() {
    return release;
  }

  /** The request metrics behind {@code /metrics}. */
  public HttpMetrics metrics() {
    return metrics;
  }

  /** The shop's A/B counters, also behind {@code /metrics}. */
  public ShopMetrics shopMetrics() {
    return shop;
  }

  /** Requests being handled right now. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Stops accepting connections, waits up to the shutdown grace for in-flight requests, then
   * closes. Idempotent; later calls return at once.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + shutdownGrace.toNanos();
    // HttpServer.stop(delay) closes the listener at once, but on JDK 17 it then sits out the
    // whole delay unless an exchange ends meanwhile. So it runs aside, our own in-flight count
    // decides when we are done, and stop(0) below ends its wait.
    Thread closer =
        new Thread(
            () -> server.stop((int) Math.max(1, shutdownGrace.toSeconds())), "demo-http-stop");
    closer.setDaemon(true);
    closer.start();
    awaitListenerClosed(deadline);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      sleep(10);
    }
    // The closer notices within its 200 ms poll and exits on its own; joining it would only add
    // that poll to every restart.
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }

  private void awaitListenerClosed(long deadline) {
    InetSocketAddress address = new InetSocketAddress(host(), port());
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(address, 200);
      } catch (IOException refused) {
        return;
      }
      sleep(5);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    inFlight.incrementAndGet();
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      try (InputStream body = ex.getRequestBody()) {
        body.transferTo(OutputStream.nullOutputStream());
      }
      switch (path) {
        case "/health" -> health(ex);
        case "/metrics" -> metrics(ex);
        default -> traffic(ex, method, path);
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void traffic(HttpExchange ex, String method, String path) throws IOException {
    long start = System.nanoTime();
    int status =
        switch (path) {
          case "/" -> root(ex, method);
          case "/shop" -> shopPage(ex, method);
          case "/shop/checkout" -> checkout(ex, method);
          case "/version" ->
              method.equals("GET")
                  ? send(ex, 200, release.version())
                  : send(ex, 405, "method not allowed");
          default -> send(ex, 404, "not found");
        };
    metrics.record(status, System.nanoTime() - start);
  }

  private int root(HttpExchange ex, String method) throws IOException {
    if (!method.equals("GET") && !method.equals("POST")) {
      return send(ex, 405, "method not allowed");
    }
    if (faulty()) {
      return send(ex, 500, "demo-app " + instance + " " + release.version() + " failed");
    }
    return send(ex, 200, "demo-app " + instance + " " + release.version());
  }

  /** Cookie marking that a browser was already counted as exposed to a variant. */
  public static final String EXPOSED_COOKIE = "bw_exposed";

  /**
   * {@code GET /shop}: a shop page. Counts an exposure and tells the shopper how likely this
   * release makes a purchase ({@code buyProbability}); the shopper decides. An injected error
   * answers 500 and counts no exposure: the user saw an error page, not the shop.
   *
   * <p>An exposure is counted once per user and variant, as an experiment's unit is the user, not
   * the page view: the first shop page sets the cookie {@value #EXPOSED_COOKIE} to the variant,
   * and a page whose request carries that cookie with the same variant is a returning visit, not
   * counted again. (Counting page views would dilute the conversion rate by the returning visits.)
   */
  private int shopPage(HttpExchange ex, String method) throws IOException {
    if (!method.equals("GET")) {
      return send(ex, 405, "method not allowed");
    }
    Shopper shopper = shopper(ex);
    String variant = shopper.variant();
    boolean randomized = shopper.randomized();
    if (faulty()) {
      return sendJson(ex, 500, variant, randomized, "error", "shop page failed");
    }
    // Counted before the answer leaves, so a client that reads the answer and then scrapes
    // always finds its exposure.
    if (!variant.equals(cookie(ex, EXPOSED_COOKIE))) {
      shop.exposure(variant, randomized);
      ex.getResponseHeaders()
          .add("Set-Cookie", EXPOSED_COOKIE + "=" + variant + "; Path=/shop; HttpOnly");
    }
    return sendJson(ex, 200, variant, randomized, "buyProbability", release.conversionRate());
  }

  /**
   * {@code POST /shop/checkout}: an order. Counts a conversion; an injected error answers 500 and
   * counts none (the order was not placed).
   */
  private int checkout(HttpExchange ex, String method) throws IOException {
    if (!method.equals("POST")) {
      return send(ex, 405, "method not allowed");
    }
    Shopper shopper = shopper(ex);
    String variant = shopper.variant();
    boolean randomized = shopper.randomized();
    if (faulty()) {
      return sendJson(ex, 500, variant, randomized, "error", "checkout failed");
    }
    shop.conversion(variant, randomized);
    return sendJson(
        ex, 200, variant, randomized, "order", instance + "-" + orders.incrementAndGet());
  }

  /**
   * Who a shop request comes from, as the router's headers say: the variant (see {@link
   * ShopMetrics#VARIANT_HEADER}) and whether the user was randomized into it (see {@link
   * ShopMetrics#ASSIGNMENT_HEADER}).
   */
  private record Shopper(String variant, boolean randomized) {}

  private Shopper shopper(HttpExchange ex) {
    return new Shopper(
        shop.variantOf(ex.getRequestHeaders().getFirst(ShopMetrics.VARIANT_HEADER)),
        ShopMetrics.randomized(ex.getRequestHeaders().getFirst(ShopMetrics.ASSIGNMENT_HEADER)));
  }

  /**
   * Applies the release's faults to one traffic request: sleeps its added latency (and tail, if
   * drawn), then draws whether it fails. The draws come in the same order for every path, so a
   * seed repeats them.
   */
  private boolean faulty() {
    int delay = release.latencyMs() + tailDelayMs();
    if (delay > 0) {
      sleep(delay);
    }
    return release.errorRate() > 0 && draw() < release.errorRate();
  }

  /** The value of the request's cookie {@code name}, or null. */
  static String cookie(HttpExchange ex, String name) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String part : header.split(";")) {
        String p = part.trim();
        int eq = p.indexOf('=');
        if (eq > 0 && p.substring(0, eq).equals(name)) {
          return p.substring(eq + 1);
        }
      }
    }
    return null;
  }

  /** A shop answer: instance, version, variant, randomized and one more field. */
  private int sendJson(
      HttpExchange ex, int status, String variant, boolean randomized, String field, Object value)
      throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(160);
    try (JsonGenerator g = JSON.createGenerator(buffer)) {
      g.writeStartObject();
      g.writeStringField("instance", instance);
      g.writeStringField("version", release.version());
      g.writeStringField("variant", variant);
      g.writeBooleanField("randomized", randomized);
      if (value instanceof Double d) {
        g.writeNumberField(field, d);
      } else {
        g.writeStringField(field, String.valueOf(value));
      }
      g.writeEndObject();
    }
    byte[] body = buffer.toByteArray();
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
    return status;
  }

  /** Extra delay of this request for a release with a latency tail; 0 for most requests. */
  private int tailDelayMs() {
    if (release.tailRate() <= 0 || draw() >= release.tailRate()) {
      return 0;
    }
    int span = release.tailMaxMs() - release.tailMinMs();
    return release.tailMinMs() + (span == 0 ? 0 : (int) (draw() * (span + 1)));
  }

  // One seeded generator for every draw, so a seed repeats errors and tails alike.
  private double draw() {
    synchronized (random) {
      return random.nextDouble();
    }
  }

  private void health(HttpExchange ex) throws IOException {
    if (release.healthy() && !stopping.get()) {
      send(ex, 200, "ok");
    } else {
      send(ex, 503, "unhealthy");
    }
  }

  private void metrics(HttpExchange ex) throws IOException {
    byte[] body = (metrics.scrape() + shop.scrape()).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
  }

  /** Sends a plain-text answer with no trailing newline; returns the status for the metrics. */
  private static int send(HttpExchange ex, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
    return status;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
