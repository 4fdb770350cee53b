package io.bellwether.contracts.chaos;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A guardrail: a PromQL query read every interval while a fault is active. A value outside {@code
 * [min, max]} (or no value at all) {@code failureLimit} reads in a row is a breach: the experiment
 * aborts and restores at once.
 *
 * @param name unique among the guardrails
 * @param query the PromQL
 * @param metrics a configured metrics provider; default the service's
 * @param min lowest value allowed, or null
 * @param max highest value allowed, or null
 * @param failureLimit consecutive bad reads that make a breach; default 1
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StopCondition(
    String name,
    String query,
    String metrics,
    Double min,
    Double max,
    Integer failureLimit,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public StopCondition {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public StopCondition(
      String name, String query, String metrics, Double min, Double max, Integer failureLimit) {
    this(name, query, metrics, min, max, failureLimit, Map.of());
  }

  public int failureLimitOrDefault() {
    return failureLimit == null ? 1 : failureLimit;
  }

  /** As a probe, so the same activity reads it. */
  public ProbeSpec asProbe() {
    return new ProbeSpec(
        name, ProbeSpec.PROMETHEUS, null, query, metrics, new Tolerance(min, max, null), null);
  }
}
