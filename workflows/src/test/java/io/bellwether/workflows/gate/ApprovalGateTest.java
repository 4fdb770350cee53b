package io.bellwether.workflows.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.workflows.control.Controls;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A broken workflow tends to hang (a failing workflow task is retried forever), not to fail.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ApprovalGateTest {
  private static final String QUEUE = "gate-test";
  private static final String STARTER = "ci-bot";
  private static final String ID = "gated-run";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeApprovers approvers;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(GatedWorkflowImpl.class);
    approvers = new FakeApprovers();
    worker.registerActivitiesImplementations(approvers.activities);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  // --------------------------------------------------------------------------------------------

  @Test
  void aDecisionWhileApproversAreResolvingIsQueuedNotRefused() throws Exception {
    // After a worker crash the approver lookup may be retried while people already see the run
    // waiting at its gate; their approval must count once the gate opens.
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    org.mockito.Mockito.doAnswer(
            inv -> {
              entered.countDown();
              release.await(30, TimeUnit.SECONDS);
              return new io.bellwether.contracts.gate.ResolvedApprovers(List.of("alice"), List.of());
            })
        .when(approvers.activities)
        .resolveApprovers(org.mockito.ArgumentMatchers.anyList(), org.mockito.ArgumentMatchers.anyList());
    GatedWorkflow wf = start(gate(List.of("alice"), null, null, null, null, null), false);
    assertTrue(entered.await(30, TimeUnit.SECONDS), "the gate started resolving its approvers");

    wf.approve(OperatorRequest.of("alice", "approved while the gate was opening"));
    release.countDown();

    assertEquals("APPROVED", result(wf));
    GateDecision d = wf.gate().decisions().get(0);
    assertTrue(d.accepted(), d.toString());
    assertEquals("alice", d.by());
  }

  @Test
  void anAllowedUserApprovesBySignal() throws Exception {
    GatedWorkflow wf = start(gate(List.of("alice"), null, null, null, null, null), false);
    waitOpen(wf);
    GateStatus open = wf.gate();
    assertEquals(List.of("alice"), open.approvers());
    assertFalse(open.deadline().isEmpty());
    assertEquals("abort", open.onTimeout());

    wf.approve(OperatorRequest.of("alice", "first batch looks good"));

    assertEquals("APPROVED", result(wf));
    GateStatus s = wf.gate();
    assertEquals(ApprovalGate.APPROVED, s.state());
    assertEquals(List.of("alice"), s.approvals());
    GateDecision d = s.decisions().get(0);
    assertEquals(1, s.decisions().size());
    assertEquals("alice", d.by());
    assertEquals("approve", d.action());
    assertEquals("first batch looks good", d.reason());
    assertEquals("signal", d.channel());
    assertFalse(d.verified());
    assertTrue(d.accepted());
    assertEquals("", d.refusal());
    assertFalse(d.time().isEmpty());
    assertTrue(has(wf.events(), "alice", "approve", "via signal"));
    assertTrue(has(wf.events(), "bellwether", "gate-approved", "alice"));
  }

  @Test
  void aGroupMemberApprovesByUpdateAndUnknownGroupsAreIgnored() throws Exception {
    approvers.groups.put("release-managers", List.of("bob", "carol"));
    GatedWorkflow wf =
        start(gate(null, List.of("release-managers", "ghosts"), null, null, null, null), false);
    waitOpen(wf);
    assertEquals(List.of("bob", "carol"), wf.gate().approvers());
    assertTrue(has(wf.events(), "bellwether", "gate-approvers-ignored", "no group named 'ghosts'"));

    ControlResponse answer = wf.approveUpdate(OperatorRequest.of("carol", "ok from me"));

    assertEquals("approve", answer.action());
    assertTrue(answer.message().contains("approved by carol"), answer.message());
    assertTrue(answer.message().contains("1 of 1"), answer.message());
    assertEquals("APPROVED", result(wf));
    GateDecision d = wf.gate().decisions().get(0);
    assertEquals("update", d.channel());
    assertEquals("carol", d.by());
  }

  @Test
  void aRefusedApproverAndASelfApprovalLeaveTheGateWaiting() throws Exception {
    GatedWorkflow wf = start(gate(List.of("alice", STARTER), null, null, null, null, null), false);
    waitOpen(wf);

    wf.approve(OperatorRequest.of("mallory", "let me through"));
    wf.approve(OperatorRequest.of(STARTER, "my own release"));
    waitUntil(() -> wf.gate().decisions().size() == 2, "the refusals were not recorded");
    // Hours may pass; refusals never count, so the gate is still waiting.
    GateStatus waiting = wf.gate();
    assertEquals(ApprovalGate.OPEN, waiting.state());
    assertEquals(Phase.AWAITING_APPROVAL, wf.phase());
    assertEquals(List.of(), waiting.approvals());
    GateDecision mallory = waiting.decisions().get(0);
    assertFalse(mallory.accepted());
    assertEquals("mallory", mallory.by());
    assertTrue(mallory.refusal().contains("'mallory' is not an approver"), mallory.refusal());
    GateDecision self = waiting.decisions().get(1);
    assertFalse(self.accepted());
    assertTrue(self.refusal().contains("self-approval refused"), self.refusal());
    assertTrue(has(wf.events(), "mallory", "refused", "not an approver"));
    assertTrue(has(wf.events(), STARTER, "refused", "four eyes"));

    wf.approve(OperatorRequest.of("alice", "ok"));

    assertEquals("APPROVED", result(wf));
    assertEquals(List.of("alice"), wf.gate().approvals());
  }

  @Test
  void aRejectionClosesTheGateAndLaterDecisionsAreRefused() throws Exception {
    GatedWorkflow wf = start(gate(List.of("alice"), null, null, null, null, null), true);
    waitOpen(wf);

    ControlResponse answer = wf.rejectUpdate(OperatorRequest.of("alice", "wrong build"));

    assertTrue(answer.message().contains("rejected by alice"), answer.message());
    waitUntil(() -> wf.phase() == Phase.ABORTED, "the run did not abort");
    GateStatus s = wf.gate();
    assertEquals(ApprovalGate.REJECTED, s.state());
    assertEquals("wrong build", s.decisions().get(0).reason());
    // The run has finished: a late signal is recorded as refused, not dropped.
    wf.approve(OperatorRequest.of("alice", "changed my mind"));
    waitUntil(
        () -> has(wf.events(), "alice", "refused", "the run has finished (ABORTED)"),
        "the late approval was not recorded");
    wf.close();
    assertEquals("REJECTED", result(wf));
  }

  @Test
  void aTimeoutWithAbortEndsTheGate() {
    GatedWorkflow wf = start(gate(List.of("alice"), null, null, "10m", "abort", null), false);

    assertEquals("TIMED_OUT_ABORT", result(wf));

    GateStatus s = wf.gate();
    assertEquals(ApprovalGate.TIMED_OUT_ABORTED, s.state());
    GateDecision d = s.decisions().get(s.decisions().size() - 1);
    assertEquals("timeout", d.channel());
    assertEquals("bellwether", d.by());
    assertEquals("abort", d.action());
    assertTrue(d.reason().contains("no decision within 10m"), d.reason());
  }

  @Test
  void aTimeoutWithProceedGoesOn() {
    GatedWorkflow wf = start(gate(List.of("alice"), null, null, "10m", "proceed", null), false);

    assertEquals("TIMED_OUT_PROCEED", result(wf));

    assertEquals(ApprovalGate.TIMED_OUT_PROCEEDED, wf.gate().state());
    assertEquals(Phase.SUCCEEDED, wf.phase());
    assertTrue(has(wf.events(), "bellwether", "gate-timeout", "onTimeout proceed"));
  }

  @Test
  void aVerifiedIdentityIsRequiredWhereTheGateSaysSo() throws Exception {
    GatedWorkflow wf = start(gate(List.of("alice", "bob"), null, null, null, null, true), false);
    waitOpen(wf);
    assertTrue(wf.gate().requireVerifiedIdentity());

    // A bare signal's declared name does not count.
    wf.approve(OperatorRequest.of("alice", "trust me"));
    waitUntil(() -> wf.gate().decisions().size() == 1, "the bare signal was not recorded");
    GateDecision bare = wf.gate().decisions().get(0);
    assertFalse(bare.accepted());
    assertTrue(bare.refusal().contains("requires a verified identity"), bare.refusal());
    // Forged, and genuine but issued for another action: the worker refuses both.
    assertRefused(
        () -> wf.approveUpdate(new OperatorRequest("bob", "forged", "not-a-real-token")),
        "attestation refused: bad signature");
    String rejectToken = approvers.issue("t-reject", "bob", ID, "reject");
    assertRefused(
        () -> wf.approveUpdate(new OperatorRequest(null, "replayed", rejectToken)),
        "issued for another run or action");
    assertEquals(ApprovalGate.OPEN, wf.gate().state());

    String token = approvers.issue("t-bob", "bob", ID, "approve");
    ControlResponse answer = wf.approveUpdate(new OperatorRequest(null, "checked", token));

    assertTrue(answer.message().contains("bob (verified)"), answer.message());
    assertEquals("APPROVED", result(wf));
    List<GateDecision> decisions = wf.gate().decisions();
    assertEquals(4, decisions.size());
    GateDecision forged = decisions.get(1);
    assertEquals("bob", forged.by());
    assertFalse(forged.verified());
    assertFalse(forged.accepted());
    GateDecision good = decisions.get(3);
    assertEquals("bob", good.by());
    assertTrue(good.verified());
    assertTrue(good.accepted());
    assertTrue(approvers.verifications.contains("t-bob " + ID + " approve"));
  }

  @Test
  void anAttestationForSomeoneElseThanTheDeclaredNameIsRefused() throws Exception {
    GatedWorkflow wf = start(gate(List.of("alice", "bob"), null, null, null, null, true), false);
    waitOpen(wf);
    String token = approvers.issue("t-bob", "bob", ID, "approve");

    assertRefused(
        () -> wf.approveUpdate(new OperatorRequest("alice", "as alice", token)),
        "declared 'alice' but the attestation proves 'bob'");

    wf.reject(new OperatorRequest("alice", "no", approvers.issue("t-a", "alice", ID, "reject")));
    assertEquals("REJECTED", result(wf));
    assertTrue(wf.gate().decisions().get(1).verified());
  }

  @Test
  void updateValidatorsRefuseWithTheReasonAndKeepRefusalsOutOfHistory() throws Exception {
    GatedWorkflow wf = start(gate(List.of("alice", STARTER), null, null, null, null, null), true);
    waitOpen(wf);

    assertRefused(
        () -> wf.approveUpdate(OperatorRequest.of("mallory", "x")), "'mallory' is not an approver");
    assertRefused(
        () -> wf.approveUpdate(OperatorRequest.of(STARTER, "x")), "self-approval refused");
    assertRefused(() -> wf.rejectUpdate(OperatorRequest.of(" ", "x")), "'by' is required");
    assertEquals(List.of(), wf.gate().decisions(), "validators record nothing");
    wf.approveUpdate(OperatorRequest.of("alice", "ok"));
    waitUntil(() -> wf.phase() == Phase.SUCCEEDED, "the run did not go on");
    assertRefused(
        () -> wf.approveUpdate(OperatorRequest.of("alice", "again")),
        "the run has finished (SUCCEEDED)");
    assertRefused(
        () -> wf.rejectUpdate(OperatorRequest.of("alice", "late")), "the run has finished");

    wf.close();
    assertEquals("APPROVED", result(wf));
    long accepted =
        client.fetchHistory(ID).getEvents().stream()
            .filter(
                ev -> ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
            .count();
    assertEquals(1, accepted, "only the accepted approval is in history");
  }

  @Test
  void twoRequiredApprovalsNeedTwoDistinctUsers() throws Exception {
    GatedWorkflow wf =
        start(gate(List.of("alice", "bob", "carol"), null, 2, null, null, null), false);
    waitOpen(wf);

    ControlResponse first = wf.approveUpdate(OperatorRequest.of("alice", "one"));
    assertTrue(first.message().contains("1 of 2"), first.message());
    wf.approve(OperatorRequest.of("alice", "one more time"));
    waitUntil(() -> wf.gate().decisions().size() == 2, "the repeat was not recorded");
    assertRefused(
        () -> wf.approveUpdate(OperatorRequest.of("alice", "and again")), "already decided");
    GateStatus s = wf.gate();
    assertEquals(ApprovalGate.OPEN, s.state());
    assertEquals(List.of("alice"), s.approvals());
    assertTrue(s.decisions().get(1).refusal().contains("already decided"));

    ControlResponse second = wf.approveUpdate(OperatorRequest.of("bob", "two"));

    assertTrue(second.message().contains("2 of 2"), second.message());
    assertEquals("APPROVED", result(wf));
    assertEquals(List.of("alice", "bob"), wf.gate().approvals());
  }

  @Test
  void aRollbackInterruptsTheWait() throws Exception {
    GatedWorkflow wf = start(gate(List.of("alice"), null, null, null, null, null), false);
    waitOpen(wf);

    wf.rollback(OperatorRequest.of("dave", "abandon"));

    assertEquals("INTERRUPTED", result(wf));
    assertEquals(ApprovalGate.INTERRUPTED, wf.gate().state());
    assertEquals(Phase.ROLLED_BACK, wf.phase());
  }

  @Test
  void controlsOutsideAGateAreRefusedWithTheReason() throws Exception {
    GatedWorkflow wf = start(gate(List.of("alice"), null, null, null, null, null), false);
    waitOpen(wf);

    wf.promote(OperatorRequest.of("erin", "skip"));
    wf.pause(new OperatorRequest(null, "hold"));
    waitUntil(() -> count(wf.events(), "refused") == 2, "the refused signals were not recorded");
    assertTrue(has(wf.events(), "erin", "refused", "promote: not supported here"));
    assertTrue(has(wf.events(), "unknown", "refused", "pause: 'by' is required"));
    WorkflowUpdateException e =
        assertThrows(
            WorkflowUpdateException.class,
            () -> wf.promoteUpdate(OperatorRequest.of("erin", "skip")));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(Controls.REFUSED, cause.getType());

    wf.approve(OperatorRequest.of("alice", "ok"));
    assertEquals("APPROVED", result(wf));
  }

  // --------------------------------------------------------------------------------------------

  private static ApprovalGateSpec gate(
      List<String> users,
      List<String> groups,
      Integer required,
      String timeout,
      String onTimeout,
      Boolean verified) {
    return new ApprovalGateSpec(users, groups, required, null, timeout, onTimeout, verified);
  }

  private GatedWorkflow start(ApprovalGateSpec spec, boolean holdAfter) {
    GatedWorkflow wf =
        client.newWorkflowStub(
            GatedWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ID)
                .setTaskQueue(QUEUE)
                .setWorkflowExecutionTimeout(Duration.ofHours(6))
                .build());
    WorkflowClient.start(wf::run, spec, STARTER, holdAfter);
    return wf;
  }

  private static String result(GatedWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getResult(String.class);
  }

  private static void waitOpen(GatedWorkflow wf) throws InterruptedException {
    waitUntil(
        () -> wf.gate() != null && ApprovalGate.OPEN.equals(wf.gate().state()),
        "the gate never opened");
  }

  static void assertRefused(Runnable update, String reason) {
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class, update::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertTrue(cause.getOriginalMessage().contains(reason), cause.getOriginalMessage());
  }

  static void waitUntil(BooleanSupplier condition, String failure) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(failure);
      }
      Thread.sleep(20);
    }
  }

  private static boolean has(List<RunEvent> events, String by, String action, String part) {
    return events.stream()
        .anyMatch(e -> e.by().equals(by) && e.action().equals(action) && e.detail().contains(part));
  }

  private static long count(List<RunEvent> events, String action) {
    return events.stream().filter(e -> e.action().equals(action)).count();
  }
}
