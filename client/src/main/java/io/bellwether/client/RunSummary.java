package io.bellwether.client;

import io.bellwether.contracts.rolling.Phase;
import java.time.Instant;

/**
 * One Bellwether run as the namespace's listing shows it.
 *
 * @param workflowId the run's workflow id
 * @param runId the Temporal run id
 * @param type {@code RollingDeployment}, {@code BlueGreenDeployment}, {@code CanaryRelease},
 *     {@code ABTest} or {@code ChaosExperiment}
 * @param status Temporal's execution status without its prefix: {@code RUNNING}, {@code
 *     COMPLETED}, {@code FAILED}, {@code CANCELED}, {@code TERMINATED}, {@code TIMED_OUT}, ...
 * @param startTime when the run started
 * @param closeTime when it closed; null while it runs, and also for closed runs when the server
 *     does not report it (the embedded server's legacy listing leaves it out)
 * @param service the service released (or tested), read from the workflow id (or from the run's status when
 *     the id reads more than one way and the status was asked); null when unknown
 * @param phase the run's {@code phase} from its status query; null unless the listing asked for
 *     a phase
 */
public record RunSummary(
    String workflowId,
    String runId,
    String type,
    String status,
    Instant startTime,
    Instant closeTime,
    String service,
    Phase phase) {

  /** Without service and phase, as before they were listed. */
  public RunSummary(
      String workflowId, String runId, String type, String status, Instant startTime, Instant closeTime) {
    this(workflowId, runId, type, status, startTime, closeTime, null, null);
  }

  /** This summary with the service and phase read from the run's status. */
  public RunSummary withStatus(String service, Phase phase) {
    return new RunSummary(workflowId, runId, type, status, startTime, closeTime, service, phase);
  }

  /** Whether the run has not closed yet. */
  public boolean running() {
    return "RUNNING".equals(status);
  }
}
