package io.bellwether.analysis.abtest;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The two-proportion z-test and the Wald interval of a difference of proportions (Fleiss, Levin and
 * Paik, <i>Statistical Methods for Rates and Proportions</i>, ch. 3). Pure functions; with no
 * exposures on a side they answer "no evidence" (z 0, p 1, interval NaN) instead of failing.
 */
public final class ProportionTest {
  // No random generator: a default one would seed itself from the clock; only cdf/quantiles are
  // used.
  private static final NormalDistribution STANDARD = new NormalDistribution(null, 0, 1);

  private ProportionTest() {}

  /**
   * The pooled z statistic of {@code treatment} against {@code control}: {@code (pT - pC) /
   * sqrt(p(1-p)(1/nC + 1/nT))} with {@code p} the pooled rate. 0 when undefined: a side without
   * exposures, or a pooled rate of 0 or 1 (both sides identical, all or nothing converted). Its
   * square is the uncorrected chi-square of the 2x2 table.
   */
  public static double pooledZ(VariantCounts control, VariantCounts treatment) {
    long nC = control.exposures();
    long nT = treatment.exposures();
    if (nC == 0 || nT == 0) {
      return 0;
    }
    double pooled = (double) (control.conversions() + treatment.conversions()) / (nC + nT);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / nC + 1.0 / nT));
    if (!(se > 0)) {
      return 0;
    }
    return (treatment.rate() - control.rate()) / se;
  }

  /** The pooled variance of the difference of rates under "no difference"; 0 when undefined. */
  public static double pooledVariance(VariantCounts control, VariantCounts treatment) {
    long nC = control.exposures();
    long nT = treatment.exposures();
    if (nC == 0 || nT == 0) {
      return 0;
    }
    double pooled = (double) (control.conversions() + treatment.conversions()) / (nC + nT);
    return pooled * (1 - pooled) * (1.0 / nC + 1.0 / nT);
  }

  /**
   * The unpooled (Wald) variance of the difference of rates: {@code pC(1-pC)/nC + pT(1-pT)/nT}; NaN
   * when a side has no exposures.
   */
  public static double unpooledVariance(VariantCounts control, VariantCounts treatment) {
    long nC = control.exposures();
    long nT = treatment.exposures();
    if (nC == 0 || nT == 0) {
      return Double.NaN;
    }
    double pC = control.rate();
    double pT = treatment.rate();
    return pC * (1 - pC) / nC + pT * (1 - pT) / nT;
  }

  /** The two-sided p-value of a standard normal statistic; 1 for NaN. */
  public static double twoSidedP(double z) {
    if (Double.isNaN(z)) {
      return 1;
    }
    // 2 * Phi(-|z|) rather than 2 * (1 - Phi(|z|)): keeps precision for large |z|.
    return Math.min(1, 2 * STANDARD.cumulativeProbability(-Math.abs(z)));
  }

  /** The standard normal quantile {@code z(1 - tail)}: 1.96 for 0.025. */
  public static double upperQuantile(double tail) {
    return STANDARD.inverseCumulativeProbability(1 - tail);
  }

  /**
   * The Wald interval of {@code pT - pC} at {@code confidence} (two-sided): {@code diff -/+
   * z(1-(1-confidence)/2) * sqrt(unpooled variance)}, as {@code {low, high}}; NaN ends when a side
   * has no exposures. With both rates at 0 (or 1) its width is 0: the Wald interval's known
   * weakness at the edges, harmless at the sample sizes a plan asks for.
   */
  public static double[] waldInterval(
      VariantCounts control, VariantCounts treatment, double confidence) {
    double v = unpooledVariance(control, treatment);
    if (Double.isNaN(v)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double diff = treatment.rate() - control.rate();
    double half = upperQuantile((1 - confidence) / 2) * Math.sqrt(v);
    return new double[] {diff - half, diff + half};
  }
}
