package io.bellwether.contracts.rolling;

import io.bellwether.contracts.gate.GateStatus;
import java.util.List;

/**
 * Answer of the {@code status} query.
 *
 * @param service from the spec
 * @param version from the spec
 * @param phase where the run is
 * @param step what the current batch is doing: drain, upgrade, verify, smoke, ready, bake; empty
 *     between batches
 * @param batch 1-based current batch; 0 before the first
 * @param totalBatches number of batches
 * @param paused whether a pause is in force (it takes effect between batches)
 * @param instances every instance in the run, in batch order
 * @param events the audit trail, oldest first
 * @param message the outcome or last error, empty while running normally
 * @param gate the approval gate after the first batch, or null when the spec has none
 */
public record RollingStatus(
    String service,
    String version,
    Phase phase,
    String step,
    int batch,
    int totalBatches,
    boolean paused,
    List<InstanceStatus> instances,
    List<RunEvent> events,
    String message,
    GateStatus gate) {

  public RollingStatus(
      String service,
      String version,
      Phase phase,
      String step,
      int batch,
      int totalBatches,
      boolean paused,
      List<InstanceStatus> instances,
      List<RunEvent> events,
      String message) {
    this(service, version, phase, step, batch, totalBatches, paused, instances, events, message, null);
  }
}
