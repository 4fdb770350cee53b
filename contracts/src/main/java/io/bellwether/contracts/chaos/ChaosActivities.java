package io.bellwether.contracts.chaos;

import io.bellwether.contracts.spec.Violation;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * What a chaos experiment reads from the world, by configured names only. Read-only and
 * idempotent. An unknown service fails with the non-retryable {@code UnknownTarget}.
 */
@ActivityInterface
public interface ChaosActivities {
  /**
   * Every name in the spec the configuration lacks, as violations with the field path: the service
   * ({@code service}), each fault's injector ({@code faults[0].injector}), each HTTP probe's
   * endpoint, each metrics provider, a zone no server of the service has, and {@code errorBudget}
   * when the service has no SLO. Empty when all are known.
   */
  List<Violation> checkExperiment(ChaosExperimentSpec spec);

  /**
   * What a step of {@code injector} can act on now: for injectors that act on servers, every
   * server the router has in the service's backend (with its zone from the configuration); for
   * injectors that act on a host resource, one target named after the injector. Throws retryably
   * when the router cannot be reached.
   */
  List<FaultTarget> candidates(String service, String injector);

  /**
   * One reading of each probe, taken in parallel (guardrails come as probes: {@link
   * StopCondition#asProbe()}). Never throws for a probe that cannot be read: its reading has no
   * value and says why.
   */
  List<ProbeReading> readProbes(String service, List<ProbeSpec> probes);

  /** The service's SLO counters now; null when the service has no SLO configured. */
  SloReading readSlo(String service);

  /**
   * The most of the service's capacity concurrent experiments may impair together, 0 to 1, from
   * {@code bellwether.services.<service>.max-impaired-share} (default 0.5).
   */
  double maxImpairedShare(String service);
}
