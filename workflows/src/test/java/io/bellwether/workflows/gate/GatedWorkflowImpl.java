package io.bellwether.workflows.gate;

import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.workflows.control.Controls;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

public class GatedWorkflowImpl implements GatedWorkflow {
  private final List<RunEvent> events = new ArrayList<>();
  private final Controls controls = new Controls(this::event);
  private ApprovalGate gate;
  private Phase phase = Phase.VALIDATING;
  private boolean interrupted;
  private boolean closed;

  @Override
  public String run(ApprovalGateSpec spec, String starter, boolean holdAfter) {
    gate =
        new ApprovalGate(
            "before-switch",
            spec,
            starter,
            Workflow.getInfo().getWorkflowId(),
            ApprovalGate.newActivities(),
            this::event);
    phase = Phase.AWAITING_APPROVAL;
    ApprovalGate.Outcome outcome = gate.await(() -> interrupted);
    phase =
        switch (outcome) {
          case APPROVED, TIMED_OUT_PROCEED -> Phase.SUCCEEDED;
          case INTERRUPTED -> Phase.ROLLED_BACK;
          default -> Phase.ABORTED;
        };
    if (holdAfter) {
      Workflow.await(() -> closed);
    }
    return outcome.name();
  }

  @Override
  public GateStatus gate() {
    return gate == null ? null : gate.status();
  }

  @Override
  public Phase phase() {
    return phase;
  }

  @Override
  public List<RunEvent> events() {
    return List.copyOf(events);
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public void approve(OperatorRequest request) {
    controls.gateSignal(gate, Controls.APPROVE, request, Controls.finished(phase));
  }

  @Override
  public void reject(OperatorRequest request) {
    controls.gateSignal(gate, Controls.REJECT, request, Controls.finished(phase));
  }

  @Override
  public ControlResponse approveUpdate(OperatorRequest request) {
    return decide(Controls.APPROVE, request);
  }

  @Override
  public void validateApprove(OperatorRequest request) {
    Controls.checkGate(gate, Controls.APPROVE, request, Controls.finished(phase));
  }

  @Override
  public ControlResponse rejectUpdate(OperatorRequest request) {
    return decide(Controls.REJECT, request);
  }

  @Override
  public void validateReject(OperatorRequest request) {
    Controls.checkGate(gate, Controls.REJECT, request, Controls.finished(phase));
  }

  private ControlResponse decide(String action, OperatorRequest request) {
    GateDecision d = Controls.gateUpdate(gate, action, request, Controls.finished(phase));
    return new ControlResponse(action, phase, false, Controls.answer(d, gate));
  }

  @Override
  public void rollback(OperatorRequest request) {
    if (controls.admitSignal(Controls.ROLLBACK, request, Controls.finished(phase))) {
      interrupted = true;
      event(request.by(), Controls.ROLLBACK, request.reason());
    }
  }

  @Override
  public ControlResponse rollbackUpdate(OperatorRequest request) {
    rollback(request);
    return new ControlResponse(Controls.ROLLBACK, phase, false, "interrupted");
  }

  @Override
  public void validateRollback(OperatorRequest request) {
    Controls.check(Controls.ROLLBACK, request, Controls.finished(phase));
  }

  // Not part of a gate: refused, so the test workflow stays small.
  @Override
  public void pause(OperatorRequest request) {
    controls.admitSignal(Controls.PAUSE, request, "not supported here");
  }

  @Override
  public void resume(OperatorRequest request) {
    controls.admitSignal(Controls.RESUME, request, "not supported here");
  }

  @Override
  public void promote(OperatorRequest request) {
    controls.admitSignal(Controls.PROMOTE, request, "not supported here");
  }

  @Override
  public ControlResponse pauseUpdate(OperatorRequest request) {
    throw Controls.refused(Controls.PAUSE, "not supported here");
  }

  @Override
  public void validatePause(OperatorRequest request) {
    Controls.check(Controls.PAUSE, request, "not supported here");
  }

  @Override
  public ControlResponse resumeUpdate(OperatorRequest request) {
    throw Controls.refused(Controls.RESUME, "not supported here");
  }

  @Override
  public void validateResume(OperatorRequest request) {
    Controls.check(Controls.RESUME, request, "not supported here");
  }

  @Override
  public ControlResponse promoteUpdate(OperatorRequest request) {
    throw Controls.refused(Controls.PROMOTE, "not supported here");
  }

  @Override
  public void validatePromote(OperatorRequest request) {
    Controls.check(Controls.PROMOTE, request, "not supported here");
  }

  private void event(String by, String action, String detail) {
    events.add(
        new RunEvent(
            Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString(),
            by,
            action,
            detail == null ? "" : detail));
  }
}
