package io.bellwether.starter.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.rolling.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ABTestTextTest {
  @Test
  void everyVariantIsARowWithItsCountsRateRequiredSizeAndWhyItStopped() {
    List<String> t = ABTestText.table(ABTestFixtures.rolledOut());

    assertEquals(ABTestText.VARIANT_HEADER, t.get(0));
    assertEquals("VARIANT              VERSION      SHARE  EXPOSURES CONVERSIONS     RATE  REQUIRED  STOPPED", t.get(0));
    assertEquals("control*             4.0.0          30%       4800         486   10.13%      4680  -", t.get(1));
    assertEquals("one-page             4.1.0          30%       4800         715   14.90%      4680  -", t.get(2));
    assertEquals("buggy                4.2.0          10%        300          44   14.67%      4680  yes: "
        + ABTestFixtures.STOP, t.get(4));
    assertEquals("(* control)", t.get(5));
  }

  @Test
  void thePlanIsOneLine() {
    List<String> t = ABTestText.table(ABTestFixtures.rolledOut());

    assertTrue(t.contains("plan: 4680 exposures per variant to tell 10.00% from 12.00% (+2.00 pts, +20.0%), "
        + "alpha 0.01667 per comparison, power 0.8; about 52 min at the expected traffic"), String.join("\n", t));
  }

  @Test
  void theDecidingEvaluationHasDiffLiftIntervalAndBothPValuesPerTreatment() {
    List<String> t = ABTestText.table(ABTestFixtures.rolledOut());
    String all = String.join("\n", t);

    assertTrue(t.contains("evaluation (fixed method, alpha 0.05, after 6 min):"), all);
    assertTrue(t.contains(ABTestText.COMPARISON_HEADER), all);
    assertTrue(t.contains("one-page             14.90%   +4.77 pts    +47.1%   +3.52 .. +6.02 pts (97.5%)   <0.0001  <0.0001  yes"),
        all);
    assertTrue(t.contains("two-step             10.23%   +0.11 pts    +1.0%    -1.08 .. +1.29 pts (97.5%)   0.8657   0.8657   no"),
        all);
    assertTrue(t.contains("chi-square 62.37 across the active variants, p <0.0001"), all);
    assertTrue(t.contains("=> " + ABTestFixtures.SUMMARY), all);
    assertEquals("outcome WINNER one-page; decision: rolled out (through abtest-web-checkout-rollout); confirmed by alice",
        t.get(t.size() - 1));
    // The comparisons come after the variants and the plan.
    assertTrue(t.indexOf(ABTestText.COMPARISON_HEADER) > t.indexOf(ABTestText.VARIANT_HEADER));
  }

  @Test
  void anInterimLookSaysItDoesNotDecide() {
    List<String> t = ABTestText.table(ABTestFixtures.collecting());
    String all = String.join("\n", t);

    assertTrue(t.contains("interim (fixed method, alpha 0.05, after 6 min): informative only, it does not decide"), all);
    assertEquals("outcome PENDING; decision: none yet", t.get(t.size() - 1));
  }

  @Test
  void aReadIsOneLineOfCountsAndRates() {
    assertEquals("read after 6 min  control 4800/486 10.13%  one-page 4800/715 14.90%  two-step 4790/490 10.23%"
        + "  buggy 300/44 14.67% stopped", ABTestText.read(ABTestFixtures.rolledOut()));
    assertEquals(ABTestFixtures.T0 + 360_000, ABTestText.lastRead(ABTestFixtures.rolledOut()));
  }

  @Test
  void theResultOfAFinishedTestIsOneLine() {
    assertEquals("outcome WINNER one-page; decision: rolled out (through abtest-web-checkout-rollout)",
        ABTestText.result(new ABTestResult("web", "checkout", Phase.SUCCEEDED, Outcome.WINNER, "one-page",
            ABTestResult.ROLLED_OUT, ABTestFixtures.evaluation(), "abtest-web-checkout-rollout", null)));
    assertEquals("outcome NO_DIFFERENCE; decision: reverted",
        ABTestText.result(new ABTestResult("web", "checkout", Phase.SUCCEEDED, Outcome.NO_DIFFERENCE, null,
            ABTestResult.REVERTED, null, null, null)));
  }

  @ParameterizedTest
  @CsvSource({"38.4, 38 min", "119, 119 min", "150, 2.5 h", "2880, 2 days", "4000, 2.8 days"})
  void durationsReadAsWords(double minutes, String expected) {
    assertEquals(expected, ABTestText.duration(minutes));
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
    "0.1013, 10.13%",
    "0, 0.00%",
    "null, -",
    "NaN, -",
  })
  void ratesArePercentagesWithTwoDecimals(Double v, String expected) {
    assertEquals(expected, Numbers.rate(v));
  }

  @Test
  void differencesAreSignedPercentagePoints() {
    assertEquals("+4.77 pts", Numbers.points(0.0477));
    assertEquals("-1.08 pts", Numbers.points(-0.0108));
    assertEquals("-", Numbers.points(Double.NaN));
    assertEquals("-1.08 .. +1.29 pts", Numbers.interval(-0.0108, 0.0129));
    assertEquals("-", Numbers.interval(Double.NaN, 0.1));
  }
}
