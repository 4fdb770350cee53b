package io.bellwether.starter.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Steady traffic against a demo-app pool, counting what a user would see: requests sent, requests
 * failed (an I/O error or a non-2xx answer) and successful answers by the version that served them
 * (read from the body {@code demo-app <instance> <version>}). Paced at a fixed rate with a bound on
 * requests in flight, so a slow pool slows the generator rather than piling up connections.
 */
public final class LoadGenerator implements AutoCloseable {
  /** How long one request may take before it counts as failed. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private static final String POST_BODY = "{\"hello\":\"bellwether\"}";

  /**
   * Counters at one moment.
   *
   * @param sent requests sent so far (some may still be in flight)
   * @param failed requests that got an I/O error, a timeout or a non-2xx status
   * @param okByVersion successful answers by the version named in the body; {@code unknown} when
   *     the body does not name one
   * @param sampleErrors the most recent failures, newest last, each with its time
   */
  public record Counts(long sent, long failed, Map<String, Long> okByVersion, List<String> sampleErrors) {
    public Counts {
      okByVersion = Collections.unmodifiableMap(new TreeMap<>(okByVersion));
      sampleErrors = List.copyOf(sampleErrors);
    }

    /** Successful answers of every version. */
    public long ok() {
      return okByVersion.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What happened between {@code earlier} and this snapshot of the same generator. */
    public Counts minus(Counts earlier) {
      Map<String, Long> byVersion = new TreeMap<>();
      okByVersion.forEach(
          (v, n) -> {
            long d = n - earlier.okByVersion.getOrDefault(v, 0L);
            if (d != 0) {
              byVersion.put(v, d);
            }
          });
      List<String> errors = new ArrayList<>(sampleErrors);
      errors.removeAll(earlier.sampleErrors);
      return new Counts(sent - earlier.sent, failed - earlier.failed, byVersion, errors);
    }
  }

  private final URI base;
  private final int requestsPerSecond;
  private final double postShare;
  private final Pacer pacer;
  private final AtomicLong sent = new AtomicLong();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> okByVersion = new ConcurrentHashMap<>();
  private final Deque<String> errors = new ArrayDeque<>();
  // Pacer thread only: how many requests were paced, for spreading the POSTs.
  private long paced;

  /**
   * @param base where requests go (HAProxy's frontend), such as {@code http://127.0.0.1:8080/}
   * @param requestsPerSecond the steady rate, 1 to 5000
   * @param postShare the share of requests sent as POST with a small body, 0.0 to 1.0
   */
  public LoadGenerator(URI base, int requestsPerSecond, double postShare) {
    if (requestsPerSecond < 1 || requestsPerSecond > 5000) {
      throw new IllegalArgumentException("requestsPerSecond must be 1 to 5000, got " + requestsPerSecond);
    }
    if (!(postShare >= 0.0 && postShare <= 1.0)) {
      throw new IllegalArgumentException("postShare must be 0.0 to 1.0, got " + postShare);
    }
    this.base = base;
    this.requestsPerSecond = requestsPerSecond;
    this.postShare = postShare;
    this.pacer =
        new Pacer(
            "bellwether-load",
            requestsPerSecond,
            REQUEST_TIMEOUT,
            () -> false,
            () -> send(isPost(paced++, postShare)));
  }

  /** Starts sending. Idempotent while running. */
  public void start() {
    pacer.start();
  }

  /**
   * Stops sending and waits (up to the request timeout) for requests in flight, so that a
   * snapshot taken afterwards is final. Idempotent.
   */
  public void stop() {
    pacer.stop(REQUEST_TIMEOUT.plusSeconds(1));
  }

  /** Same as {@link #stop()}, and releases the HTTP client's threads. */
  @Override
  public void close() {
    stop();
    pacer.close();
  }

  /** The counters now. Never null; all zero before {@link #start()}. */
  public Counts snapshot() {
    Map<String, Long> ok = new TreeMap<>();
    okByVersion.forEach((v, n) -> ok.put(v, n.sum()));
    List<String> sample;
    synchronized (errors) {
      sample = new ArrayList<>(errors);
    }
    return new Counts(sent.get(), failed.sum(), ok, sample);
  }

  /** Whether request {@code i} is a POST: spreads exactly {@code share} of requests evenly. */
  static boolean isPost(long i, double share) {
    return Math.floor((i + 1) * share) > Math.floor(i * share);
  }

  /** The version in a demo-app body {@code demo-app <instance> <version>}, else {@code unknown}. */
  static String versionOf(String body) {
    if (body == null) {
      return "unknown";
    }
    String[] parts = body.trim().split("\\s+");
    return parts.length == 3 && parts[0].equals("demo-app") ? parts[2] : "unknown";
  }

  private void send(boolean post) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base).timeout(REQUEST_TIMEOUT);
    if (post) {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(POST_BODY));
    } else {
      b.GET();
    }
    String method = post ? "POST" : "GET";
    sent.incrementAndGet();
    try {
      pacer
          .client()
          .sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (response, error) -> {
                try {
                  if (error != null) {
                    fail(method + " " + Pacer.describe(error));
                  } else if (response.statusCode() / 100 != 2) {
                    fail(method + " HTTP " + response.statusCode() + " " + Pacer.abbreviate(response.body()));
                  } else {
                    okByVersion.computeIfAbsent(versionOf(response.body()), v -> new LongAdder()).increment();
                  }
                } finally {
                  pacer.release();
                }
              });
    } catch (RuntimeException e) {
      fail(method + " " + Pacer.describe(e));
      pacer.release();
    }
  }

  private void fail(String what) {
    failed.increment();
    Pacer.addSample(errors, what);
  }

  @Override
  public String toString() {
    return "LoadGenerator[" + base + ", " + requestsPerSecond + " req/s, POST " + postShare + "]";
  }

  /** Counts as a short line: {@code sent 1200, failed 0, ok {1.0.0=600, 2.0.0=600}}. */
  public static String describe(Counts c) {
    return "sent " + c.sent() + ", failed " + c.failed() + ", ok " + new LinkedHashMap<>(c.okByVersion());
  }
}
