package io.bellwether.workflows.control;

import io.bellwether.contracts.control.OperatorControls;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;

/**
 * The eighteen entry points of {@link OperatorControls} (six signals, six updates, six
 * validators), each handed to one of three methods with the action's name ({@link Controls#APPROVE},
 * ...). A workflow implements those three and decides there; the entry points themselves carry no
 * logic, so every workflow type routes its controls the same way.
 */
public abstract class ControlDispatch implements OperatorControls {
  /** A signal arrived: act on it or record it as refused; never throws. */
  protected abstract void onSignal(String action, OperatorRequest request);

  /** An update's validator: throws {@link Controls#refused} (or forbidden) when it does not apply. */
  protected abstract void onValidate(String action, OperatorRequest request);

  /** An accepted update: act and answer with the state after it. */
  protected abstract ControlResponse onUpdate(String action, OperatorRequest request);

  @Override
  public final void approve(OperatorRequest request) {
    onSignal(Controls.APPROVE, request);
  }

  @Override
  public final void reject(OperatorRequest request) {
    onSignal(Controls.REJECT, request);
  }

  @Override
  public final void pause(OperatorRequest request) {
    onSignal(Controls.PAUSE, request);
  }

  @Override
  public final void resume(OperatorRequest request) {
    onSignal(Controls.RESUME, request);
  }

  @Override
  public final void rollback(OperatorRequest request) {
    onSignal(Controls.ROLLBACK, request);
  }

  @Override
  public final void promote(OperatorRequest request) {
    onSignal(Controls.PROMOTE, request);
  }

  @Override
  public final ControlResponse approveUpdate(OperatorRequest request) {
    return onUpdate(Controls.APPROVE, request);
  }

  @Override
  public final void validateApprove(OperatorRequest request) {
    onValidate(Controls.APPROVE, request);
  }

  @Override
  public final ControlResponse rejectUpdate(OperatorRequest request) {
    return onUpdate(Controls.REJECT, request);
  }

  @Override
  public final void validateReject(OperatorRequest request) {
    onValidate(Controls.REJECT, request);
  }

  @Override
  public final ControlResponse pauseUpdate(OperatorRequest request) {
    return onUpdate(Controls.PAUSE, request);
  }

  @Override
  public final void validatePause(OperatorRequest request) {
    onValidate(Controls.PAUSE, request);
  }

  @Override
  public final ControlResponse resumeUpdate(OperatorRequest request) {
    return onUpdate(Controls.RESUME, request);
  }

  @Override
  public final void validateResume(OperatorRequest request) {
    onValidate(Controls.RESUME, request);
  }

  @Override
  public final ControlResponse rollbackUpdate(OperatorRequest request) {
    return onUpdate(Controls.ROLLBACK, request);
  }

  @Override
  public final void validateRollback(OperatorRequest request) {
    onValidate(Controls.ROLLBACK, request);
  }

  @Override
  public final ControlResponse promoteUpdate(OperatorRequest request) {
    return onUpdate(Controls.PROMOTE, request);
  }

  @Override
  public final void validatePromote(OperatorRequest request) {
    onValidate(Controls.PROMOTE, request);
  }
}
