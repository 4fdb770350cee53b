package io.bellwether.analysis;

import io.bellwether.contracts.canary.JudgeSpec;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.MetricCheck;
import io.bellwether.contracts.canary.MetricJudgement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * The statistical judge, in the manner of Kayenta's classifier: per metric a Mann-Whitney U test of
 * the canary's samples against the baseline's, with the Hodges-Lehmann estimate of the shift as
 * the effect size and a tolerance below which a significant shift still passes; then a weighted
 * score. Pure and deterministic (no clock, randomness or shared state): it runs inside workflow
 * code. The method and how to read it: docs/analysis.md.
 */
public final class CanaryJudge {
  private CanaryJudge() {}

  /**
   * Judges every metric of {@code metrics} on its samples in {@code canary} and {@code baseline}
   * (keyed by metric name; a missing key means no samples; NaN, infinite and null samples are left
   * out). A null {@code spec} means {@link JudgeSpec#defaults()}. Verdict: FAIL when a critical
   * metric failed (even if another lacks samples), else INCONCLUSIVE when any metric had fewer
   * than {@code minSamples} on a side (or there are no metrics), else PASS/MARGINAL/FAIL by the score against {@code pass} and {@code
   * marginal}. Never throws on data; the same input always gives the same judgement.
   */
  public static Judgement judge(
      JudgeSpec spec,
      List<MetricCheck> metrics,
      Map<String, List<Double>> canary,
      Map<String, List<Double>> baseline) {
    JudgeSpec s = spec == null ? JudgeSpec.defaults() : spec;
    if (metrics == null || metrics.isEmpty()) {
      return new Judgement(Judgement.INCONCLUSIVE, null, List.of(), "no metrics to judge");
    }
    List<MetricJudgement> findings = new ArrayList<>();
    for (MetricCheck m : metrics) {
      findings.add(
          judgeMetric(
              s,
              m,
              canary == null ? null : canary.get(m.name()),
              baseline == null ? null : baseline.get(m.name())));
    }
    return verdict(s, findings);
  }

  /**
   * One metric's finding: INCONCLUSIVE below {@code minSamples} on either side; PASS with effect 0
   * when every sample on both sides is the same number; else HIGH or LOW when the shift is
   * significant at {@code confidence} in the metric's bad direction and larger than its tolerance,
   * otherwise PASS. The p-value reported is the one compared: one-sided for {@code increase} and
   * {@code decrease}, two-sided for {@code either}.
   */
  public static MetricJudgement judgeMetric(
      JudgeSpec spec, MetricCheck metric, List<Double> canarySamples, List<Double> baselineSamples) {
    JudgeSpec s = spec == null ? JudgeSpec.defaults() : spec;
    String direction = metric.directionOrDefault();
    boolean critical = metric.criticalOrDefault();
    double weight = metric.weightOrDefault();
    double[] c = Numbers.finite(canarySamples);
    double[] b = Numbers.finite(baselineSamples);
    List<Double> cList = Arrays.stream(c).boxed().toList();
    List<Double> bList = Arrays.stream(b).boxed().toList();
    // A sample set of zero cannot be tested at all, whatever minSamples says.
    int minSamples = Math.max(1, s.minSamplesOrDefault());

    if (c.length < minSamples || b.length < minSamples) {
      String reason =
          "too few samples: canary "
              + c.length
              + ", baseline "
              + b.length
              + " (at least "
              + minSamples
              + " needed on each side)";
      return new MetricJudgement(
          metric.name(), direction, critical, weight, cList, bList, null, null, null,
          MetricJudgement.INCONCLUSIVE, reason);
    }

    double baselineMedian = Numbers.median(b);
    if (allEqual(c, b)) {
      Double relative = baselineMedian == 0 ? null : 0.0;
      return new MetricJudgement(
          metric.name(), direction, critical, weight, cList, bList, null, 0.0, relative,
          MetricJudgement.PASS,
          "every sample on both sides is " + Numbers.format(c[0]) + ": no difference");
    }

    double twoSided = new MannWhitneyUTest().mannWhitneyUTest(c, b);
    double effect = hodgesLehmann(c, b);
    Double relative = baselineMedian == 0 ? null : effect / Math.abs(baselineMedian);
    double alpha = 1 - s.confidenceOrDefault();

    double p;
    boolean badWay;
    switch (direction) {
      case MetricCheck.DECREASE -> {
        badWay = effect < 0;
        p = badWay ? twoSided / 2 : 1 - twoSided / 2;
      }
      case MetricCheck.EITHER -> {
        badWay = effect != 0;
        p = twoSided;
      }
      default -> {
        badWay = effect > 0;
        p = badWay ? twoSided / 2 : 1 - twoSided / 2;
      }
    }
    p = Math.min(1.0, Math.max(0.0, p));
    double tolerance =
        Math.max(
            metric.toleranceOrDefault() * Math.abs(baselineMedian),
            metric.absoluteToleranceOrDefault());
    boolean significant = badWay && p < alpha;
    boolean beyondTolerance = Math.abs(effect) > tolerance;

    String shift = shiftWords(effect, relative);
    String pWords = "p " + Numbers.formatP(p) + " at " + confidenceWords(s) + " confidence";
    String result;
    String reason;
    if (significant && beyondTolerance) {
      result = effect > 0 ? MetricJudgement.HIGH : MetricJudgement.LOW;
      reason =
          "canary "
              + (effect > 0 ? "higher" : "lower")
              + " than baseline by "
              + shift
              + " ("
              + pWords
              + "), beyond the tolerance "
              + Numbers.format(tolerance);
    } else if (significant) {
      result = MetricJudgement.PASS;
      reason =
          "significant shift of "
              + shift
              + " ("
              + pWords
              + ") within the tolerance "
              + Numbers.format(tolerance);
    } else {
      result = MetricJudgement.PASS;
      reason =
          "no significant "
              + badDirectionWords(direction)
              + " ("
              + pWords
              + "; shift "
              + shift
              + ")";
    }
    return new MetricJudgement(
        metric.name(), direction, critical, weight, cList, bList, p, effect, relative, result,
        reason);
  }

  /**
   * The Hodges-Lehmann estimate of the shift between two samples: the median of every pairwise
   * difference {@code canary[i] - baseline[j]}. Both arrays must be non-empty.
   */
  public static double hodgesLehmann(double[] canary, double[] baseline) {
    if (canary.length == 0 || baseline.length == 0) {
      throw new IllegalArgumentException("Hodges-Lehmann needs samples on both sides");
    }
    double[] diffs = new double[canary.length * baseline.length];
    int k = 0;
    for (double x : canary) {
      for (double y : baseline) {
        diffs[k++] = x - y;
      }
    }
    Arrays.sort(diffs);
    return Numbers.medianOfSorted(diffs);
  }

  private static Judgement verdict(JudgeSpec s, List<MetricJudgement> findings) {
    List<String> inconclusive = new ArrayList<>();
    List<String> criticalFailed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    double total = 0;
    double passing = 0;
    boolean allWeightsZero = findings.stream().allMatch(f -> !(f.weight() > 0));
    for (MetricJudgement f : findings) {
      // With no positive weight anywhere each metric counts once, rather than dividing by zero.
      double w = allWeightsZero ? 1 : Math.max(0, f.weight());
      switch (f.result()) {
        case MetricJudgement.INCONCLUSIVE -> inconclusive.add(f.metric());
        case MetricJudgement.PASS -> {
          total += w;
          passing += w;
        }
        default -> {
          total += w;
          failed.add(f.metric() + " " + f.result().toLowerCase(java.util.Locale.ROOT));
          if (f.critical()) {
            criticalFailed.add(f.metric());
          }
        }
      }
    }
    // A critical metric that failed on enough evidence decides alone, even while another metric
    // lacks samples: waiting for data would keep a clearly bad canary serving traffic.
    if (!criticalFailed.isEmpty()) {
      return new Judgement(
          Judgement.FAIL,
          total == 0 ? 0.0 : 100 * passing / total,
          findings,
          "critical metric failed: " + String.join(", ", criticalFailed)
              + (inconclusive.isEmpty() ? "" : "; too few samples for " + String.join(", ", inconclusive)));
    }
    if (!inconclusive.isEmpty()) {
      return new Judgement(
          Judgement.INCONCLUSIVE,
          null,
          findings,
          "too few samples for " + String.join(", ", inconclusive));
    }
    double score = total == 0 ? 100 : 100 * passing / total;
    String scoreWords =
        "score "
            + Numbers.format(score)
            + (failed.isEmpty() ? "" : " (" + String.join(", ", failed) + ")");
    if (!criticalFailed.isEmpty()) {
      return new Judgement(
          Judgement.FAIL,
          score,
          findings,
          "critical metric failed: " + String.join(", ", criticalFailed) + "; " + scoreWords);
    }
    double pass = s.passOrDefault();
    double marginal = s.marginalOrDefault();
    if (score >= pass) {
      return new Judgement(
          Judgement.PASS,
          score,
          findings,
          scoreWords + (failed.isEmpty() ? ": every metric passed" : "") + ", pass at "
              + Numbers.format(pass));
    }
    if (score >= marginal) {
      return new Judgement(
          Judgement.MARGINAL,
          score,
          findings,
          scoreWords + " is marginal: below pass " + Numbers.format(pass) + ", at or above "
              + Numbers.format(marginal));
    }
    return new Judgement(
        Judgement.FAIL,
        score,
        findings,
        scoreWords + " is below marginal " + Numbers.format(marginal));
  }

  private static boolean allEqual(double[] c, double[] b) {
    double first = c[0];
    for (double x : c) {
      if (x != first) {
        return false;
      }
    }
    for (double y : b) {
      if (y != first) {
        return false;
      }
    }
    return true;
  }

  private static String shiftWords(double effect, Double relative) {
    return Numbers.signed(effect) + (relative == null ? "" : " (" + Numbers.percent(relative) + ")");
  }

  private static String confidenceWords(JudgeSpec s) {
    return Numbers.format(s.confidenceOrDefault() * 100) + "%";
  }

  private static String badDirectionWords(String direction) {
    return switch (direction) {
      case MetricCheck.DECREASE -> "decrease";
      case MetricCheck.EITHER -> "difference";
      default -> "increase";
    };
  }
}
