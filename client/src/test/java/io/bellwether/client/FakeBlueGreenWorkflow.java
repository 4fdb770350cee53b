package io.bellwether.client;

import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenResult;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.temporal.workflow.Workflow;
import java.util.List;

/** A stand-in blue-green run that waits at its gate until approved; other controls are no-ops. */
public class FakeBlueGreenWorkflow extends FakeControls implements BlueGreenDeploymentWorkflow {
  private String service = "";
  private String version = "";
  private Phase phase = Phase.AWAITING_APPROVAL;

  @Override
  protected Phase phase() {
    return phase;
  }

  @Override
  public BlueGreenResult run(BlueGreenDeploymentSpec spec) {
    service = spec.service();
    version = spec.version();
    Workflow.await(() -> phase.isFinal());
    return new BlueGreenResult(phase, "green is live", "green", 100, true);
  }

  @Override
  public BlueGreenStatus status() {
    return new BlueGreenStatus(service, version, phase, "gate", "blue", "green", 0, false,
        List.of(), List.of(), 2, null, false, List.of(), "");
  }

  @Override
  public ControlResponse approveUpdate(OperatorRequest request) {
    phase = Phase.SUCCEEDED;
    return new ControlResponse("approve", phase, false, "approved by " + request.by());
  }

  @Override
  public void validateApprove(OperatorRequest request) {}

  @Override
  public ControlResponse rejectUpdate(OperatorRequest request) {
    phase = Phase.ABORTED;
    return new ControlResponse("reject", phase, false, "rejected");
  }

  @Override
  public void validateReject(OperatorRequest request) {}
}
