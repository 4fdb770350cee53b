package io.bellwether.workflows.bluegreen;

import static io.bellwether.workflows.RunTestSupport.assertRefused;
import static io.bellwether.workflows.RunTestSupport.count;
import static io.bellwether.workflows.RunTestSupport.find;
import static io.bellwether.workflows.RunTestSupport.has;
import static io.bellwether.workflows.RunTestSupport.last;
import static io.bellwether.workflows.RunTestSupport.newRun;
import static io.bellwether.workflows.RunTestSupport.recordHistory;
import static io.bellwether.workflows.RunTestSupport.waitUntil;
import static io.bellwether.workflows.bluegreen.FakeSwitch.A;
import static io.bellwether.workflows.bluegreen.FakeSwitch.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenResult;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.bluegreen.BlueRetentionSpec;
import io.bellwether.contracts.bluegreen.TrafficShiftSpec;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.notify.RecordingNotify;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A broken workflow tends to hang (a failing workflow task is retried forever), not to fail.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlueGreenDeploymentWorkflowTest {
  static final String SHOP_A_1 = BlueGreenDeploymentWorkflowImpl.instanceName("shop", A, "s1");
  static final String SHOP_A_2 = BlueGreenDeploymentWorkflowImpl.instanceName("shop", A, "s2");
  static final String SHOP_B_1 = BlueGreenDeploymentWorkflowImpl.instanceName("shop", B, "s1");
  static final String SHOP_B_2 = BlueGreenDeploymentWorkflowImpl.instanceName("shop", B, "s2");

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeSwitch fake;

  /** Released after each test so that no activity thread outlives it. */
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    // Heartbeats carry cancellation to an activity; every 100ms instead of every 8s lets a test
    // see a cancel reach a long wait without waiting in real time.
    Worker worker =
        env.newWorker(
            TaskQueues.BELLWETHER,
            WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(100))
                .setDefaultHeartbeatThrottleInterval(Duration.ofMillis(100))
                .build());
    worker.registerWorkflowImplementationTypes(BlueGreenDeploymentWorkflowImpl.class);
    fake = new FakeSwitch().blue("1.0.0", 2);
    worker.registerActivitiesImplementations(
        fake.pool, fake.deploy, fake.health, fake.config, fake.gate, new RecordingNotify());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    env.close();
  }

  // --------------------------------------------------------------------------------------------
  // Success paths

  @Test
  void instantSwitchThenBlueIsDecommissioned() {
    var spec = spec(null, null, false, new BlueRetentionSpec(null, "10s"));

    BlueGreenResult result = workflow(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(B, result.liveBackend());
    assertEquals(100, result.greenTrafficPercent());
    assertTrue(result.blueDecommissioned());
    assertEquals(List.of("2.0.0", "2.0.0"), fake.servingVersions(B));
    assertEquals(Map.of(SHOP_B_1, "2.0.0", SHOP_B_2, "2.0.0"), fake.running());
    assertEquals(List.of(), fake.slots().get(A), "blue's slots are emptied");
    // One atomic move of all traffic, then the role swap; never a split.
    assertEquals(List.of("pct 100"), fake.callsStartingWith("pct"));
    assertEquals(List.of("promote " + B), fake.callsStartingWith("promote"));
    assertEquals(List.of(), fake.callsStartingWith("preview"));
    // Green was in its slot and verified before any traffic moved.
    int switchAt = fake.calls.indexOf("pct 100");
    assertTrue(fake.calls.indexOf("health " + SHOP_B_2 + " /version") < switchAt);
    assertTrue(
        fake.calls.indexOf("provision " + SHOP_B_1 + " 2.0.0") < indexOf("assign shop_b/s1 127."));
    // Blue left the router before its processes were stopped.
    assertTrue(
        fake.calls.indexOf("assign shop_a/s1 -") < fake.calls.indexOf("decommission " + SHOP_A_1));

    BlueGreenStatus status = stub(spec).status();
    assertEquals(A, status.blueBackend());
    assertEquals(B, status.greenBackend());
    assertEquals(2, status.instancesRunning());
    assertEquals("1.0.0", status.blue().get(0).recordedVersion());
    assertEquals("DECOMMISSIONED", status.blue().get(0).progress());
    assertEquals("SERVING", status.green().get(1).progress());
    assertNull(status.gate());
    assertEquals("ci-bot", status.events().get(0).by());
    assertEquals("succeeded", last(status.events()).action());
  }

  @Test
  void keepIdleLeavesBlueRunningAndTheNextReleaseRetiresIt() {
    var first = spec(null, null, false, new BlueRetentionSpec(BlueRetentionSpec.KEEP_IDLE, null));

    BlueGreenResult one = workflow(first).run(first);

    assertEquals(Phase.SUCCEEDED, one.phase(), one.message());
    assertFalse(one.blueDecommissioned());
    assertEquals(List.of("2.0.0", "2.0.0"), fake.servingVersions(B));
    assertEquals(4, fake.running().size(), "both pools run");
    assertEquals(4, stub(first).status().instancesRunning(), "doubled capacity shows in status");
    assertEquals(A, fake.candidate());

    // The roles swap: 3.0.0 lands in the idle backend, replacing what 1.0.0 left there.
    var second =
        new BlueGreenDeploymentSpec(
            "shop",
            "3.0.0",
            target("shop"),
            null,
            health(),
            null,
            null,
            null,
            null,
            "1s",
            new BlueRetentionSpec(null, "1s"),
            "ci-bot");
    BlueGreenResult two = workflow(second).run(second);

    assertEquals(Phase.SUCCEEDED, two.phase(), two.message());
    assertEquals(A, two.liveBackend());
    assertEquals(List.of("3.0.0", "3.0.0"), fake.servingVersions(A));
    assertEquals(Map.of(SHOP_A_1, "3.0.0", SHOP_A_2, "3.0.0"), fake.running());
    List<String> calls = fake.calls;
    assertTrue(
        calls.indexOf("decommission " + SHOP_A_1)
            < calls.lastIndexOf("provision " + SHOP_A_1 + " 3.0.0"),
        "the idle 1.0.0 instance is stopped before 3.0.0 takes its slot");
    assertTrue(has(stub(second).status().events(), "idle-retired", "2 idle"));
  }

  @Test
  void gradualShiftMovesInStepsHoldsOnPauseAndPromoteSkipsAWait() throws Exception {
    var spec =
        spec(
            null,
            new TrafficShiftSpec(List.of(20, 50, 100), "1m"),
            false,
            new BlueRetentionSpec(null, "1s"));
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(() -> has(wf.status().events(), "traffic", "20%"), "the first step never came");
    assertEquals(20, fake.percent());
    assertEquals(A, fake.live());

    ControlResponse paused = wf.pauseUpdate(OperatorRequest.of("alice", "checking graphs"));
    assertTrue(paused.paused());
    env.sleep(Duration.ofMinutes(30));
    BlueGreenStatus held = wf.status();
    assertEquals(Phase.PAUSED, held.phase());
    assertEquals(20, held.greenTrafficPercent(), "a pause holds between steps");
    assertEquals(20, fake.percent());

    // promote releases the pause; at 50% it skips the interval.
    wf.promoteUpdate(OperatorRequest.of("alice", "graphs fine"));
    waitUntil(() -> has(wf.status().events(), "traffic", "50%"), "the second step never came");
    ControlResponse skip = wf.promoteUpdate(OperatorRequest.of("alice", "enough"));
    assertEquals("promote", skip.action());
    BlueGreenResult result = WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(List.of("pct 20", "pct 50", "pct 100"), fake.callsStartingWith("pct"));
    assertEquals(List.of("2.0.0", "2.0.0"), fake.servingVersions(B));
    // Green's health was checked while it had 20%.
    List<String> between =
        fake.calls.subList(fake.calls.indexOf("pct 20"), fake.calls.indexOf("pct 50"));
    assertTrue(between.contains("health " + SHOP_B_1 + " /health"), between.toString());
    assertTrue(fake.calls.indexOf("promote " + B) > fake.calls.indexOf("pct 100"));
    BlueGreenStatus status = wf.status();
    assertTrue(has(status.events(), "skipped", "interval"));
    assertEquals("checking graphs", find(status.events(), "pause", "alice").detail());
  }

  @Test
  void anAllowedApproverOpensTheGateAndRefusalsAreRecorded() throws Exception {
    var spec = spec(gate(ApprovalGateSpec.ABORT), null, true, new BlueRetentionSpec(null, "1s"));
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitForOpenGate(wf);

    BlueGreenStatus waiting = wf.status();
    assertEquals(Phase.AWAITING_APPROVAL, waiting.phase());
    assertTrue(waiting.previewOn(), "testers reach green while the gate waits");
    assertTrue(fake.preview());
    assertEquals(0, fake.percent(), "no public traffic before approval");
    assertEquals(List.of("alice", "bob"), waiting.gate().approvers());
    assertEquals(4, waiting.instancesRunning());
    assertRefused(() -> wf.promoteUpdate(OperatorRequest.of("alice", "go")), "a gate is open");
    assertRefused(() -> wf.approveUpdate(OperatorRequest.of("mallory", "me")), "not an approver");
    wf.approve(OperatorRequest.of("ci-bot", "I started it"));
    waitUntil(
        () -> count(wf.status().events(), "refused") == 1, "the refused signal was not recorded");
    assertEquals("OPEN", wf.status().gate().state(), "the run keeps waiting");

    wf.approve(OperatorRequest.of("alice", "release notes checked"));
    BlueGreenResult result = WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(List.of("2.0.0", "2.0.0"), fake.servingVersions(B));
    // The preview route closed while all traffic was already on green, before the swap.
    assertTrue(fake.calls.indexOf("preview off") > fake.calls.indexOf("pct 100"));
    assertTrue(fake.calls.indexOf("preview off") < fake.calls.indexOf("promote " + B));
    BlueGreenStatus status = wf.status();
    assertEquals("APPROVED", status.gate().state());
    GateDecision accepted =
        status.gate().decisions().stream().filter(GateDecision::accepted).findFirst().orElseThrow();
    assertEquals("alice", accepted.by());
    assertEquals("signal", accepted.channel());
    assertEquals("release notes checked", accepted.reason());
    assertTrue(has(status.events(), "refused", "approve"));

    recordHistory(client, WorkflowIds.blueGreen(spec), "bluegreen-success.json");
  }

  @Test
  void aGateTimeoutWithProceedSwitches() {
    var spec = spec(gate(ApprovalGateSpec.PROCEED), null, false, new BlueRetentionSpec(null, "1s"));

    BlueGreenResult result = workflow(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(List.of("2.0.0", "2.0.0"), fake.servingVersions(B));
    assertEquals("TIMED_OUT_PROCEEDED", stub(spec).status().gate().state());
  }

  // --------------------------------------------------------------------------------------------
  // Before the switch: green goes, blue is untouched

  @Test
  void aRejectionTearsGreenDownAndLeavesBlueUntouched() throws Exception {
    Map<String, List<String>> before = fake.slots();
    var spec = spec(gate(ApprovalGateSpec.ABORT), null, true, null);
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitForOpenGate(wf);

    ControlResponse answer = wf.rejectUpdate(OperatorRequest.of("bob", "wrong build"));
    assertEquals("reject", answer.action());
    BlueGreenResult result = WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class);

    assertEquals(Phase.ABORTED, result.phase(), result.message());
    assertTrue(result.message().contains("bob: wrong build"), result.message());
    assertGreenGoneBlueUntouched(before);
    assertEquals(List.of(), fake.callsStartingWith("pct"), "no traffic ever moved");
    assertEquals("REJECTED", wf.status().gate().state());
  }

  @Test
  void aGateTimeoutWithAbortTearsGreenDown() {
    Map<String, List<String>> before = fake.slots();
    var spec = spec(gate(ApprovalGateSpec.ABORT), null, false, null);

    BlueGreenResult result = workflow(spec).run(spec);

    assertEquals(Phase.ABORTED, result.phase(), result.message());
    assertTrue(result.message().contains("timed out"), result.message());
    assertGreenGoneBlueUntouched(before);
    assertEquals("TIMED_OUT_ABORTED", stub(spec).status().gate().state());
  }

  @Test
  void aFailedVerificationTearsGreenDownAndClosesThePreview() {
    Map<String, List<String>> before = fake.slots();
    fake.unhealthy.add(SHOP_B_2);
    var spec = spec(null, null, true, null);

    BlueGreenResult result = workflow(spec).run(spec);

    assertEquals(Phase.ABORTED, result.phase(), result.message());
    assertTrue(
        result.message().contains(SHOP_B_2 + ": health check did not pass"), result.message());
    assertGreenGoneBlueUntouched(before);
    assertEquals(List.of("preview on", "preview off"), fake.callsStartingWith("preview"));
    assertEquals(List.of(), fake.callsStartingWith("pct"));
    BlueGreenStatus status = stub(spec).status();
    assertEquals("FAILED", status.green().get(1).progress());
    assertEquals("DECOMMISSIONED", status.green().get(0).progress());
  }

  @Test
  void aFailedProvisionIsTornDownToo() {
    Map<String, List<String>> before = fake.slots();
    fake.failingProvisions.add(SHOP_B_1);
    var spec = spec(null, null, false, null);

    BlueGreenResult result = workflow(spec).run(spec);

    assertEquals(Phase.ABORTED, result.phase(), result.message());
    assertTrue(result.message().contains("port already in use"), result.message());
    assertGreenGoneBlueUntouched(before);
    // The failed one was registered before it was asked for, so it is removed too.
    assertTrue(fake.calls.contains("decommission " + SHOP_B_1));
  }

  // --------------------------------------------------------------------------------------------
  // After traffic moved: back to blue at once

  @Test
  void rollbackInTheWatchWindowSwitchesAllTrafficBackToBlue() throws Exception {
    CountDownLatch watching = new CountDownLatch(1);
    fake.healthHook =
        (name, probe) -> watchProbe(probe) && B.equals(fake.live()) ? holdProbe(watching) : null;
    var spec = spec(null, null, false, null);
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    assertTrue(watching.await(10, TimeUnit.SECONDS), "the watch window never started");
    assertEquals(List.of("2.0.0", "2.0.0"), fake.servingVersions(B));
    assertEquals(4, wf.status().instancesRunning(), "blue is kept during the window");

    wf.rollback(OperatorRequest.of("carol", "checkout errors"));
    BlueGreenResult result = WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertEquals(A, result.liveBackend());
    assertEquals(0, result.greenTrafficPercent());
    assertEquals(List.of("1.0.0", "1.0.0"), fake.servingVersions(A));
    assertEquals(Map.of(SHOP_A_1, "1.0.0", SHOP_A_2, "1.0.0"), fake.running());
    // Back in one move of all traffic, then the swap: never a split.
    assertEquals(List.of("pct 100", "pct 100"), fake.callsStartingWith("pct"));
    assertEquals(List.of("promote " + B, "promote " + A), fake.callsStartingWith("promote"));
    assertTrue(result.message().contains("checkout errors"), result.message());
    BlueGreenStatus status = wf.status();
    assertEquals("checkout errors", find(status.events(), "rollback", "carol").detail());
    assertTrue(has(status.events(), "switched-back", A));
  }

  @Test
  void greenFailingInTheWatchWindowSwitchesBackOnItsOwn() {
    fake.healthHook =
        (name, probe) ->
            watchProbe(probe) && B.equals(fake.live()) ? FakeSwitch.failedProbe() : null;
    var spec = spec(null, null, false, null);

    BlueGreenResult result = workflow(spec).run(spec);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertTrue(result.message().contains("watch window"), result.message());
    assertEquals(List.of("1.0.0", "1.0.0"), fake.servingVersions(A));
    assertEquals(Map.of(SHOP_A_1, "1.0.0", SHOP_A_2, "1.0.0"), fake.running());
  }

  @Test
  void rollbackDuringAGradualShiftTakesTheShareBackToZero() throws Exception {
    var spec = spec(null, new TrafficShiftSpec(List.of(10, 100), "10m"), false, null);
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(() -> has(wf.status().events(), "traffic", "10%"), "the first step never came");

    wf.rollbackUpdate(OperatorRequest.of("dave", "latency"));
    BlueGreenResult result = WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertEquals(List.of("pct 10", "pct 0"), fake.callsStartingWith("pct"));
    assertEquals(List.of(), fake.callsStartingWith("promote"));
    assertEquals(List.of("1.0.0", "1.0.0"), fake.servingVersions(A));
    assertEquals(Map.of(SHOP_A_1, "1.0.0", SHOP_A_2, "1.0.0"), fake.running());
  }

  // --------------------------------------------------------------------------------------------
  // Cancel at each phase: exactly one pool serves everything

  @Test
  void cancelDuringVerificationLeavesBlueServing() throws Exception {
    Map<String, List<String>> before = fake.slots();
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicBoolean sawCancel = new AtomicBoolean();
    fake.healthHook =
        (name, probe) ->
            name.equals(SHOP_B_2) ? FakeSwitch.heartbeatUntilCanceled(waiting, sawCancel) : null;
    var spec = spec(null, null, true, null);
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    assertTrue(waiting.await(10, TimeUnit.SECONDS));
    // Only the stuck probe may be in flight when the cancel lands (see settled()).
    waitUntil(() -> fake.calls.contains("health " + SHOP_B_1 + " /version"), "s1 never verified");
    settled();

    WorkflowStub.fromTyped(wf).cancel();
    assertCanceled(wf);

    assertTrue(sawCancel.get(), "the long health wait was canceled");
    assertGreenGoneBlueUntouched(before);
    assertEquals(Phase.ABORTED, wf.status().phase());
  }

  @Test
  void cancelAtTheGateLeavesBlueServing() throws Exception {
    Map<String, List<String>> before = fake.slots();
    var spec = spec(gate(ApprovalGateSpec.ABORT), null, true, null);
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitForOpenGate(wf);

    WorkflowStub.fromTyped(wf).cancel();
    assertCanceled(wf);

    assertGreenGoneBlueUntouched(before);
    assertTrue(has(wf.status().events(), "cancel", "AWAITING_APPROVAL"));
  }

  @Test
  void cancelInTheWatchWindowKeepsGreenLiveAndBlueIdle() throws Exception {
    CountDownLatch watching = new CountDownLatch(2);
    AtomicBoolean sawCancel = new AtomicBoolean();
    fake.healthHook =
        (name, probe) ->
            watchProbe(probe) && B.equals(fake.live())
                ? FakeSwitch.heartbeatUntilCanceled(watching, sawCancel)
                : null;
    var spec = spec(null, null, false, null);
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    assertTrue(watching.await(10, TimeUnit.SECONDS), "the watch window never started");

    WorkflowStub.fromTyped(wf).cancel();
    assertCanceled(wf);

    assertEquals(List.of("2.0.0", "2.0.0"), fake.servingVersions(B));
    assertEquals(4, fake.running().size(), "blue stays idle for a manual switch-back");
    assertEquals(A, fake.candidate());
    assertEquals(Phase.SUCCEEDED, wf.status().phase());
  }

  @Test
  void cancelDuringTheScaleDownDelayKeepsGreenLive() throws Exception {
    var spec = spec(null, null, false, new BlueRetentionSpec(null, "1h"));
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(() -> wf.status().phase() == Phase.SCALING_DOWN, "the scale-down delay never began");

    WorkflowStub.fromTyped(wf).cancel();
    assertCanceled(wf);

    assertEquals(List.of("2.0.0", "2.0.0"), fake.servingVersions(B));
    assertEquals(4, fake.running().size());
    assertEquals(List.of(), fake.callsStartingWith("decommission"));
  }

  @Test
  void cancelMidGradualShiftPutsAllTrafficBackOnBlue() throws Exception {
    var spec = spec(null, new TrafficShiftSpec(List.of(30, 100), "10m"), false, null);
    BlueGreenDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(() -> has(wf.status().events(), "traffic", "30%"), "the first step never came");
    // The interval's probes are instant; cancel while the run sleeps between them.
    waitUntil(() -> wf.status().step().equals("at 30%") && idleBetweenProbes(), "no quiet moment");

    WorkflowStub.fromTyped(wf).cancel();
    assertCanceled(wf);

    assertEquals(List.of("1.0.0", "1.0.0"), fake.servingVersions(A));
    assertEquals(Map.of(SHOP_A_1, "1.0.0", SHOP_A_2, "1.0.0"), fake.running());
    assertEquals(Phase.ROLLED_BACK, wf.status().phase());
  }

  // --------------------------------------------------------------------------------------------
  // Refused before touching anything

  @Test
  void anInvalidSpecListsEveryProblemAndTouchesNothing() {
    fake.unknownNames.add(
        new Violation("target.deployer", "no deployer named 'ghost' is configured"));
    var spec =
        new BlueGreenDeploymentSpec(
            "shop",
            "2.0.0",
            new BlueGreenTarget("edge", "nope", "ghost", null),
            0,
            health(),
            null,
            null,
            null,
            new TrafficShiftSpec(List.of(50, 40), null),
            "30s",
            null,
            "ci-bot");

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow(spec).run(spec));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(failure.isNonRetryable());
    Violation[] details = failure.getDetails().get(Violation[].class);
    assertEquals(
        List.of(
            "replicas",
            "trafficShift.steps[1]",
            "trafficShift.steps",
            "target.deployer",
            "target.pool"),
        List.of(details).stream().map(Violation::field).toList());
    assertTrue(
        failure.getOriginalMessage().contains("no pool 'nope'"), failure.getOriginalMessage());
    assertEquals(List.of(), fake.calls, "nothing was touched");
    assertEquals(Phase.FAILED, stub(spec).status().phase());
  }

  @Test
  void aPoolInTheMiddleOfASwitchIsRefused() {
    fake.setPercentDirectly(30);
    var spec = spec(null, null, false, null);

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow(spec).run(spec));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("mid-switch: 30%"), failure.getOriginalMessage());
    assertEquals(List.of(), fake.calls, "nothing was touched");
  }

  // --------------------------------------------------------------------------------------------

  private int indexOf(String prefix) {
    List<String> calls = List.copyOf(fake.calls);
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean watchProbe(io.bellwether.contracts.activities.HealthProbe probe) {
    // Watch probes ask for one pass; verification asks for the spec's threshold (2 here).
    return probe.successThreshold() == 1 && probe.path().equals("/health");
  }

  /** Holds a watch probe until the test ends; the run must not need its answer to switch back. */
  private io.bellwether.contracts.activities.ProbeResult holdProbe(CountDownLatch started)
      throws InterruptedException {
    started.countDown();
    release.await(30, TimeUnit.SECONDS);
    return FakeSwitch.failedProbe();
  }

  /**
   * The time-skipping test server can wedge when a cancel races an activity completing at the same
   * moment (a real server does not); this waits until the run has taken in what just completed.
   */
  private static void settled() throws InterruptedException {
    Thread.sleep(200);
  }

  /** True when no probe was recorded for a little while, so the run is in its timer. */
  private boolean idleBetweenProbes() throws RuntimeException {
    int before = fake.calls.size();
    try {
      Thread.sleep(150);
    } catch (InterruptedException e) {
      throw new RuntimeException(e);
    }
    return fake.calls.size() == before;
  }

  private void assertGreenGoneBlueUntouched(Map<String, List<String>> before) {
    assertEquals(List.of("1.0.0", "1.0.0"), fake.servingVersions(A));
    assertEquals(before, fake.slots(), "blue's slots as before, green's empty");
    assertEquals(Map.of(SHOP_A_1, "1.0.0", SHOP_A_2, "1.0.0"), fake.running());
    assertEquals(A, fake.live());
  }

  private void waitForOpenGate(BlueGreenDeploymentWorkflow wf) throws InterruptedException {
    waitUntil(
        () -> {
          BlueGreenStatus s = wf.status();
          return s.gate() != null && s.gate().state().equals("OPEN");
        },
        "the gate never opened");
  }

  private static void assertCanceled(BlueGreenDeploymentWorkflow wf) {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class));
    assertInstanceOf(CanceledFailure.class, e.getCause());
  }

  static ApprovalGateSpec gate(String onTimeout) {
    return new ApprovalGateSpec(
        null, List.of("release-managers"), null, null, "30m", onTimeout, null);
  }

  static HealthCheckSpec health() {
    return new HealthCheckSpec("/health", 2, "1s", "20s");
  }

  static BlueGreenTarget target(String pool) {
    return new BlueGreenTarget("edge", pool, "local", null);
  }

  static BlueGreenDeploymentSpec spec(
      ApprovalGateSpec gate, TrafficShiftSpec shift, boolean preview, BlueRetentionSpec retention) {
    return new BlueGreenDeploymentSpec(
        "shop",
        "2.0.0",
        target("shop"),
        null,
        health(),
        new SmokeCheckSpec("/version", null, "version=${version}"),
        preview,
        gate,
        shift,
        "3s",
        retention,
        "ci-bot");
  }

  private BlueGreenDeploymentWorkflow workflow(BlueGreenDeploymentSpec spec) {
    return newRun(client, BlueGreenDeploymentWorkflow.class, WorkflowIds.blueGreen(spec));
  }

  private BlueGreenDeploymentWorkflow stub(BlueGreenDeploymentSpec spec) {
    return client.newWorkflowStub(BlueGreenDeploymentWorkflow.class, WorkflowIds.blueGreen(spec));
  }
}
