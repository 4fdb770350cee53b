package io.bellwether.contracts.spec;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * How the pool is walked.
 *
 * @param maxUnavailable instances out of rotation at once: a count or a percentage of the pool
 *     (Kubernetes' word); default 1
 * @param bakeTime wait after a batch is back in rotation before the next starts; default 0s
 * @param pauseAfterEachBatch wait for a {@code resume} after every batch but the last
 * @param failureLimit instances that may fail before the whole run rolls back; default 0 (Argo
 *     Rollouts' word). A failed instance within the limit is put back as it was.
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
public record RollingStrategy(
    IntOrPercent maxUnavailable,
    String bakeTime,
    Boolean pauseAfterEachBatch,
    Integer failureLimit,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public RollingStrategy {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public RollingStrategy(
      IntOrPercent maxUnavailable, String bakeTime, Boolean pauseAfterEachBatch, Integer failureLimit) {
    this(maxUnavailable, bakeTime, pauseAfterEachBatch, failureLimit, Map.of());
  }

  public static RollingStrategy defaults() {
    return new RollingStrategy(null, null, null, null);
  }

  public IntOrPercent maxUnavailableOrDefault() {
    return maxUnavailable == null ? IntOrPercent.of(1) : maxUnavailable;
  }

  public boolean pauseAfterEachBatchOrDefault() {
    return Boolean.TRUE.equals(pauseAfterEachBatch);
  }

  public int failureLimitOrDefault() {
    return failureLimit == null ? 0 : failureLimit;
  }
}
