package io.bellwether.contracts.abtest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The statistical plan, fixed before the test starts.
 *
 * @param baselineRate the control's expected conversion rate, between 0 and 1 exclusive
 * @param minimumDetectableEffect the smallest effect worth detecting: relative to the baseline
 *     ({@code 0.1} = +10%) unless {@code effectType} is {@code absolute} (percentage points as a
 *     fraction: {@code 0.02} = +2 points)
 * @param effectType {@code relative} (default) or {@code absolute}
 * @param alpha the false-positive rate, default 0.05; with more than one treatment it is shared
 *     among them (Bonferroni in the plan, Holm in the decision)
 * @param power the chance to detect an effect of the minimum size, default 0.8
 * @param expectedExposuresPerMinute exposures per minute the whole experiment gets at 100% share;
 *     the plan is refused when a variant cannot reach its sample size in {@code maxDuration} at
 *     its share
 * @param method {@code fixed} (default: one test at the planned sample size; interim reads never
 *     decide) or {@code sequential} (mixture SPRT: always-valid p-values, may stop early on the
 *     goal with the error rate still at alpha)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatsPlan(
    Double baselineRate,
    Double minimumDetectableEffect,
    String effectType,
    Double alpha,
    Double power,
    Double expectedExposuresPerMinute,
    String method,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String RELATIVE = "relative";
  public static final String ABSOLUTE = "absolute";
  public static final String FIXED = "fixed";
  public static final String SEQUENTIAL = "sequential";

  public StatsPlan {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public StatsPlan(
      Double baselineRate,
      Double minimumDetectableEffect,
      Double alpha,
      Double power,
      Double expectedExposuresPerMinute) {
    this(baselineRate, minimumDetectableEffect, null, alpha, power, expectedExposuresPerMinute, null, Map.of());
  }

  public double alphaOrDefault() {
    return alpha == null ? 0.05 : alpha;
  }

  public double powerOrDefault() {
    return power == null ? 0.8 : power;
  }

  public String effectTypeOrDefault() {
    return effectType == null || effectType.isBlank() ? RELATIVE : effectType;
  }

  public String methodOrDefault() {
    return method == null || method.isBlank() ? FIXED : method;
  }

  /** The treatment rate the plan must detect: baseline plus the minimum effect. */
  public double targetRate() {
    return ABSOLUTE.equals(effectTypeOrDefault())
        ? baselineRate + minimumDetectableEffect
        : baselineRate * (1 + minimumDetectableEffect);
  }
}
