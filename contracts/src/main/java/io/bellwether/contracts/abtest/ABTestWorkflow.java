package io.bellwether.contracts.abtest;

import io.bellwether.contracts.control.OperatorControls;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A/B test: each variant deployed on instances of its own in the split's backends, health-checked,
 * then the split opened in one router command; counts and guardrails read every interval; a
 * variant breaking a guardrail stopped at once; at the planned sample size (or, with the
 * sequential method, as soon as the always-valid test decides) the goal is tested; the outcome
 * ({@code WINNER}, {@code NO_DIFFERENCE}, {@code INCONCLUSIVE}) optionally confirmed at a gate;
 * then the winner rolled out by a child {@code RollingDeployment}, or everything reverted. The
 * split is closed in one command before anything else is undone, and reversion also runs on
 * {@code rollback}, cancel and after a worker restart.
 *
 * <p>Controls: {@code pause} holds the decision (the split stays open, counts go on), {@code
 * resume} releases it; {@code promote} ends data collection now (the same rules decide: short of
 * the sample size is inconclusive); {@code rollback} stops the test and reverts; {@code
 * approve}/{@code reject} answer the confirm gate (reject reverts without rolling out).
 */
@WorkflowInterface
public interface ABTestWorkflow extends OperatorControls {
  String TYPE = "ABTest";

  @WorkflowMethod(name = TYPE)
  ABTestResult run(ABTestSpec spec);

  @QueryMethod(name = "status")
  ABTestStatus status();
}
