package io.bellwether.client;

import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.canary.SegmentRoute;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in canary run: it waits at an indefinite pause until promoted; {@code promote} with
 * {@code full} is recorded as {@code promote --full}, and rollback ends it. Enough to prove that the
 * client reaches the right workflow type with the operator's whole request.
 */
public class FakeCanaryWorkflow extends FakeControls implements CanaryReleaseWorkflow {
  private String service = "";
  private String version = "";
  private Phase phase = Phase.PAUSED;
  private final List<RunEvent> events = new ArrayList<>();

  @Override
  protected Phase phase() {
    return phase;
  }

  @Override
  public CanaryResult run(CanaryReleaseSpec spec) {
    service = spec.service();
    version = spec.version();
    Workflow.await(() -> phase.isFinal());
    return new CanaryResult(service, version, phase, phase == Phase.SUCCEEDED ? null : "rolled back",
        List.of(), null, 0, 0);
  }

  @Override
  public CanaryStatus status() {
    return new CanaryStatus(service, version, "1.0.0", phase, 1, 2, "pause", 20, SegmentRoute.none(),
        List.of(), List.of("web-1"), List.<AnalysisRecord>of(), null, phase == Phase.PAUSED, null, null,
        List.copyOf(events));
  }

  @Override
  public ControlResponse rollbackUpdate(OperatorRequest request) {
    phase = Phase.ROLLED_BACK;
    return new ControlResponse("rollback", phase, false, "rolled back");
  }

  @Override
  public ControlResponse promoteUpdate(OperatorRequest request) {
    String action = request.fullOrDefault() ? "promote --full" : "promote";
    events.add(new RunEvent(Workflow.currentTimeMillis() + "", request.by(), action, request.reason()));
    phase = Phase.SUCCEEDED;
    return new ControlResponse("promote", phase, false, action + " by " + request.by());
  }
}
