package io.bellwether.contracts;

/**
 * Type names of the non-retryable {@code ApplicationFailure}s Bellwether raises. Users search for
 * these in the Temporal UI and CLI output.
 */
public final class FailureTypes {
  /**
   * The spec breaks a rule; the message lists every problem as {@code field: reason}, and the
   * failure's first detail is the same list as {@code [{"field": ..., "reason": ...}]}.
   */
  public static final String INVALID_SPEC = "InvalidSpec";
  /** A name in the spec (router, backend, deployer, health check) is not in the configuration. */
  public static final String UNKNOWN_TARGET = "UnknownTarget";
  /** The router could not be reached or refused a command. */
  public static final String ROUTER_UNAVAILABLE = "RouterUnavailable";
  /** The deployer ran but could not put the version in place. */
  public static final String DEPLOY_FAILED = "DeployFailed";

  /**
   * A fault injector cannot carry out the fault as asked: a bad fault id, no or malformed targets,
   * a magnitude out of range. The same request gets the same answer.
   */
  public static final String INVALID_FAULT = "InvalidFault";

  /**
   * Another fault of the same injector already holds a target; nothing was changed. Faults of one
   * family do not stack, since restoring one would undo the other.
   */
  public static final String FAULT_CONFLICT = "FaultConflict";

  /** A rollback could not put an instance back as recorded; an operator has to look. */
  public static final String RESTORE_FAILED = "RestoreFailed";

  /**
   * An operator control that does not apply now (not an approver, self-approval under four-eyes,
   * no gate open, run finished, ...). Updates are rejected with it; the message says why.
   */
  public static final String CONTROL_REFUSED = "ControlRefused";

  /**
   * First detail of a {@link #CONTROL_REFUSED} failure when the caller may not act (not an
   * approver, self-approval under four-eyes, a verified identity required and missing or refused).
   * An API answers it with 403.
   */
  public static final String REFUSAL_FORBIDDEN = "forbidden";

  /**
   * First detail of a {@link #CONTROL_REFUSED} failure when the action does not apply now (no gate
   * open, already decided, run finished, nothing to resume, ...). An API answers it with 409. A
   * refusal without details is treated as this.
   */
  public static final String REFUSAL_CONFLICT = "conflict";

  private FailureTypes() {}
}
