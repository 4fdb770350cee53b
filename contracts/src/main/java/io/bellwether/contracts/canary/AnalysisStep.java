package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An analysis, as in Flagger and Argo Rollouts: {@code count} measurements {@code interval} apart
 * after {@code initialDelay}, each metric against its {@code thresholdRange}; then, when {@code
 * judge} is set, a statistical comparison of canary against baseline (see docs/analysis.md).
 *
 * @param provider metrics provider name; default the target's {@code metrics}
 * @param interval between measurements; default 10s (also {@code {{interval}}} in queries)
 * @param count measurements; default 5
 * @param initialDelay before the first measurement; default 0s
 * @param failureLimit measurements that may fail before the analysis fails; default 0
 * @param consecutiveErrorLimit consecutive measurements without data (empty, NaN, provider down)
 *     before the analysis is inconclusive; default 2. Inconclusive never promotes.
 * @param metrics what to measure; at least one
 * @param judge the statistical judge; null for thresholds only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnalysisStep(
    String provider,
    String interval,
    Integer count,
    String initialDelay,
    Integer failureLimit,
    Integer consecutiveErrorLimit,
    List<MetricCheck> metrics,
    JudgeSpec judge,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String DEFAULT_INTERVAL = "10s";
  public static final int DEFAULT_COUNT = 5;
  public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 2;

  public AnalysisStep {
    metrics = metrics == null ? null : List.copyOf(metrics);
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public String intervalOrDefault() {
    return interval == null || interval.isBlank() ? DEFAULT_INTERVAL : interval;
  }

  public int countOrDefault() {
    return count == null ? DEFAULT_COUNT : count;
  }

  public String initialDelayOrDefault() {
    return initialDelay == null || initialDelay.isBlank() ? "0s" : initialDelay;
  }

  public int failureLimitOrDefault() {
    return failureLimit == null ? 0 : failureLimit;
  }

  public int consecutiveErrorLimitOrDefault() {
    return consecutiveErrorLimit == null ? DEFAULT_CONSECUTIVE_ERROR_LIMIT : consecutiveErrorLimit;
  }
}
