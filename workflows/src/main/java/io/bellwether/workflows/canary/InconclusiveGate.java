package io.bellwether.workflows.canary;

import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.workflows.AuditTrail;
import java.util.ArrayList;
import java.util.List;

/**
 * The gate an inconclusive analysis opens on its own ({@code inconclusive-<stepIndex>}). Unlike an
 * approval gate it names no approvers: the run is stuck for want of data, not waiting for a
 * sign-off, and anyone who may operate the run may decide (approve or promote: go on; reject or
 * rollback: roll back). It has no timeout: without data or a person it waits. The analysis itself
 * closes it when a fresh analysis succeeds or fails. Workflow state.
 */
final class InconclusiveGate {
  static final String OPEN = "OPEN";
  static final String APPROVED = "APPROVED";
  static final String REJECTED = "REJECTED";
  static final String INTERRUPTED = "INTERRUPTED";

  /** The decision channel when the data came back and a fresh analysis decided. */
  static final String CHANNEL_ANALYSIS = "analysis";

  final String name;
  String state = OPEN;
  final List<GateDecision> decisions = new ArrayList<>();

  /** The person's decision (approve, promote, reject, rollback), null while there is none. */
  String decision;

  String decidedBy = "";

  InconclusiveGate(String name) {
    this.name = name;
  }

  boolean isOpen() {
    return OPEN.equals(state);
  }

  /** Records a person's decision; the waiting analysis acts on it. */
  void decide(String action, String by, String reason, String channel) {
    decisions.add(
        new GateDecision(AuditTrail.now(), by, action, reason == null ? "" : reason, channel, false, true, ""));
    if (decision == null) {
      decision = action;
      decidedBy = by;
    }
  }

  /** Closes it as the analysis decided: the data came back. */
  void closeByAnalysis(boolean passed, String why) {
    decisions.add(
        new GateDecision(
            AuditTrail.now(),
            "bellwether",
            passed ? "approve" : "reject",
            why,
            CHANNEL_ANALYSIS,
            false,
            true,
            ""));
    state = passed ? APPROVED : REJECTED;
  }

  GateStatus status() {
    List<String> approvals =
        APPROVED.equals(state) && !decidedBy.isEmpty() ? List.of(decidedBy) : List.of();
    return new GateStatus(
        name, state, List.of(), 1, approvals, true, false, "", "wait", List.copyOf(decisions));
  }
}
