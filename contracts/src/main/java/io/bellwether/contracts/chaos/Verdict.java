package io.bellwether.contracts.chaos;

/** What a chaos experiment concluded. */
public enum Verdict {
  /** Not decided yet. */
  PENDING,
  /** Dry run: the plan was made, nothing injected. */
  DRY_RUN,
  /** Every fault ran its course, every hypothesis tolerance held, and recovery was verified. */
  HELD,
  /** Faults ran and were restored, but a probe left its during-fault tolerance: a weakness found. */
  DEVIATED,
  /** The system was not in steady state at baseline: nothing was injected. */
  NOT_STEADY,
  /**
   * Stopped before injecting: refused (error budget, blast radius), rejected at the gate, or
   * cancelled.
   */
  NOT_RUN,
  /** A guardrail, the error budget, a rollback or a cancel stopped a fault; all was restored. */
  ABORTED,
  /** Restoration could not be done or verified: people must look now. */
  RESTORATION_FAILED
}
