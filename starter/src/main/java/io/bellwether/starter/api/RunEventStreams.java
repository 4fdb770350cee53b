package io.bellwether.starter.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.client.BellwetherClient;
import io.bellwether.client.RunNotFoundException;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events for one run each: the {@code status} query is polled, an event {@code
 * status} goes out whenever its JSON changes, and once the run has closed an event {@code end}
 * with {@code {"outcome": ...}} ends the stream. A comment every 15 s keeps proxies from closing a
 * quiet stream and notices a client that has gone. Streams end after an hour at the latest;
 * EventSource clients reconnect by themselves.
 */
public final class RunEventStreams implements AutoCloseable {
  /** At most this many streams at once; more get a 503 problem. */
  public static final int MAX_STREAMS = 64;
  static final Duration LIFETIME = Duration.ofHours(1);
  private static final long HEARTBEAT_NANOS = Duration.ofSeconds(15).toNanos();
  private static final Logger log = LoggerFactory.getLogger(RunEventStreams.class);

  private final BellwetherClient client;
  private final RunStates states;
  private final ObjectMapper json;
  private final Duration period;
  private final ScheduledExecutorService pollers;
  private final AtomicInteger open = new AtomicInteger();

  public RunEventStreams(BellwetherClient client, RunStates states, ObjectMapper json, Duration period) {
    this.client = client;
    this.states = states;
    this.json = json;
    this.period = period;
    AtomicInteger n = new AtomicInteger();
    this.pollers = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "run-events-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens a stream for {@code workflowId}; the caller has checked that the run exists. */
  public SseEmitter open(String workflowId) {
    if (open.incrementAndGet() > MAX_STREAMS) {
      open.decrementAndGet();
      throw new ApiProblemException(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.RATE_LIMITED,
          "too many event streams open; retry later"), Map.of("Retry-After", "5"));
    }
    SseEmitter emitter = new SseEmitter(LIFETIME.toMillis());
    Stream s = new Stream(workflowId, emitter);
    s.future = pollers.scheduleWithFixedDelay(s::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    emitter.onCompletion(s::stop);
    // Completing here keeps Spring from answering the timeout as an error on a committed stream.
    emitter.onTimeout(emitter::complete);
    emitter.onError(e -> s.stop());
    return emitter;
  }

  private final class Stream {
    final String id;
    final SseEmitter emitter;
    volatile ScheduledFuture<?> future;
    String last;
    long lastSent = System.nanoTime();
    boolean stopped;

    Stream(String id, SseEmitter emitter) {
      this.id = id;
      this.emitter = emitter;
    }

    synchronized void tick() {
      if (stopped) {
        return;
      }
      try {
        // Closed-ness first: the status read after it is then at least as new.
        RunStates.RunState state = states.describe(id);
        Object status = client.status(id);
        String text = json.writeValueAsString(status);
        if (!text.equals(last)) {
          emitter.send(SseEmitter.event().name("status").data(text, MediaType.APPLICATION_JSON));
          last = text;
          lastSent = System.nanoTime();
        } else if (System.nanoTime() - lastSent > HEARTBEAT_NANOS) {
          emitter.send(SseEmitter.event().comment("waiting"));
          lastSent = System.nanoTime();
        }
        if (state.closed()) {
          emitter.send(SseEmitter.event().name("end")
              .data(json.writeValueAsString(Map.of("outcome", outcome(state, status))), MediaType.APPLICATION_JSON));
          emitter.complete();
          stop();
        }
      } catch (RunNotFoundException gone) {
        emitter.complete();
        stop();
      } catch (IOException | IllegalStateException clientGone) {
        // The client went away (or the emitter completed); nothing to tell anyone.
        stop();
      } catch (RuntimeException e) {
        // Temporal or the worker did not answer this time: keep polling until the stream ends.
        log.debug("status poll for {} failed: {}", id, e.toString());
      }
    }

    synchronized void stop() {
      if (!stopped) {
        stopped = true;
        open.decrementAndGet();
        if (future != null) {
          future.cancel(false);
        }
      }
    }
  }

  /**
   * How a closed run ended: its final phase when it completed ({@code SUCCEEDED}, {@code
   * ROLLED_BACK}, {@code ABORTED}, {@code FAILED}), else Temporal's status ({@code FAILED}, {@code
   * CANCELED}, {@code TERMINATED}, {@code TIMED_OUT}).
   */
  static String outcome(RunStates.RunState state, Object status) {
    Phase phase = status instanceof RollingStatus r ? r.phase()
        : status instanceof BlueGreenStatus b ? b.phase()
        : status instanceof CanaryStatus c ? c.phase()
        : status instanceof ABTestStatus a ? a.phase()
        : status instanceof ChaosStatus c ? c.phase() : null;
    if ("COMPLETED".equals(state.status()) && phase != null && phase.isFinal()) {
      return phase.name();
    }
    return state.status();
  }

  @Override
  public void close() {
    pollers.shutdownNow();
  }
}
