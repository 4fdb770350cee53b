package io.bellwether.analysis.abtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.math3.analysis.integration.SimpsonIntegrator;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The building blocks against published values and against commons-math's own tests. */
class ProportionTestTest {
  private static VariantCounts v(String name, long n, long x) {
    return new VariantCounts(name, n, x);
  }

  @Test
  void omnibusMatchesRPropTestExample() {
    // R: smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82); prop.test(smokers,
    // patients)
    // X-squared = 12.6, df = 3, p-value = 0.005585 (R's ?prop.test example)
    OmnibusChiSquare.Result r =
        OmnibusChiSquare.test(
            List.of(v("a", 86, 83), v("b", 93, 90), v("c", 136, 129), v("d", 82, 70)));
    assertEquals(12.6, r.statistic(), 0.0005);
    assertEquals(3, r.degreesOfFreedom());
    assertEquals(0.005585, r.pValue(), 0.0000005);
  }

  @Test
  void omnibusPValueAgreesWithCommonsMath() {
    long[][] table = {{83, 3}, {90, 3}, {129, 7}, {70, 12}};
    OmnibusChiSquare.Result r =
        OmnibusChiSquare.test(
            List.of(v("a", 86, 83), v("b", 93, 90), v("c", 136, 129), v("d", 82, 70)));
    assertEquals(new ChiSquareTest().chiSquareTest(table), r.pValue(), 1e-12);
  }

  @Test
  void handComputedZTest() {
    // 30/100 vs 50/100: pooled .4, se = sqrt(.4 * .6 * (1/100 + 1/100)) = 0.069282,
    // z = .2 / se = 2.88675, two-sided p = 0.003892
    VariantCounts c = v("c", 100, 30);
    VariantCounts t = v("t", 100, 50);
    double z = ProportionTest.pooledZ(c, t);
    assertEquals(2.886751, z, 1e-6);
    assertEquals(0.003892, ProportionTest.twoSidedP(z), 1e-6);
    assertEquals(-z, ProportionTest.pooledZ(t, c), 1e-12);
    assertEquals(0.4 * 0.6 * 0.02, ProportionTest.pooledVariance(c, t), 1e-15);
  }

  @ParameterizedTest
  @CsvSource({
    "100, 30, 100, 50",
    "3841, 384, 3841, 461",
    "86, 83, 82, 70",
    "1000, 1, 20, 3",
    "500, 250, 700, 330"
  })
  void zSquaredIsTheUncorrectedTwoByTwoChiSquare(long nC, long xC, long nT, long xT) {
    VariantCounts c = v("c", nC, xC);
    VariantCounts t = v("t", nT, xT);
    long[][] table = {{xC, nC - xC}, {xT, nT - xT}};
    double z = ProportionTest.pooledZ(c, t);
    ChiSquareTest chi = new ChiSquareTest();
    assertEquals(chi.chiSquare(table), z * z, 1e-9 * Math.max(1, z * z));
    assertEquals(chi.chiSquareTest(table), ProportionTest.twoSidedP(z), 1e-9);
    OmnibusChiSquare.Result r = OmnibusChiSquare.test(List.of(c, t));
    assertEquals(z * z, r.statistic(), 1e-9 * Math.max(1, z * z));
    assertEquals(ProportionTest.twoSidedP(z), r.pValue(), 1e-9);
  }

  @Test
  void waldInterval() {
    // 30/100 vs 50/100 at 95%: .2 -/+ 1.959964 * sqrt(.21/100 + .25/100) = .2 -/+ .132934
    double[] ci = ProportionTest.waldInterval(v("c", 100, 30), v("t", 100, 50), 0.95);
    double half = 1.959964 * Math.sqrt(0.0046);
    assertEquals(0.2 - half, ci[0], 1e-6);
    assertEquals(0.2 + half, ci[1], 1e-6);
    double[] wider = ProportionTest.waldInterval(v("c", 100, 30), v("t", 100, 50), 0.975);
    assertTrue(wider[0] < ci[0] && wider[1] > ci[1]);
  }

  @Test
  void holmMatchesRPAdjust() {
    // R: p.adjust(c(.01, .04, .03, .005), "holm") -> 0.03 0.06 0.06 0.02
    // (sorted .005 .01 .03 .04 times 4 3 2 1 = .02 .03 .06 .04, running maximum .02 .03 .06 .06)
    assertArrayEquals(
        new double[] {0.03, 0.06, 0.06, 0.02},
        HolmCorrection.adjust(new double[] {0.01, 0.04, 0.03, 0.005}),
        1e-12);
    // capped at 1, NaN counts as 1, one value is unchanged
    assertArrayEquals(
        new double[] {1, 1, 0.3},
        HolmCorrection.adjust(new double[] {0.6, Double.NaN, 0.1}),
        1e-12);
    assertArrayEquals(new double[] {0.042}, HolmCorrection.adjust(new double[] {0.042}), 0);
    assertArrayEquals(new double[] {}, HolmCorrection.adjust(new double[] {}), 0);
  }

  @Test
  void zeroCountsAreNoEvidence() {
    VariantCounts none = v("c", 0, 0);
    VariantCounts some = v("t", 50, 5);
    assertEquals(0, ProportionTest.pooledZ(none, some));
    assertEquals(1, ProportionTest.twoSidedP(ProportionTest.pooledZ(none, some)));
    assertEquals(0, ProportionTest.pooledZ(v("c", 50, 0), v("t", 50, 0)));
    assertEquals(0, ProportionTest.pooledZ(v("c", 50, 50), v("t", 50, 50)));
    assertTrue(Double.isNaN(ProportionTest.waldInterval(none, some, 0.95)[0]));
    assertEquals(1, ProportionTest.twoSidedP(Double.NaN));
    OmnibusChiSquare.Result r = OmnibusChiSquare.test(List.of(none, v("a", 0, 0), v("b", 0, 0)));
    assertEquals(0, r.statistic());
    assertEquals(1, r.pValue());
    r = OmnibusChiSquare.test(List.of(v("a", 10, 0), v("b", 20, 0), v("c", 30, 0)));
    assertEquals(1, r.pValue());
    // a variant without exposures is left out of the table, the others are still compared
    r = OmnibusChiSquare.test(List.of(none, v("a", 100, 30), v("b", 100, 50)));
    assertEquals(1, r.degreesOfFreedom());
    assertEquals(0.003892, r.pValue(), 1e-6);
  }

  @Test
  void countsAreClampedToTheBinomialModel() {
    VariantCounts c = new VariantCounts("x", 10, 12);
    assertEquals(10, c.conversions());
    assertEquals(1.0, c.rate());
    VariantCounts neg = new VariantCounts("x", -5, -1);
    assertEquals(0, neg.exposures());
    assertEquals(0, neg.conversions());
    assertEquals(0.0, neg.rate());
  }

  @Test
  void mixtureLikelihoodRatioIsTheNormalMixtureIntegral() {
    // Λ = ∫ N(θ̂; θ, V) / N(θ̂; 0, V) · N(θ; 0, τ²) dθ, integrated numerically
    double[][] cases = {
      {0.01, 2e-5, 0.02}, {0.03, 1e-4, 0.02}, {-0.05, 4e-4, 0.1}, {0, 1e-3, 0.05}
    };
    for (double[] k : cases) {
      double theta = k[0];
      double var = k[1];
      double tau = k[2];
      NormalDistribution prior = new NormalDistribution(null, 0, tau);
      NormalDistribution atZero = new NormalDistribution(null, 0, Math.sqrt(var));
      double denominator = atZero.density(theta);
      double lambda =
          new SimpsonIntegrator(1e-10, 1e-12, 3, 30)
              .integrate(
                  1_000_000,
                  th ->
                      new NormalDistribution(null, th, Math.sqrt(var)).density(theta)
                          / denominator
                          * prior.density(th),
                  -12 * tau,
                  12 * tau);
      assertEquals(
          Math.log(lambda), MixtureSprt.logLikelihoodRatio(theta, var, tau), 1e-6, "case " + theta);
    }
  }

  @Test
  void alwaysValidPNeverRisesAndConfidenceSequenceEndsAreAtOneOverAlpha() {
    VariantCounts c = v("c", 4000, 400);
    VariantCounts t = v("t", 4000, 500);
    double p = MixtureSprt.alwaysValidP(1, c, t, 0.02);
    // 0.0115, where the fixed test says 0.0004: always-valid p-values are more conservative
    assertEquals(0.0115, p, 0.0001);
    assertTrue(p > ProportionTest.twoSidedP(ProportionTest.pooledZ(c, t)));
    // a weaker look later cannot raise it
    assertEquals(p, MixtureSprt.alwaysValidP(p, v("c", 5000, 500), v("t", 5000, 500), 0.02));
    assertEquals(1, MixtureSprt.alwaysValidP(Double.NaN, v("c", 0, 0), t, 0.02));
    assertEquals(0.3, MixtureSprt.alwaysValidP(0.3, c, t, Double.NaN));

    double alpha = 0.05;
    double[] cs = MixtureSprt.confidenceSequence(c, t, 0.02, alpha);
    double v = ProportionTest.unpooledVariance(c, t);
    double diff = t.rate() - c.rate();
    assertEquals(Math.log(1 / alpha), MixtureSprt.logLikelihoodRatio(diff - cs[0], v, 0.02), 1e-9);
    assertEquals(Math.log(1 / alpha), MixtureSprt.logLikelihoodRatio(diff - cs[1], v, 0.02), 1e-9);
    // wider than the fixed interval at the same level: the price of looking at any time
    double[] wald = ProportionTest.waldInterval(c, t, 1 - alpha);
    assertTrue(cs[0] < wald[0] && cs[1] > wald[1]);
    assertTrue(
        Double.isNaN(MixtureSprt.confidenceSequence(v("c", 10, 0), v("t", 10, 0), 0.02, alpha)[0]));
  }
}
