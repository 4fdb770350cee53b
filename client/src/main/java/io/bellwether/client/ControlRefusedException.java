package io.bellwether.client;

/**
 * The run refused an operator control because it does not apply now (no gate open, not an
 * approver, self-approval under four-eyes, run finished, ...). The refusal left no trace in the
 * run's history; nothing changed. Retrying the same request gets the same answer until the run's
 * state changes.
 */
public class ControlRefusedException extends RuntimeException {
  private final String workflowId;
  private final String action;
  private final String reason;

  public ControlRefusedException(String workflowId, String action, String reason, Throwable cause) {
    super(action + " refused by " + workflowId + ": " + reason, cause);
    this.workflowId = workflowId;
    this.action = action;
    this.reason = reason;
  }

  /** The run that refused. */
  public String workflowId() {
    return workflowId;
  }

  /** The refused action: {@code approve}, {@code reject}, {@code pause}, ... */
  public String action() {
    return action;
  }

  /** The run's own words on why it refused. */
  public String reason() {
    return reason;
  }
}
