package io.bellwether.contracts.rolling;

/**
 * Where a run is, shared by every strategy. {@link #isFinal()} tells the final ones. Rolling runs
 * use VALIDATING, PROGRESSING, BAKING, PAUSED, AWAITING_APPROVAL, ROLLING_BACK and the final ones;
 * blue-green runs add PROVISIONING, VERIFYING, SWITCHING, WATCHING and SCALING_DOWN.
 */
public enum Phase {
  /** Checking the spec against the configuration and reading the pool. */
  VALIDATING,
  /** Working on a batch. */
  PROGRESSING,
  /** Waiting after a batch before the next (bake time). */
  BAKING,
  /** Waiting for {@code resume}. */
  PAUSED,
  /** Starting the new pool. */
  PROVISIONING,
  /** Health and smoke checks on the new pool, before it takes traffic. */
  VERIFYING,
  /** An approval gate is open and waiting for people. */
  AWAITING_APPROVAL,
  /** Moving traffic to the new pool. */
  SWITCHING,
  /** The new pool has the traffic; its health is watched while the old pool is kept. */
  WATCHING,
  /** Waiting out the old pool's retention, then decommissioning it. */
  SCALING_DOWN,
  /** Putting every touched instance back as it was recorded. */
  ROLLING_BACK,
  /** Every instance runs the new version and is back in rotation. */
  SUCCEEDED,
  /** The pool is back exactly as it started. */
  ROLLED_BACK,
  /** The run stopped on an error it could not undo; see the events. */
  FAILED,
  /** Stopped before any change reached traffic (a rejection, or a gate timeout with abort). */
  ABORTED,
  /** Canary: an analysis step is measuring. */
  ANALYZING,
  /**
   * Canary: an analysis could not decide (no data, NaN, too few samples, provider down). The run
   * never promotes from here on its own: it waits for the data to come back, {@code promote} or
   * {@code rollback}.
   */
  INCONCLUSIVE,
  /** Canary: the rest of the instances are being upgraded (a child rolling deployment). */
  PROMOTING,
  /** A/B test: the split is open and counts are read every interval. */
  COLLECTING,
  /** Chaos: steady-state probes are read over the baseline window; nothing injected yet. */
  BASELINE,
  /** Chaos: a fault step is being put in force (its compensation already recorded). */
  INJECTING,
  /** Chaos: a fault is in force; guardrails, error budget and probes are read every interval. */
  FAULT_ACTIVE,
  /** Chaos: faults are being taken away. */
  RESTORING;

  public boolean isFinal() {
    return this == SUCCEEDED || this == ROLLED_BACK || this == FAILED || this == ABORTED;
  }
}
