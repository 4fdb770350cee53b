package io.bellwether.contracts.abtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sample-size formula against published values, and how it moves with its inputs. */
class SampleSizeTest {
  @Test
  void matchesTheExampleOfRsPowerPropTest() {
    // R's documentation of power.prop.test (package stats), Examples:
    //   power.prop.test(p1 = .50, p2 = .75, power = .90)  ## => n = 76.7
    // (sig.level 0.05 two-sided by default). The formula gives 76.707; per group we round up.
    assertEquals(77, SampleSize.perGroup(0.50, 0.75, 0.05, 0.90));
  }

  @Test
  void matchesAHandComputationForATypicalConversionTest() {
    // power.prop.test(p1 = .10, p2 = .12, power = .80, sig.level = .05), worked by hand with the
    // formula in SampleSize's javadoc (the same closed form power.prop.test solves):
    //   z(0.975) = 1.959964, z(0.80) = 0.841621, pbar = 0.11
    //   1.959964 * sqrt(2 * 0.11 * 0.89)         = 1.959964 * 0.442493 = 0.867270
    //   0.841621 * sqrt(0.1 * 0.9 + 0.12 * 0.88) = 0.841621 * 0.442267 = 0.372221
    //   (0.867270 + 0.372221)^2 / 0.02^2 = 1.536339 / 0.0004 = 3840.85  ->  3841 per group
    assertEquals(3841, SampleSize.perGroup(0.10, 0.12, 0.05, 0.80));
  }

  @Test
  void theOrderOfTheRatesDoesNotMatter() {
    assertEquals(SampleSize.perGroup(0.10, 0.12, 0.05, 0.8), SampleSize.perGroup(0.12, 0.10, 0.05, 0.8));
  }

  @ParameterizedTest(name = "baseline {0}")
  @CsvSource({"0.02", "0.1", "0.3", "0.5"})
  void aSmallerEffectNeedsMoreExposures(double baseline) {
    long previous = 0;
    for (double lift : new double[] {0.5, 0.3, 0.2, 0.1, 0.05, 0.02}) {
      long n = SampleSize.perGroup(baseline, baseline * (1 + lift), 0.05, 0.8);
      assertTrue(n > previous, "lift " + lift + ": " + n + " after " + previous);
      previous = n;
    }
  }

  @Test
  void morePowerOrASmallerAlphaNeedsMoreExposures() {
    long previous = 0;
    for (double power : new double[] {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99}) {
      long n = SampleSize.perGroup(0.10, 0.12, 0.05, power);
      assertTrue(n > previous, "power " + power + ": " + n + " after " + previous);
      previous = n;
    }
    previous = 0;
    for (double alpha : new double[] {0.2, 0.1, 0.05, 0.025, 0.01}) {
      long n = SampleSize.perGroup(0.10, 0.12, alpha, 0.8);
      assertTrue(n > previous, "alpha " + alpha + ": " + n + " after " + previous);
      previous = n;
    }
  }

  @Test
  void aPlanSplitsAlphaAmongTreatmentsAndWaitsForItsSmallestShare() {
    StatsPlan stats = new StatsPlan(0.10, 0.2, 0.05, 0.8, 600.0);

    SamplePlan two = SampleSize.plan(stats, 1, new int[] {50, 50});
    SamplePlan three = SampleSize.plan(stats, 2, new int[] {45, 45, 10});

    assertEquals(3841, two.perVariant());
    assertEquals(0.05, two.alphaPerComparison(), 1e-12);
    assertEquals(0.12, two.targetRate(), 1e-12);
    assertEquals(3841 / 300.0, two.expectedMinutes(), 1e-9);
    // Two treatments: Bonferroni alpha 0.025 per comparison, so more exposures per variant.
    assertEquals(0.025, three.alphaPerComparison(), 1e-12);
    assertEquals(SampleSize.perGroup(0.10, 0.12, 0.025, 0.8), three.perVariant());
    assertTrue(three.perVariant() > two.perVariant());
    assertEquals(three.perVariant() / 60.0, three.expectedMinutes(), 1e-9);
  }

  @Test
  void aShareOfNothingNeverGetsThere() {
    SamplePlan p = SampleSize.plan(new StatsPlan(0.10, 0.2, 0.05, 0.8, 600.0), 1, new int[] {50, 0});

    assertEquals(Double.POSITIVE_INFINITY, p.expectedMinutes());
  }

  @Test
  void ratesOutsideTheOpenUnitIntervalOrEqualAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SampleSize.perGroup(0.1, 0.1, 0.05, 0.8));
    assertThrows(IllegalArgumentException.class, () -> SampleSize.perGroup(0, 0.1, 0.05, 0.8));
    assertThrows(IllegalArgumentException.class, () -> SampleSize.perGroup(0.9, 1.0, 0.05, 0.8));
    assertThrows(IllegalArgumentException.class, () -> SampleSize.perGroup(0.1, 0.2, 0, 0.8));
    assertThrows(IllegalArgumentException.class, () -> SampleSize.perGroup(0.1, 0.2, 0.05, 1));
  }
}
