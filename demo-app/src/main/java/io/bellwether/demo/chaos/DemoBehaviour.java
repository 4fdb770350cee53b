package io.bellwether.demo.chaos;

import io.bellwether.demo.HttpMetrics;
import io.bellwether.demo.Release;
import io.bellwether.demo.ShopMetrics;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the Chaos Monkey mode's endpoints share: the release in force, the instance name, the
 * counters behind {@code /metrics}, the order numbers, and the release's own faults, drawn in the
 * same order as the plain server draws them so a seed repeats them.
 */
final class DemoBehaviour {
  private final Release release;
  private final String instance;
  private final HttpMetrics metrics;
  private final ShopMetrics shop;
  private final Random random;
  private final AtomicLong orders = new AtomicLong();
  private final AtomicBoolean stopping = new AtomicBoolean();

  DemoBehaviour(Release release, String instance, Long seed) {
    this.release = release;
    this.instance = instance;
    this.metrics = new HttpMetrics(release.version());
    this.shop = new ShopMetrics(release.version());
    this.random = seed == null ? new Random() : new Random(seed);
  }

  Release release() {
    return release;
  }

  String instance() {
    return instance;
  }

  HttpMetrics metrics() {
    return metrics;
  }

  ShopMetrics shop() {
    return shop;
  }

  long nextOrder() {
    return orders.incrementAndGet();
  }

  /** Marks the instance as shutting down: {@code /health} answers 503 from now on. */
  void stopping() {
    stopping.set(true);
  }

  boolean healthy() {
    return release.healthy() && !stopping.get();
  }

  /** {@code demo-app <instance> <version>}: the body of {@code /} and the start of its errors. */
  String banner() {
    return "demo-app " + instance + " " + release.version();
  }

  /**
   * Applies the release's faults to one traffic request: sleeps its added latency (and tail, if
   * drawn), then draws whether it fails. These are the release's faults, not Chaos Monkey's: an
   * assault comes on top of them.
   */
  boolean faulty() {
    int delay = release.latencyMs() + tailDelayMs();
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return release.errorRate() > 0 && draw() < release.errorRate();
  }

  private int tailDelayMs() {
    if (release.tailRate() <= 0 || draw() >= release.tailRate()) {
      return 0;
    }
    int span = release.tailMaxMs() - release.tailMinMs();
    return release.tailMinMs() + (span == 0 ? 0 : (int) (draw() * (span + 1)));
  }

  private double draw() {
    synchronized (random) {
      return random.nextDouble();
    }
  }
}
