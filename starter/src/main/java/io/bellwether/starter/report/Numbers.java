package io.bellwether.starter.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Number formatting and axis ticks shared by the HTML report and the CLI table. */
public final class Numbers {
  private Numbers() {}

  /**
   * {@code v} with four significant digits and no trailing zeros, never in exponent form
   * ({@code 0.0012}, {@code 0.25}, {@code 1250}); {@code -} for null, {@code NaN} for NaN.
   */
  public static String fmt(Double v) {
    if (v == null) {
      return "-";
    }
    if (v.isNaN() || v.isInfinite()) {
      return v.toString();
    }
    if (v == 0) {
      return "0";
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  /** {@code v} with a sign: {@code +0.15}, {@code -0.002}; {@code -} for null. */
  public static String signed(Double v) {
    if (v == null) {
      return "-";
    }
    String s = fmt(v);
    return v > 0 ? "+" + s : s;
  }

  /** A share as a signed percentage with one decimal ({@code +12.5%}); {@code -} for null. */
  public static String percent(Double share) {
    if (share == null || share.isNaN() || share.isInfinite()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%+.1f%%", share * 100);
  }

  /** A proportion as a percentage with two decimals ({@code 10.13%}); {@code -} for null or NaN. */
  public static String rate(Double share) {
    if (share == null || share.isNaN() || share.isInfinite()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f%%", share * 100);
  }

  /**
   * A difference of two proportions in percentage points, signed, two decimals ({@code +4.04
   * pts}); {@code -} for null or NaN.
   */
  public static String points(Double difference) {
    if (difference == null || difference.isNaN() || difference.isInfinite()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%+.2f pts", difference * 100);
  }

  /** A confidence interval of a difference in points: {@code +1.20 .. +6.90 pts}; {@code -} without one. */
  public static String interval(double low, double high) {
    if (!Double.isFinite(low) || !Double.isFinite(high)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%+.2f .. %+.2f pts", low * 100, high * 100);
  }

  /** A p-value: four decimals, or {@code <0.0001}; {@code -} for null. */
  public static String p(Double p) {
    if (p == null || p.isNaN()) {
      return "-";
    }
    return p < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
  }

  /** A threshold range in words: {@code 0.5 .. 1}, {@code <= 0.01}, {@code >= 10}; {@code -} for none. */
  public static String range(Double min, Double max) {
    if (min == null && max == null) {
      return "-";
    }
    if (min == null) {
      return "<= " + fmt(max);
    }
    if (max == null) {
      return ">= " + fmt(min);
    }
    return fmt(min) + " .. " + fmt(max);
  }

  /** The axis of a chart: a rounded low and high and the ticks between them. */
  public record Axis(double low, double high, List<Double> ticks) {}

  /**
   * A rounded axis covering {@code lo..hi} with about five ticks on a 1-2-5 step. A flat range is
   * widened so that its line sits mid-chart; an empty one ({@code lo > hi}) becomes 0..1.
   */
  public static Axis axis(double lo, double hi) {
    if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
      lo = 0;
      hi = 1;
    }
    if (lo == hi) {
      // Metrics are mostly non-negative: a flat line is shown against zero.
      if (lo == 0) {
        hi = 1;
      } else if (lo > 0) {
        lo = 0;
        hi = hi * 2;
      } else {
        hi = 0;
        lo = lo * 2;
      }
    }
    double raw = (hi - lo) / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    }
    double low = Math.floor(lo / step) * step;
    double high = Math.ceil(hi / step) * step;
    if (high == low) {
      high = low + step;
    }
    List<Double> ticks = new ArrayList<>();
    for (int i = 0; low + i * step <= high + step / 1e6 && i < 50; i++) {
      // Rounded to the step's own precision, so that 0.30000000000000004 prints as 0.3.
      ticks.add(new BigDecimal(low + i * step).round(new MathContext(12)).doubleValue());
    }
    return new Axis(low, high, ticks);
  }
}
