package io.bellwether.contracts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The error budget's arithmetic: what remains, what an experiment may burn, and breaches. */
class ErrorBudgetTest {
  /** 99% over 1h: 100000 requests in the window, {@code failed} of them failed; 50 a second. */
  static SloReading window(double failed) {
    return new SloReading(0.99, "1h", 100_000.0, failed, 20_000.0, 300.0, 50.0, "");
  }

  static SloReading counters(double total, double failed) {
    return new SloReading(0.99, "1h", 100_000.0, 100.0, total, failed, 50.0, "");
  }

  @Test
  void theRemainingBudgetIsWhatTheObjectiveAllowsMinusWhatFailed() {
    assertEquals(900.0, ErrorBudget.remaining(window(100)), 1e-6);
    assertEquals(-200.0, ErrorBudget.remaining(window(1200)), 1e-6, "already overspent");
  }

  @Test
  void theAllowanceIsTheCountOrTheRatioOfTheRequestsExpected() {
    assertEquals(200.0, ErrorBudget.allowance(new ErrorBudgetSpec(200L, 0.5), window(0), 60));
    // 1% of 50 requests a second for 120 seconds.
    assertEquals(60.0, ErrorBudget.allowance(new ErrorBudgetSpec(null, 0.01), window(0), 120), 1e-9);
    assertNull(ErrorBudget.allowance(null, window(0), 60), "no budget: unbounded");
    SloReading noRate = new SloReading(0.99, "1h", 100_000.0, 0.0, 1.0, 0.0, null, "no rate");
    assertNull(ErrorBudget.allowance(new ErrorBudgetSpec(null, 0.01), noRate, 60));
  }

  @Test
  void anExperimentThatMayBurnMoreThanRemainsIsRefused() {
    String why = ErrorBudget.refusal(new ErrorBudgetSpec(200L, null), window(950), 60);
    assertEquals(
        "the service's remaining error budget is 50 requests (SLO 0.99 over 1h: 950 failed of"
            + " 100000), less than the 200 this experiment may burn",
        why);
    assertEquals(
        "the service's remaining error budget is 0 requests (SLO 0.99 over 1h: 1500 failed of"
            + " 100000), less than the 1 this experiment may burn",
        ErrorBudget.refusal(new ErrorBudgetSpec(1L, null), window(1500), 60),
        "an overspent budget reads as 0");
  }

  @Test
  void anExperimentWithinWhatRemainsOrWithoutABudgetMayRun() {
    assertNull(ErrorBudget.refusal(new ErrorBudgetSpec(200L, null), window(100), 60));
    assertNull(ErrorBudget.refusal(new ErrorBudgetSpec(900L, null), window(100), 60), "exactly what remains");
    assertNull(ErrorBudget.refusal(null, window(5000), 60));
    assertNull(ErrorBudget.refusal(new ErrorBudgetSpec(200L, null), null, 60), "no SLO reading");
  }

  @Test
  void burnedAndSeenCountFromTheFirstInjection() {
    assertEquals(25.0, ErrorBudget.burned(counters(1000, 10), counters(1500, 35)));
    assertEquals(500.0, ErrorBudget.seen(counters(1000, 10), counters(1500, 35)));
  }

  @Test
  void aCounterResetCountsAsNothingBurned() {
    assertEquals(0.0, ErrorBudget.burned(counters(1000, 10), counters(20, 3)));
    assertEquals(0.0, ErrorBudget.seen(counters(1000, 10), counters(20, 3)));
  }

  @Test
  void missingCountersBurnNothing() {
    SloReading none = new SloReading(0.99, "1h", null, null, null, null, null, "no data");
    assertEquals(0.0, ErrorBudget.burned(none, counters(1, 1)));
    assertEquals(0.0, ErrorBudget.burned(null, counters(1, 1)));
    assertEquals(0.0, ErrorBudget.seen(counters(1, 1), null));
  }

  @Test
  void goingPastTheCountIsABreach() {
    ErrorBudgetSpec spec = new ErrorBudgetSpec(100L, null);
    assertNull(ErrorBudget.breach(spec, 100, 1000), "at the limit is fine");
    assertEquals("error budget: 101 failed requests > 100 allowed", ErrorBudget.breach(spec, 101, 1000));
    assertNull(ErrorBudget.breach(null, 1e9, 1e9));
  }

  @Test
  void goingPastTheRatioIsABreachOnceEnoughRequestsWereSeen() {
    ErrorBudgetSpec spec = new ErrorBudgetSpec(null, 0.01);
    // Fewer than 1 / 0.01 = 100 requests: one failure must not decide alone.
    assertNull(ErrorBudget.breach(spec, 5, 99));
    assertEquals("error budget: 5 of 100 requests failed (0.0500 > 0.01 allowed)", ErrorBudget.breach(spec, 5, 100));
    assertNull(ErrorBudget.breach(spec, 1, 100), "exactly the ratio is fine");
    assertNull(ErrorBudget.breach(spec, 0, 0));
  }

  @Test
  void theCountIsJudgedBeforeTheRatio() {
    ErrorBudgetSpec both = new ErrorBudgetSpec(10L, 0.5);
    assertEquals("error budget: 11 failed requests > 10 allowed", ErrorBudget.breach(both, 11, 1000));
    assertEquals("error budget: 6 of 10 requests failed (0.6000 > 0.5 allowed)", ErrorBudget.breach(both, 6, 10));
  }
}
