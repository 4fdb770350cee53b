package io.bellwether.workflows.rolling;

import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.RollingStrategy;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.workflows.Failures;
import io.bellwether.workflows.RunText;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A child {@code RollingDeployment} that puts a tested version on every instance of a stable
 * backend (a canary's promotion, an A/B test's winner). The child is cancelled with its parent
 * and the parent waits for it to finish cancelling (it rolls its instances back first); a parent
 * that is rolling back can cut it short with {@link #cancel}. Workflow state: use from workflow
 * code only.
 */
public final class RolloutChild {
  /**
   * How the child ended: its result, or why it failed (a failure of the child run itself); both
   * null when {@link #cancel} cut it short.
   */
  public record Outcome(RollingResult result, String failure) {}

  private CancellationScope scope;

  /** The child's input: every instance of {@code target}'s backend to {@code version}. */
  public static RollingDeploymentSpec spec(
      String service,
      String version,
      TargetRef target,
      RollingStrategy strategy,
      String drainTimeout,
      HealthCheckSpec healthCheck,
      SmokeCheckSpec smokeCheck,
      String requestedBy) {
    return new RollingDeploymentSpec(
        service,
        version,
        target,
        null,
        strategy,
        drainTimeout,
        healthCheck,
        smokeCheck,
        RunText.isBlank(requestedBy) ? null : requestedBy);
  }

  /**
   * Starts the child as {@code workflowId} and waits for it. A cancel of the parent is thrown on
   * ({@link CanceledFailure}); a {@link #cancel} while {@code rollingBack} holds returns an empty
   * outcome instead.
   */
  public Outcome run(String workflowId, RollingDeploymentSpec spec, BooleanSupplier rollingBack) {
    RollingDeploymentWorkflow child =
        Workflow.newChildWorkflowStub(
            RollingDeploymentWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
                .setCancellationType(ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
                .build());
    List<RollingResult> out = new ArrayList<>(1);
    List<String> failure = new ArrayList<>(1);
    scope =
        Workflow.newCancellationScope(
            () -> {
              try {
                out.add(child.run(spec));
              } catch (ChildWorkflowFailure f) {
                failure.add(Failures.describe(f));
              }
            });
    try {
      scope.run();
    } catch (CanceledFailure e) {
      if (!rollingBack.getAsBoolean() || CancellationScope.current().isCancelRequested()) {
        throw e;
      }
    } finally {
      scope = null;
    }
    return new Outcome(out.isEmpty() ? null : out.get(0), failure.isEmpty() ? null : failure.get(0));
  }

  /** Cancels a running child (it rolls itself back); does nothing when none runs. */
  public void cancel(String reason) {
    if (scope != null) {
      scope.cancel(reason);
    }
  }
}
