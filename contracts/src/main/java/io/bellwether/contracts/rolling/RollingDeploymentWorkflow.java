package io.bellwether.contracts.rolling;

import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Upgrades a pool behind a router one batch at a time: drain, wait for sessions, upgrade, verify,
 * smoke, ready, bake. Rolls back to exactly the recorded pool on too many failures, a {@code
 * rollback}, or cancel. Names here are the public contract (docs/api.md).
 */
@WorkflowInterface
public interface RollingDeploymentWorkflow {
  String TYPE = "RollingDeployment";

  @WorkflowMethod(name = TYPE)
  RollingResult run(RollingDeploymentSpec spec);

  /** Hold before the next batch. The current batch finishes and goes back into rotation. */
  @SignalMethod(name = "pause")
  void pause(OperatorRequest request);

  @SignalMethod(name = "resume")
  void resume(OperatorRequest request);

  /** Stop and restore every touched instance to what was recorded before the run touched it. */
  @SignalMethod(name = "rollback")
  void rollback(OperatorRequest request);

  /** Like the {@code pause} signal, but answers; refused when the run is finished or rolling back. */
  @UpdateMethod(name = "pauseUpdate")
  ControlResponse pauseUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "pauseUpdate")
  void validatePause(OperatorRequest request);

  /** Like the {@code resume} signal, but answers; refused when the run is not paused. */
  @UpdateMethod(name = "resumeUpdate")
  ControlResponse resumeUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "resumeUpdate")
  void validateResume(OperatorRequest request);

  /** Like the {@code rollback} signal, but answers; refused when finished or already rolling back. */
  @UpdateMethod(name = "rollbackUpdate")
  ControlResponse rollbackUpdate(OperatorRequest request);

  @UpdateValidatorMethod(updateName = "rollbackUpdate")
  void validateRollback(OperatorRequest request);

  @QueryMethod(name = "status")
  RollingStatus status();
}
