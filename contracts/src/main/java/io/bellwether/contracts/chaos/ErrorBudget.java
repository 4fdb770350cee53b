package io.bellwether.contracts.chaos;

/**
 * The error-budget arithmetic, pure so workflows and tests share it.
 *
 * <p>The service's remaining budget is what its SLO allows in the window minus what failed:
 * {@code (1 - objective) * windowTotal - windowFailed} requests. What an experiment may burn is
 * {@code maxFailedRequests}, or else {@code maxFailedRatio} of the requests expected in its planned
 * time ({@code ratePerSecond * seconds}). An experiment is refused when it may burn more than
 * remains.
 *
 * <p>Burned is counted from the counters at the first injection: failed now minus failed then
 * (never below zero: a counter reset counts as nothing burned since). The ratio bound is only
 * judged once enough requests were seen for one failure not to decide alone ({@code total >=
 * 1 / maxFailedRatio}).
 */
public final class ErrorBudget {
  private ErrorBudget() {}

  /** Requests the SLO still allows in its window (may be negative: already overspent). */
  public static double remaining(SloReading r) {
    return (1.0 - r.objective()) * r.windowTotal() - r.windowFailed();
  }

  /** Failed requests the experiment may cause in {@code plannedSeconds}; null when unbounded. */
  public static Double allowance(ErrorBudgetSpec spec, SloReading r, double plannedSeconds) {
    if (spec == null) {
      return null;
    }
    if (spec.maxFailedRequests() != null) {
      return spec.maxFailedRequests().doubleValue();
    }
    if (spec.maxFailedRatio() != null && r != null && r.ratePerSecond() != null) {
      return spec.maxFailedRatio() * r.ratePerSecond() * plannedSeconds;
    }
    return null;
  }

  /**
   * Why the experiment must not start, or null when it may: the allowance exceeds the remaining
   * budget.
   */
  public static String refusal(ErrorBudgetSpec spec, SloReading r, double plannedSeconds) {
    Double allowance = allowance(spec, r, plannedSeconds);
    if (allowance == null || r == null) {
      return null;
    }
    double remaining = remaining(r);
    if (remaining < allowance) {
      return String.format(
          java.util.Locale.ROOT,
          "the service's remaining error budget is %.0f requests (SLO %s over %s: %.0f failed of"
              + " %.0f), less than the %.0f this experiment may burn",
          Math.max(remaining, 0),
          r.objective(),
          r.window(),
          r.windowFailed(),
          r.windowTotal(),
          allowance);
    }
    return null;
  }

  /** Requests failed since {@code start} (never negative). */
  public static double burned(SloReading start, SloReading now) {
    if (start == null || now == null || start.failed() == null || now.failed() == null) {
      return 0;
    }
    return Math.max(0, now.failed() - start.failed());
  }

  /** Requests seen since {@code start} (never negative). */
  public static double seen(SloReading start, SloReading now) {
    if (start == null || now == null || start.total() == null || now.total() == null) {
      return 0;
    }
    return Math.max(0, now.total() - start.total());
  }

  /** Why what was burned breaks the experiment's budget, or null when it does not. */
  public static String breach(ErrorBudgetSpec spec, double burned, double seen) {
    if (spec == null) {
      return null;
    }
    if (spec.maxFailedRequests() != null && burned > spec.maxFailedRequests()) {
      return String.format(
          java.util.Locale.ROOT,
          "error budget: %.0f failed requests > %d allowed",
          burned,
          spec.maxFailedRequests());
    }
    Double ratio = spec.maxFailedRatio();
    if (ratio != null && ratio > 0 && seen >= 1.0 / ratio && burned / seen > ratio) {
      return String.format(
          java.util.Locale.ROOT,
          "error budget: %.0f of %.0f requests failed (%.4f > %s allowed)",
          burned,
          seen,
          burned / seen,
          ratio);
    }
    return null;
  }
}
