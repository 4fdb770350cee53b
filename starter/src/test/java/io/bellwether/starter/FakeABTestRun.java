package io.bellwether.starter;

import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.starter.report.ABTestFixtures;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * A stand-in A/B test for the CLI: it collects (the fixture's interim status) for a moment, then
 * answers the fixture's concluded status and returns the winner rolled out. A {@code rollback}
 * ends it at once, stopped.
 */
public class FakeABTestRun implements ABTestWorkflow {
  private ABTestStatus status = ABTestFixtures.collecting();
  private boolean stopped;

  @Override
  public ABTestResult run(ABTestSpec spec) {
    Workflow.await(Duration.ofMillis(900), () -> stopped);
    if (stopped) {
      return new ABTestResult(spec.service(), spec.name(), Phase.ROLLED_BACK, Outcome.STOPPED, null,
          ABTestResult.REVERTED, null, null, "rolled back by bob");
    }
    status = ABTestFixtures.rolledOut();
    return new ABTestResult(spec.service(), spec.name(), Phase.SUCCEEDED, Outcome.WINNER, "one-page",
        ABTestResult.ROLLED_OUT, ABTestFixtures.evaluation(), "abtest-web-checkout-rollout", null);
  }

  @Override
  public ABTestStatus status() {
    return status;
  }

  @Override
  public void approve(OperatorRequest request) {}

  @Override
  public void reject(OperatorRequest request) {}

  @Override
  public void pause(OperatorRequest request) {}

  @Override
  public void resume(OperatorRequest request) {}

  @Override
  public void rollback(OperatorRequest request) {}

  @Override
  public void promote(OperatorRequest request) {}

  @Override
  public ControlResponse approveUpdate(OperatorRequest request) {
    return new ControlResponse("approve", Phase.COLLECTING, false, "");
  }

  @Override
  public void validateApprove(OperatorRequest request) {}

  @Override
  public ControlResponse rejectUpdate(OperatorRequest request) {
    return new ControlResponse("reject", Phase.COLLECTING, false, "");
  }

  @Override
  public void validateReject(OperatorRequest request) {}

  @Override
  public ControlResponse pauseUpdate(OperatorRequest request) {
    return new ControlResponse("pause", Phase.COLLECTING, true, "decision held");
  }

  @Override
  public void validatePause(OperatorRequest request) {}

  @Override
  public ControlResponse resumeUpdate(OperatorRequest request) {
    return new ControlResponse("resume", Phase.COLLECTING, false, "");
  }

  @Override
  public void validateResume(OperatorRequest request) {}

  @Override
  public ControlResponse rollbackUpdate(OperatorRequest request) {
    stopped = true;
    return new ControlResponse("rollback", Phase.ROLLING_BACK, false, "stopping");
  }

  @Override
  public void validateRollback(OperatorRequest request) {}

  @Override
  public ControlResponse promoteUpdate(OperatorRequest request) {
    return new ControlResponse("promote", Phase.COLLECTING, false, "");
  }

  @Override
  public void validatePromote(OperatorRequest request) {}
}
