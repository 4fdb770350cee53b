package io.bellwether.starter.report;

import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.canary.MetricJudgement;
import io.bellwether.contracts.canary.SegmentRoute;
import io.bellwether.contracts.canary.ThresholdRange;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Canary statuses as a run would report them: a first analysis that passed (thresholds and judge),
 * then a second that failed on latency (two rounds above the range, one round without data, and
 * the judge finding latency higher), and the rollback.
 */
public final class CanaryFixtures {
  public static final long T0 = 1_795_000_000_000L;
  public static final ThresholdRange ERROR_RANGE = new ThresholdRange(null, 0.01);
  public static final ThresholdRange LATENCY_RANGE = new ThresholdRange(null, 0.3);
  public static final String REASON = "analysis at step 4 failed: latency-p99 above 0.3 in 2 rounds (failureLimit 1)";

  private CanaryFixtures() {}

  /** Measurement of round {@code i} at {@code T0 + i} seconds. */
  public static Measurement m(String metric, int i, Double canary, Double baseline, String verdict, ThresholdRange r) {
    MetricStatus status = canary == null ? MetricStatus.UNAVAILABLE : MetricStatus.OK;
    return new Measurement(metric, i, T0 + i * 1000L, status, canary, baseline, verdict, r);
  }

  public static List<Double> samples(double base, double spread, int n, int seed) {
    List<Double> out = new ArrayList<>();
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < n; i++) {
      out.add(base + r.nextGaussian() * spread);
    }
    return out;
  }

  public static AnalysisRecord passed() {
    List<Measurement> ms = List.of(
        m("error-ratio", 1, 0.001, 0.0012, Measurement.SUCCESS, ERROR_RANGE),
        m("latency-p99", 1, 0.12, 0.11, Measurement.SUCCESS, LATENCY_RANGE),
        m("error-ratio", 2, 0.002, 0.001, Measurement.SUCCESS, ERROR_RANGE),
        m("latency-p99", 2, 0.13, 0.12, Measurement.SUCCESS, LATENCY_RANGE));
    Judgement j = new Judgement(Judgement.PASS, 100.0, List.of(
        new MetricJudgement("latency-p99", "increase", true, 1, samples(0.12, 0.01, 20, 1), samples(0.12, 0.01, 20, 2),
            0.41, 0.001, 0.008, MetricJudgement.PASS, "no significant increase")), "every metric passed");
    return new AnalysisRecord(1, AnalysisRecord.SUCCESSFUL, ms, j, null, T0, T0 + 3000);
  }

  public static AnalysisRecord failed() {
    List<Measurement> ms = List.of(
        m("error-ratio", 1, 0.001, 0.001, Measurement.SUCCESS, ERROR_RANGE),
        m("latency-p99", 1, 0.28, 0.12, Measurement.SUCCESS, LATENCY_RANGE),
        m("error-ratio", 2, null, null, Measurement.INCONCLUSIVE, ERROR_RANGE),
        m("latency-p99", 2, 0.45, 0.12, Measurement.FAILURE, LATENCY_RANGE),
        m("error-ratio", 3, 0.0, 0.001, Measurement.SUCCESS, ERROR_RANGE),
        m("latency-p99", 3, 0.47, 0.13, Measurement.FAILURE, LATENCY_RANGE));
    Judgement j = new Judgement(Judgement.FAIL, 50.0, List.of(
        new MetricJudgement("latency-p99", "increase", true, 1, samples(0.27, 0.02, 20, 3), samples(0.12, 0.01, 20, 4),
            0.00001, 0.152, 1.27, MetricJudgement.HIGH, "canary higher by 0.152 (127%)"),
        new MetricJudgement("error-ratio", "increase", false, 1, samples(0.001, 0.0003, 20, 5),
            samples(0.001, 0.0003, 20, 6), 0.5, 0.0, 0.0, MetricJudgement.PASS, "no significant increase")),
        "critical metric latency-p99 failed");
    return new AnalysisRecord(3, AnalysisRecord.FAILED, ms, j, REASON, T0 + 10_000, T0 + 14_000);
  }

  public static CanaryStatus rolledBack() {
    return new CanaryStatus("web", "2.4.0", "2.0.0", Phase.ROLLED_BACK, 3, 6, "analysis 3/3", 0,
        new SegmentRoute(List.of("beta"), List.of(), List.of("u-17")),
        List.of(new InstanceStatus("web-canary-1", "127.0.0.1:18081", 0, "", "2.4.0", "MAINT", 0, "RESTORED", "")),
        List.of("web-1", "web-2"), List.of(passed(), failed()), null, false, null, REASON,
        List.of(
            new RunEvent("2026-11-27T10:00:00Z", "alice", "started", "canary 2.4.0 beside 2.0.0"),
            new RunEvent("2026-11-27T10:00:05Z", "bellwether", "traffic-step", "canary weight 20%"),
            new RunEvent("2026-11-27T10:00:20Z", "bellwether", "analysis-failed", REASON),
            new RunEvent("2026-11-27T10:00:21Z", "bellwether", "rolled-back", "traffic 100% stable")));
  }
}
