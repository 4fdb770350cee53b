package io.bellwether.starter.follow;

import io.bellwether.contracts.rolling.RollingResult;
import java.time.Duration;

/**
 * How a followed run ended, as the CLI reports it.
 *
 * @param workflowId the run
 * @param outcome SUCCEEDED, ROLLED_BACK, FAILED, INVALID_SPEC, CANCELED, TERMINATED or TIMED_OUT
 * @param message why, from the workflow or its failure
 * @param result the workflow's result; null when it did not return one
 * @param elapsed from when following began to the end
 */
public record RunOutcome(
    String workflowId, String outcome, String message, RollingResult result, Duration elapsed) {
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String ROLLED_BACK = "ROLLED_BACK";
  public static final String FAILED = "FAILED";
  public static final String INVALID_SPEC = "INVALID_SPEC";
  public static final String CANCELED = "CANCELED";

  /** The CLI's exit code: 0 succeeded, 2 the worker rejected the spec, 1 anything else. */
  public int exitCode() {
    return switch (outcome) {
      case SUCCEEDED -> 0;
      case INVALID_SPEC -> 2;
      default -> 1;
    };
  }
}
