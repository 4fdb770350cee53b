package io.bellwether.contracts.canary;

import java.util.List;

/**
 * The judge's finding on one metric.
 *
 * @param metric name
 * @param direction {@code increase}, {@code decrease} or {@code either}
 * @param critical whether a failure fails the analysis alone
 * @param weight share in the score
 * @param canary the canary samples used
 * @param baseline the baseline samples used
 * @param pValue Mann-Whitney U p-value (null when not computed)
 * @param effect Hodges-Lehmann estimate of canary minus baseline (null when not computed)
 * @param relativeEffect effect / |baseline median| (null when the median is 0 or not computed)
 * @param result {@code PASS}, {@code HIGH} (worse upwards), {@code LOW} (worse downwards) or
 *     {@code INCONCLUSIVE} (too few samples)
 * @param reason one line for people
 */
public record MetricJudgement(
    String metric,
    String direction,
    boolean critical,
    double weight,
    List<Double> canary,
    List<Double> baseline,
    Double pValue,
    Double effect,
    Double relativeEffect,
    String result,
    String reason) {
  public static final String PASS = "PASS";
  public static final String HIGH = "HIGH";
  public static final String LOW = "LOW";
  public static final String INCONCLUSIVE = "INCONCLUSIVE";

  public MetricJudgement {
    canary = canary == null ? List.of() : List.copyOf(canary);
    baseline = baseline == null ? List.of() : List.copyOf(baseline);
  }
}
