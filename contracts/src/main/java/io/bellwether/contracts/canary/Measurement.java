package io.bellwether.contracts.canary;

import io.bellwether.contracts.metrics.MetricStatus;

/**
 * One measurement of one metric in an analysis.
 *
 * @param metric the metric's name
 * @param index 1-based measurement number within the analysis
 * @param atMillis workflow time of the measurement
 * @param status what the canary query returned
 * @param canary the canary's value (null unless status is OK)
 * @param baseline the baseline's value for the same query, for charts (null when not measured or
 *     not OK)
 * @param verdict {@code SUCCESS}, {@code FAILURE} (outside the range) or {@code INCONCLUSIVE} (no
 *     number: empty, NaN, provider down or error)
 * @param range the threshold range applied (null: none, always SUCCESS when a number came back)
 */
public record Measurement(
    String metric,
    int index,
    long atMillis,
    MetricStatus status,
    Double canary,
    Double baseline,
    String verdict,
    ThresholdRange range) {
  public static final String SUCCESS = "SUCCESS";
  public static final String FAILURE = "FAILURE";
  public static final String INCONCLUSIVE = "INCONCLUSIVE";
}
