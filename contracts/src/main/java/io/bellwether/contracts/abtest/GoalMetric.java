package io.bellwether.contracts.abtest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The conversion the test decides on: two counts per variant, read as instant queries (templates
 * with {@code {{service}} {{experiment}} {{variant}} {{version}} {{instances}}}; unknown variables
 * are a spec error). Each must return one number: the count since the variant's instances started
 * (they are fresh, so a counter's value is the count).
 *
 * @param name shown in status and the report, such as {@code checkout}
 * @param exposures users (or visits) exposed to the variant, such as {@code
 *     sum(ab_exposures_total{variant="{{variant}}",randomized="true",instance=~"{{instances}}"})}
 * @param conversions of them, those who converted
 * @param direction {@code increase} (default: a higher rate is better) or {@code decrease}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GoalMetric(
    String name,
    String exposures,
    String conversions,
    String direction,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String INCREASE = "increase";
  public static final String DECREASE = "decrease";

  public GoalMetric {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public GoalMetric(String name, String exposures, String conversions) {
    this(name, exposures, conversions, null, Map.of());
  }

  public String directionOrDefault() {
    return direction == null || direction.isBlank() ? INCREASE : direction;
  }

  public boolean higherIsBetter() {
    return !DECREASE.equals(directionOrDefault());
  }
}
