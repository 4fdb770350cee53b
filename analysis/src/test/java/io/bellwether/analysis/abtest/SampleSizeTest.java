package io.bellwether.analysis.abtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bellwether.contracts.abtest.SamplePlan;
import io.bellwether.contracts.abtest.SampleSize;
import io.bellwether.contracts.abtest.StatsPlan;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The contracts' sample size (used by the plan and the validator) against R's power.prop.test. */
class SampleSizeTest {
  @ParameterizedTest
  @CsvSource({
    // p1, p2, alpha, power, n from R: power.prop.test(p1 =, p2 =, sig.level =, power =), rounded up
    "0.50, 0.75, 0.05, 0.9, 77", // n = 76.65294
    "0.10, 0.12, 0.05, 0.8, 3841", // n = 3840.847
  })
  void matchesPowerPropTest(double p1, double p2, double alpha, double power, long n) {
    assertEquals(n, SampleSize.perGroup(p1, p2, alpha, power));
    assertEquals(n, SampleSize.perGroup(p2, p1, alpha, power), "symmetric");
  }

  @Test
  void planSplitsAlphaAcrossTreatmentsAndTimesTheSlowestVariant() {
    StatsPlan plan = new StatsPlan(0.10, 0.2, null, 0.05, 0.8, 1000.0, null, Map.of());
    SamplePlan one = SampleSize.plan(plan, 1, new int[] {50, 50});
    assertEquals(3841, one.perVariant());
    assertEquals(0.12, one.targetRate(), 1e-12);
    assertEquals(3841 / 500.0, one.expectedMinutes(), 1e-9);
    SamplePlan two = SampleSize.plan(plan, 2, new int[] {40, 40, 20});
    assertEquals(0.025, two.alphaPerComparison(), 1e-12);
    assertEquals(SampleSize.perGroup(0.10, 0.12, 0.025, 0.8), two.perVariant());
    assertEquals(two.perVariant() / 200.0, two.expectedMinutes(), 1e-9);
    StatsPlan absolute =
        new StatsPlan(0.10, 0.02, StatsPlan.ABSOLUTE, 0.05, 0.8, null, null, Map.of());
    assertEquals(3841, SampleSize.plan(absolute, 1, new int[] {50, 50}).perVariant());
  }

  @Test
  void refusesRatesThatCannotBeTold() {
    assertThrows(IllegalArgumentException.class, () -> SampleSize.perGroup(0.1, 0.1, 0.05, 0.8));
    assertThrows(IllegalArgumentException.class, () -> SampleSize.perGroup(0.1, 1.0, 0.05, 0.8));
  }
}
