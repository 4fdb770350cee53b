package io.bellwether.contracts.abtest;

/** What an A/B test concluded. */
public enum Outcome {
  /** Still collecting: no conclusion yet. */
  PENDING,
  /** A variant is significantly better than every other (after the correction); see winner. */
  WINNER,
  /** The planned sample size was reached and no treatment differs significantly from control. */
  NO_DIFFERENCE,
  /**
   * Not enough data to say: the sample size was not reached in {@code maxDuration} (or the data
   * went missing). Never rolls anything out.
   */
  INCONCLUSIVE,
  /**
   * Stopped before a conclusion: a guardrail broke (on the control, or on the last treatment), or
   * a person rolled the test back, or it was cancelled.
   */
  STOPPED
}
