package io.bellwether.contracts.abtest;

import java.util.List;

/**
 * The goal metric's test, as decided (or as it stands at an interim read).
 *
 * @param atMillis workflow time of the counts it used
 * @param method {@code fixed} or {@code sequential}
 * @param alpha the plan's alpha
 * @param comparisons one per active treatment against the control
 * @param chiSquare the omnibus chi-square statistic across all active variants (more than two
 *     variants; NaN otherwise)
 * @param chiSquarePValue its p-value (NaN when not computed)
 * @param outcome what the numbers say
 * @param winner the winning variant's name when outcome is WINNER (the control when a treatment is
 *     significantly worse and none better)
 * @param summary the decision in one sentence
 */
public record Evaluation(
    long atMillis,
    String method,
    double alpha,
    List<Comparison> comparisons,
    double chiSquare,
    double chiSquarePValue,
    Outcome outcome,
    String winner,
    String summary) {
  public Evaluation {
    comparisons = comparisons == null ? List.of() : List.copyOf(comparisons);
  }
}
