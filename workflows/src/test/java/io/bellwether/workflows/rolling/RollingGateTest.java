package io.bellwether.workflows.rolling;

import static io.bellwether.workflows.RunTestSupport.assertRefused;
import static io.bellwether.workflows.RunTestSupport.find;
import static io.bellwether.workflows.RunTestSupport.has;
import static io.bellwether.workflows.RunTestSupport.newRun;
import static io.bellwether.workflows.RunTestSupport.recordHistory;
import static io.bellwether.workflows.RunTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.IntOrPercent;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.RollingStrategy;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.gate.ApprovalGate;
import io.bellwether.workflows.gate.FakeApprovers;
import io.bellwether.workflows.notify.RecordingNotify;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The optional gate after the first batch, and promote, on the rolling workflow. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RollingGateTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakePool pool;
  private FakeApprovers approvers;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(RollingDeploymentWorkflowImpl.class);
    pool = new FakePool();
    approvers = new FakeApprovers();
    worker.registerActivitiesImplementations(
        pool.traffic,
        pool.deploy,
        pool.health,
        pool.config,
        approvers.activities,
        new RecordingNotify());
    env.start();
    client = env.getWorkflowClient();
    pool.add("s1", "1.0.0", ServerState.READY, 100)
        .add("s2", "1.0.0", ServerState.READY, 50)
        .add("s3", "1.0.0", ServerState.READY, 100)
        .add("s4", "1.0.0", ServerState.MAINT, 0);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  // --------------------------------------------------------------------------------------------

  @Test
  void anApprovalAfterTheFirstBatchLetsTheRestFollow() throws Exception {
    var spec = spec(gate(null, null), null, null);
    RollingDeploymentWorkflow wf = start(spec);
    awaitGate(wf);

    RollingStatus waiting = wf.status();
    assertEquals("approval", waiting.step());
    assertEquals(ApprovalGate.OPEN, waiting.gate().state());
    assertEquals(List.of("alice", "bob", "ci-bot"), waiting.gate().approvers());
    assertEquals("2.0.0 READY 100", pool.snapshot().get("s1"));
    assertEquals(List.of(), pool.callsFor("s3"), "batch 2 waits for the gate");
    assertRefused(
        () -> wf.approveUpdate(OperatorRequest.of("ci-bot", "mine")), "self-approval refused");
    assertRefused(
        () -> wf.approveUpdate(OperatorRequest.of("mallory", "x")), "'mallory' is not an approver");
    assertRefused(
        () -> wf.promoteUpdate(OperatorRequest.of("bob", "skip")), "an approval gate is open");

    ControlResponse answer = wf.approveUpdate(OperatorRequest.of("alice", "first batch healthy"));

    assertTrue(answer.message().contains("approved by alice"), answer.message());
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);
    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(List.of("s1", "s2", "s3", "s4"), result.upgraded());
    GateStatus gate = wf.status().gate();
    assertEquals(ApprovalGate.APPROVED, gate.state());
    assertEquals(List.of("alice"), gate.approvals());
    assertEquals("update", gate.decisions().get(0).channel());
    // The gate stood between the batches.
    List<String> actions = wf.status().events().stream().map(RunEvent::action).toList();
    assertTrue(actions.indexOf("gate-approved") > actions.indexOf("batch-done"));
    assertTrue(actions.indexOf("gate-approved") < actions.lastIndexOf("batch-start"));

    recordHistory(client, WorkflowIds.rolling(spec), "rolling-gate-approved.json");
  }

  @Test
  void aRejectionRollsThePoolBackExactly() throws Exception {
    Map<String, String> before = pool.snapshot();
    var spec = spec(gate(null, null), null, null);
    RollingDeploymentWorkflow wf = start(spec);
    awaitGate(wf);

    wf.reject(OperatorRequest.of("bob", "latency doubled on s1"));
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertEquals(before, pool.snapshot());
    assertTrue(
        result.message().contains("rejected at gate 'after-first-batch' by bob"), result.message());
    assertTrue(pool.callsFor("s1").contains("deploy 1.0.0"));
    assertEquals(List.of(), pool.callsFor("s3"));
    assertEquals(ApprovalGate.REJECTED, wf.status().gate().state());
  }

  @Test
  void aTimeoutWithAbortRollsBack() {
    Map<String, String> before = pool.snapshot();
    var spec = spec(gate("30m", "abort"), null, null);

    RollingResult result = runToTheEnd(spec);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertEquals(before, pool.snapshot());
    assertTrue(result.message().contains("no approval"), result.message());
    assertEquals(ApprovalGate.TIMED_OUT_ABORTED, stub(spec).status().gate().state());
  }

  @Test
  void aTimeoutWithProceedGoesOn() {
    var spec = spec(gate("30m", "proceed"), null, null);

    RollingResult result = runToTheEnd(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(List.of("s1", "s2", "s3", "s4"), result.upgraded());
    assertEquals(ApprovalGate.TIMED_OUT_PROCEEDED, stub(spec).status().gate().state());
  }

  @Test
  void aRollbackAtTheGateRestoresThePool() throws Exception {
    Map<String, String> before = pool.snapshot();
    var spec = spec(gate(null, null), null, null);
    RollingDeploymentWorkflow wf = start(spec);
    awaitGate(wf);

    wf.rollback(OperatorRequest.of("carol", "changed plans"));
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    assertEquals(Phase.ROLLED_BACK, result.phase());
    assertEquals(before, pool.snapshot());
    assertEquals(ApprovalGate.INTERRUPTED, wf.status().gate().state());
  }

  @Test
  void aCancelAtTheGateRestoresThePool() throws Exception {
    Map<String, String> before = pool.snapshot();
    var spec = spec(gate(null, null), null, null);
    RollingDeploymentWorkflow wf = start(spec);
    awaitGate(wf);

    WorkflowStub.fromTyped(wf).cancel();
    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(wf).getResult(RollingResult.class));

    assertInstanceOf(CanceledFailure.class, failed.getCause());
    assertEquals(before, pool.snapshot());
    assertEquals(ApprovalGate.INTERRUPTED, wf.status().gate().state());
  }

  @Test
  void withoutAGateApproveIsRefusedAndPromoteSkipsTheBake() throws Exception {
    CountDownLatch inBatchOne = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    pool.healthHook =
        (name, probe) -> {
          if (name.equals("s1")) {
            inBatchOne.countDown();
            FakePool.waitFor(release);
          }
          return null;
        };
    var spec = spec(null, "1h", null);
    RollingDeploymentWorkflow wf = start(spec);
    assertTrue(inBatchOne.await(10, TimeUnit.SECONDS));

    assertNull(wf.status().gate());
    assertRefused(() -> wf.approveUpdate(OperatorRequest.of("alice", "ok")), "no gate is open");
    assertRefused(() -> wf.promoteUpdate(OperatorRequest.of("alice", "go")), "nothing to skip");
    wf.approve(OperatorRequest.of("alice", "ok"));
    waitUntil(
        () -> has(wf.status().events(), "alice", "refused", "approve: no gate is open"),
        "the refused approval was not recorded");
    release.countDown();
    waitUntil(() -> wf.status().phase() == Phase.BAKING, "batch 1 never baked");

    ControlResponse answer = wf.promoteUpdate(OperatorRequest.of("bob", "metrics are fine"));

    assertTrue(answer.message().contains("bake skipped"), answer.message());
    waitUntil(() -> pool.callsFor("s3").contains("DRAIN"), "batch 2 did not start");
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);
    assertEquals(Phase.SUCCEEDED, result.phase());
    RollingStatus status = wf.status();
    // On the workflow clock, batch 2 began well before the hour of bake was over.
    Instant batchOneDone = Instant.parse(find(status.events(), "batch-done").time());
    Instant batchTwoStart =
        Instant.parse(
            status.events().stream()
                .filter(e -> e.action().equals("batch-start") && e.detail().contains("batch 2"))
                .findFirst()
                .orElseThrow()
                .time());
    assertTrue(
        Duration.between(batchOneDone, batchTwoStart).compareTo(Duration.ofMinutes(5)) < 0,
        batchOneDone + " .. " + batchTwoStart);
    assertTrue(has(status.events(), "bob", "promote", "metrics are fine"));
  }

  @Test
  void promoteLiftsAPauseAfterABatch() throws Exception {
    var spec = spec(null, null, true);
    RollingDeploymentWorkflow wf = start(spec);
    waitUntil(() -> wf.status().phase() == Phase.PAUSED, "the run never paused");

    wf.promote(OperatorRequest.of("bob", "go on"));
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase());
    assertTrue(has(wf.status().events(), "bob", "promote", "go on"));
  }

  // --------------------------------------------------------------------------------------------

  private static ApprovalGateSpec gate(String timeout, String onTimeout) {
    return new ApprovalGateSpec(
        List.of("alice", "bob", "ci-bot"), null, null, null, timeout, onTimeout, null);
  }

  static RollingDeploymentSpec spec(ApprovalGateSpec gate, String bake, Boolean pauseEach) {
    return new RollingDeploymentSpec(
        "web",
        "2.0.0",
        new TargetRef("edge", "web", "local", null),
        null,
        new RollingStrategy(IntOrPercent.of(2), bake, pauseEach, null),
        "5s",
        new HealthCheckSpec("/health", 2, "1s", "20s"),
        null,
        "ci-bot",
        gate,
        Map.of());
  }

  private RollingDeploymentWorkflow start(RollingDeploymentSpec spec) {
    RollingDeploymentWorkflow wf = stubFor(spec);
    WorkflowClient.start(wf::run, spec);
    return wf;
  }

  private RollingResult runToTheEnd(RollingDeploymentSpec spec) {
    return stubFor(spec).run(spec);
  }

  private RollingDeploymentWorkflow stubFor(RollingDeploymentSpec spec) {
    return newRun(client, RollingDeploymentWorkflow.class, WorkflowIds.rolling(spec));
  }

  private RollingDeploymentWorkflow stub(RollingDeploymentSpec spec) {
    return client.newWorkflowStub(RollingDeploymentWorkflow.class, WorkflowIds.rolling(spec));
  }

  private static void awaitGate(RollingDeploymentWorkflow wf) throws InterruptedException {
    waitUntil(
        () ->
            wf.status().phase() == Phase.AWAITING_APPROVAL
                && ApprovalGate.OPEN.equals(wf.status().gate().state()),
        "the gate never opened");
  }
}
