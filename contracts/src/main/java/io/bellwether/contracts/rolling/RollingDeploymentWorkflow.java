package io.bellwether.contracts.rolling;

import io.bellwether.contracts.control.OperatorControls;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Upgrades a pool behind a router one batch at a time: drain, wait for sessions, upgrade, verify,
 * smoke, ready, bake. Rolls back to exactly the recorded pool on too many failures, a {@code
 * rollback}, a rejection at its optional gate, or cancel. Operator controls come from {@link
 * OperatorControls}; here {@code pause} holds before the next batch, {@code promote} skips the
 * current bake or pause. Names here are the public contract (docs/api.md).
 */
@WorkflowInterface
public interface RollingDeploymentWorkflow extends OperatorControls {
  String TYPE = "RollingDeployment";

  @WorkflowMethod(name = TYPE)
  RollingResult run(RollingDeploymentSpec spec);

  @QueryMethod(name = "status")
  RollingStatus status();
}
