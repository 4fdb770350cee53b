package io.bellwether.workflows.gate;

/** Where gates and controls write the audit trail. */
public interface EventLog {
  /**
   * Appends one line to the run's audit trail, stamped with the workflow clock. Called from
   * workflow code only, so implementations must be deterministic (no I/O).
   */
  void add(String by, String action, String detail);
}
