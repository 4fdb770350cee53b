package io.bellwether.client;

/**
 * A run the client started.
 *
 * @param workflowId the stable id derived from the spec ({@code rolling-web-2.0.0})
 * @param runId the Temporal run id of this execution
 * @param type the workflow type: {@code RollingDeployment}, {@code BlueGreenDeployment} or {@code
 *     CanaryRelease}
 */
public record RunRef(String workflowId, String runId, String type) {}
