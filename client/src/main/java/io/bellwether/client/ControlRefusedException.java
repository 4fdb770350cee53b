package io.bellwether.client;

import io.bellwether.contracts.FailureTypes;
import io.temporal.failure.ApplicationFailure;

/**
 * The run refused an operator control because it does not apply now (no gate open, not an
 * approver, self-approval under four-eyes, run finished, ...). The refusal left no trace in the
 * run's history; nothing changed. Retrying the same request gets the same answer until the run's
 * state changes. {@link #forbidden()} tells a refusal of the caller (an API's 403) from one of the
 * moment (409).
 */
public class ControlRefusedException extends RuntimeException {
  private final String workflowId;
  private final String action;
  private final String reason;
  private final String category;

  public ControlRefusedException(String workflowId, String action, String reason, Throwable cause) {
    super(action + " refused by " + workflowId + ": " + reason, cause);
    this.workflowId = workflowId;
    this.action = action;
    this.reason = reason;
    this.category = category(cause);
  }

  /**
   * Whether the run refused because the caller may not act (not an approver, self-approval under
   * four-eyes, verified identity missing or refused), rather than because the action does not
   * apply now.
   */
  public boolean forbidden() {
    return FailureTypes.REFUSAL_FORBIDDEN.equals(category);
  }

  /**
   * {@link FailureTypes#REFUSAL_FORBIDDEN} or {@link FailureTypes#REFUSAL_CONFLICT}: the first
   * detail of the first {@link ApplicationFailure} in the cause chain; a refusal without that
   * detail (or with another) counts as a conflict.
   */
  public String category() {
    return category;
  }

  static String category(Throwable cause) {
    for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        try {
          if (af.getDetails() != null && af.getDetails().getSize() > 0) {
            Object first = af.getDetails().get(0, String.class);
            if (FailureTypes.REFUSAL_FORBIDDEN.equals(first)) {
              return FailureTypes.REFUSAL_FORBIDDEN;
            }
          }
        } catch (RuntimeException unreadable) {
          // Not a string: not one of ours, so not a statement about the caller.
        }
        return FailureTypes.REFUSAL_CONFLICT;
      }
    }
    return FailureTypes.REFUSAL_CONFLICT;
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
