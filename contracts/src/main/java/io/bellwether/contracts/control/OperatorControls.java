package io.bellwether.contracts.control;

import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;

/**
 * The operator controls every Bellwether workflow accepts, in two forms built on one logic:
 * signals for {@code temporal workflow signal} and chat bots that only signal (a signal that does
 * not apply is recorded as refused, never silently dropped), and validated updates that answer at
 * once with the resulting state or a clear refusal, for integrations that want a reply. Names are
 * the public contract (docs/api.md).
 */
public interface OperatorControls {
  /** Approve the open gate. */
  @SignalMethod(name = "approve")
  void approve(OperatorRequest request);

  /** Reject the open gate: the run aborts (or rolls back what it changed). */
  @SignalMethod(name = "reject")
  void reject(OperatorRequest request);

  /** Hold at the next safe point. */
  @SignalMethod(name = "pause")
  void pause(OperatorRequest request);

  @SignalMethod(name = "resume")
  void resume(OperatorRequest request);

  /** Stop and put back what the run changed. */
  @SignalMethod(name = "rollback")
  void rollback(OperatorRequest request);

  /** Skip the current wait (bake time, pause, traffic step, watch window) and go on. */
  @SignalMethod(name = "promote")
  void promote(OperatorRequest request);

  @UpdateMethod(name = "approveUpdate")
  ControlResponse approveUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "approveUpdate")
  void validateApprove(OperatorRequest request);

  @UpdateMethod(name = "rejectUpdate")
  ControlResponse rejectUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "rejectUpdate")
  void validateReject(OperatorRequest request);

  @UpdateMethod(name = "pauseUpdate")
  ControlResponse pauseUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "pauseUpdate")
  void validatePause(OperatorRequest request);

  @UpdateMethod(name = "resumeUpdate")
  ControlResponse resumeUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "resumeUpdate")
  void validateResume(OperatorRequest request);

  @UpdateMethod(name = "rollbackUpdate")
  ControlResponse rollbackUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "rollbackUpdate")
  void validateRollback(OperatorRequest request);

  @UpdateMethod(name = "promoteUpdate")
  ControlResponse promoteUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "promoteUpdate")
  void validatePromote(OperatorRequest request);
}
