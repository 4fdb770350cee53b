package io.bellwether.client;

/**
 * A run with the same workflow id is already running: the spec's service and version are being
 * released now. Retrying does not help; follow the existing run instead.
 */
public class RunAlreadyStartedException extends RuntimeException {
  private final String workflowId;

  public RunAlreadyStartedException(String workflowId, Throwable cause) {
    super(workflowId + " is already running", cause);
    this.workflowId = workflowId;
  }

  /** The id of the run that is already running. */
  public String workflowId() {
    return workflowId;
  }
}
