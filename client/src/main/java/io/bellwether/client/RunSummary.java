package io.bellwether.client;

import java.time.Instant;

/**
 * One Bellwether run as the namespace's listing shows it.
 *
 * @param workflowId the run's workflow id
 * @param runId the Temporal run id
 * @param type {@code RollingDeployment} or {@code BlueGreenDeployment}
 * @param status Temporal's execution status without its prefix: {@code RUNNING}, {@code
 *     COMPLETED}, {@code FAILED}, {@code CANCELED}, {@code TERMINATED}, {@code TIMED_OUT}, ...
 * @param startTime when the run started
 * @param closeTime when it closed; null while it runs, and also for closed runs when the server
 *     does not report it (the embedded server's legacy listing leaves it out)
 */
public record RunSummary(
    String workflowId, String runId, String type, String status, Instant startTime, Instant closeTime) {

  /** Whether the run has not closed yet. */
  public boolean running() {
    return "RUNNING".equals(status);
  }
}
