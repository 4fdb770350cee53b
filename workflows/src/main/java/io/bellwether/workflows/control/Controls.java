package io.bellwether.workflows.control;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.workflows.gate.ApprovalGate;
import io.bellwether.workflows.gate.EventLog;
import io.temporal.failure.ApplicationFailure;

/**
 * The operator controls' shared rule book: one logic for signals and updates. A workflow computes
 * why an action does not apply now (or null), and this class turns that into the two answers the
 * contract promises: a signal that does not apply is recorded as {@code refused} in the audit trail
 * (never silently dropped); an update that does not apply is refused by its validator, so it never
 * reaches history, with the same reason.
 *
 * <p>Approve and reject go to an {@link ApprovalGate}; the gate keeps their decisions in its own
 * status as well.
 *
 * <p>Deterministic: call from workflow code (handlers and validators) only.
 */
public final class Controls {
  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";
  public static final String PAUSE = "pause";
  public static final String RESUME = "resume";
  public static final String ROLLBACK = "rollback";
  public static final String PROMOTE = "promote";

  /** Event action of a refused signal. */
  public static final String REFUSED_EVENT = "refused";

  /**
   * Failure type of a refused update, for searching in the Temporal UI and CLI output; its first
   * detail says forbidden or conflict ({@link #forbidden}, {@link #refused}).
   */
  public static final String REFUSED = FailureTypes.CONTROL_REFUSED;

  /** Who a request without a name is recorded as. */
  public static final String UNKNOWN = "unknown";

  private final EventLog log;

  /** The controls of one run, writing refusals to its audit trail. */
  public Controls(EventLog log) {
    this.log = log;
  }

  /** Why a request names nobody, or null when it names someone. */
  public static String missingBy(OperatorRequest request) {
    return request == null || isBlank(request.by()) ? "'by' is required: say who is asking" : null;
  }

  /** True for approve and reject: the controls an approval gate decides, not the run. */
  public static boolean isGateAction(String action) {
    return APPROVE.equals(action) || REJECT.equals(action);
  }

  /** "the run has finished (PHASE)" for a final phase, null while the run goes on. */
  public static String finished(Phase phase) {
    return phase != null && phase.isFinal() ? "the run has finished (" + phase + ")" : null;
  }

  /**
   * Signal path for run-level controls (pause, resume, rollback, promote): returns true when the
   * signal applies and the caller should act on it. Otherwise records a {@code refused} event with
   * the reason ({@code by} missing first, then {@code refusal}) and returns false.
   */
  public boolean admitSignal(String action, OperatorRequest request, String refusal) {
    String why = missingBy(request);
    if (why == null) {
      why = refusal;
    }
    if (why == null) {
      return true;
    }
    log.add(requester(request), REFUSED_EVENT, action + ": " + why);
    return false;
  }

  /**
   * Validator path for run-level controls: throws the refusal ({@code by} missing first, which is
   * {@link #forbidden}: nobody named may act; then {@code refusal}, a {@link #refused} conflict),
   * which keeps the update out of history; returns when it applies.
   */
  public static void check(String action, OperatorRequest request, String refusal) {
    String missing = missingBy(request);
    if (missing != null) {
      throw forbidden(action, missing);
    }
    if (refusal != null) {
      throw refused(action, refusal);
    }
  }

  /**
   * The failure an update validator or handler throws when the action does not apply now:
   * non-retryable, type {@link #REFUSED}, message "{@code <action> refused: <why>}", first detail
   * {@link FailureTypes#REFUSAL_CONFLICT} (an API answers 409).
   */
  public static ApplicationFailure refused(String action, String why) {
    return ApplicationFailure.newNonRetryableFailure(
        action + " refused: " + why, REFUSED, FailureTypes.REFUSAL_CONFLICT);
  }

  /**
   * The failure an update validator or handler throws when the caller may not act (not an approver,
   * self-approval under four eyes, a verified identity required but missing, an attestation
   * refused, nobody named): as {@link #refused}, but with first detail {@link
   * FailureTypes#REFUSAL_FORBIDDEN} (an API answers 403).
   */
  public static ApplicationFailure forbidden(String action, String why) {
    return ApplicationFailure.newNonRetryableFailure(
        action + " refused: " + why, REFUSED, FailureTypes.REFUSAL_FORBIDDEN);
  }

  /**
   * Signal path for approve/reject. {@code runRefusal} (such as {@link #finished}) comes first;
   * with no gate at all the refusal is recorded here; otherwise the gate records the decision,
   * accepted or refused, in its status and the audit trail.
   */
  public void gateSignal(
      ApprovalGate gate, String action, OperatorRequest request, String runRefusal) {
    if (runRefusal != null || gate == null) {
      log.add(
          requester(request),
          REFUSED_EVENT,
          action + ": " + (runRefusal != null ? runRefusal : noGate()));
      return;
    }
    gate.offerSignal(action, request);
  }

  /**
   * Validator path for approve/reject: throws the first of {@code runRefusal}, "no gate is open",
   * and the gate's own refusal ({@link ApprovalGate#refusal}); returns when the gate may take it.
   */
  public static void checkGate(
      ApprovalGate gate, String action, OperatorRequest request, String runRefusal) {
    if (runRefusal != null || gate == null) {
      throw refused(action, runRefusal != null ? runRefusal : noGate());
    }
    ApprovalGate.Refusal r = gate.refusalOf(action, request);
    if (r != null) {
      throw r.forbidden() ? forbidden(action, r.why()) : refused(action, r.why());
    }
  }

  /**
   * Update handler for approve/reject: hands the decision to the gate and waits until it is judged.
   * Returns the accepted decision; throws {@link #forbidden} or {@link #refused} when the gate
   * refused it (say, a forged attestation, which only the worker can tell). Either way the gate has
   * recorded it.
   */
  public static GateDecision gateUpdate(
      ApprovalGate gate, String action, OperatorRequest request, String runRefusal) {
    if (runRefusal != null || gate == null) {
      throw refused(action, runRefusal != null ? runRefusal : noGate());
    }
    GateDecision d = gate.offerUpdate(action, request);
    if (!d.accepted()) {
      throw gate.forbidden(d) ? forbidden(action, d.refusal()) : refused(action, d.refusal());
    }
    return d;
  }

  /** A short human answer for an accepted gate decision. */
  public static String answer(GateDecision d, ApprovalGate gate) {
    String who = d.by() + (d.verified() ? " (verified)" : "");
    if (REJECT.equals(d.action())) {
      return "rejected by " + who + " at gate '" + gate.name() + "'";
    }
    var s = gate.status();
    return "approved by "
        + who
        + " at gate '"
        + gate.name()
        + "': "
        + s.approvals().size()
        + " of "
        + s.requiredApprovals()
        + " approval(s)";
  }

  private static String noGate() {
    return "no gate is open: this run has no approval gate";
  }

  private static String requester(OperatorRequest request) {
    return request == null || isBlank(request.by()) ? UNKNOWN : request.by().strip();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
