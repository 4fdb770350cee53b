package io.bellwether.contracts.bluegreen;

import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import java.util.List;

/**
 * Answer of the blue-green {@code status} query.
 *
 * @param service from the spec
 * @param version green's version
 * @param phase where the run is
 * @param step what it is doing inside the phase, empty when nothing in particular
 * @param blueBackend the backend serving the old version (the live one when the run started)
 * @param greenBackend the backend green is provisioned into
 * @param greenTrafficPercent share of traffic on green now, 0 to 100
 * @param previewOn whether the preview route to green is open
 * @param blue blue's instances
 * @param green green's instances
 * @param instancesRunning instances running in both pools: doubled capacity shows here while both
 *     are kept
 * @param gate the gate before the switch, or null when the spec has none
 * @param paused whether a pause is in force
 * @param events the audit trail, oldest first
 * @param message the outcome or last error
 */
public record BlueGreenStatus(
    String service,
    String version,
    Phase phase,
    String step,
    String blueBackend,
    String greenBackend,
    int greenTrafficPercent,
    boolean previewOn,
    List<InstanceStatus> blue,
    List<InstanceStatus> green,
    int instancesRunning,
    GateStatus gate,
    boolean paused,
    List<RunEvent> events,
    String message) {}
