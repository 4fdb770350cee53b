package io.bellwether.workflows.gate;

import io.bellwether.contracts.control.OperatorControls;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * The smallest workflow around one gate, built the way a strategy uses it: the gate, the shared
 * Controls for approve/reject, rollback as the interrupt. With {@code holdAfter} it stays open
 * after the gate with a final phase until {@link #close}, so that "the run has finished" can be
 * seen.
 */
@WorkflowInterface
public interface GatedWorkflow extends OperatorControls {
  @WorkflowMethod(name = "GatedTest")
  String run(ApprovalGateSpec spec, String starter, boolean holdAfter);

  @QueryMethod
  GateStatus gate();

  @QueryMethod
  Phase phase();

  @QueryMethod
  List<RunEvent> events();

  @SignalMethod
  void close();
}
