package io.bellwether.analysis.abtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.abtest.Comparison;
import io.bellwether.contracts.abtest.Evaluation;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.StatsPlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every decision branch of the evaluator, with counts whose p-values are known. */
class ABEvaluatorTest {
  private static final StatsPlan FIXED =
      new StatsPlan(0.10, 0.2, null, 0.05, 0.8, null, StatsPlan.FIXED, Map.of());
  // tau = |0.15 - 0.10| = 0.05
  private static final StatsPlan SEQUENTIAL =
      new StatsPlan(0.10, 0.5, null, 0.05, 0.8, null, StatsPlan.SEQUENTIAL, Map.of());

  private static VariantCounts v(String name, long n, long x) {
    return new VariantCounts(name, n, x);
  }

  private static Evaluation fixedFinal(long required, boolean higherIsBetter, VariantCounts... c) {
    return ABEvaluator.evaluate(List.of(c), FIXED, higherIsBetter, required, true, Map.of(), 42);
  }

  @Test
  void treatmentWins() {
    // 100/1000 vs 150/1000: z = 3.38, p = 0.00072
    Evaluation e = fixedFinal(1000, true, v("control", 1000, 100), v("fast", 1000, 150));
    assertEquals(Outcome.WINNER, e.outcome());
    assertEquals("fast", e.winner());
    assertEquals(42, e.atMillis());
    assertEquals("fixed", e.method());
    assertTrue(Double.isNaN(e.chiSquare()), "no omnibus with two variants");
    Comparison c = e.comparisons().get(0);
    assertEquals(0.05, c.difference(), 1e-12);
    assertEquals(0.5, c.relativeLift(), 1e-12);
    assertEquals(0.95, c.confidence(), 1e-12);
    assertEquals(c.pValue(), c.adjustedPValue(), 0, "one treatment: nothing to adjust");
    assertEquals(0.00072, c.pValue(), 0.00001);
    assertEquals(3.381, c.zScore(), 0.001);
    assertTrue(c.ciLow() > 0 && c.ciHigh() > c.ciLow());
    assertEquals(
        "treatment fast converts 15.0% vs 10.0% (+50.0%, 95% CI +2.1..+7.9 pts, p=0.00072): winner"
            + " fast",
        e.summary());
  }

  @Test
  void controlWinsWhenEveryTreatmentIsWorse() {
    Evaluation e = fixedFinal(1000, true, v("control", 1000, 150), v("slow", 1000, 100));
    assertEquals(Outcome.WINNER, e.outcome());
    assertEquals("control", e.winner());
    assertTrue(e.summary().endsWith(": winner control (every treatment is significantly worse)"));
  }

  @Test
  void oneWorseOneEqualIsNoDifference() {
    Evaluation e =
        fixedFinal(1000, true, v("control", 1000, 150), v("slow", 1000, 90), v("same", 1000, 152));
    assertTrue(e.comparisons().get(0).significant());
    assertEquals(Outcome.NO_DIFFERENCE, e.outcome());
    assertNull(e.winner());
  }

  @Test
  void noDifference() {
    Evaluation e = fixedFinal(1000, true, v("control", 1000, 100), v("b", 1000, 105));
    assertEquals(Outcome.NO_DIFFERENCE, e.outcome());
    assertNull(e.winner());
    assertFalse(e.comparisons().get(0).significant());
    assertTrue(
        e.summary().endsWith(": no difference at alpha 0.05 with the planned 1000 per variant"),
        e.summary());
  }

  @Test
  void shortOfTheSampleIsInconclusiveEvenWithAClearEffect() {
    Evaluation e = fixedFinal(1000, true, v("control", 600, 60), v("fast", 1000, 150));
    assertTrue(e.comparisons().get(0).significant());
    assertEquals(Outcome.INCONCLUSIVE, e.outcome());
    assertNull(e.winner());
    assertTrue(
        e.summary().endsWith(": inconclusive, control has 600 of the 1000 exposures needed"),
        e.summary());
  }

  @Test
  void interimFixedLookIsPendingWhateverItShows() {
    List<VariantCounts> counts = List.of(v("control", 1000, 100), v("fast", 1000, 150));
    Evaluation e = ABEvaluator.evaluate(counts, FIXED, true, 4000, false, Map.of(), 0);
    assertEquals(Outcome.PENDING, e.outcome());
    assertNull(e.winner());
    assertTrue(
        e.comparisons().get(0).significant(), "the numbers are shown, they just don't decide");
    assertTrue(
        e.summary()
            .endsWith(
                ": pending, interim look only: the fixed test decides at 4000 exposures per variant"
                    + " (now at least 1000)"),
        e.summary());
    // same when the sample is already reached: only the final look decides
    assertEquals(
        Outcome.PENDING,
        ABEvaluator.evaluate(counts, FIXED, true, 1000, false, Map.of(), 0).outcome());
  }

  @Test
  void sequentialStopsEarlyOnAClearEffect() {
    List<VariantCounts> counts = List.of(v("control", 1000, 100), v("fast", 1000, 150));
    Evaluation e = ABEvaluator.evaluate(counts, SEQUENTIAL, true, 4000, false, Map.of(), 0);
    assertEquals("sequential", e.method());
    assertEquals(Outcome.WINNER, e.outcome());
    assertEquals("fast", e.winner());
    Comparison c = e.comparisons().get(0);
    // the always-valid p is larger than the fixed test's 0.00072: the price of looking any time
    assertTrue(c.pValue() > 0.00072 && c.pValue() < 0.05, "p " + c.pValue());
    assertTrue(e.summary().contains("always-valid p="), e.summary());
    assertTrue(e.summary().contains("confidence sequence"), e.summary());
  }

  @Test
  void sequentialBranches() {
    List<VariantCounts> weak = List.of(v("control", 1000, 100), v("b", 1000, 110));
    Evaluation pending = ABEvaluator.evaluate(weak, SEQUENTIAL, true, 4000, false, Map.of(), 0);
    assertEquals(Outcome.PENDING, pending.outcome());
    assertTrue(
        pending
            .summary()
            .endsWith(
                "pending, nothing significant yet (always-valid p-values, any look may decide)"));
    assertEquals(
        Outcome.INCONCLUSIVE,
        ABEvaluator.evaluate(weak, SEQUENTIAL, true, 4000, true, Map.of(), 0).outcome());
    assertEquals(
        Outcome.NO_DIFFERENCE,
        ABEvaluator.evaluate(weak, SEQUENTIAL, true, 1000, true, Map.of(), 0).outcome());
    List<VariantCounts> worse = List.of(v("control", 1000, 150), v("b", 1000, 100));
    Evaluation controlWins =
        ABEvaluator.evaluate(worse, SEQUENTIAL, true, 4000, false, Map.of(), 0);
    assertEquals(Outcome.WINNER, controlWins.outcome());
    assertEquals("control", controlWins.winner());
  }

  @Test
  void sequentialPValueCarriesOverFromTheLastLook() {
    List<VariantCounts> weak = List.of(v("control", 1000, 100), v("b", 1000, 130));
    Evaluation first = ABEvaluator.evaluate(weak, SEQUENTIAL, true, 4000, false, Map.of(), 0);
    double p1 = first.comparisons().get(0).pValue();
    assertEquals(0.47, p1, 0.01);
    assertEquals(Outcome.PENDING, first.outcome());
    // a later look with no effect at all keeps the earlier, smaller p
    List<VariantCounts> flat = List.of(v("control", 2000, 200), v("b", 2000, 200));
    Evaluation second =
        ABEvaluator.evaluate(flat, SEQUENTIAL, true, 4000, false, Map.of("b", p1), 0);
    assertEquals(p1, second.comparisons().get(0).pValue());
    // a prior below alpha decides on its own, for the direction the data now shows
    List<VariantCounts> up = List.of(v("control", 2000, 200), v("b", 2000, 210));
    Evaluation decided =
        ABEvaluator.evaluate(up, SEQUENTIAL, true, 4000, false, Map.of("b", 0.001), 0);
    assertEquals(Outcome.WINNER, decided.outcome());
    assertEquals("b", decided.winner());
  }

  @Test
  void threeVariantsHolmPicksTheBestSignificantTreatment() {
    // control 10%; t1 13% (z 2.97, p .003), t2 15% (z 4.8): both significant after Holm, t2 best
    Evaluation e =
        fixedFinal(2000, true, v("control", 2000, 200), v("t1", 2000, 260), v("t2", 2000, 300));
    assertEquals(Outcome.WINNER, e.outcome());
    assertEquals("t2", e.winner());
    assertEquals(0.975, e.comparisons().get(0).confidence(), 1e-12);
    assertTrue(e.chiSquarePValue() < 0.001);
    assertEquals(2, e.comparisons().stream().filter(Comparison::significant).count());
    assertTrue(
        e.summary().startsWith("treatment t2 converts 15.0% vs 10.0% (+50.0%, 97.5% CI "),
        e.summary());
    assertTrue(e.summary().contains(" adj.)"), e.summary());
    assertTrue(e.summary().contains("; also t1 13.0% (p="), e.summary());
    assertTrue(e.summary().contains("; all 3 variants chi-square "), e.summary());
  }

  @Test
  void threeVariantsAHigherRateThatIsNotSignificantDoesNotWin() {
    // t2 has the higher rate (14%) but only 200 exposures: p .078, not significant; t1 wins
    Evaluation e =
        fixedFinal(200, true, v("control", 2000, 200), v("t1", 2000, 260), v("t2", 200, 28));
    assertTrue(e.comparisons().get(0).significant());
    assertFalse(e.comparisons().get(1).significant());
    assertEquals(Outcome.WINNER, e.outcome());
    assertEquals("t1", e.winner());
  }

  @Test
  void holmCanTakeAwayWhatTwoSeparateTestsWouldGive() {
    // each treatment alone: p about .03 and .04; Holm: .06 and .06, not significant
    Evaluation e =
        fixedFinal(2000, true, v("control", 2000, 200), v("t1", 2000, 243), v("t2", 2000, 241));
    for (Comparison c : e.comparisons()) {
      assertTrue(c.pValue() < 0.05, "raw p " + c.pValue());
      assertTrue(c.adjustedPValue() >= 0.05, "adjusted p " + c.adjustedPValue());
      assertFalse(c.significant());
    }
    assertEquals(Outcome.NO_DIFFERENCE, e.outcome());
  }

  @Test
  void directionDecrease() {
    // a lower rate is better (say, a bounce or error rate)
    Evaluation lower = fixedFinal(1000, false, v("control", 1000, 150), v("calm", 1000, 100));
    assertEquals(Outcome.WINNER, lower.outcome());
    assertEquals("calm", lower.winner());
    Evaluation higher = fixedFinal(1000, false, v("control", 1000, 100), v("noisy", 1000, 150));
    assertEquals(Outcome.WINNER, higher.outcome());
    assertEquals("control", higher.winner());
    Evaluation seq =
        ABEvaluator.evaluate(
            List.of(v("control", 1000, 150), v("calm", 1000, 100)),
            SEQUENTIAL,
            false,
            4000,
            false,
            Map.of(),
            0);
    assertEquals("calm", seq.winner());
  }

  @Test
  void summaryReadsLikeTheExample() {
    Evaluation e =
        fixedFinal(
            2000,
            true,
            v("control", 2000, 202),
            v("fast-checkout", 2000, 298),
            v("banner", 2000, 210));
    assertEquals("fast-checkout", e.winner());
    assertEquals(
        "treatment fast-checkout converts 14.9% vs 10.1% (+47.5%, 97.5% CI +2.5..+7.1 pts, p<0.0001"
            + " adj.); also banner 10.5% (p=0.68 adj.); all 3 variants chi-square 27.2, p<0.0001:"
            + " winner fast-checkout",
        e.summary());
    assertFalse(e.summary().contains("NaN"), e.summary());
  }

  @Test
  void zeroCountsAreSafe() {
    for (StatsPlan plan : List.of(FIXED, SEQUENTIAL)) {
      List<VariantCounts> none = List.of(v("a", 0, 0), v("b", 0, 0), v("c", 0, 0));
      Evaluation e = ABEvaluator.evaluate(none, plan, true, 100, true, new HashMap<>(), 0);
      assertEquals(Outcome.INCONCLUSIVE, e.outcome());
      for (Comparison c : e.comparisons()) {
        assertEquals(1, c.pValue());
        assertEquals(1, c.adjustedPValue());
        assertFalse(c.significant());
        assertEquals(0, c.zScore());
        assertEquals(0, c.difference());
        assertTrue(Double.isNaN(c.relativeLift()));
      }
      assertEquals(0, e.chiSquare());
      assertEquals(1, e.chiSquarePValue());
      assertFalse(e.summary().contains("NaN"), e.summary());
      assertTrue(e.summary().contains("no exposures"), e.summary());
      assertEquals(
          Outcome.NO_DIFFERENCE,
          ABEvaluator.evaluate(none, plan, true, 0, true, Map.of(), 0).outcome());

      // control converting nobody yet: lift undefined, no NaN in the sentence
      Evaluation zeroRate =
          ABEvaluator.evaluate(
              List.of(v("a", 50, 0), v("b", 50, 2)), plan, true, 100, false, Map.of(), 0);
      assertTrue(Double.isNaN(zeroRate.comparisons().get(0).relativeLift()));
      assertFalse(zeroRate.summary().contains("NaN"), zeroRate.summary());
      assertTrue(zeroRate.summary().contains("lift n/a"), zeroRate.summary());
    }
  }

  @Test
  void notEnoughVariantsOrNoPlanDoNotThrow() {
    assertEquals(
        Outcome.INCONCLUSIVE,
        ABEvaluator.evaluate(List.of(v("a", 10, 1)), FIXED, true, 5, true, Map.of(), 0).outcome());
    assertEquals(
        Outcome.PENDING, ABEvaluator.evaluate(List.of(), FIXED, true, 5, false, null, 0).outcome());
    Evaluation noPlan =
        ABEvaluator.evaluate(
            List.of(v("control", 1000, 100), v("fast", 1000, 150)),
            null,
            true,
            1000,
            true,
            null,
            0);
    assertEquals("fast", noPlan.winner());
    // sequential without rates to set tau: no evidence, so it runs to the final look
    StatsPlan bare =
        new StatsPlan(null, null, null, null, null, null, StatsPlan.SEQUENTIAL, Map.of());
    Evaluation seq =
        ABEvaluator.evaluate(
            List.of(v("control", 1000, 100), v("fast", 1000, 150)),
            bare,
            true,
            1000,
            false,
            Map.of(),
            0);
    assertEquals(Outcome.PENDING, seq.outcome());
  }

  @Test
  void deterministic() {
    List<VariantCounts> counts =
        List.of(v("control", 1234, 130), v("t1", 1200, 150), v("t2", 1190, 99));
    for (StatsPlan plan : List.of(FIXED, SEQUENTIAL)) {
      Evaluation a = ABEvaluator.evaluate(counts, plan, true, 1000, true, Map.of("t1", 0.4), 7);
      Evaluation b = ABEvaluator.evaluate(counts, plan, true, 1000, true, Map.of("t1", 0.4), 7);
      assertEquals(a, b);
    }
  }
}
