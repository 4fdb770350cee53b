package io.bellwether.contracts.bluegreen;

import io.bellwether.contracts.control.OperatorControls;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Brings up green beside the live blue pool, verifies it (health, smoke, optional preview route and
 * gate), switches traffic at once or in steps, watches green while blue is kept for an instant
 * switch-back, then decommissions blue or keeps it idle. A failure or timeout before the switch
 * tears green down and leaves blue untouched; cancel at any point leaves exactly one pool serving
 * all traffic. Operator controls: {@code approve}/{@code reject} at the gate, {@code rollback}
 * (before the switch: abort; after: switch back), {@code promote} (skip the current wait), {@code
 * pause}/{@code resume} (between traffic steps).
 */
@WorkflowInterface
public interface BlueGreenDeploymentWorkflow extends OperatorControls {
  String TYPE = "BlueGreenDeployment";

  @WorkflowMethod(name = TYPE)
  BlueGreenResult run(BlueGreenDeploymentSpec spec);

  @QueryMethod(name = "status")
  BlueGreenStatus status();
}
