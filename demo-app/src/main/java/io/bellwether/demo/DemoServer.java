package io.bellwether.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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

/**
 * The demo HTTP service: {@code /} (GET or POST), {@code /version}, {@code /health} and {@code
 * /metrics}, behaving as its {@link Release} says. Plain JDK server and no framework, so a whole
 * process starts in well under a second and tests can restart instances often.
 */
public final class DemoServer implements AutoCloseable {
  static {
    // The JDK server writes headers and body separately; with Nagle on, the client's delayed ACK
    // then adds about 40 ms to every answer. Read once, when the server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final Release release;
  private final String instance;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final HttpMetrics metrics;
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
            .with(options.errorRate(), options.latencyMs(), options.unhealthy());
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
    int status;
    if (path.equals("/")) {
      if (!method.equals("GET") && !method.equals("POST")) {
        status = send(ex, 405, "method not allowed");
      } else {
        int delay = release.latencyMs() + tailDelayMs();
        if (delay > 0) {
          sleep(delay);
        }
        if (release.errorRate() > 0 && draw() < release.errorRate()) {
          status = send(ex, 500, "demo-app " + instance + " " + release.version() + " failed");
        } else {
          status = send(ex, 200, "demo-app " + instance + " " + release.version());
        }
      }
    } else if (path.equals("/version")) {
      status =
          method.equals("GET") ? send(ex, 200, release.version()) : send(ex, 405, "method not allowed");
    } else {
      status = send(ex, 404, "not found");
    }
    metrics.record(status, System.nanoTime() - start);
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
    byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
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
