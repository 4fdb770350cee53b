package io.bellwether.client;

import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.SamplePlan;
import io.bellwether.contracts.abtest.Variant;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in A/B test: it collects until promoted (then the last variant wins and is rolled out)
 * or rolled back (stopped and reverted); pause holds, twice is refused. Enough to prove that the
 * client reaches the ABTest workflow type with the same controls as every other run.
 */
public class FakeABTestWorkflow extends FakeControls implements ABTestWorkflow {
  static final String ALREADY_PAUSED = "the decision is already held";

  private ABTestSpec spec;
  private Phase phase = Phase.COLLECTING;
  private Outcome outcome = Outcome.PENDING;
  private String winner;
  private String decision;
  private boolean paused;
  private final List<RunEvent> events = new ArrayList<>();

  @Override
  protected Phase phase() {
    return phase;
  }

  @Override
  protected boolean paused() {
    return paused;
  }

  @Override
  public ABTestResult run(ABTestSpec spec) {
    this.spec = spec;
    Workflow.await(() -> phase.isFinal());
    return new ABTestResult(spec.service(), spec.name(), phase, outcome, winner, decision, null, null,
        phase == Phase.SUCCEEDED ? null : "rolled back on request");
  }

  @Override
  public ABTestStatus status() {
    List<VariantStatus> variants = new ArrayList<>();
    if (spec != null) {
      for (int i = 0; i < spec.variants().size(); i++) {
        Variant v = spec.variants().get(i);
        variants.add(new VariantStatus(v.name(), v.version(), i == 0, v.shareOrZero(), "exp_v" + (i + 1), List.of(),
            100L * (i + 1), 10L * (i + 1), 3841, false, null, List.of()));
      }
    }
    return new ABTestStatus(spec == null ? "" : spec.service(), spec == null ? "" : spec.name(),
        spec == null ? null : spec.hypothesis(), phase, phase == Phase.COLLECTING, "s4lt",
        new SamplePlan(3841, 0.05, 0.8, 0.10, 0.12, 38.4), 1, variants, null, null, outcome, winner, decision,
        null, null, paused, null, null, List.copyOf(events));
  }

  @Override
  public ControlResponse pauseUpdate(OperatorRequest request) {
    paused = true;
    events.add(new RunEvent("", request.by(), "pause", request.reason()));
    return new ControlResponse("pause", phase, true, "decision held");
  }

  @Override
  public void validatePause(OperatorRequest request) {
    if (paused) {
      throw ApplicationFailure.newNonRetryableFailure(ALREADY_PAUSED, "ControlRefused");
    }
  }

  @Override
  public ControlResponse resumeUpdate(OperatorRequest request) {
    paused = false;
    return new ControlResponse("resume", phase, false, "decision released");
  }

  @Override
  public ControlResponse rollbackUpdate(OperatorRequest request) {
    phase = Phase.ROLLED_BACK;
    outcome = Outcome.STOPPED;
    decision = ABTestResult.REVERTED;
    return new ControlResponse("rollback", phase, false, "stopped and reverted");
  }

  @Override
  public ControlResponse promoteUpdate(OperatorRequest request) {
    events.add(new RunEvent("", request.by(), "promote", request.reason()));
    outcome = Outcome.WINNER;
    winner = spec.variants().get(spec.variants().size() - 1).name();
    decision = ABTestResult.ROLLED_OUT;
    phase = Phase.SUCCEEDED;
    return new ControlResponse("promote", phase, false, "winner " + winner + " rolled out");
  }
}
