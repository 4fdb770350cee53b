package io.bellwether.analysis;

import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.canary.ThresholdRange;
import io.bellwether.contracts.metrics.MetricValue;

/**
 * A measured value against its threshold range. Pure and deterministic: it runs inside workflow
 * code.
 */
public final class Thresholds {
  private Thresholds() {}

  /**
   * The verdict on one measurement: {@link Measurement#INCONCLUSIVE} when there is no number (a
   * status other than OK, a null value, or a NaN or infinite value marked OK), {@link
   * Measurement#SUCCESS} when the number lies within {@code range} (bounds inclusive, a null bound
   * open, a null range accepts every number), else {@link Measurement#FAILURE}. Never throws.
   */
  public static String verdict(MetricValue v, ThresholdRange r) {
    if (v == null || !v.ok() || !Double.isFinite(v.value())) {
      return Measurement.INCONCLUSIVE;
    }
    return within(v.value(), r) ? Measurement.SUCCESS : Measurement.FAILURE;
  }

  /** Whether a finite number lies within the inclusive range (a null range or bound is open). */
  public static boolean within(double value, ThresholdRange r) {
    if (r == null) {
      return true;
    }
    if (r.min() != null && value < r.min()) {
      return false;
    }
    return r.max() == null || value <= r.max();
  }

  /** The range in words for reasons and reports: {@code [0, 0.01]}, {@code <= 0.5}, {@code any}. */
  public static String describe(ThresholdRange r) {
    if (r == null || (r.min() == null && r.max() == null)) {
      return "any";
    }
    if (r.min() == null) {
      return "<= " + Numbers.format(r.max());
    }
    if (r.max() == null) {
      return ">= " + Numbers.format(r.min());
    }
    return "[" + Numbers.format(r.min()) + ", " + Numbers.format(r.max()) + "]";
  }
}
