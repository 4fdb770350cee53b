package io.bellwether.starter.api;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.RunNotFoundException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;

/**
 * The server's view of a run (open or closed, its run id and type), next to the status query that
 * the client gives. The events stream needs to know when a run has closed, which its status alone
 * cannot tell for a terminated run.
 */
public interface RunStates {
  /**
   * @param workflowId the run's workflow id
   * @param runId the latest run's id
   * @param type its workflow type
   * @param status Temporal's execution status without its prefix: RUNNING, COMPLETED, FAILED,
   *     CANCELED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW
   */
  record RunState(String workflowId, String runId, String type, String status) {
    /** Whether the run has closed. */
    public boolean closed() {
      return !"RUNNING".equals(status);
    }
  }

  /**
   * The latest run with this id. Read-only; transport failures pass through and are safe to retry.
   *
   * @throws RunNotFoundException when no run has that id
   */
  RunState describe(String workflowId);

  /** Through the client's Temporal connection. */
  static RunStates of(BellwetherClient client) {
    return workflowId -> {
      try {
        WorkflowExecutionDescription d =
            client.workflowClient().newUntypedWorkflowStub(workflowId).describe();
        return new RunState(
            workflowId,
            d.getExecution().getRunId(),
            d.getWorkflowType(),
            d.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""));
      } catch (WorkflowNotFoundException e) {
        throw new RunNotFoundException(workflowId, e);
      } catch (RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
          if (c instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
            throw new RunNotFoundException(workflowId, e);
          }
        }
        throw e;
      }
    };
  }
}
