package io.bellwether.starter.report;

import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestTarget;
import io.bellwether.contracts.abtest.Comparison;
import io.bellwether.contracts.abtest.Evaluation;
import io.bellwether.contracts.abtest.GoalMetric;
import io.bellwether.contracts.abtest.Guardrail;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.SamplePlan;
import io.bellwether.contracts.abtest.StatsPlan;
import io.bellwether.contracts.abtest.Variant;
import io.bellwether.contracts.abtest.VariantPoint;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An A/B test as its status would report it, built by hand: four variants (control, the winner
 * one-page, two-step with no difference, and buggy, stopped by the error guardrail after two
 * reads), six reads a minute apart, the final fixed-method evaluation with the chi-square, the
 * winner confirmed at the gate by alice (bob's own approval refused) and rolled out.
 */
public final class ABTestFixtures {
  public static final long T0 = 1_795_000_000_000L;
  public static final String STOP =
      "guardrail error-rate 0.21 above max 0.05 for 1 read(s) in a row: its users went back to stable";
  public static final String SUMMARY =
      "treatment one-page converts 14.89% vs 10.12% (+47.1%, 97.5% CI +3.52..+6.02 pts, p<0.0001 adj.): winner one-page";
  public static final String HYPOTHESIS = "a one-page checkout makes more shoppers buy";

  /** A valid A/B test spec as a user writes it: control against one-page, 50/50. */
  public static final String YAML =
      """
      kind: ABTest
      service: web
      name: checkout
      hypothesis: a one-page checkout makes more shoppers buy
      target: {router: edge, backend: web, split: exp, deployer: demo, healthCheck: http, metrics: prom}
      variants:
        - {name: control, version: 4.0.0, share: 50}
        - {name: one-page, version: 4.1.0, share: 50}
      goal:
        name: checkout
        exposures: 'sum(ab_exposures_total{instance=~"{{instances}}",randomized="true"})'
        conversions: 'sum(ab_conversions_total{instance=~"{{instances}}",randomized="true"})'
      guardrails:
        - name: error-rate
          query: 'sum(rate(http_server_requests_total{instance=~"{{instances}}",status=~"5.."}[{{interval}}])) / sum(rate(http_server_requests_total{instance=~"{{instances}}"}[{{interval}}]))'
          max: 0.05
      plan: {baselineRate: 0.10, minimumDetectableEffect: 0.2, alpha: 0.05, power: 0.8, expectedExposuresPerMinute: 200}
      interval: 1m
      maxDuration: 2h
      healthCheck: {path: /health, successThreshold: 2, period: 500ms, timeout: 30s}
      """;

  private ABTestFixtures() {}

  /** Read {@code i} (0-based) of a variant: exposures and conversions so far, and its guardrails. */
  static VariantPoint point(int i, long exposures, long conversions, double errors, double latency) {
    return new VariantPoint(T0 + 60_000L * (i + 1), exposures, conversions,
        Map.of("error-rate", errors, "latency-p99", latency));
  }

  static List<VariantPoint> points(double rate, double errors, int reads) {
    List<VariantPoint> out = new ArrayList<>();
    for (int i = 0; i < reads; i++) {
      long exposures = 800L * (i + 1);
      out.add(point(i, exposures, Math.round(exposures * rate), errors, 0.120 + 0.002 * i));
    }
    return out;
  }

  static InstanceStatus instance(String variant, int port, String version) {
    return new InstanceStatus("web-ab-" + variant + "-1", "127.0.0.1:" + port, 0, "", version, "READY", 1, "SERVING", "");
  }

  public static List<VariantStatus> variants() {
    return List.of(
        new VariantStatus("control", "4.0.0", true, 30, "exp_v1", List.of(instance("control", 18101, "4.0.0")),
            4800, 486, 4680, false, null, points(0.1012, 0.001, 6)),
        new VariantStatus("one-page", "4.1.0", false, 30, "exp_v2", List.of(instance("one-page", 18102, "4.1.0")),
            4800, 715, 4680, false, null, points(0.1489, 0.002, 6)),
        new VariantStatus("two-step", "4.0.1", false, 30, "exp_v3", List.of(instance("two-step", 18103, "4.0.1")),
            4790, 490, 4680, false, null, points(0.1023, 0.001, 6)),
        new VariantStatus("buggy", "4.2.0", false, 10, "exp_v4", List.of(),
            300, 44, 4680, true, STOP, List.of(point(0, 150, 22, 0.18, 0.13), point(1, 300, 44, 0.21, 0.13))));
  }

  public static SamplePlan plan() {
    return new SamplePlan(4680, 0.05 / 3, 0.8, 0.10, 0.12, 52.0);
  }

  public static Evaluation evaluation() {
    return new Evaluation(T0 + 360_000, StatsPlan.FIXED, 0.05, List.of(
        new Comparison("one-page", 0.10125, 0.14896, 0.04771, 0.4712, 0.03521, 0.06021, 0.975, 1.2e-12, 2.4e-12,
            true, 7.05),
        new Comparison("two-step", 0.10125, 0.10230, 0.00105, 0.0104, -0.01080, 0.01290, 0.975, 0.8657, 0.8657,
            false, 0.17)),
        62.37, 2.8e-14, Outcome.WINNER, "one-page", SUMMARY);
  }

  public static GateStatus gate() {
    return new GateStatus("confirm", "APPROVED", List.of("alice", "bob"), 1, List.of("alice"), false, false,
        "2026-11-27T11:07:00Z", "abort", List.of(
            new GateDecision("2026-11-27T10:07:10Z", "bob", "approve", "ship it", "update", false, false,
                "the run's requester may not approve it"),
            new GateDecision("2026-11-27T10:07:40Z", "alice", "approve", "numbers look right", "update", true, true,
                "")));
  }

  public static List<RunEvent> events() {
    return List.of(
        new RunEvent("2026-11-27T10:00:00Z", "bob", "started", "4 variants, 4680 exposures per variant"),
        new RunEvent("2026-11-27T10:00:30Z", "bellwether", "split-open", "salt s4lt"),
        new RunEvent("2026-11-27T10:02:00Z", "bellwether", "variant-stopped", "buggy: " + STOP),
        new RunEvent("2026-11-27T10:07:00Z", "bellwether", "evaluated", SUMMARY),
        new RunEvent("2026-11-27T10:07:40Z", "alice", "approve", "numbers look right"),
        new RunEvent("2026-11-27T10:09:00Z", "bellwether", "rolled-out", "one-page 4.1.0 on web"));
  }

  /** The winner rolled out and confirmed. */
  public static ABTestStatus rolledOut() {
    return new ABTestStatus("web", "checkout", HYPOTHESIS, Phase.SUCCEEDED, false, "s4lt", plan(), T0,
        variants(), evaluation(), evaluation(), Outcome.WINNER, "one-page", ABTestResult.ROLLED_OUT, "alice", gate(),
        false, "abtest-web-checkout-rollout", null, events());
  }

  /** The same test still collecting, with the interim evaluation only. */
  public static ABTestStatus collecting() {
    Evaluation e = evaluation();
    Evaluation interim = new Evaluation(e.atMillis(), e.method(), e.alpha(), e.comparisons(), e.chiSquare(),
        e.chiSquarePValue(), Outcome.PENDING, null, "interim: collecting");
    return new ABTestStatus("web", "checkout", HYPOTHESIS, Phase.COLLECTING, true, "s4lt", plan(), T0,
        variants(), interim, null, Outcome.PENDING, null, null, null, null, false, null, null, events().subList(0, 3));
  }

  /** The spec the fixture's run was started with (the guardrails' bounds, the plan as written). */
  public static ABTestSpec spec() {
    return new ABTestSpec("web", "checkout", HYPOTHESIS, "bob",
        new ABTestTarget("edge", "web", "exp", "demo", "http", "prom"),
        List.of(new Variant("control", "4.0.0", 30), new Variant("one-page", "4.1.0", 30),
            new Variant("two-step", "4.0.1", 30), new Variant("buggy", "4.2.0", 10)),
        null,
        new GoalMetric("checkout", "sum(ab_exposures_total{instance=~\"{{instances}}\"})",
            "sum(ab_conversions_total{instance=~\"{{instances}}\"})"),
        List.of(new Guardrail("error-rate", "errors", 0.05, null, 1),
            new Guardrail("latency-p99", "latency", 0.5, null, 3)),
        new StatsPlan(0.10, 0.2, 0.05, 0.8, 300.0), "1m", "4h", null, null, null, null, null, null, null, null);
  }
}
