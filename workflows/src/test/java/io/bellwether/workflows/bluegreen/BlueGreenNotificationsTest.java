package io.bellwether.workflows.bluegreen;

import static io.bellwether.workflows.RunTestSupport.newRun;
import static io.bellwether.workflows.RunTestSupport.waitUntil;
import static io.bellwether.workflows.bluegreen.BlueGreenDeploymentWorkflowTest.gate;
import static io.bellwether.workflows.bluegreen.BlueGreenDeploymentWorkflowTest.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenResult;
import io.bellwether.contracts.bluegreen.BlueRetentionSpec;
import io.bellwether.contracts.bluegreen.TrafficShiftSpec;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.notify.RunNotification;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.notify.RecordingNotify;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a blue-green run tells people, and in which order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlueGreenNotificationsTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeSwitch fake;
  private RecordingNotify notify;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(BlueGreenDeploymentWorkflowImpl.class);
    fake = new FakeSwitch().blue("1.0.0", 2);
    notify = new RecordingNotify().route("shop", "chat");
    worker.registerActivitiesImplementations(
        fake.pool, fake.deploy, fake.health, fake.config, fake.gate, notify);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void anApprovedGateThenTheSwitchThenPromotion() throws Exception {
    var spec = spec(gate(ApprovalGateSpec.ABORT), null, false, new BlueRetentionSpec(null, "1s"));
    BlueGreenDeploymentWorkflow wf = start(spec);
    waitForOpenGate(wf);

    wf.approveUpdate(OperatorRequest.of("alice", "release notes checked"));
    BlueGreenResult result = WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(
        List.of(
            RunNotification.KIND_STARTED,
            RunNotification.KIND_GATE_WAITING,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_PROMOTED,
            RunNotification.KIND_SUCCEEDED),
        notify.kinds("chat"));
    List<RunNotification> told = notify.to("chat");
    RunNotification waiting = told.get(1);
    assertEquals(BlueGreenDeploymentWorkflowImpl.GATE_NAME, waiting.gate());
    assertEquals(List.of("alice", "bob"), waiting.approvers(), "group members who may decide");
    assertEquals(100, told.get(2).greenPercent());
    assertNull(told.get(3).by(), "the watch window ran out on its own");
    for (RunNotification n : told) {
      assertEquals(WorkflowIds.blueGreen(spec), n.workflowId());
      assertEquals(BlueGreenDeploymentWorkflow.TYPE, n.workflowType());
      assertEquals("shop", n.service());
      assertEquals("2.0.0", n.version());
    }
    assertEquals(List.of("shop"), notify.lookups);
    WorkflowReplayer.replayWorkflowExecution(
        client.fetchHistory(WorkflowIds.blueGreen(spec)), BlueGreenDeploymentWorkflowImpl.class);
  }

  @Test
  void everyShiftStepIsToldAndAPromoteNamesWhoPromoted() throws Exception {
    var spec =
        spec(
            null,
            new TrafficShiftSpec(List.of(25, 50, 100), "1s"),
            false,
            new BlueRetentionSpec(BlueRetentionSpec.KEEP_IDLE, null));
    BlueGreenDeploymentWorkflow wf = start(spec);
    waitUntil(() -> wf.status().phase() == Phase.WATCHING, "the run never reached the watch");

    wf.promoteUpdate(OperatorRequest.of("bob", "dashboards are green"));
    BlueGreenResult result = WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(
        List.of(
            RunNotification.KIND_STARTED,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_TRAFFIC_STEP,
            RunNotification.KIND_PROMOTED,
            RunNotification.KIND_SUCCEEDED),
        notify.kinds("chat"));
    List<RunNotification> told = notify.to("chat");
    assertEquals(
        List.of(25, 50, 100),
        told.subList(1, 4).stream().map(RunNotification::greenPercent).toList());
    assertEquals("bob", told.get(4).by());
  }

  @Test
  void aRejectionIsToldAsARollbackByWhoRejected() throws Exception {
    var spec = spec(gate(ApprovalGateSpec.ABORT), null, false, null);
    BlueGreenDeploymentWorkflow wf = start(spec);
    waitForOpenGate(wf);

    wf.rejectUpdate(OperatorRequest.of("bob", "wrong build"));
    BlueGreenResult result = WorkflowStub.fromTyped(wf).getResult(BlueGreenResult.class);

    assertEquals(Phase.ABORTED, result.phase(), result.message());
    assertEquals(
        List.of(
            RunNotification.KIND_STARTED,
            RunNotification.KIND_GATE_WAITING,
            RunNotification.KIND_ROLLED_BACK),
        notify.kinds("chat"));
    RunNotification back = notify.to("chat").get(2);
    assertEquals("bob", back.by());
    assertTrue(back.reason().contains("wrong build"), back.reason());
  }

  private BlueGreenDeploymentWorkflow start(BlueGreenDeploymentSpec spec) {
    BlueGreenDeploymentWorkflow wf =
        newRun(client, BlueGreenDeploymentWorkflow.class, WorkflowIds.blueGreen(spec));
    WorkflowClient.start(wf::run, spec);
    return wf;
  }

  private static void waitForOpenGate(BlueGreenDeploymentWorkflow wf) throws InterruptedException {
    waitUntil(
        () -> wf.status().gate() != null && "OPEN".equals(wf.status().gate().state()),
        "the gate never opened");
  }
}
