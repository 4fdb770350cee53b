package io.bellwether.workflows.gate;

import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.gate.ResolvedApprovers;
import io.bellwether.contracts.gate.VerifiedIdentity;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.workflows.AuditTrail;
import io.bellwether.workflows.Failures;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A step that waits for people, shared by every strategy. Workflow state: only workflow code (the
 * run's main thread and its signal and update handlers) touches it.
 *
 * <p>Decisions are queued by the handlers and judged by the thread blocked in {@link #await}, in
 * arrival order, because judging one may need an activity (verifying an attestation) and a signal
 * handler must not block. Every decision, accepted or refused, becomes a {@link GateDecision} in
 * {@link #status()} and a line in the {@link EventLog}.
 *
 * <p>Identity: a declared {@code by} is taken at its word unless the gate requires a verified
 * identity. An attestation is checked by the worker ({@link GateActivities#verifyAttestation}),
 * which alone holds the keys; history only ever sees the token, which is bound to this run and
 * action and so cannot be replayed elsewhere.
 */
public final class ApprovalGate {
  /** How {@link #await} ended. */
  public enum Outcome {
    APPROVED,
    REJECTED,
    TIMED_OUT_ABORT,
    TIMED_OUT_PROCEED,
    INTERRUPTED
  }

  public static final String PENDING = "PENDING";
  public static final String OPEN = "OPEN";
  public static final String APPROVED = "APPROVED";
  public static final String REJECTED = "REJECTED";
  public static final String TIMED_OUT_ABORTED = "TIMED_OUT_ABORTED";
  public static final String TIMED_OUT_PROCEEDED = "TIMED_OUT_PROCEEDED";

  /**
   * The gate stopped waiting because the run is rolling back or was canceled. Not among the states
   * GateStatus documents, which cover only gates that reached a verdict.
   */
  public static final String INTERRUPTED = "INTERRUPTED";

  /**
   * Why a decision is refused, and whether because of who asks ({@code forbidden}: not an approver,
   * self-approval under four eyes, a verified identity required and missing, an attestation
   * refused, nobody named) or because of when ({@code forbidden} false: no gate open, already
   * decided, an attestation that could not be checked yet).
   */
  public record Refusal(String why, boolean forbidden) {
    static Refusal conflict(String why) {
      return new Refusal(why, false);
    }

    static Refusal forbidden(String why) {
      return new Refusal(why, true);
    }
  }

  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";

  public static final String CHANNEL_SIGNAL = "signal";
  public static final String CHANNEL_UPDATE = "update";
  public static final String CHANNEL_TIMEOUT = "timeout";

  /** Who decides when the gate decides on its own (a timeout). */
  public static final String BELLWETHER = "bellwether";

  /** Who a decision without any name is recorded as. */
  public static final String UNKNOWN = "unknown";

  static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  private final String name;
  private final ApprovalGateSpec spec;
  private final String runStarter;
  private final String workflowId;
  private final GateActivities activities;
  private final EventLog log;

  private String state = PENDING;

  /**
   * True while the gate has been reached but is still resolving its approvers. Decisions offered
   * then are queued and judged once it opens: a person who sees the run waiting at the gate must
   * not be refused because of an activity still in flight (or retried after a worker crash).
   */
  private boolean opening;

  private List<String> approvers;
  private final List<String> approvals = new ArrayList<>();

  /** Users whose decision counted; each user decides once. */
  private final Set<String> decided = new LinkedHashSet<>();

  private final List<GateDecision> decisions = new ArrayList<>();
  private final Deque<Offer> queue = new ArrayDeque<>();
  private String deadline = "";
  private boolean rejected;
  private GateDecision decisive;

  /** The refused decisions whose refusal was about who asked; by identity, decisions are values. */
  private final Set<GateDecision> forbiddenDecisions =
      Collections.newSetFromMap(new IdentityHashMap<>());

  /** Told once, when the gate opens; null when nobody listens. */
  private BiConsumer<String, List<String>> openListener;

  /**
   * name e.g. "before-switch"; runStarter = spec.requestedBy (for four-eyes); workflowId for
   * attestations. Creates the gate in state PENDING; nothing is called until {@link #await}.
   */
  public ApprovalGate(
      String name,
      ApprovalGateSpec spec,
      String runStarter,
      String workflowId,
      GateActivities activities,
      EventLog log) {
    this.name = name;
    this.spec = spec;
    this.runStarter = runStarter == null ? "" : runStarter.strip();
    this.workflowId = workflowId;
    this.activities = activities;
    this.log = log;
    this.approvers = List.copyOf(new TreeSet<>(spec.approversOrEmpty()));
  }

  /**
   * Registers what to do when the gate opens: {@code listener} gets the gate's name and the users
   * who may decide (approvers and resolved group members), once, from the thread in {@link #await}.
   * It must not block (queue a notification, say). Returns this gate.
   */
  public ApprovalGate onOpen(BiConsumer<String, List<String>> listener) {
    this.openListener = listener;
    return this;
  }

  /**
   * The GateActivities stub gates use. Both calls read the worker configuration and are safe to
   * repeat, so they retry for about a minute (1s doubling to 10s), and give up after 2 minutes in
   * all, also when no worker serves them; a gate never fails on them, it records the trouble and
   * carries on (see {@link #await}). Call from workflow code only.
   */
  public static GateActivities newActivities() {
    return Workflow.newActivityStub(
        GateActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setScheduleToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setBackoffCoefficient(2)
                    .setMaximumInterval(Duration.ofSeconds(10))
                    .setMaximumAttempts(8)
                    .build())
            .build());
  }

  /**
   * Opens the gate (resolves approvers through the activity; unknown names are recorded and
   * ignored), then blocks until enough distinct allowed approvals, a rejection, the timeout, or
   * interrupt.get() is true (e.g. a rollback/cancel). Processes queued decisions in the workflow
   * thread, verifying attestations with the activity. Call once. A workflow cancel ends it with
   * {@link CanceledFailure} (state INTERRUPTED); decisions still queued are then refused.
   */
  public Outcome await(Supplier<Boolean> interrupt) {
    if (!PENDING.equals(state)) {
      throw new IllegalStateException("gate '" + name + "' was already awaited");
    }
    Duration timeout = Durations.parseOr(spec.timeoutOrDefault(), DEFAULT_TIMEOUT);
    try {
      opening = true;
      resolveApprovers();
      opening = false;
      long deadlineMillis = Workflow.currentTimeMillis() + timeout.toMillis();
      deadline = Instant.ofEpochMilli(deadlineMillis).toString();
      state = OPEN;
      log.add(
          BELLWETHER,
          "gate-open",
          name
              + ": "
              + spec.requiredApprovalsOrDefault()
              + " approval(s) needed from "
              + String.join(", ", approvers)
              + "; times out at "
              + deadline
              + " ("
              + spec.onTimeoutOrDefault()
              + ")");
      if (openListener != null) {
        openListener.accept(name, List.copyOf(approvers));
      }
      while (true) {
        judgeQueued();
        if (rejected) {
          return close(REJECTED, Outcome.REJECTED);
        }
        if (approvals.size() >= spec.requiredApprovalsOrDefault()) {
          return close(APPROVED, Outcome.APPROVED);
        }
        if (Boolean.TRUE.equals(interrupt.get())) {
          return close(INTERRUPTED, Outcome.INTERRUPTED);
        }
        long left = deadlineMillis - Workflow.currentTimeMillis();
        boolean woken =
            left > 0
                && Workflow.await(
                    Duration.ofMillis(left),
                    () -> !queue.isEmpty() || Boolean.TRUE.equals(interrupt.get()));
        if (!woken) {
          return timedOut(timeout);
        }
      }
    } finally {
      opening = false;
      if (PENDING.equals(state) || OPEN.equals(state)) {
        state = INTERRUPTED;
      }
      // Nobody is left to judge what is still queued; an update handler waiting on it gets its
      // refusal now instead of hanging past the end of the run.
      while (!queue.isEmpty()) {
        Offer o = queue.poll();
        o.result = refuse(o, declaredBy(o.request), false, Refusal.conflict(noGateOpen()));
      }
    }
  }

  public boolean isOpen() {
    return OPEN.equals(state);
  }

  /** Open, or reached and about to open: decisions are queued. */
  private boolean accepting() {
    return isOpen() || opening;
  }

  /**
   * Why this decision would be refused right now, or null: no gate open, run finished (caller
   * checks), by missing, not an approver, self-approval under four-eyes, already decided by that
   * user, verified identity required but no attestation given. Used by update validators
   * (deterministic, no activities). With an attestation the identity checks use the declared {@code
   * by} when one is given; the attested identity is checked again once verified.
   */
  public String refusal(String action, OperatorRequest request) {
    Refusal r = refusalOf(action, request);
    return r == null ? null : r.why();
  }

  /** {@link #refusal}, with whether it is about who asks (forbidden) or about when (conflict). */
  public Refusal refusalOf(String action, OperatorRequest request) {
    if (!accepting()) {
      return Refusal.conflict(noGateOpen());
    }
    if (!APPROVE.equals(action) && !REJECT.equals(action)) {
      return Refusal.conflict("unknown action '" + action + "' at a gate");
    }
    boolean attested = request != null && !isBlank(request.attestation());
    String by = declaredBy(request);
    if (by.isEmpty()) {
      return attested ? null : Refusal.forbidden(missingBy());
    }
    // While the approvers are still being resolved, who may decide is not known yet: the
    // decision is queued and judged in full once the gate opens.
    return opening ? null : identityRefusal(action, by, attested);
  }

  /**
   * Whether {@code d}, a decision this gate refused, was refused because of who asked (not an
   * approver, four eyes, identity required or refused, nobody named) rather than because of when.
   * False for accepted decisions and for decisions this gate did not record.
   */
  public boolean forbidden(GateDecision d) {
    return forbiddenDecisions.contains(d);
  }

  /**
   * Signal path: queue the decision (channel "signal"); a refusal is recorded in status with its
   * reason, never dropped. Never blocks.
   */
  public void offerSignal(String action, OperatorRequest request) {
    Offer o = new Offer(action, request, CHANNEL_SIGNAL);
    if (!accepting()) {
      o.result = refuse(o, declaredBy(request), false, Refusal.conflict(noGateOpen()));
      return;
    }
    queue.add(o);
  }

  /**
   * Update path: queue it (channel "update") and block until the gate loop has processed it;
   * returns the recorded decision (accepted or refused, e.g. a forged attestation). Call from an
   * update handler.
   */
  public GateDecision offerUpdate(String action, OperatorRequest request) {
    Offer o = new Offer(action, request, CHANNEL_UPDATE);
    if (!accepting()) {
      o.result = refuse(o, declaredBy(request), false, Refusal.conflict(noGateOpen()));
      return o.result;
    }
    queue.add(o);
    Workflow.await(() -> o.result != null);
    return o.result;
  }

  /**
   * The gate as status shows it: state PENDING before await, OPEN, APPROVED, REJECTED,
   * TIMED_OUT_ABORTED, TIMED_OUT_PROCEEDED, or INTERRUPTED when a rollback or cancel ended the
   * wait. Never null; a copy, safe to hand to a query.
   */
  public GateStatus status() {
    return new GateStatus(
        name,
        state,
        List.copyOf(approvers),
        spec.requiredApprovalsOrDefault(),
        List.copyOf(approvals),
        spec.allowSelfApprovalOrDefault(),
        spec.requireVerifiedIdentityOrDefault(),
        deadline,
        spec.onTimeoutOrDefault(),
        List.copyOf(decisions));
  }

  /**
   * Who ended a run, for its last notification: {@code by} (who asked for the rollback) when it is
   * not blank, else the person whose rejection closed {@code gate} (null when there is no gate
   * yet), else {@code by} as given.
   */
  public static String endedBy(String by, ApprovalGate gate) {
    if ((by == null || by.isBlank())
        && gate != null
        && REJECTED.equals(gate.state())
        && gate.decisive() != null) {
      return gate.decisive().by();
    }
    return by;
  }

  /** The decision that closed the gate (a rejection, the last approval, the timeout), or null. */
  public GateDecision decisive() {
    return decisive;
  }

  public String name() {
    return name;
  }

  public String state() {
    return state;
  }

  /** The gate's timeout as the spec gives it, or the default; for messages. */
  public String timeoutText() {
    return spec.timeoutOrDefault();
  }

  // ---------------------------------------------------------------------------------------------

  private void resolveApprovers() {
    try {
      ResolvedApprovers r =
          activities.resolveApprovers(spec.approversOrEmpty(), spec.approverGroupsOrEmpty());
      Set<String> users = new TreeSet<>(r.users() == null ? List.of() : r.users());
      List<Violation> problems = r.problems() == null ? List.of() : r.problems();
      // A user the configuration does not know is ignored even if the activity echoed the name.
      List<String> named = spec.approversOrEmpty();
      for (int i = 0; i < named.size(); i++) {
        String field = "approvers[" + i + "]";
        if (problems.stream().anyMatch(v -> v.field().endsWith(field))) {
          users.remove(named.get(i));
        }
      }
      approvers = List.copyOf(users);
      if (!problems.isEmpty()) {
        log.add(
            BELLWETHER,
            "gate-approvers-ignored",
            name + ": " + problems.stream().map(Violation::toString).toList());
      }
    } catch (ActivityFailure f) {
      throwIfCanceled();
      // Only the named users can decide now; groups stay unknown. Failing the run here would leave
      // a rolling run with changed instances and no restore.
      log.add(
          BELLWETHER,
          "gate-approvers-unresolved",
          name
              + ": groups could not be resolved, only named users may decide: "
              + Failures.innermostMessage(f));
    }
  }

  private void judgeQueued() {
    while (!queue.isEmpty() && !rejected && approvals.size() < spec.requiredApprovalsOrDefault()) {
      Offer o = queue.poll();
      o.result = judge(o);
    }
  }

  private GateDecision judge(Offer o) {
    String declared = declaredBy(o.request);
    if (!APPROVE.equals(o.action) && !REJECT.equals(o.action)) {
      return refuse(
          o, declared, false, Refusal.conflict("unknown action '" + o.action + "' at a gate"));
    }
    String attestation = o.request == null ? null : o.request.attestation();
    if (isBlank(attestation)) {
      if (declared.isEmpty()) {
        return refuse(o, declared, false, Refusal.forbidden(missingBy()));
      }
      return decide(o, declared, false, identityRefusal(o.action, declared, false));
    }
    VerifiedIdentity v;
    try {
      v = activities.verifyAttestation(attestation, workflowId, o.action);
    } catch (ActivityFailure f) {
      throwIfCanceled();
      return refuse(
          o,
          declared,
          false,
          Refusal.conflict(
              "the attestation could not be checked: " + Failures.innermostMessage(f)));
    }
    if (v == null || !v.verified()) {
      String why = v == null || isBlank(v.reason()) ? "not verified" : v.reason();
      return refuse(o, declared, false, Refusal.forbidden("attestation refused: " + why));
    }
    String proven = v.by() == null ? "" : v.by().strip();
    if (proven.isEmpty()) {
      return refuse(o, declared, false, Refusal.forbidden("attestation refused: it names nobody"));
    }
    if (!declared.isEmpty() && !declared.equals(proven)) {
      return refuse(
          o,
          declared,
          false,
          Refusal.forbidden(
              "declared '" + declared + "' but the attestation proves '" + proven + "'"));
    }
    return decide(o, proven, true, identityRefusal(o.action, proven, true));
  }

  /** The checks on who decides, for an identity either declared or already proven. */
  private Refusal identityRefusal(String action, String by, boolean verified) {
    if (!approvers.contains(by)) {
      return Refusal.forbidden(
          "'"
              + by
              + "' is not an approver at gate '"
              + name
              + "' (may decide: "
              + (approvers.isEmpty() ? "nobody known" : String.join(", ", approvers))
              + ")");
    }
    if (spec.requireVerifiedIdentityOrDefault() && !verified) {
      return Refusal.forbidden(
          "gate '"
              + name
              + "' requires a verified identity: a declared 'by' is not enough, decide through an"
              + " authenticated path that attests who you are");
    }
    if (APPROVE.equals(action) && !spec.allowSelfApprovalOrDefault() && by.equals(runStarter)) {
      return Refusal.forbidden(
          "self-approval refused: '"
              + by
              + "' started this run and gate '"
              + name
              + "' needs someone else's approval (four eyes)");
    }
    if (decided.contains(by)) {
      return Refusal.conflict("'" + by + "' has already decided at gate '" + name + "'");
    }
    return null;
  }

  private GateDecision decide(Offer o, String by, boolean verified, Refusal refusal) {
    if (refusal != null) {
      return refuse(o, by, verified, refusal);
    }
    GateDecision d = record(o, by, verified, true, "");
    decided.add(by);
    if (APPROVE.equals(o.action)) {
      approvals.add(by);
    } else {
      rejected = true;
    }
    decisive = d;
    log.add(
        by,
        o.action,
        name
            + " via "
            + o.channel
            + (verified ? " (verified)" : "")
            + (APPROVE.equals(o.action)
                ? ", approval " + approvals.size() + " of " + spec.requiredApprovalsOrDefault()
                : "")
            + (d.reason().isEmpty() ? "" : ": " + d.reason()));
    return d;
  }

  private GateDecision refuse(Offer o, String by, boolean verified, Refusal refusal) {
    String why = refusal.why();
    GateDecision d = record(o, by, verified, false, why);
    if (refusal.forbidden()) {
      forbiddenDecisions.add(d);
    }
    log.add(d.by(), "refused", o.action + " at " + name + " via " + o.channel + ": " + why);
    return d;
  }

  private GateDecision record(
      Offer o, String by, boolean verified, boolean accepted, String refusal) {
    String reason = o.request == null || o.request.reason() == null ? "" : o.request.reason();
    GateDecision d =
        new GateDecision(
            AuditTrail.now(),
            by.isEmpty() ? UNKNOWN : by,
            o.action,
            reason,
            o.channel,
            verified,
            accepted,
            refusal);
    decisions.add(d);
    return d;
  }

  private Outcome close(String newState, Outcome outcome) {
    state = newState;
    if (outcome == Outcome.APPROVED) {
      log.add(BELLWETHER, "gate-approved", name + ": approved by " + String.join(", ", approvals));
    } else if (outcome == Outcome.REJECTED) {
      log.add(BELLWETHER, "gate-rejected", name + ": rejected by " + decisive.by());
    } else {
      log.add(BELLWETHER, "gate-interrupted", name + ": the run stopped waiting");
    }
    return outcome;
  }

  private Outcome timedOut(Duration timeout) {
    boolean proceed = ApprovalGateSpec.PROCEED.equals(spec.onTimeoutOrDefault());
    String why =
        "no decision within "
            + Durations.format(timeout)
            + " ("
            + approvals.size()
            + " of "
            + spec.requiredApprovalsOrDefault()
            + " approvals); onTimeout "
            + spec.onTimeoutOrDefault();
    GateDecision d =
        new GateDecision(
            AuditTrail.now(),
            BELLWETHER,
            spec.onTimeoutOrDefault(),
            why,
            CHANNEL_TIMEOUT,
            false,
            true,
            "");
    decisions.add(d);
    decisive = d;
    state = proceed ? TIMED_OUT_PROCEEDED : TIMED_OUT_ABORTED;
    log.add(BELLWETHER, "gate-timeout", name + ": " + why);
    return proceed ? Outcome.TIMED_OUT_PROCEED : Outcome.TIMED_OUT_ABORT;
  }

  private String noGateOpen() {
    return PENDING.equals(state)
        ? "no gate is open: gate '" + name + "' has not been reached yet"
        : "no gate is open: gate '" + name + "' is closed (" + state + ")";
  }

  static String missingBy() {
    return "'by' is required: say who is asking";
  }

  private static String declaredBy(OperatorRequest request) {
    return request == null || request.by() == null ? "" : request.by().strip();
  }

  private static void throwIfCanceled() {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("the run was canceled while a gate was open");
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** A decision waiting to be judged; {@code result} is set once it has been. */
  private static final class Offer {
    final String action;
    final OperatorRequest request;
    final String channel;
    GateDecision result;

    Offer(String action, OperatorRequest request, String channel) {
      this.action = action;
      this.request = request;
      this.channel = channel;
    }
  }
}
