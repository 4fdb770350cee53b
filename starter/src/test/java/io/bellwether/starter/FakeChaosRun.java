package io.bellwether.starter;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.starter.report.ChaosFixtures;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * A stand-in chaos experiment for the CLI, answering with the fixtures' journal under the spec's
 * service and name. A dry run returns its plan at once. Otherwise it is in the middle of its fault
 * for a moment, then: an experiment named {@code deviate*} did not hold, one named {@code fail*}
 * fails its restoration (the run fails, its status says why), any other held. A {@code rollback}
 * aborts it at once.
 */
public class FakeChaosRun implements ChaosExperimentWorkflow {
  private ChaosStatus status;
  private boolean aborted;
  private String abortedBy;

  @Override
  public ChaosResult run(ChaosExperimentSpec spec) {
    if (spec.dryRunOrDefault()) {
      ChaosResult plan = ChaosFixtures.dryRunResult(spec.service(), spec.name());
      status = as(spec, ChaosFixtures.running(), Phase.SUCCEEDED, Verdict.DRY_RUN, null);
      return plan;
    }
    status = as(spec, ChaosFixtures.running(), Phase.FAULT_ACTIVE, Verdict.PENDING, null);
    Workflow.await(Duration.ofMillis(900), () -> aborted);
    if (aborted) {
      String why = "rollback by " + abortedBy;
      status = as(spec, ChaosFixtures.aborted(), Phase.ROLLED_BACK, Verdict.ABORTED, why);
      ChaosResult r = ChaosFixtures.abortedResult();
      return new ChaosResult(spec.service(), spec.name(), Phase.ROLLED_BACK, Verdict.ABORTED, null, why, r.faults(),
          r.blastRadius(), r.budget(), 300, List.of("aborted by " + abortedBy + "; all faults restored 0.3 s later"),
          r.startedAt(), r.endedAt());
    }
    if (spec.name().startsWith("fail")) {
      String why = "kill#1 is still in force after restoration: web-2 does not answer";
      status = as(spec, ChaosFixtures.held(), Phase.FAILED, Verdict.RESTORATION_FAILED, why);
      throw ApplicationFailure.newNonRetryableFailure(why, FailureTypes.RESTORE_FAILED);
    }
    ChaosResult h = ChaosFixtures.heldResult();
    if (spec.name().startsWith("deviate")) {
      status = as(spec, ChaosFixtures.held(), Phase.SUCCEEDED, Verdict.DEVIATED, null);
      return new ChaosResult(spec.service(), spec.name(), Phase.SUCCEEDED, Verdict.DEVIATED, false, null, h.faults(),
          h.blastRadius(), h.budget(), 0, List.of("probe success left its during-fault tolerance"), h.startedAt(),
          h.endedAt());
    }
    status = as(spec, ChaosFixtures.held(), Phase.SUCCEEDED, Verdict.HELD, null);
    return new ChaosResult(spec.service(), spec.name(), h.outcome(), h.verdict(), h.hypothesisHeld(), null, h.faults(),
        h.blastRadius(), h.budget(), 0, h.findings(), h.startedAt(), h.endedAt());
  }

  private static ChaosStatus as(ChaosExperimentSpec spec, ChaosStatus s, Phase phase, Verdict verdict, String reason) {
    return new ChaosStatus(spec.service(), spec.name(), spec.hypothesis(), phase, verdict, s.step(), s.faults(),
        s.blastRadius(), s.samples(), s.budget(), s.gate(), s.paused(), reason, s.findings(), s.events());
  }

  @Override
  public ChaosStatus status() {
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
  public void rollback(OperatorRequest request) {
    aborted = true;
    abortedBy = request.by();
  }

  @Override
  public void promote(OperatorRequest request) {}

  @Override
  public ControlResponse approveUpdate(OperatorRequest request) {
    return new ControlResponse("approve", status.phase(), false, "");
  }

  @Override
  public void validateApprove(OperatorRequest request) {}

  @Override
  public ControlResponse rejectUpdate(OperatorRequest request) {
    return new ControlResponse("reject", status.phase(), false, "");
  }

  @Override
  public void validateReject(OperatorRequest request) {}

  @Override
  public ControlResponse pauseUpdate(OperatorRequest request) {
    return new ControlResponse("pause", status.phase(), true, "the fault is held (never past its dead-man switch)");
  }

  @Override
  public void validatePause(OperatorRequest request) {}

  @Override
  public ControlResponse resumeUpdate(OperatorRequest request) {
    return new ControlResponse("resume", status.phase(), false, "");
  }

  @Override
  public void validateResume(OperatorRequest request) {}

  @Override
  public ControlResponse rollbackUpdate(OperatorRequest request) {
    rollback(request);
    return new ControlResponse("rollback", Phase.RESTORING, false, "aborting: restoring every fault");
  }

  @Override
  public void validateRollback(OperatorRequest request) {}

  @Override
  public ControlResponse promoteUpdate(OperatorRequest request) {
    return new ControlResponse("promote", status.phase(), false, "the fault step ends now");
  }

  @Override
  public void validatePromote(OperatorRequest request) {}
}
