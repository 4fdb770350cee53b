package io.bellwether.worker;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.LeaseActivities;
import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateStage;
import java.util.List;

/**
 * {@link LeaseActivities} through the Temporal client: the experiments' side of the blast-radius
 * coordinator ({@link BlastRadiusWorkflow}, one run with id {@link
 * BlastRadiusWorkflow#WORKFLOW_ID}), and the coordinator's check on its holders. Lives in the
 * worker because it needs the client. Every call is idempotent; transport failures pass through
 * and are retried.
 */
public class LeaseActivitiesImpl implements LeaseActivities {
  private final WorkflowClient client;

  public LeaseActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Update-with-start: the coordinator is started (with no leases) when it is not running, and
   * joined when it is, in one call; the answer is the coordinator's decision. Asking again for a
   * lease already held returns granted.
   */
  @Override
  public LeaseDecision acquire(LeaseRequest request) {
    BlastRadiusWorkflow coordinator =
        client.newWorkflowStub(
            BlastRadiusWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(BlastRadiusWorkflow.WORKFLOW_ID)
                .setTaskQueue(TaskQueues.BELLWETHER)
                // Required with update-with-start; a running coordinator is joined, never replaced.
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
    WithStartWorkflowOperation<Void> start =
        new WithStartWorkflowOperation<>(coordinator::run, List.<LeaseRequest>of());
    return WorkflowClient.executeUpdateWithStart(
        coordinator::acquire,
        request,
        UpdateOptions.<LeaseDecision>newBuilder()
            .setWaitForStage(WorkflowUpdateStage.COMPLETED)
            .build(),
        start);
  }

  /** A signal to the coordinator; nothing to do when it is not running (it holds no lease then). */
  @Override
  public void release(String leaseId) {
    try {
      client
          .newWorkflowStub(BlastRadiusWorkflow.class, BlastRadiusWorkflow.WORKFLOW_ID)
          .release(leaseId);
    } catch (RuntimeException e) {
      if (!notFound(e)) {
        throw e;
      }
    }
  }

  /** Whether the latest run of {@code workflowId} is still running; false when there is none. */
  @Override
  public boolean isOpen(String workflowId) {
    try {
      return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (RuntimeException e) {
      if (notFound(e)) {
        return false;
      }
      throw e;
    }
  }

  private static boolean notFound(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof WorkflowNotFoundException) {
        return true;
      }
      if (c instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return true;
      }
    }
    return false;
  }
}
