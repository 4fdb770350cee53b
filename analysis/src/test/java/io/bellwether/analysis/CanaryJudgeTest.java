package io.bellwether.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.canary.JudgeSpec;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.MetricCheck;
import io.bellwether.contracts.canary.MetricJudgement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

class CanaryJudgeTest {
  private static final JudgeSpec DEFAULTS = JudgeSpec.defaults();

  private static MetricCheck metric(
      String name, String direction, boolean critical, double weight, double tol, double absTol) {
    return new MetricCheck(name, "q", null, direction, critical, weight, tol, absTol, Map.of());
  }

  private static MetricCheck latency(double tol) {
    return metric("latency-p99", MetricCheck.INCREASE, false, 1, tol, 0);
  }

  private static MetricCheck errors() {
    return metric("error-ratio", MetricCheck.INCREASE, true, 1, 0.1, 0.01);
  }

  private static Judgement judgeOne(MetricCheck m, List<Double> canary, List<Double> baseline) {
    return CanaryJudge.judge(
        DEFAULTS, List.of(m), Map.of(m.name(), canary), Map.of(m.name(), baseline));
  }

  // ---- single metric behaviour ----

  @Test
  void hodgesLehmannIsTheMedianOfPairwiseDifferences() {
    assertEquals(2.0, CanaryJudge.hodgesLehmann(new double[] {1, 2, 3}, new double[] {0}));
    // differences 1, -9, 2, -8: median of -9, -8, 1, 2
    assertEquals(-3.5, CanaryJudge.hodgesLehmann(new double[] {1, 2}, new double[] {0, 10}));
    assertEquals(0.15, CanaryJudge.hodgesLehmann(new double[] {0.2, 0.25}, new double[] {0.05, 0.1}), 1e-12);
  }

  @Test
  void tiesEverywherePassWithNoEffect() {
    List<Double> same = Collections.nCopies(20, 0.25);
    MetricJudgement m = judgeOne(latency(0.1), same, same).metrics().get(0);
    assertEquals(MetricJudgement.PASS, m.result());
    assertEquals(0.0, m.effect());
    assertEquals(0.0, m.relativeEffect());
    assertNull(m.pValue());

    List<Double> zeros = Collections.nCopies(20, 0.0);
    Judgement j = judgeOne(errors(), zeros, zeros);
    assertEquals(Judgement.PASS, j.verdict());
    assertEquals(100.0, j.score());
    assertNull(j.metrics().get(0).relativeEffect(), "no relative effect against a zero median");
  }

  @Test
  void aFailedCriticalMetricDecidesEvenWhileAnotherLacksSamples() {
    MetricCheck err = errors();
    MetricCheck lat = latency(0.1);
    List<Double> clean = Collections.nCopies(20, 0.0);
    List<Double> failing = Collections.nCopies(20, 0.05);
    Judgement j =
        CanaryJudge.judge(
            DEFAULTS,
            List.of(err, lat),
            Map.of(err.name(), failing, lat.name(), List.of(0.2, 0.21)),
            Map.of(err.name(), clean, lat.name(), List.of(0.2, 0.2)));
    assertEquals(Judgement.FAIL, j.verdict(), j.reason());
    assertTrue(j.reason().contains("error-ratio") && j.reason().contains("too few samples"), j.reason());

    // Without the critical failure the missing samples still make it inconclusive.
    Judgement k =
        CanaryJudge.judge(
            DEFAULTS,
            List.of(err, lat),
            Map.of(err.name(), clean, lat.name(), List.of(0.2, 0.21)),
            Map.of(err.name(), clean, lat.name(), List.of(0.2, 0.2)));
    assertEquals(Judgement.INCONCLUSIVE, k.verdict(), k.reason());
  }

  @Test
  void fewerThanMinSamplesIsInconclusive() {
    Random rnd = new Random(7);
    List<Double> nine = Samples.normal(rnd, 9, 1, 0.1);
    List<Double> ten = Samples.normal(rnd, 10, 1, 0.1);
    List<Double> thirty = Samples.normal(rnd, 30, 1, 0.1);

    Judgement j = judgeOne(latency(0.1), nine, thirty);
    assertEquals(Judgement.INCONCLUSIVE, j.verdict());
    assertNull(j.score());
    assertEquals(MetricJudgement.INCONCLUSIVE, j.metrics().get(0).result());
    assertNull(j.metrics().get(0).pValue());
    assertTrue(j.reason().contains("latency-p99"), j.reason());
    assertTrue(j.metrics().get(0).reason().contains("canary 9, baseline 30"));

    assertEquals(Judgement.INCONCLUSIVE, judgeOne(latency(0.1), thirty, nine).verdict());
    assertEquals(MetricJudgement.PASS, judgeOne(latency(0.1), ten, thirty).metrics().get(0).result());

    JudgeSpec five = new JudgeSpec(null, null, null, null, 5, null, Map.of());
    MetricCheck m = latency(0.1);
    Judgement lowered =
        CanaryJudge.judge(five, List.of(m), Map.of(m.name(), nine), Map.of(m.name(), thirty));
    assertEquals(Judgement.PASS, lowered.verdict());
  }

  @Test
  void missingSeriesAndNonFiniteSamplesDoNotCount() {
    MetricCheck m = latency(0.1);
    Judgement none = CanaryJudge.judge(DEFAULTS, List.of(m), Map.of(), Map.of());
    assertEquals(Judgement.INCONCLUSIVE, none.verdict());
    assertEquals(Judgement.INCONCLUSIVE, CanaryJudge.judge(DEFAULTS, List.of(m), null, null).verdict());

    List<Double> dirty = new ArrayList<>(Samples.normal(new Random(3), 9, 1, 0.1));
    dirty.add(Double.NaN);
    dirty.add(Double.POSITIVE_INFINITY);
    dirty.add(null);
    MetricJudgement j =
        judgeOne(m, dirty, Samples.normal(new Random(4), 20, 1, 0.1)).metrics().get(0);
    assertEquals(MetricJudgement.INCONCLUSIVE, j.result());
    assertEquals(9, j.canary().size());
  }

  @Test
  void toleranceLetsATinySignificantShiftPass() {
    Random rnd = new Random(11);
    List<Double> baseline = Samples.normal(rnd, 40, 100, 1);
    List<Double> canary = Samples.normal(rnd, 40, 101, 1); // +1%: significant, but small

    MetricJudgement tolerated = judgeOne(latency(0.1), canary, baseline).metrics().get(0);
    assertEquals(MetricJudgement.PASS, tolerated.result());
    assertTrue(tolerated.pValue() < 0.05, "the shift is significant: p=" + tolerated.pValue());
    assertTrue(tolerated.reason().contains("within the tolerance"), tolerated.reason());
    assertTrue(tolerated.relativeEffect() > 0 && tolerated.relativeEffect() < 0.1);

    MetricJudgement strict = judgeOne(latency(0), canary, baseline).metrics().get(0);
    assertEquals(MetricJudgement.HIGH, strict.result());

    MetricCheck absolute = metric("latency-p99", MetricCheck.INCREASE, false, 1, 0, 5);
    assertEquals(MetricJudgement.PASS, judgeOne(absolute, canary, baseline).metrics().get(0).result());
  }

  @Test
  void directionDecidesWhichShiftIsBadAndWhichPValueIsReported() {
    Random rnd = new Random(5);
    List<Double> baseline = Samples.normal(rnd, 30, 100, 5);
    List<Double> lower = Samples.normal(rnd, 30, 80, 5);
    double twoSided =
        new MannWhitneyUTest().mannWhitneyUTest(toArray(lower), toArray(baseline));

    MetricJudgement up =
        judgeOne(metric("rps", MetricCheck.INCREASE, false, 1, 0.1, 0), lower, baseline)
            .metrics().get(0);
    assertEquals(MetricJudgement.PASS, up.result());
    assertEquals(1 - twoSided / 2, up.pValue(), 1e-12);
    assertTrue(up.effect() < 0);

    MetricJudgement down =
        judgeOne(metric("rps", MetricCheck.DECREASE, false, 1, 0.1, 0), lower, baseline)
            .metrics().get(0);
    assertEquals(MetricJudgement.LOW, down.result());
    assertEquals(twoSided / 2, down.pValue(), 1e-12);

    MetricJudgement either =
        judgeOne(metric("rps", MetricCheck.EITHER, false, 1, 0.1, 0), lower, baseline)
            .metrics().get(0);
    assertEquals(MetricJudgement.LOW, either.result());
    assertEquals(twoSided, either.pValue(), 1e-12);
    assertEquals(-0.2, either.relativeEffect(), 0.05);
  }

  // ---- the verdict over several metrics ----

  @Test
  void scoreIsTheWeightOfPassingMetrics() {
    Random rnd = new Random(21);
    List<Double> base = Samples.normal(rnd, 30, 1, 0.05);
    List<Double> same = Samples.normal(rnd, 30, 1, 0.05);
    List<Double> worse = Samples.normal(rnd, 30, 2, 0.05);
    MetricCheck heavy = metric("a", MetricCheck.INCREASE, false, 3, 0.1, 0);
    MetricCheck light = metric("b", MetricCheck.INCREASE, false, 1, 0.1, 0);
    Map<String, List<Double>> canary = Map.of("a", same, "b", worse);
    Map<String, List<Double>> baseline = Map.of("a", base, "b", base);

    Judgement marginal = CanaryJudge.judge(DEFAULTS, List.of(heavy, light), canary, baseline);
    assertEquals(Judgement.MARGINAL, marginal.verdict());
    assertEquals(75.0, marginal.score(), 1e-9);
    assertEquals(MetricJudgement.HIGH, marginal.metrics().get(1).result());

    JudgeSpec lenient = new JudgeSpec(null, null, 70.0, null, null, null, Map.of());
    assertEquals(Judgement.PASS, CanaryJudge.judge(lenient, List.of(heavy, light), canary, baseline).verdict());

    MetricCheck lightCritical = metric("b", MetricCheck.INCREASE, true, 1, 0.1, 0);
    Judgement critical = CanaryJudge.judge(DEFAULTS, List.of(heavy, lightCritical), canary, baseline);
    assertEquals(Judgement.FAIL, critical.verdict());
    assertEquals(75.0, critical.score(), 1e-9);
    assertTrue(critical.reason().startsWith("critical metric failed: b"), critical.reason());

    MetricCheck even = metric("a", MetricCheck.INCREASE, false, 1, 0.1, 0);
    Judgement half = CanaryJudge.judge(DEFAULTS, List.of(even, light), canary, baseline);
    assertEquals(Judgement.FAIL, half.verdict());
    assertEquals(50.0, half.score(), 1e-9);
  }

  @Test
  void anInconclusiveMetricMakesTheWholeJudgementInconclusive() {
    Random rnd = new Random(8);
    List<Double> base = Samples.normal(rnd, 30, 1, 0.05);
    Map<String, List<Double>> canary =
        Map.of("a", Samples.normal(rnd, 30, 5, 0.05), "b", Samples.normal(rnd, 3, 1, 0.05));
    Judgement j =
        CanaryJudge.judge(
            DEFAULTS,
            List.of(
                // Not critical: a critical failure would decide alone (see the test above).
                metric("a", MetricCheck.INCREASE, false, 1, 0.1, 0),
                metric("b", MetricCheck.INCREASE, false, 1, 0.1, 0)),
            canary,
            Map.of("a", base, "b", base));
    assertEquals(Judgement.INCONCLUSIVE, j.verdict());
    assertEquals(MetricJudgement.HIGH, j.metrics().get(0).result());
    assertEquals("too few samples for b", j.reason());

    assertEquals(Judgement.INCONCLUSIVE, CanaryJudge.judge(DEFAULTS, List.of(), Map.of(), Map.of()).verdict());
  }

  @Test
  void sameInputSameJudgement() {
    Random rnd = new Random(99);
    List<Double> c = Samples.p99Latency(rnd, 30, 20, 0.01, 0);
    List<Double> b = Samples.p99Latency(rnd, 30, 20, 0, 0);
    assertEquals(judgeOne(latency(0.1), c, b), judgeOne(latency(0.1), c, b));
    assertEquals(judgeOne(latency(0.1), c, b), CanaryJudge.judge(null, List.of(latency(0.1)),
        Map.of("latency-p99", c), Map.of("latency-p99", b)));
  }

  // ---- detection and false failures on generated samples ----

  private static final int TRIALS = 200;
  private static final int EQUAL_TRIALS = 1000;
  private static final int STEPS = 30; // e.g. count 5 x interval 6s, one point per second

  interface Scenario {
    Judgement run(Random rnd);
  }

  /** Share of seeded trials whose verdict is one of {@code verdicts}; printed for the report. */
  private static double rate(String label, int trials, Scenario s, String... verdicts) {
    int hits = 0;
    for (int seed = 1; seed <= trials; seed++) {
      String v = s.run(new Random(seed)).verdict();
      if (Arrays.asList(verdicts).contains(v)) {
        hits++;
      }
    }
    double r = (double) hits / trials;
    System.out.printf(
        java.util.Locale.ROOT,
        "judge: %-62s %4d/%-4d = %5.1f%% %s%n",
        label, hits, trials, 100 * r, String.join("|", verdicts));
    return r;
  }

  @Test
  void flagsA150msLatencyIncrease() {
    double r =
        rate("+150 ms latency (p99 of 20 req/step, 30 steps) detected", TRIALS,
            rnd -> judgeOne(latency(0.1),
                Samples.p99Latency(rnd, STEPS, 20, 0.150, 0),
                Samples.p99Latency(rnd, STEPS, 20, 0, 0)),
            Judgement.FAIL);
    assertTrue(r >= 0.99, "detection rate " + r);
  }

  @Test
  void flagsAFivePercentErrorRatioAgainstNone() {
    double at50 =
        rate("5% errors vs 0% (50 req/step, 30 steps) detected", TRIALS,
            rnd -> judgeOne(errors(),
                Samples.errorRatio(rnd, STEPS, 50, 0.05),
                Samples.errorRatio(rnd, STEPS, 50, 0)),
            Judgement.FAIL);
    double at20 =
        rate("5% errors vs 0% (20 req/step, 30 steps) detected", TRIALS,
            rnd -> judgeOne(errors(),
                Samples.errorRatio(rnd, STEPS, 20, 0.05),
                Samples.errorRatio(rnd, STEPS, 20, 0)),
            Judgement.FAIL);
    assertTrue(at50 >= 0.95, "detection rate at 50 req/step " + at50);
    assertTrue(at20 >= 0.80, "detection rate at 20 req/step " + at20);
  }

  @Test
  void flagsAHeavyTailOnP99() {
    double r =
        rate("4% of requests +600..900 ms, p99 (50 req/step) detected", TRIALS,
            rnd -> judgeOne(latency(0.1),
                Samples.p99Latency(rnd, STEPS, 50, 0, 0.04),
                Samples.p99Latency(rnd, STEPS, 50, 0, 0)),
            Judgement.FAIL);
    assertTrue(r >= 0.95, "detection rate " + r);
  }

  @Test
  void equalDistributionsFailAboutAsOftenAsTheConfidenceAllows() {
    // Without tolerance the only thing between a good canary and a rollback is the test itself:
    // at 95% confidence about 5% of equal runs fail (one-sided, the bad way).
    double raw =
        rate("equal p99 latency, tolerance 0: false failures", EQUAL_TRIALS,
            rnd -> judgeOne(latency(0),
                Samples.p99Latency(rnd, STEPS, 20, 0, 0),
                Samples.p99Latency(rnd, STEPS, 20, 0, 0)),
            Judgement.FAIL);
    assertTrue(raw >= 0.02 && raw <= 0.08, "false failure rate " + raw);

    double either =
        rate("equal normal samples, direction either, tolerance 0: false failures", EQUAL_TRIALS,
            rnd -> judgeOne(metric("x", MetricCheck.EITHER, false, 1, 0, 0),
                Samples.normal(rnd, STEPS, 1, 0.1),
                Samples.normal(rnd, STEPS, 1, 0.1)),
            Judgement.FAIL);
    assertTrue(either >= 0.02 && either <= 0.08, "false failure rate " + either);

    double tolerated =
        rate("equal p99 latency, default tolerance 10%: false failures", EQUAL_TRIALS,
            rnd -> judgeOne(latency(0.1),
                Samples.p99Latency(rnd, STEPS, 20, 0, 0),
                Samples.p99Latency(rnd, STEPS, 20, 0, 0)),
            Judgement.FAIL);
    assertTrue(tolerated <= raw, "tolerance can only remove failures: " + tolerated);

    // A noisy metric (p99 of few requests) shifts by more than 10% at random, so the tolerance
    // barely helps there; a higher confidence does.
    JudgeSpec strict = new JudgeSpec(0.99, null, null, null, null, null, Map.of());
    MetricCheck m = latency(0.1);
    double at99 =
        rate("equal p99 latency, confidence 0.99: false failures", EQUAL_TRIALS,
            rnd -> CanaryJudge.judge(strict, List.of(m),
                Map.of(m.name(), Samples.p99Latency(rnd, STEPS, 20, 0, 0)),
                Map.of(m.name(), Samples.p99Latency(rnd, STEPS, 20, 0, 0))),
            Judgement.FAIL);
    assertTrue(at99 <= 0.03, "false failure rate at 99% " + at99);
    double caught99 =
        rate("+150 ms latency, confidence 0.99: detected", TRIALS,
            rnd -> CanaryJudge.judge(strict, List.of(m),
                Map.of(m.name(), Samples.p99Latency(rnd, STEPS, 20, 0.150, 0)),
                Map.of(m.name(), Samples.p99Latency(rnd, STEPS, 20, 0, 0))),
            Judgement.FAIL);
    assertTrue(caught99 >= 0.99, "detection rate at 99% " + caught99);

    double tiedErrors =
        rate("equal 1% errors (50 req/step), tolerance 0: false failures", EQUAL_TRIALS,
            rnd -> judgeOne(metric("error-ratio", MetricCheck.INCREASE, true, 1, 0, 0),
                Samples.errorRatio(rnd, STEPS, 50, 0.01),
                Samples.errorRatio(rnd, STEPS, 50, 0.01)),
            Judgement.FAIL);
    assertTrue(tiedErrors <= 0.08, "false failure rate " + tiedErrors);
  }

  @Test
  void aGoodCanaryPassesTheUsualTwoMetricJudge() {
    List<MetricCheck> checks = List.of(errors(), latency(0.1));
    Scenario good =
        rnd -> CanaryJudge.judge(DEFAULTS, checks,
            Map.of("error-ratio", Samples.errorRatio(rnd, STEPS, 50, 0.001),
                "latency-p99", Samples.p99Latency(rnd, STEPS, 20, 0, 0)),
            Map.of("error-ratio", Samples.errorRatio(rnd, STEPS, 50, 0.001),
                "latency-p99", Samples.p99Latency(rnd, STEPS, 20, 0, 0)));
    double fail =
        rate("good canary, errors (critical) + p99 latency: not PASS", EQUAL_TRIALS, good,
            Judgement.FAIL, Judgement.MARGINAL);
    assertTrue(fail <= 0.05, "false failure rate " + fail);

    Scenario bad =
        rnd -> CanaryJudge.judge(DEFAULTS, checks,
            Map.of("error-ratio", Samples.errorRatio(rnd, STEPS, 50, 0.05),
                "latency-p99", Samples.p99Latency(rnd, STEPS, 20, 0, 0)),
            Map.of("error-ratio", Samples.errorRatio(rnd, STEPS, 50, 0),
                "latency-p99", Samples.p99Latency(rnd, STEPS, 20, 0, 0)));
    double caught =
        rate("5% errors, errors (critical) + p99 latency: FAIL", TRIALS, bad, Judgement.FAIL);
    assertTrue(caught >= 0.95, "detection rate " + caught);
  }

  private static double[] toArray(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
