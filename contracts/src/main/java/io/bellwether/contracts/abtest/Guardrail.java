package io.bellwether.contracts.abtest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A metric every variant must keep inside its bounds, read per variant every interval (a template
 * like {@link GoalMetric}'s, plus {@code {{interval}}}). A variant that is outside for {@code
 * failureLimit} reads in a row is stopped at once, whatever its conversions. No data is not a
 * breach (it is recorded).
 *
 * @param name unique among the guardrails, such as {@code error-rate}
 * @param query the template
 * @param max breached above this
 * @param min breached below this
 * @param failureLimit consecutive breaches that stop the variant; default 1
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Guardrail(
    String name,
    String query,
    Double max,
    Double min,
    Integer failureLimit,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public Guardrail {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public Guardrail(String name, String query, Double max, Double min, Integer failureLimit) {
    this(name, query, max, min, failureLimit, Map.of());
  }

  public int failureLimitOrDefault() {
    return failureLimit == null ? 1 : failureLimit;
  }

  /** Whether {@code value} is outside the bounds. */
  public boolean breachedBy(double value) {
    return (max != null && value > max) || (min != null && value < min);
  }
}
