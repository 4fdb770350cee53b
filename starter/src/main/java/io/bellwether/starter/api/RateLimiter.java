package io.bellwether.starter.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per caller: {@code burst} requests at once, refilled at {@code
 * requestsPerSecond}. Thread-safe. Idle callers' buckets are forgotten once full again, so the
 * map stays as small as the set of recently active callers.
 */
public final class RateLimiter {
  private static final int PRUNE_ABOVE = 10_000;

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }

  /** Throws {@link IllegalArgumentException} unless both are positive. */
  public RateLimiter(double requestsPerSecond, int burst, LongSupplier nanoTime) {
    if (!(requestsPerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("rate limit needs requests-per-second > 0 and burst >= 1");
    }
    this.perNano = requestsPerSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /**
   * Takes one token from {@code caller}'s bucket. Returns 0 when the request may go on, else the
   * whole seconds (at least 1) after which one token will be there again, for {@code Retry-After}.
   */
  public long acquire(String caller) {
    long now = nanoTime.getAsLong();
    if (buckets.size() > PRUNE_ABOVE) {
      prune(now);
    }
    Bucket b = buckets.computeIfAbsent(caller, k -> new Bucket(burst, now));
    synchronized (b) {
      refill(b, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      double wait = (1 - b.tokens) / perNano / 1e9;
      return Math.max(1, (long) Math.ceil(wait));
    }
  }

  private void refill(Bucket b, long now) {
    b.tokens = Math.min(burst, b.tokens + (now - b.last) * perNano);
    b.last = now;
  }

  private void prune(long now) {
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        refill(e.getValue(), now);
        return e.getValue().tokens >= burst;
      }
    });
  }
}
