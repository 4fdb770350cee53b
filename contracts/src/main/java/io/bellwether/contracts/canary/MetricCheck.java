package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One metric of an analysis. The query is a template (PromQL for Prometheus) with the variables
 * {@code {{service}}}, {@code {{version}}} and {@code {{instances}}} (the side measured: canary or
 * baseline; {@code instances} is a regex alternation of instance names), {@code {{canaryVersion}}},
 * {@code {{stableVersion}}}, {@code {{canaryInstances}}}, {@code {{baselineInstances}}} and {@code
 * {{interval}}} (the analysis interval as a Prometheus duration). Unknown variables are a spec
 * error.
 *
 * @param name unique within the analysis
 * @param query the template
 * @param thresholdRange pass range for the canary's value; null: judged only
 * @param direction for the judge: {@code increase} (higher is worse, default), {@code decrease}
 *     (lower is worse) or {@code either}
 * @param critical a judge failure of this metric fails the analysis on its own; default false
 * @param weight share in the judge's score; default 1
 * @param tolerance the judge passes a significant shift smaller than this, relative to the
 *     baseline's median (Hodges-Lehmann estimate / |baseline median|); default 0.1 (10%)
 * @param absoluteTolerance the same as an absolute amount, for metrics whose baseline is near 0
 *     (an error ratio); default 0. The larger of the two tolerances applies.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricCheck(
    String name,
    String query,
    ThresholdRange thresholdRange,
    String direction,
    Boolean critical,
    Double weight,
    Double tolerance,
    Double absoluteTolerance,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String INCREASE = "increase";
  public static final String DECREASE = "decrease";
  public static final String EITHER = "either";

  public MetricCheck {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public MetricCheck(String name, String query, ThresholdRange thresholdRange) {
    this(name, query, thresholdRange, null, null, null, null, null, Map.of());
  }

  public String directionOrDefault() {
    return direction == null || direction.isBlank() ? INCREASE : direction;
  }

  public boolean criticalOrDefault() {
    return Boolean.TRUE.equals(critical);
  }

  public double weightOrDefault() {
    return weight == null ? 1.0 : weight;
  }

  public double toleranceOrDefault() {
    return tolerance == null ? 0.1 : tolerance;
  }

  public double absoluteToleranceOrDefault() {
    return absoluteTolerance == null ? 0.0 : absoluteTolerance;
  }
}
