package io.bellwether.analysis.abtest;

/**
 * Holm's step-down correction (Holm 1979, "A simple sequentially rejective multiple test
 * procedure"). It keeps the chance of any false rejection among {@code m} tests at most alpha, like
 * Bonferroni, and rejects at least as much. The adjusted p-values are the same as R's {@code
 * p.adjust(p, "holm")}.
 */
public final class HolmCorrection {
  private HolmCorrection() {}

  /**
   * The adjusted p-values, in the order given: sort ascending, multiply the i-th smallest (from 0)
   * by {@code m - i}, carry the running maximum forward, cap at 1. A hypothesis is rejected at
   * level alpha when its adjusted value is below alpha. NaN counts as 1.
   */
  public static double[] adjust(double[] pValues) {
    int m = pValues.length;
    double[] p = new double[m];
    for (int i = 0; i < m; i++) {
      p[i] = Double.isNaN(pValues[i]) ? 1 : Math.min(1, Math.max(0, pValues[i]));
    }
    // Indices by ascending p; an insertion sort keeps ties in input order (m is a handful).
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      int j = i;
      while (j > 0 && p[order[j - 1]] > p[i]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
    double[] adjusted = new double[m];
    double running = 0;
    for (int rank = 0; rank < m; rank++) {
      int i = order[rank];
      running = Math.max(running, Math.min(1, (m - rank) * p[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }
}
