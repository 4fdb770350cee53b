package io.bellwether.contracts.canary;

import io.bellwether.contracts.control.OperatorControls;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Canary release: canary instances added through the deployer into the pool's canary backend,
 * health-checked, then the steps in order (setWeight, pause, analysis, approval, setHeaderRoute);
 * after the last step the stable instances are upgraded by a child {@code RollingDeployment} and
 * the canary instances removed. Rollback (a failed analysis, {@code rollback}, cancel) first sets
 * traffic to 100% stable in one router call, then removes the canary instances, and records why.
 * An inconclusive analysis never promotes: the run waits at {@code INCONCLUSIVE} for the data to
 * come back, {@code promote} or {@code rollback}. {@code promote} skips the remaining steps but
 * still runs the analyses left (unless {@code full}: {@code OperatorRequest.full}, recorded).
 */
@WorkflowInterface
public interface CanaryReleaseWorkflow extends OperatorControls {
  String TYPE = "CanaryRelease";

  @WorkflowMethod(name = TYPE)
  CanaryResult run(CanaryReleaseSpec spec);

  @QueryMethod(name = "status")
  CanaryStatus status();
}
