package io.bellwether.contracts.rolling;

/** Where a run is. The last three are final. */
public enum Phase {
  /** Checking the spec against the configuration and reading the pool. */
  VALIDATING,
  /** Working on a batch. */
  PROGRESSING,
  /** Waiting after a batch before the next (bake time). */
  BAKING,
  /** Waiting for {@code resume}. */
  PAUSED,
  /** Putting every touched instance back as it was recorded. */
  ROLLING_BACK,
  /** Every instance runs the new version and is back in rotation. */
  SUCCEEDED,
  /** The pool is back exactly as it started. */
  ROLLED_BACK,
  /** The run stopped on an error it could not undo; see the events. */
  FAILED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == ROLLED_BACK || this == FAILED;
  }
}
