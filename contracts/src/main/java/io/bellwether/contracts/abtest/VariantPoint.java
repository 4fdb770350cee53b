package io.bellwether.contracts.abtest;

import java.util.Map;

/**
 * One read of one variant, for the charts over time.
 *
 * @param atMillis workflow time of the read
 * @param exposures the exposure count then (null when the query gave no number)
 * @param conversions the conversion count then (null when no number)
 * @param guardrails guardrail name to its value then (names missing: no number)
 */
public record VariantPoint(
    long atMillis, Long exposures, Long conversions, Map<String, Double> guardrails) {
  public VariantPoint {
    guardrails = guardrails == null ? Map.of() : Map.copyOf(guardrails);
  }
}
