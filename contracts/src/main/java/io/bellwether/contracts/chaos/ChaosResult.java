package io.bellwether.contracts.chaos;

import io.bellwether.contracts.rolling.Phase;
import java.util.List;

/**
 * Result of a chaos experiment (also kept in the run's history, so {@code bellwether chaos history}
 * can show a trend).
 *
 * @param service the service
 * @param name the experiment
 * @param outcome SUCCEEDED, ROLLED_BACK (aborted, all restored), ABORTED (nothing injected) or
 *     FAILED
 * @param verdict what the experiment concluded
 * @param hypothesisHeld whether the hypothesis held (null when no fault ran)
 * @param reason why it aborted or failed, null otherwise
 * @param faults every fault step with its targets and times
 * @param blastRadius what each step impaired (or would, for a dry run)
 * @param budget the error budget
 * @param breachToRestoredMillis workflow time from the breach (or rollback) to every fault
 *     restored; 0 when there was none
 * @param findings what was found, in words
 * @param startedAt ISO instant the run started
 * @param endedAt ISO instant it ended
 */
public record ChaosResult(
    String service,
    String name,
    Phase outcome,
    Verdict verdict,
    Boolean hypothesisHeld,
    String reason,
    List<FaultRecord> faults,
    List<BlastRadius> blastRadius,
    BudgetStatus budget,
    long breachToRestoredMillis,
    List<String> findings,
    String startedAt,
    String endedAt) {}
