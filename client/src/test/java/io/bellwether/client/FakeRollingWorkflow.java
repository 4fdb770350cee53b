package io.bellwether.client;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * A stand-in for the real rolling workflow, with the same names: it waits until rolled back, has
 * no gate (so approve is always refused) and honours pause/resume. Enough to drive the client.
 */
public class FakeRollingWorkflow implements RollingDeploymentWorkflow {
  static final String NO_GATE = "no approval gate is open in this run";
  static final String NOT_AN_APPROVER = "only an approver may reject";

  private String service = "";
  private String version = "";
  private Phase phase = Phase.PROGRESSING;
  private boolean paused;

  @Override
  public RollingResult run(RollingDeploymentSpec spec) {
    service = spec.service();
    version = spec.version();
    Workflow.await(() -> phase.isFinal());
    return new RollingResult(phase, "rolled back on request", List.of(), List.of(), List.of());
  }

  @Override
  public RollingStatus status() {
    return new RollingStatus(service, version, phase, "", 1, 2, paused, List.of(), List.of(), "");
  }

  @Override
  public void approve(OperatorRequest request) {}

  @Override
  public void reject(OperatorRequest request) {}

  @Override
  public void pause(OperatorRequest request) {
    paused = true;
  }

  @Override
  public void resume(OperatorRequest request) {
    paused = false;
  }

  @Override
  public void rollback(OperatorRequest request) {
    phase = Phase.ROLLED_BACK;
  }

  @Override
  public void promote(OperatorRequest request) {}

  @Override
  public ControlResponse approveUpdate(OperatorRequest request) {
    throw new IllegalStateException("the validator refuses every approval");
  }

  @Override
  public void validateApprove(OperatorRequest request) {
    throw ApplicationFailure.newNonRetryableFailure(NO_GATE, FailureTypes.CONTROL_REFUSED);
  }

  @Override
  public ControlResponse rejectUpdate(OperatorRequest request) {
    throw new IllegalStateException("the validator refuses every rejection");
  }

  // Refuses the caller rather than the moment, so the client can tell the two apart.
  @Override
  public void validateReject(OperatorRequest request) {
    throw ApplicationFailure.newNonRetryableFailure(
        NOT_AN_APPROVER, FailureTypes.CONTROL_REFUSED, FailureTypes.REFUSAL_FORBIDDEN);
  }

  @Override
  public ControlResponse pauseUpdate(OperatorRequest request) {
    paused = true;
    return response("pause", "paused by " + request.by());
  }

  @Override
  public void validatePause(OperatorRequest request) {
    if (paused) {
      throw ApplicationFailure.newNonRetryableFailure("already paused", FailureTypes.CONTROL_REFUSED);
    }
  }

  @Override
  public ControlResponse resumeUpdate(OperatorRequest request) {
    paused = false;
    return response("resume", "resumed by " + request.by());
  }

  @Override
  public void validateResume(OperatorRequest request) {
    if (!paused) {
      throw ApplicationFailure.newNonRetryableFailure("not paused", FailureTypes.CONTROL_REFUSED);
    }
  }

  @Override
  public ControlResponse rollbackUpdate(OperatorRequest request) {
    phase = Phase.ROLLED_BACK;
    return response("rollback", "rolling back: " + request.reason());
  }

  @Override
  public void validateRollback(OperatorRequest request) {}

  @Override
  public ControlResponse promoteUpdate(OperatorRequest request) {
    return response("promote", "promoted");
  }

  @Override
  public void validatePromote(OperatorRequest request) {}

  private ControlResponse response(String action, String message) {
    return new ControlResponse(action, phase, paused, message);
  }
}
