package io.bellwether.client;

import io.bellwether.contracts.control.OperatorControls;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.temporal.failure.ApplicationFailure;

/**
 * The operator controls the fake runs share. Signals do nothing; no gate is open, so approve and
 * reject are refused; every other control is accepted and answers with the run's phase and one
 * word ("paused", "resumed", "rolled back", "promoted") without changing anything. A fake overrides
 * what its test needs.
 */
abstract class FakeControls implements OperatorControls {
  /** The run's phase now, as every answer reports it. */
  protected abstract Phase phase();

  /** Whether the run is paused now, as the approve and reject answers report it. */
  protected boolean paused() {
    return false;
  }

  @Override
  public void approve(OperatorRequest request) {}

  @Override
  public void reject(OperatorRequest request) {}

  @Override
  public void pause(OperatorRequest request) {}

  @Override
  public void resume(OperatorRequest request) {}

  @Override
  public void rollback(OperatorRequest request) {}

  @Override
  public void promote(OperatorRequest request) {}

  @Override
  public ControlResponse approveUpdate(OperatorRequest request) {
    return new ControlResponse("approve", phase(), paused(), "");
  }

  @Override
  public void validateApprove(OperatorRequest request) {
    throw ApplicationFailure.newNonRetryableFailure("no gate is open", "ControlRefused");
  }

  @Override
  public ControlResponse rejectUpdate(OperatorRequest request) {
    return new ControlResponse("reject", phase(), paused(), "");
  }

  @Override
  public void validateReject(OperatorRequest request) {
    throw ApplicationFailure.newNonRetryableFailure("no gate is open", "ControlRefused");
  }

  @Override
  public ControlResponse pauseUpdate(OperatorRequest request) {
    return new ControlResponse("pause", phase(), true, "paused");
  }

  @Override
  public void validatePause(OperatorRequest request) {}

  @Override
  public ControlResponse resumeUpdate(OperatorRequest request) {
    return new ControlResponse("resume", phase(), false, "resumed");
  }

  @Override
  public void validateResume(OperatorRequest request) {}

  @Override
  public ControlResponse rollbackUpdate(OperatorRequest request) {
    return new ControlResponse("rollback", phase(), false, "rolled back");
  }

  @Override
  public void validateRollback(OperatorRequest request) {}

  @Override
  public ControlResponse promoteUpdate(OperatorRequest request) {
    return new ControlResponse("promote", phase(), false, "promoted");
  }

  @Override
  public void validatePromote(OperatorRequest request) {}
}
