package io.bellwether.starter.load;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The engine of a load generator: one daemon thread that runs a step at a fixed rate, with a bound
 * on steps in flight (each step holds a permit until its requests complete and it calls {@link
 * #release()}), so a slow target slows the load rather than piling up connections; after a stall
 * it resumes the rate instead of firing a burst to catch up. It also owns the HTTP client the
 * requests go through and its two callback threads, and the helpers that keep a short sample of
 * recent failures.
 */
final class Pacer {
  /** How many failures a sample keeps, newest last. */
  static final int MAX_SAMPLE_ERRORS = 20;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final String threadName;
  private final long intervalNanos;
  private final BooleanSupplier done;
  private final Runnable step;
  private final int maxInFlight;
  private final Semaphore inFlight;
  private final ExecutorService callbacks;
  private final HttpClient client;
  private volatile boolean running;
  private Thread thread;

  /**
   * @param threadName the pacing thread's name; its HTTP callback threads get {@code -http} added
   * @param perSecond steps per second, at least 1; also the bound on steps in flight (at least 16)
   * @param connectTimeout how long the HTTP client may take to connect
   * @param done checked before every step on the pacing thread: true ends the pacing for good
   * @param step one step, run on the pacing thread with a permit held; it must see that {@link
   *     #release()} is called once its work is over, also when it fails
   */
  Pacer(
      String threadName,
      int perSecond,
      Duration connectTimeout,
      BooleanSupplier done,
      Runnable step) {
    this.threadName = threadName;
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.done = done;
    this.step = step;
    this.maxInFlight = Math.max(16, perSecond);
    this.inFlight = new Semaphore(maxInFlight);
    this.callbacks =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, threadName + "-http");
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .executor(callbacks)
            .build();
  }

  /** The HTTP client the steps send through. */
  HttpClient client() {
    return client;
  }

  /**
   * Starts pacing on a daemon thread, so that a forgotten stop does not keep the JVM alive.
   * Idempotent while running.
   */
  synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::pace, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops pacing and waits up to {@code drain} for the steps in flight, so that counts read
   * afterwards are final. Idempotent.
   */
  void stop(Duration drain) {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
      thread = null;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(2_000);
        awaitIdle(drain);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits until no step is in flight; false when {@code timeout} passed first. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    if (inFlight.tryAcquire(maxInFlight, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      inFlight.release(maxInFlight);
      return true;
    }
    return false;
  }

  /** Gives back the permit of a step whose work is over. */
  void release() {
    inFlight.release();
  }

  /** Releases the HTTP client's threads; call after {@link #stop}. */
  void close() {
    callbacks.shutdownNow();
  }

  private void pace() {
    long next = System.nanoTime();
    while (running) {
      if (done.getAsBoolean()) {
        return;
      }
      long wait = next - System.nanoTime();
      try {
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        inFlight.acquire();
      } catch (InterruptedException e) {
        return;
      }
      if (!running) {
        inFlight.release();
        return;
      }
      step.run();
      next += intervalNanos;
      // After a stall, resume the rate instead of firing a burst to catch up.
      if (System.nanoTime() - next > 1_000_000_000L) {
        next = System.nanoTime();
      }
    }
  }

  /** Adds {@code what}, stamped with the time of day, to {@code errors}, keeping the newest 20. */
  static void addSample(Deque<String> errors, String what) {
    synchronized (errors) {
      errors.addLast(LocalTime.now().format(CLOCK) + " " + what);
      while (errors.size() > MAX_SAMPLE_ERRORS) {
        errors.removeFirst();
      }
    }
  }

  /** The root cause of {@code t} as {@code SimpleName: message}, the message abbreviated. */
  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage();
    return root.getClass().getSimpleName() + (msg == null ? "" : ": " + abbreviate(msg));
  }

  /** {@code s} on one line, cut to 120 characters; empty for null. */
  static String abbreviate(String s) {
    String one = s == null ? "" : s.strip().replaceAll("\\s+", " ");
    return one.length() > 120 ? one.substring(0, 120) + "..." : one;
  }
}
