package io.bellwether.analysis.abtest;

import java.util.List;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/**
 * Pearson's chi-square test of homogeneity on the k x 2 table (converted, not converted) of k
 * variants: "do the variants convert at the same rate?", all at once. Without continuity
 * correction, as R's {@code prop.test} for more than two groups. With two groups it equals the
 * square of the pooled z statistic.
 */
public final class OmnibusChiSquare {
  private OmnibusChiSquare() {}

  /**
   * @param statistic the chi-square statistic
   * @param degreesOfFreedom rows - 1
   * @param pValue the upper tail of the chi-square distribution at the statistic
   */
  public record Result(double statistic, int degreesOfFreedom, double pValue) {}

  /**
   * Tests the variants that have exposures (a variant without any has no rate to compare). With
   * fewer than two such variants, or nobody converted, or everybody did, there is nothing to tell
   * apart: statistic 0, p-value 1.
   */
  public static Result test(List<VariantCounts> counts) {
    List<VariantCounts> rows = counts.stream().filter(c -> c.exposures() > 0).toList();
    long converted = rows.stream().mapToLong(VariantCounts::conversions).sum();
    long exposed = rows.stream().mapToLong(VariantCounts::exposures).sum();
    int df = Math.max(0, rows.size() - 1);
    if (rows.size() < 2 || converted == 0 || converted == exposed) {
      return new Result(0, df, 1);
    }
    long[][] table = new long[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      VariantCounts c = rows.get(i);
      table[i] = new long[] {c.conversions(), c.exposures() - c.conversions()};
    }
    double statistic = new ChiSquareTest().chiSquare(table);
    // ChiSquareTest.chiSquareTest(long[][]) would build a distribution whose default random
    // generator seeds itself from the clock; the upper tail is the regularized gamma Q(df/2, x/2).
    double p = Gamma.regularizedGammaQ(df / 2.0, statistic / 2.0);
    return new Result(statistic, df, Math.min(1, Math.max(0, p)));
  }
}
