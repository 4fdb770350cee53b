package io.bellwether.workflows.rolling;

import static io.bellwether.workflows.RunTestSupport.count;
import static io.bellwether.workflows.RunTestSupport.newRun;
import static io.bellwether.workflows.RunTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.notify.RunNotification;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.gate.ApprovalGate;
import io.bellwether.workflows.gate.FakeApprovers;
import io.bellwether.workflows.notify.RecordingNotify;
import io.bellwether.workflows.notify.RunNotices;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a rolling run tells people, in which order, and that telling never gets in its way. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RollingNotificationsTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakePool pool;
  private RecordingNotify notify;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(RollingDeploymentWorkflowImpl.class);
    pool = new FakePool();
    notify = new RecordingNotify();
    worker.registerActivitiesImplementations(
        pool.traffic,
        pool.deploy,
        pool.health,
        pool.config,
        new FakeApprovers().activities,
        notify);
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
  void aSuccessfulRunTellsEveryDestinationTheSameStoryInOrder() throws Exception {
    notify.route("web", "chat", "audit");
    var spec = RollingGateTest.spec(null, null, null);

    RollingResult result = stubFor(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    List<String> expected =
        List.of(
            RunNotification.KIND_STARTED,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_SUCCEEDED);
    assertEquals(expected, notify.kinds("chat"));
    assertEquals(expected, notify.kinds("audit"));
    assertEquals(List.of("web"), notify.lookups, "destinations are resolved once per run");
    List<RunNotification> chat = notify.to("chat");
    assertEquals(List.of(50, 100), steps(chat));
    for (RunNotification n : chat) {
      assertEquals(WorkflowIds.rolling(spec), n.workflowId());
      assertEquals(RollingDeploymentWorkflow.TYPE, n.workflowType());
      assertEquals("web", n.service());
      assertEquals("2.0.0", n.version());
    }
    // Each notification reaches both destinations before the next one goes out.
    List<String> order =
        notify.delivered.stream()
            .map(d -> d.destination() + " " + d.notification().kind())
            .toList();
    assertEquals(
        List.of(
            "chat started",
            "audit started",
            "chat traffic-step",
            "audit traffic-step",
            "chat traffic-step",
            "audit traffic-step",
            "chat succeeded",
            "audit succeeded"),
        order);
    assertReplays(spec);
  }

  @Test
  void aRollbackIsToldWithItsReason() throws Exception {
    notify.route("web", "chat");
    pool.unhealthy.add("s3@2.0.0");
    var spec = RollingGateTest.spec(null, null, null);

    RollingResult result = stubFor(spec).run(spec);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertEquals(
        List.of(
            RunNotification.KIND_STARTED,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_ROLLED_BACK),
        notify.kinds("chat"));
    RunNotification last = notify.to("chat").get(2);
    assertTrue(last.reason().contains("more than failureLimit 0"), last.reason());
    assertTrue(last.reason().contains("s3"), last.reason());
    assertNull(last.by(), "the run rolled itself back: no person to name");
    assertEquals(List.of(50), steps(notify.to("chat")));
  }

  @Test
  void aRejectionAtTheGateIsToldWithWhoRejected() throws Exception {
    notify.route("web", "chat");
    var spec = RollingGateTest.spec(gate(), null, null);
    RollingDeploymentWorkflow wf = start(spec);
    awaitGate(wf);

    wf.rejectUpdate(OperatorRequest.of("alice", "error rate up"));
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertEquals(
        List.of(
            RunNotification.KIND_STARTED,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_GATE_WAITING,
            RunNotification.KIND_ROLLED_BACK),
        notify.kinds("chat"));
    RunNotification waiting = notify.to("chat").get(2);
    assertEquals(RollingDeploymentWorkflowImpl.GATE_AFTER_FIRST_BATCH, waiting.gate());
    assertEquals(List.of("alice", "bob", "ci-bot"), waiting.approvers());
    RunNotification back = notify.to("chat").get(3);
    assertEquals("alice", back.by());
    assertTrue(back.reason().contains("error rate up"), back.reason());
  }

  @Test
  void aCanceledRunStillTellsThatItRolledBack() throws Exception {
    notify.route("web", "chat");
    var spec = RollingGateTest.spec(gate(), null, null);
    RollingDeploymentWorkflow wf = start(spec);
    awaitGate(wf);

    WorkflowStub.fromTyped(wf).cancel();
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(wf).getResult(RollingResult.class));

    assertInstanceOf(CanceledFailure.class, e.getCause());
    assertEquals(
        List.of(
            RunNotification.KIND_STARTED,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_GATE_WAITING,
            RunNotification.KIND_ROLLED_BACK),
        notify.kinds("chat"));
    RunNotification back = notify.to("chat").get(3);
    assertEquals("the run was canceled", back.reason());
    assertNull(back.by());
  }

  @Test
  void aDestinationThatIsDownNeitherFailsNorHoldsTheRun() throws Exception {
    notify.route("web", "chat", "audit");
    notify.down.add("chat");
    var spec = RollingGateTest.spec(null, null, null);

    RollingResult result = stubFor(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(
        List.of(
            RunNotification.KIND_STARTED,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_SUCCEEDED),
        notify.kinds("audit"),
        "the other destination hears everything");
    assertEquals(List.of(), notify.kinds("chat"));
    // Three attempts per notification, then the next one.
    assertEquals(12, notify.attempts.stream().filter(a -> a.startsWith("chat ")).count());
    List<RunEvent> events = existing(spec).status().events();
    assertEquals(4, count(events, RunNotices.NOTIFY_FAILED), events.toString());
    for (RunEvent ev : events) {
      assertFalse(ev.detail().contains("hooks.example"), "a URL in the audit trail: " + ev);
      if (ev.action().equals(RunNotices.NOTIFY_FAILED)) {
        assertTrue(ev.detail().startsWith("chat: "), ev.detail());
      }
    }
    assertTrue(
        events.stream()
            .anyMatch(
                ev ->
                    ev.action().equals(RunNotices.NOTIFY_FAILED)
                        && ev.detail().startsWith("chat: succeeded not delivered")),
        events.toString());
    assertEquals(
        RunNotices.NOTIFY_FAILED,
        events.get(events.size() - 1).action(),
        "the run waited for the last delivery before it returned");
  }

  @Test
  void noDestinationsMeansNoDeliveries() throws Exception {
    var spec = RollingGateTest.spec(null, null, null);

    RollingResult result = stubFor(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(List.of("web"), notify.lookups);
    assertEquals(List.of(), notify.attempts);
    assertEquals(0, count(existing(spec).status().events(), RunNotices.NOTIFY_FAILED));
  }

  // --------------------------------------------------------------------------------------------

  private static List<Integer> steps(List<RunNotification> told) {
    return told.stream()
        .filter(n -> n.kind().equals(RunNotification.KIND_TRAFFIC_STEP))
        .map(RunNotification::greenPercent)
        .toList();
  }

  /**
   * A run with notifications replays against the same code: the delivery chain is deterministic.
   */
  private void assertReplays(RollingDeploymentSpec spec) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        client.fetchHistory(WorkflowIds.rolling(spec)), RollingDeploymentWorkflowImpl.class);
  }

  private static ApprovalGateSpec gate() {
    return new ApprovalGateSpec(
        List.of("alice", "bob", "ci-bot"), null, null, null, "30m", null, null);
  }

  private RollingDeploymentWorkflow start(RollingDeploymentSpec spec) {
    RollingDeploymentWorkflow wf = stubFor(spec);
    WorkflowClient.start(wf::run, spec);
    return wf;
  }

  private RollingDeploymentWorkflow stubFor(RollingDeploymentSpec spec) {
    return newRun(client, RollingDeploymentWorkflow.class, WorkflowIds.rolling(spec));
  }

  private RollingDeploymentWorkflow existing(RollingDeploymentSpec spec) {
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
