package io.bellwether.contracts.canary;

import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import java.util.List;

/**
 * Answer of the {@code status} query of a canary run.
 *
 * @param service the service
 * @param version the canary version
 * @param stableVersion the stable version
 * @param phase where the run is
 * @param stepIndex 0-based index of the current step ({@code steps.size()} once all are done)
 * @param stepCount number of steps
 * @param step the current step in words ({@code setWeight 20}, {@code analysis 2/5}, ...)
 * @param canaryWeight share of random traffic on the canary backend now, 0 to 100
 * @param segment the segment route in force (empty when none)
 * @param canaryInstances the canary instances (name, address, version, state)
 * @param baselineInstances the judge's baseline instances (stable backend's, or the fresh one)
 * @param analyses every analysis so far, with measurements and judgements
 * @param gate the open or last gate, null when none
 * @param paused whether a pause (operator or indefinite pause step) is in force
 * @param promotion the child rolling deployment's workflow id once promotion started
 * @param reason why the run rolled back or failed (null otherwise)
 * @param events the audit trail
 */
public record CanaryStatus(
    String service,
    String version,
    String stableVersion,
    Phase phase,
    int stepIndex,
    int stepCount,
    String step,
    int canaryWeight,
    SegmentRoute segment,
    List<InstanceStatus> canaryInstances,
    List<String> baselineInstances,
    List<AnalysisRecord> analyses,
    GateStatus gate,
    boolean paused,
    String promotion,
    String reason,
    List<RunEvent> events) {}
