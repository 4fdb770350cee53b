package io.bellwether.contracts.chaos;

import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import java.util.List;

/**
 * Answer of the {@code status} query of a chaos experiment: the journal (every probe reading,
 * action and decision) and where the run is.
 *
 * @param service the service
 * @param name the experiment
 * @param hypothesis the hypothesis in words
 * @param phase where the run is: VALIDATING, BASELINE, AWAITING_APPROVAL, INJECTING, FAULT_ACTIVE,
 *     RESTORING, VERIFYING, then SUCCEEDED, ROLLED_BACK (aborted and restored), ABORTED (nothing
 *     injected) or FAILED (restoration failed)
 * @param verdict the verdict so far
 * @param step the current step in words
 * @param faults every fault step, planned and done, with its targets and times
 * @param blastRadius per planned step, what it would impair
 * @param samples every probe and guardrail reading
 * @param budget the error budget
 * @param gate the approval gate, null when none
 * @param paused whether a pause is in force
 * @param reason why the run aborted or failed, null otherwise
 * @param findings what the experiment found, in words
 * @param events actions and decisions: the audit trail
 */
public record ChaosStatus(
    String service,
    String name,
    String hypothesis,
    Phase phase,
    Verdict verdict,
    String step,
    List<FaultRecord> faults,
    List<BlastRadius> blastRadius,
    List<ProbeSample> samples,
    BudgetStatus budget,
    GateStatus gate,
    boolean paused,
    String reason,
    List<String> findings,
    List<RunEvent> events) {}
