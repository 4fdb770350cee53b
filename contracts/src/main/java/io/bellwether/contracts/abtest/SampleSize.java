package io.bellwether.contracts.abtest;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The sample size of a two-sided two-proportion z-test, the standard formula (Fleiss; R's {@code
 * power.prop.test}):
 *
 * <pre>
 * n = ( z(1-a/2) * sqrt(2 pbar (1-pbar)) + z(1-b) * sqrt(p1 (1-p1) + p2 (1-p2)) )^2 / (p2-p1)^2
 * </pre>
 *
 * per group, rounded up, with {@code pbar = (p1+p2)/2}. With {@code k} treatments each compared
 * with the control, alpha is split Bonferroni-wise ({@code a/k}), which keeps the family-wise error
 * rate at most alpha; the decision then uses Holm, which is never less powerful.
 */
public final class SampleSize {
  private static final NormalDistribution STANDARD = new NormalDistribution(null, 0, 1);

  private SampleSize() {}

  /** Exposures per group for rates {@code p1}, {@code p2}, two-sided {@code alpha}, {@code power}. */
  public static long perGroup(double p1, double p2, double alpha, double power) {
    if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1) || p1 == p2) {
      throw new IllegalArgumentException("rates must be in (0, 1) and differ: " + p1 + ", " + p2);
    }
    if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1)) {
      throw new IllegalArgumentException("alpha and power must be in (0, 1)");
    }
    double za = STANDARD.inverseCumulativeProbability(1 - alpha / 2);
    double zb = STANDARD.inverseCumulativeProbability(power);
    double pbar = (p1 + p2) / 2;
    double a = za * Math.sqrt(2 * pbar * (1 - pbar));
    double b = zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
    double d = p2 - p1;
    return (long) Math.ceil((a + b) * (a + b) / (d * d));
  }

  /**
   * The plan of a test with {@code treatments} treatments and the given shares (percent, control
   * first) at the plan's expected traffic. The plan's fields must be valid (see the validator).
   */
  public static SamplePlan plan(StatsPlan plan, int treatments, int[] sharesPercent) {
    double alphaEach = plan.alphaOrDefault() / Math.max(1, treatments);
    long n = perGroup(plan.baselineRate(), plan.targetRate(), alphaEach, plan.powerOrDefault());
    double minutes = 0;
    double perMinute = plan.expectedExposuresPerMinute() == null ? 0 : plan.expectedExposuresPerMinute();
    for (int share : sharesPercent) {
      double rate = perMinute * share / 100.0;
      minutes = Math.max(minutes, rate <= 0 ? Double.POSITIVE_INFINITY : n / rate);
    }
    return new SamplePlan(
        n, alphaEach, plan.powerOrDefault(), plan.baselineRate(), plan.targetRate(), minutes);
  }
}
