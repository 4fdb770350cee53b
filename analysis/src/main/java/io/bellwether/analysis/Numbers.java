package io.bellwether.analysis;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;

/** Small numeric helpers shared by the analysis classes; locale-independent formatting. */
final class Numbers {
  private Numbers() {}

  /** Median of a non-empty array; sorts a copy, so the caller's order is kept. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return medianOfSorted(sorted);
  }

  static double medianOfSorted(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      throw new IllegalArgumentException("median of no values");
    }
    int mid = n / 2;
    return n % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }

  /** The finite values of a list, in order; nulls, NaN and infinities are left out. */
  static double[] finite(List<Double> values) {
    if (values == null) {
      return new double[0];
    }
    return values.stream()
        .filter(v -> v != null && Double.isFinite(v))
        .mapToDouble(Double::doubleValue)
        .toArray();
  }

  /** Four significant digits, plain notation, no trailing zeros: 0.15, 1234, 0.0001234. */
  static String format(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    if (value == 0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros();
    return d.toPlainString();
  }

  /** A p-value for people after "p ": {@code = 0.0312}, or {@code < 0.0001} when tiny. */
  static String formatP(double p) {
    return p < 0.0001 ? "< 0.0001" : "= " + format(p);
  }

  /** A signed number: {@code +0.15}, {@code -3}. */
  static String signed(double value) {
    return (value > 0 ? "+" : "") + format(value);
  }

  /** A signed percentage of a ratio: 1.5 -> {@code +150%}. */
  static String percent(double ratio) {
    return signed(ratio * 100) + "%";
  }
}
