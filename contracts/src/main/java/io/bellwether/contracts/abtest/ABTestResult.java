package io.bellwether.contracts.abtest;

import io.bellwether.contracts.rolling.Phase;

/**
 * Result of an A/B test run.
 *
 * @param service the service
 * @param experiment the experiment's name
 * @param phase SUCCEEDED (the test concluded and its decision was applied), ROLLED_BACK (stopped
 *     early and reverted), FAILED (something could not be undone; see reason) or ABORTED (refused
 *     before any change)
 * @param outcome what the test concluded
 * @param winner the winner's name when outcome is WINNER
 * @param decision {@code rolled out} or {@code reverted}
 * @param evaluation the deciding evaluation (null when stopped before one)
 * @param promotion the rolling child's workflow id when a rollout ran
 * @param reason why, for anything but a clean conclusion
 */
public record ABTestResult(
    String service,
    String experiment,
    Phase phase,
    Outcome outcome,
    String winner,
    String decision,
    Evaluation evaluation,
    String promotion,
    String reason) {
  public static final String ROLLED_OUT = "rolled out";
  public static final String REVERTED = "reverted";
}
