package io.bellwether.client;

import io.bellwether.contracts.chaos.BudgetStatus;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in chaos experiment: its fault is active until promoted (the step ends, the hypothesis
 * held) or rolled back (aborted, restored). A dry run plans and returns at once. Enough to prove
 * that the client reaches the ChaosExperiment workflow type with the same controls as every other
 * run, and reads its journal and result.
 */
public class FakeChaosWorkflow extends FakeControls implements ChaosExperimentWorkflow {
  private ChaosExperimentSpec spec;
  private Phase phase = Phase.FAULT_ACTIVE;
  private Verdict verdict = Verdict.PENDING;
  private final List<RunEvent> events = new ArrayList<>();

  @Override
  protected Phase phase() {
    return phase;
  }

  @Override
  public ChaosResult run(ChaosExperimentSpec spec) {
    this.spec = spec;
    if (spec.dryRunOrDefault()) {
      phase = Phase.SUCCEEDED;
      verdict = Verdict.DRY_RUN;
    }
    Workflow.await(() -> phase.isFinal());
    return new ChaosResult(spec.service(), spec.name(), phase, verdict,
        verdict == Verdict.HELD ? Boolean.TRUE : null, verdict == Verdict.ABORTED ? "rollback" : null, List.of(),
        List.of(), BudgetStatus.none(), verdict == Verdict.ABORTED ? 250 : 0, List.of(), "2026-11-27T12:00:00Z",
        "2026-11-27T12:01:00Z");
  }

  @Override
  public ChaosStatus status() {
    return new ChaosStatus(spec.service(), spec.name(), spec.hypothesis(), phase, verdict, "", List.of(), List.of(),
        List.of(), BudgetStatus.none(), null, false, null, List.of(), List.copyOf(events));
  }

  @Override
  public ControlResponse promoteUpdate(OperatorRequest request) {
    events.add(new RunEvent(null, request.by(), "promote", request.reason()));
    phase = Phase.SUCCEEDED;
    verdict = Verdict.HELD;
    return new ControlResponse("promote", phase, false, "the fault step ends now");
  }

  @Override
  public ControlResponse rollbackUpdate(OperatorRequest request) {
    events.add(new RunEvent(null, request.by(), "rollback", request.reason()));
    phase = Phase.ROLLED_BACK;
    verdict = Verdict.ABORTED;
    return new ControlResponse("rollback", phase, false, "aborted: every fault restored");
  }
}
