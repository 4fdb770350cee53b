package io.bellwether.contracts.chaos;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.spec.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Input of {@code ChaosExperiment}: steady-state probes measured over a baseline window, the
 * hypothesis as the probes' tolerances (before, during and after the fault), the faults to inject
 * in order (each in one or more progressive steps), guardrails that abort at once, and an error
 * budget. Plain JSON, typed by hand in {@code temporal workflow start --type ChaosExperiment
 * --input}. Every address lives in the worker's configuration ({@code bellwether.services.<service>},
 * {@code bellwether.fault-injectors.<name>}); a spec only names them.
 *
 * @param service the configured service ({@code bellwether.services.<service>}): its router,
 *     backend, zones, endpoints, metrics provider and SLO
 * @param name the experiment's name; with the service it names the run ({@code
 *     chaos-<service>-<name>}); letters, digits, {@code . _ -}
 * @param hypothesis what the experiment expects, in words (recorded and reported)
 * @param requestedBy who asked (recorded; four-eyes at the approval gate)
 * @param probes the steady-state probes, at least one; each with its tolerances
 * @param baseline how long the probes are read before anything is injected; default 30s
 * @param interval how often probes and guardrails are read; default 5s (1s to 10m)
 * @param faults the faults, injected one after the other; at least one
 * @param guardrails stop conditions read every interval while a fault is active; one breach aborts
 * @param errorBudget what the experiment may burn; checked against the service's SLO before
 *     anything is injected, and watched as a guardrail
 * @param recoveryTimeout how long the steady-state probes get to pass again after restoration;
 *     default 1m
 * @param grace the dead-man switch's allowance past a fault's duration; default 30s
 * @param approval optional gate before the first injection
 * @param dryRun when true, resolve the targets and return the plan and the blast radius; inject
 *     nothing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChaosExperimentSpec(
    String service,
    String name,
    String hypothesis,
    String requestedBy,
    List<ProbeSpec> probes,
    String baseline,
    String interval,
    List<FaultSpec> faults,
    List<StopCondition> guardrails,
    ErrorBudgetSpec errorBudget,
    String recoveryTimeout,
    String grace,
    ApprovalGateSpec approval,
    Boolean dryRun,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String KIND = "ChaosExperiment";

  public ChaosExperimentSpec {
    // Null entries are kept for the validator to report ("empty"); List.copyOf would throw first.
    probes = probes == null ? null : Collections.unmodifiableList(new ArrayList<>(probes));
    faults = faults == null ? null : Collections.unmodifiableList(new ArrayList<>(faults));
    guardrails =
        guardrails == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(guardrails));
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  /** Without unknown fields (for code that builds specs). */
  public ChaosExperimentSpec(
      String service,
      String name,
      String hypothesis,
      String requestedBy,
      List<ProbeSpec> probes,
      String baseline,
      String interval,
      List<FaultSpec> faults,
      List<StopCondition> guardrails,
      ErrorBudgetSpec errorBudget,
      String recoveryTimeout,
      String grace,
      ApprovalGateSpec approval,
      Boolean dryRun) {
    this(service, name, hypothesis, requestedBy, probes, baseline, interval, faults, guardrails,
        errorBudget, recoveryTimeout, grace, approval, dryRun, Map.of());
  }

  public Duration baselineOrDefault() {
    return Durations.parseOr(baseline, Duration.ofSeconds(30));
  }

  public Duration intervalOrDefault() {
    return Durations.parseOr(interval, Duration.ofSeconds(5));
  }

  public Duration recoveryTimeoutOrDefault() {
    return Durations.parseOr(recoveryTimeout, Duration.ofMinutes(1));
  }

  public Duration graceOrDefault() {
    return Durations.parseOr(grace, Duration.ofSeconds(30));
  }

  public boolean dryRunOrDefault() {
    return Boolean.TRUE.equals(dryRun);
  }

  /** This spec with {@code dryRun} set. */
  public ChaosExperimentSpec withDryRun(boolean value) {
    return new ChaosExperimentSpec(service, name, hypothesis, requestedBy, probes, baseline,
        interval, faults, guardrails, errorBudget, recoveryTimeout, grace, approval, value,
        unknownFields);
  }
}
