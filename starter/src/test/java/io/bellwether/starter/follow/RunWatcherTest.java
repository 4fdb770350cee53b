package io.bellwether.starter.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bellwether.contracts.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunWatcherTest {
  @Test
  void aWorkerRejectedSpecIsExitTwoWithItsMessage() {
    ApplicationFailure invalid =
        ApplicationFailure.newNonRetryableFailure("spec is invalid (1 problem):\n  - target.deployer: unknown", FailureTypes.INVALID_SPEC);
    RunOutcome o = RunWatcher.failed("rolling-web-2.0.0", invalid, Duration.ZERO);
    assertEquals(RunOutcome.INVALID_SPEC, o.outcome());
    assertEquals(2, o.exitCode());
    assertEquals("spec is invalid (1 problem):\n  - target.deployer: unknown", o.message());
  }

  @Test
  void otherFailuresAndCancelAreExitOne() {
    RunOutcome deploy = RunWatcher.failed("x",
        ApplicationFailure.newNonRetryableFailure("boom", FailureTypes.DEPLOY_FAILED), Duration.ZERO);
    assertEquals(RunOutcome.FAILED, deploy.outcome());
    assertEquals("DeployFailed: boom", deploy.message());
    assertEquals(1, deploy.exitCode());
    RunOutcome canceled = RunWatcher.failed("x", new CanceledFailure("by operator"), Duration.ZERO);
    assertEquals(RunOutcome.CANCELED, canceled.outcome());
    assertEquals(1, canceled.exitCode());
  }

  @Test
  void outcomesMapToExitCodes() {
    assertEquals(0, new RunOutcome("x", RunOutcome.SUCCEEDED, "", null, Duration.ZERO).exitCode());
    assertEquals(1, new RunOutcome("x", RunOutcome.ROLLED_BACK, "", null, Duration.ZERO).exitCode());
    assertEquals(1, new RunOutcome("x", RunOutcome.FAILED, "", null, Duration.ZERO).exitCode());
  }
}
