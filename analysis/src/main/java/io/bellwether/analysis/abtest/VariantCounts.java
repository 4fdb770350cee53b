package io.bellwether.analysis.abtest;

/**
 * One variant's goal counts at a read: how many were exposed to it and how many of them converted.
 *
 * <p>The binomial model needs {@code 0 <= conversions <= exposures}. Counters read from Prometheus
 * can break that for a moment (two scrapes apart, or a user converting twice), so the record clamps
 * rather than throws: workflow code builds it from whatever was read. A negative count becomes 0
 * and conversions above exposures become exposures.
 *
 * @param name the variant's name
 * @param exposures users (or visits) exposed to the variant
 * @param conversions of them, those who converted
 */
public record VariantCounts(String name, long exposures, long conversions) {
  public VariantCounts {
    exposures = Math.max(0, exposures);
    conversions = Math.min(Math.max(0, conversions), exposures);
  }

  /** conversions / exposures; 0 with no exposures. */
  public double rate() {
    return exposures == 0 ? 0 : (double) conversions / exposures;
  }
}
