package io.bellwether.contracts.chaos;

import io.bellwether.contracts.control.OperatorControls;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A chaos experiment: baseline (steady-state probes over a window), hypothesis check (nothing is
 * injected unless every probe is within tolerance), optional approval gate, then each fault step
 * in turn: targets resolved afresh and drawn with the seed, a blast-radius lease from the
 * coordinator, the compensation recorded, the injection, and guardrails, error budget and probes
 * read every interval until the duration ends. A breach, {@code rollback} or cancel restores at
 * once; a dead-man timer restores at duration plus grace whatever else happens. After the last
 * fault the probes must pass again within the recovery timeout, else the run fails loudly and
 * notifies. {@code pause} holds the current fault (never past its dead-man switch) or the next
 * injection; {@code promote} ends the current fault early.
 */
@WorkflowInterface
public interface ChaosExperimentWorkflow extends OperatorControls {
  String TYPE = ChaosExperimentSpec.KIND;

  @WorkflowMethod(name = TYPE)
  ChaosResult run(ChaosExperimentSpec spec);

  @QueryMethod(name = "status")
  ChaosStatus status();
}
