package io.bellwether.contracts.abtest;

import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import java.util.List;

/**
 * Answer of the {@code status} query of an A/B test.
 *
 * @param service the service
 * @param experiment the experiment's name
 * @param hypothesis the hypothesis in words
 * @param phase where the run is (COLLECTING while the split is open and counting)
 * @param splitOpen whether the router sends users to the variants now
 * @param salt the assignment salt in force
 * @param plan the sample size plan
 * @param startedCollectingMillis workflow time the split opened (0 before)
 * @param variants every variant, control first
 * @param interim the latest interim evaluation (informative only with the fixed method)
 * @param evaluation the deciding evaluation once made, else null
 * @param outcome PENDING until decided
 * @param winner the winner's name when outcome is WINNER
 * @param decision what was done about it: {@code rolled out}, {@code reverted}, or null before
 * @param confirmedBy who confirmed the decision at the gate (null: no gate, or not yet)
 * @param gate the open or last gate, null when none
 * @param paused whether the decision is held by {@code pause}
 * @param promotion the rolling child's workflow id once a rollout started
 * @param reason why the run stopped or failed (null otherwise)
 * @param events the audit trail
 */
public record ABTestStatus(
    String service,
    String experiment,
    String hypothesis,
    Phase phase,
    boolean splitOpen,
    String salt,
    SamplePlan plan,
    long startedCollectingMillis,
    List<VariantStatus> variants,
    Evaluation interim,
    Evaluation evaluation,
    Outcome outcome,
    String winner,
    String decision,
    String confirmedBy,
    GateStatus gate,
    boolean paused,
    String promotion,
    String reason,
    List<RunEvent> events) {}
