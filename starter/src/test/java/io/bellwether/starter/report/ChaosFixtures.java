package io.bellwether.starter.report;

import io.bellwether.contracts.chaos.BlastRadius;
import io.bellwether.contracts.chaos.BudgetStatus;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.FaultRecord;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.Stage;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.contracts.spec.SpecLoader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chaos experiments as their status and result would report them, built by hand: one instance of
 * four killed for 20 s while the success rate held (HELD); a zone cut in two progressive steps
 * stopped by a guardrail in its first step (ABORTED, the second step never injected); a run in the
 * middle of its fault; and a dry run's plan.
 */
public final class ChaosFixtures {
  public static final String ID = "chaos-web-kill-one";
  public static final String HYPOTHESIS = "the success rate stays at or above 99% while one instance is down";
  public static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
  public static final String BREACH = "guardrail errors breached: 12 > max 5 for 2 reads in a row";

  /** A valid chaos spec as a user writes it. */
  public static final String YAML =
      """
      kind: ChaosExperiment
      service: web
      name: kill-one
      hypothesis: the success rate stays at or above 99% while one instance is down
      probes:
        - name: success
          type: prometheus
          query: 'sum(rate(haproxy_backend_http_responses_total{proxy="web",code="2xx"}[10s])) / sum(rate(haproxy_backend_http_responses_total{proxy="web"}[10s]))'
          tolerance: {min: 0.99}
          duringFault: {min: 0.99}
        - name: shop
          type: http
          endpoint: shop
          tolerance: {max: 500, status: [200]}
        - name: servers
          type: servers
          tolerance: {min: 4}
          duringFault: {min: 3}
      baseline: 5s
      interval: 1s
      faults:
        - id: kill
          injector: web-kill
          targets: {count: 1, seed: 42}
          duration: 20s
      guardrails:
        - name: errors
          query: 'sum(rate(haproxy_backend_http_responses_total{proxy="web",code="5xx"}[10s]))'
          max: 5
          failureLimit: 2
      errorBudget: {maxFailedRequests: 200}
      recoveryTimeout: 30s
      grace: 10s
      """;

  private ChaosFixtures() {}

  public static ChaosExperimentSpec spec() {
    return SpecLoader.chaos(YAML);
  }

  static String at(int seconds) {
    return T0.plusSeconds(seconds).toString();
  }

  static FaultTarget target(String name, String zone) {
    return new FaultTarget(name, "edge", "web", name, zone);
  }

  /** The killed instance: web-2 in zone a, injected at +6 s, restored at +26 s. */
  public static FaultRecord killed() {
    return new FaultRecord(ID + "/kill/1", "kill", 1, "web-kill", "1 of all", 42, List.of(target("web-2", "a")),
        Map.of(), 20_000, FaultRecord.RESTORED, at(6), at(36), at(26), "duration");
  }

  public static BlastRadius killedRadius() {
    return new BlastRadius(ID + "/kill/1", List.of("web-2"), 4, 0.25, List.of("a"));
  }

  public static BudgetStatus budget() {
    return new BudgetStatus(0.99, 512.0, 200.0, 5, 1500);
  }

  /** Readings of a run that held: five baseline rounds, ten during the fault, two in recovery. */
  public static List<ProbeSample> heldSamples() {
    List<ProbeSample> s = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      s.add(new ProbeSample(at(i), Stage.BASELINE, "success", 0.999, 0, true, null));
      s.add(new ProbeSample(at(i), Stage.BASELINE, "shop", 40.0 + i, 200, true, null));
      s.add(new ProbeSample(at(i), Stage.BASELINE, "servers", 4.0, 0, true, null));
    }
    for (int i = 0; i < 10; i++) {
      int t = 7 + 2 * i;
      s.add(new ProbeSample(at(t), Stage.FAULT, "success", 0.995, 0, true, null));
      s.add(new ProbeSample(at(t), Stage.FAULT, "shop", 60.0, 200, true, null));
      s.add(new ProbeSample(at(t), Stage.FAULT, "servers", 3.0, 0, true, null));
      s.add(new ProbeSample(at(t), Stage.FAULT, "guardrail:errors", 0.1, 0, true, null));
      s.add(new ProbeSample(at(t), Stage.FAULT, "budget", (double) Math.min(5, i), 0, true, null));
    }
    for (int t : new int[] {27, 28}) {
      s.add(new ProbeSample(at(t), Stage.RECOVERY, "success", 0.999, 0, true, null));
      s.add(new ProbeSample(at(t), Stage.RECOVERY, "shop", 41.0, 200, true, null));
      s.add(new ProbeSample(at(t), Stage.RECOVERY, "servers", 4.0, 0, true, null));
    }
    return s;
  }

  public static List<String> heldFindings() {
    return List.of(
        "every probe stayed within its during-fault tolerance while web-2 was down",
        "recovered: every probe within tolerance 1 s after restoration",
        "error budget: 5 of 200 allowed requests burned");
  }

  public static List<RunEvent> heldEvents() {
    return List.of(
        new RunEvent(at(0), "bellwether", "baseline", "reading 3 probes for 5s"),
        new RunEvent(at(5), "bellwether", "steady", "every probe within tolerance"),
        new RunEvent(at(6), "bellwether", "inject", "kill#1 web-kill on web-2 (seed 42)"),
        new RunEvent(at(26), "bellwether", "restore", "kill#1 restored (duration)"),
        new RunEvent(at(28), "bellwether", "verified", "recovered: every probe within tolerance"));
  }

  /** The status of the run that held, at its end. */
  public static ChaosStatus held() {
    return new ChaosStatus("web", "kill-one", HYPOTHESIS, Phase.SUCCEEDED, Verdict.HELD, "done",
        List.of(killed()), List.of(killedRadius()), heldSamples(), budget(), null, false, null, heldFindings(),
        heldEvents());
  }

  public static ChaosResult heldResult() {
    return new ChaosResult("web", "kill-one", Phase.SUCCEEDED, Verdict.HELD, true, null, List.of(killed()),
        List.of(killedRadius()), budget(), 0, heldFindings(), at(0), at(28));
  }

  /** The same run while web-2 is down, 8 s into its fault. */
  public static ChaosStatus running() {
    FaultRecord active = killed().with(FaultRecord.ACTIVE, at(6), at(36), null, null);
    List<ProbeSample> samples = heldSamples().stream().filter(p -> p.time().compareTo(at(14)) <= 0).toList();
    return new ChaosStatus("web", "kill-one", HYPOTHESIS, Phase.FAULT_ACTIVE, Verdict.PENDING, "kill step 1/1",
        List.of(active), List.of(killedRadius()), samples, new BudgetStatus(0.99, 512.0, 200.0, 3, 600), null, false,
        null, List.of(), heldEvents().subList(0, 3));
  }

  // --- a zone cut stopped by its guardrail ---

  public static final String ZONE_ID = "chaos-web-zone-cut";

  public static List<FaultRecord> zoneFaults() {
    FaultRecord first = new FaultRecord(ZONE_ID + "/cut/1", "cut", 1, "zone-cut", "1 of zone a", 7,
        List.of(target("web-1", "a")), Map.of(), 30_000, FaultRecord.RESTORED, at(6), at(66), at(14),
        "guardrail errors");
    FaultRecord second = new FaultRecord(ZONE_ID + "/cut/2", "cut", 2, "zone-cut", "zone a", 8,
        List.of(target("web-1", "a"), target("web-2", "a")), Map.of(), 30_000, FaultRecord.PLANNED, null, null, null,
        null);
    return List.of(first, second);
  }

  public static List<BlastRadius> zoneRadius() {
    return List.of(
        new BlastRadius(ZONE_ID + "/cut/1", List.of("web-1"), 4, 0.25, List.of("a")),
        new BlastRadius(ZONE_ID + "/cut/2", List.of("web-1", "web-2"), 4, 0.5, List.of("a")));
  }

  public static ChaosStatus aborted() {
    List<ProbeSample> s = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      s.add(new ProbeSample(at(i), Stage.BASELINE, "success", 0.999, 0, true, null));
    }
    s.add(new ProbeSample(at(8), Stage.FAULT, "success", 0.97, 0, false, "0.97 < min 0.99"));
    s.add(new ProbeSample(at(8), Stage.FAULT, "guardrail:errors", 7.0, 0, false, "7 > max 5"));
    s.add(new ProbeSample(at(10), Stage.FAULT, "success", null, 0, false, "no reading: provider down"));
    s.add(new ProbeSample(at(10), Stage.FAULT, "guardrail:errors", 12.0, 0, false, "12 > max 5"));
    s.add(new ProbeSample(at(16), Stage.RECOVERY, "success", 0.998, 0, true, null));
    List<RunEvent> events = List.of(
        new RunEvent(at(6), "bellwether", "inject", "cut#1 zone-cut on web-1"),
        new RunEvent(at(10), "bellwether", "abort", BREACH),
        new RunEvent(at(14), "bellwether", "restore", "cut#1 restored (guardrail errors)"));
    return new ChaosStatus("web", "zone-cut", "the remaining zone carries the load", Phase.ROLLED_BACK,
        Verdict.ABORTED, "done", zoneFaults(), zoneRadius(), s, new BudgetStatus(0.99, 512.0, 200.0, 150, 900), null,
        false, BREACH, List.of("guardrail errors breached at 12:00:10; all faults restored 4.2 s later"), events);
  }

  public static ChaosResult abortedResult() {
    return new ChaosResult("web", "zone-cut", Phase.ROLLED_BACK, Verdict.ABORTED, null, BREACH, zoneFaults(),
        zoneRadius(), new BudgetStatus(0.99, 512.0, 200.0, 150, 900), 4_200,
        List.of("guardrail errors breached at 12:00:10; all faults restored 4.2 s later"), at(0), at(16));
  }

  // --- a dry run ---

  public static ChaosResult dryRunResult(String service, String name) {
    FaultRecord planned = new FaultRecord("chaos-" + service + "-" + name + "/kill/1", "kill", 1, "web-kill",
        "1 of all", 42, List.of(target("web-2", "a")), Map.of(), 20_000, FaultRecord.PLANNED, null, null, null, null);
    return new ChaosResult(service, name, Phase.SUCCEEDED, Verdict.DRY_RUN, null, null, List.of(planned),
        List.of(new BlastRadius(planned.faultId(), List.of("web-2"), 4, 0.25, List.of("a"))), BudgetStatus.none(), 0,
        List.of("dry run: nothing was injected"), at(0), at(0));
  }
}
