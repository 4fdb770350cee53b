package io.bellwether.client;

/** No run with this workflow id exists in the namespace (or, for controls, none is open). */
public class RunNotFoundException extends RuntimeException {
  private final String workflowId;

  public RunNotFoundException(String workflowId, Throwable cause) {
    super("no run " + workflowId, cause);
    this.workflowId = workflowId;
  }

  /** The id that was asked for. */
  public String workflowId() {
    return workflowId;
  }
}
