package io.bellwether.starter.follow;

import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.bluegreen.BlueGreenResult;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.rolling.RollingResult;
import java.time.Duration;

/**
 * How a followed run ended, as the CLI reports it.
 *
 * @param workflowId the run
 * @param outcome SUCCEEDED, ROLLED_BACK, ABORTED (blue-green: green never took traffic), FAILED,
 *     INVALID_SPEC, CANCELED, TERMINATED or TIMED_OUT
 * @param message why, from the workflow or its failure
 * @param result a rolling run's result; null when it did not return one or is not rolling
 * @param elapsed from when following began to the end
 * @param blueGreen a blue-green run's result; null otherwise
 * @param canary a canary run's result; null otherwise
 * @param abTest an A/B test's result; null otherwise
 * @param chaos a chaos experiment's result; null otherwise
 */
public record RunOutcome(
    String workflowId,
    String outcome,
    String message,
    RollingResult result,
    Duration elapsed,
    BlueGreenResult blueGreen,
    CanaryResult canary,
    ABTestResult abTest,
    ChaosResult chaos) {
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String ROLLED_BACK = "ROLLED_BACK";
  public static final String FAILED = "FAILED";
  public static final String INVALID_SPEC = "INVALID_SPEC";
  public static final String CANCELED = "CANCELED";
  public static final String ABORTED = "ABORTED";

  /** An A/B test's outcome (or any other without a chaos result). */
  public RunOutcome(
      String workflowId,
      String outcome,
      String message,
      RollingResult result,
      Duration elapsed,
      BlueGreenResult blueGreen,
      CanaryResult canary,
      ABTestResult abTest) {
    this(workflowId, outcome, message, result, elapsed, blueGreen, canary, abTest, null);
  }

  /** A canary run's outcome (or any other without an A/B test result). */
  public RunOutcome(
      String workflowId,
      String outcome,
      String message,
      RollingResult result,
      Duration elapsed,
      BlueGreenResult blueGreen,
      CanaryResult canary) {
    this(workflowId, outcome, message, result, elapsed, blueGreen, canary, null, null);
  }

  /** A rolling or blue-green run's outcome. */
  public RunOutcome(
      String workflowId,
      String outcome,
      String message,
      RollingResult result,
      Duration elapsed,
      BlueGreenResult blueGreen) {
    this(workflowId, outcome, message, result, elapsed, blueGreen, null, null, null);
  }

  /** A rolling run's outcome, or one without a result. */
  public RunOutcome(
      String workflowId, String outcome, String message, RollingResult result, Duration elapsed) {
    this(workflowId, outcome, message, result, elapsed, null, null, null, null);
  }

  /**
   * The CLI's exit code: 0 succeeded, 2 the worker rejected the spec, 1 anything else. A chaos
   * experiment whose hypothesis did not hold (DEVIATED) completes, but exits 1: it found a
   * weakness.
   */
  public int exitCode() {
    if (chaos != null && chaos.verdict() == Verdict.DEVIATED) {
      return 1;
    }
    return switch (outcome) {
      case SUCCEEDED -> 0;
      case INVALID_SPEC -> 2;
      default -> 1;
    };
  }
}
