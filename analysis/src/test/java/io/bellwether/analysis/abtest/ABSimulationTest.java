package io.bellwether.analysis.abtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.abtest.SampleSize;
import io.bellwether.contracts.abtest.StatsPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/**
 * Simulated experiments through the evaluator: the false-positive rate of A/A tests stays at alpha
 * within sampling error, the power at the planned effect is the planned power, and the sequential
 * test may be looked at as often as one likes while repeated fixed tests may not. Each test prints
 * its figures on a line starting with {@code AB-SIM}.
 *
 * <p>The plan: baseline 10%, minimum detectable effect +20% relative (12%), alpha 0.05, power 0.8;
 * 3841 exposures per variant with one treatment, 4652 with two (alpha split in two).
 */
class ABSimulationTest {
  static final double ALPHA = 0.05;
  static final StatsPlan PLAN =
      new StatsPlan(0.10, 0.2, null, ALPHA, 0.8, null, StatsPlan.FIXED, Map.of());
  static final long N2 = SampleSize.plan(PLAN, 1, new int[] {50, 50}).perVariant();
  static final long N3 = SampleSize.plan(PLAN, 2, new int[] {34, 33, 33}).perVariant();
  static final int AA_EXPERIMENTS = 4000;
  static final int POWER_EXPERIMENTS = 2000;

  /** alpha + 3 standard errors of a rate measured over {@code experiments}. */
  static double bound(int experiments) {
    return ALPHA + 3 * Math.sqrt(ALPHA * (1 - ALPHA) / experiments);
  }

  static void report(String what, ABSimulation.Tally t, String more) {
    System.out.println(
        String.format(
            Locale.ROOT,
            "AB-SIM %s: %.4f (%d/%d)%s",
            what,
            t.rate(),
            t.hits(),
            t.experiments(),
            more));
  }

  @Test
  void plannedSampleSizes() {
    assertEquals(3841, N2);
    assertEquals(SampleSize.perGroup(0.10, 0.12, 0.025, 0.8), N3);
  }

  @Test
  void binomialDrawsFollowTheBinomialDistribution() {
    ChiSquareTest chi = new ChiSquareTest();
    for (double p : new double[] {0.03, 0.3, 0.5, 0.8}) {
      int n = 20;
      int draws = 20000;
      SplittableRandom rng = new SplittableRandom(11);
      long[] observed = new long[n + 1];
      for (int i = 0; i < draws; i++) {
        observed[(int) ABSimulation.binomial(rng, n, p)]++;
      }
      BinomialDistribution b = new BinomialDistribution(null, n, p);
      // pool the sparse tail cells so that every expected count is at least 5
      double[] expected = new double[n + 1];
      for (int k = 0; k <= n; k++) {
        expected[k] = b.probability(k) * draws;
      }
      List<double[]> cells = new ArrayList<>();
      double e = 0;
      long o = 0;
      for (int k = 0; k <= n; k++) {
        e += expected[k];
        o += observed[k];
        if (e >= 5) {
          cells.add(new double[] {e, o});
          e = 0;
          o = 0;
        }
      }
      cells.get(cells.size() - 1)[0] += e;
      cells.get(cells.size() - 1)[1] += o;
      double[] exp = cells.stream().mapToDouble(c -> c[0]).toArray();
      long[] obs = cells.stream().mapToLong(c -> (long) c[1]).toArray();
      assertTrue(chi.chiSquareTest(exp, obs) > 0.001, "goodness of fit at p " + p);
    }
    SplittableRandom rng = new SplittableRandom(1);
    assertEquals(0, ABSimulation.binomial(rng, 100, 0));
    assertEquals(100, ABSimulation.binomial(rng, 100, 1));
    assertEquals(0, ABSimulation.binomial(rng, 0, 0.5));
  }

  @Test
  void aaFixedTwoVariantsFalsePositivesStayAtAlpha() {
    ABSimulation.FixedRun run =
        ABSimulation.fixed(new double[] {0.10, 0.10}, N2, PLAN, true, AA_EXPERIMENTS, 101);
    double bound = bound(AA_EXPERIMENTS);
    report(
        "A/A fixed, 2 variants, false-positive rate",
        run.anySignificant(),
        String.format(Locale.ROOT, ", n %d per variant, bound %.4f (alpha + 3 SE)", N2, bound));
    assertTrue(run.anySignificant().rate() <= bound);
    // and it is not far below either: the test uses the alpha it is given
    assertTrue(
        run.anySignificant().rate() >= ALPHA - 3 * Math.sqrt(ALPHA * (1 - ALPHA) / AA_EXPERIMENTS));
  }

  @Test
  void aaFixedThreeVariantsFamilyWiseFalsePositivesStayAtAlpha() {
    ABSimulation.FixedRun run =
        ABSimulation.fixed(new double[] {0.10, 0.10, 0.10}, N3, PLAN, true, AA_EXPERIMENTS, 202);
    double bound = bound(AA_EXPERIMENTS);
    report(
        "A/A fixed, 3 variants (Holm), family-wise false-positive rate",
        run.anySignificant(),
        String.format(Locale.ROOT, ", n %d per variant, bound %.4f (alpha + 3 SE)", N3, bound));
    assertTrue(run.anySignificant().rate() <= bound);
  }

  @Test
  void powerAtThePlannedEffectIsThePlannedPower() {
    ABSimulation.FixedRun run =
        ABSimulation.fixed(new double[] {0.10, 0.12}, N2, PLAN, true, POWER_EXPERIMENTS, 303);
    ABSimulation.Tally won = run.won("t1");
    report(
        "power fixed, 2 variants, 10% vs 12%",
        won, String.format(Locale.ROOT, ", n %d per variant, planned 0.80", N2));
    assertEquals(0.8, won.rate(), 0.04);
    assertEquals(0, run.winners().getOrDefault("control", 0), "never the wrong way round");
  }

  @Test
  void powerWithTwoTreatmentsOneEffective() {
    ABSimulation.FixedRun run =
        ABSimulation.fixed(new double[] {0.10, 0.12, 0.10}, N3, PLAN, true, POWER_EXPERIMENTS, 404);
    ABSimulation.Tally won = run.won("t1");
    report(
        "power fixed, 3 variants (Holm), 10% vs 12% vs 10%",
        won, String.format(Locale.ROOT, ", n %d per variant, planned 0.80", N3));
    assertEquals(0.8, won.rate(), 0.04);
  }

  @Test
  void sequentialMayBeLookedAtAnyTimeAndPeekingAtTheFixedTestMayNot() {
    int looks = 50;
    ABSimulation.SequentialRun run =
        ABSimulation.sequential(
            new double[] {0.10, 0.10}, 2 * N2, looks, PLAN, true, AA_EXPERIMENTS, 505);
    double bound = bound(AA_EXPERIMENTS);
    report(
        "A/A sequential (mSPRT), 2 variants, false-positive rate over 50 looks",
        run.anySignificant(),
        String.format(
            Locale.ROOT, ", up to %d per variant, bound %.4f (alpha + 3 SE)", 2 * N2, bound));
    report(
        "A/A fixed test repeated at the same 50 looks (peeking), false-positive rate",
        run.naive(),
        String.format(Locale.ROOT, ", alpha %.2f", ALPHA));
    assertTrue(run.anySignificant().rate() <= bound);
    assertTrue(run.naive().rate() > bound, "peeking at a fixed test inflates its error rate");
  }

  @Test
  void sequentialDetectsThePlannedEffectAndStopsEarly() {
    int looks = 50;
    ABSimulation.SequentialRun run =
        ABSimulation.sequential(
            new double[] {0.10, 0.12}, 2 * N2, looks, PLAN, true, POWER_EXPERIMENTS, 606);
    ABSimulation.Tally won = run.won("t1");
    report(
        "power sequential (mSPRT), 2 variants, 10% vs 12%, 50 looks",
        won,
        String.format(
            Locale.ROOT,
            ", up to %d per variant, mean %.0f per variant at stop (fixed test: %d)",
            2 * N2,
            run.meanExposuresAtStop(),
            N2));
    assertTrue(won.rate() >= 0.8, "power by twice the fixed sample " + won.rate());
    assertTrue(run.meanExposuresAtStop() < 0.75 * 2 * N2, "stops early on average");
    assertEquals(0, run.winners().getOrDefault("control", 0));
  }

  @Test
  void simulationsAreReproducible() {
    assertEquals(
        ABSimulation.fixed(new double[] {0.1, 0.11}, 500, PLAN, true, 50, 9),
        ABSimulation.fixed(new double[] {0.1, 0.11}, 500, PLAN, true, 50, 9));
    assertEquals(
        ABSimulation.sequential(new double[] {0.1, 0.11}, 500, 5, PLAN, true, 50, 9),
        ABSimulation.sequential(new double[] {0.1, 0.11}, 500, 5, PLAN, true, 50, 9));
  }
}
