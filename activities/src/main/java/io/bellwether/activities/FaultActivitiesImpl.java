package io.bellwether.activities;

import io.bellwether.activities.chaos.FaultInjector;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.contracts.chaos.FaultActivities;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import java.util.TreeSet;

/**
 * {@link FaultActivities} over the injectors configured under {@code bellwether.fault-injectors},
 * chosen by {@link FaultRequest#injector()}. An unconfigured injector is a non-retryable {@code
 * UnknownTarget}; a fault the injector cannot carry out a non-retryable {@code InvalidFault}; a
 * target another fault holds a non-retryable {@code FaultConflict}; a target the router lacks a
 * non-retryable {@code UnknownTarget}; an unreachable router a retryable {@code RouterUnavailable};
 * a failing command, process or file on the host a retryable {@code InjectorUnavailable}. Every
 * call is idempotent, so a retry changes nothing twice.
 *
 * <p>A restore may take long (a killed process is restarted and waited for): it heartbeats while
 * the injector reports progress. Should the heartbeat say the activity was cancelled or timed out,
 * the restore still runs to its end rather than leave a fault half in force; it stops beating.
 */
public class FaultActivitiesImpl implements FaultActivities {
  private final AdapterRegistry registry;
  private final Heartbeat heartbeat;

  /** Heartbeats through Temporal when running as an activity. */
  public FaultActivitiesImpl(AdapterRegistry registry) {
    this(registry, Heartbeat.temporal());
  }

  /** With an explicit heartbeat, for tests and for running outside a Temporal worker. */
  public FaultActivitiesImpl(AdapterRegistry registry, Heartbeat heartbeat) {
    this.registry = registry;
    this.heartbeat = heartbeat;
  }

  @Override
  public FaultState inject(FaultRequest request) {
    FaultInjector injector = injector(request);
    return Failures.fault(
        request.injector(), routerOf(request.injector()), () -> injector.inject(request));
  }

  @Override
  public FaultState restore(FaultRequest request) {
    FaultInjector injector = injector(request);
    long started = System.nanoTime();
    boolean[] beating = {true};
    Runnable progress =
        () -> {
          if (!beating[0]) {
            return;
          }
          try {
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            heartbeat.beat("restoring " + request.faultId() + " for " + seconds + " s");
          } catch (RuntimeException cancelledOrTimedOut) {
            beating[0] = false;
          }
        };
    return Failures.fault(
        request.injector(),
        routerOf(request.injector()),
        () -> injector.restore(request, progress));
  }

  @Override
  public FaultState probe(FaultRequest request) {
    FaultInjector injector = injector(request);
    return Failures.fault(
        request.injector(), routerOf(request.injector()), () -> injector.probe(request));
  }

  private FaultInjector injector(FaultRequest request) {
    if (request == null) {
      throw Failures.unknownTarget("a fault request is required");
    }
    String name = request.injector();
    return registry
        .faultInjector(name)
        .orElseThrow(
            () ->
                Failures.unknownTarget(
                    (name == null || name.isBlank()
                            ? "a fault injector name is required"
                            : "no fault injector named '" + name + "' is configured")
                        + " under bellwether.fault-injectors; configured: "
                        + (registry.faultInjectorNames().isEmpty()
                            ? "none"
                            : String.join(", ", new TreeSet<>(registry.faultInjectorNames())))));
  }

  private String routerOf(String injector) {
    return registry.faultInjectorConfig(injector).map(FaultInjectorConfig::router).orElse(null);
  }
}
