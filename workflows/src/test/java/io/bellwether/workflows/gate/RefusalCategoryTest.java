package io.bellwether.workflows.gate;

import static io.bellwether.workflows.RunTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Refused updates say whether the caller may not act (forbidden, an API's 403) or the action does
 * not apply now (conflict, 409), as the first detail of the ControlRefused failure. Through real
 * updates, so both the validator path and the handler path (an attestation only the worker can
 * judge) are covered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RefusalCategoryTest {
  private static final String QUEUE = "refusal-test";
  private static final String STARTER = "ci-bot";
  private static final String ID = "refusal-run";

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

  @Test
  void whoMayNotActIsForbidden() throws Exception {
    GatedWorkflow wf = start(gate(2, false));
    waitOpen(wf);

    assertRefusal(
        () -> wf.approveUpdate(OperatorRequest.of("mallory", "me")),
        FailureTypes.REFUSAL_FORBIDDEN,
        "'mallory' is not an approver");
    assertRefusal(
        () -> wf.approveUpdate(OperatorRequest.of(STARTER, "mine")),
        FailureTypes.REFUSAL_FORBIDDEN,
        "self-approval refused");
    assertRefusal(
        () -> wf.approveUpdate(OperatorRequest.of(" ", "who?")),
        FailureTypes.REFUSAL_FORBIDDEN,
        "'by' is required");
    // Judged by the worker after the validator let it through: the handler refuses it.
    assertRefusal(
        () -> wf.approveUpdate(new OperatorRequest("alice", "forged", "not-a-token")),
        FailureTypes.REFUSAL_FORBIDDEN,
        "attestation refused: bad signature");
    String bobsToken = approvers.issue("t-bob", "bob", ID, "approve");
    assertRefusal(
        () -> wf.approveUpdate(new OperatorRequest("alice", "borrowed", bobsToken)),
        FailureTypes.REFUSAL_FORBIDDEN,
        "declared 'alice' but the attestation proves 'bob'");
    assertRefusal(
        () -> wf.pauseUpdate(OperatorRequest.of(null, "anonymous")),
        FailureTypes.REFUSAL_FORBIDDEN,
        "'by' is required");
    assertEquals(List.of(), wf.gate().approvals(), "nothing refused counted");
    wf.rollback(OperatorRequest.of("alice", "done here"));
    wf.close();
  }

  @Test
  void aVerifiedIdentityRequiredButMissingIsForbidden() throws Exception {
    GatedWorkflow wf = start(gate(1, true));
    waitOpen(wf);

    assertRefusal(
        () -> wf.approveUpdate(OperatorRequest.of("alice", "trust me")),
        FailureTypes.REFUSAL_FORBIDDEN,
        "requires a verified identity");

    String token = approvers.issue("t-alice", "alice", ID, "approve");
    wf.approveUpdate(new OperatorRequest("alice", "attested", token));
    waitUntil(() -> wf.phase() == Phase.SUCCEEDED, "the attested approval did not open the gate");
    wf.close();
  }

  @Test
  void whatDoesNotApplyNowIsAConflict() throws Exception {
    GatedWorkflow wf = start(gate(2, false));
    waitOpen(wf);
    wf.approveUpdate(OperatorRequest.of("alice", "one"));

    assertRefusal(
        () -> wf.approveUpdate(OperatorRequest.of("alice", "again")),
        FailureTypes.REFUSAL_CONFLICT,
        "'alice' has already decided");
    assertRefusal(
        () -> wf.pauseUpdate(OperatorRequest.of("alice", "hold")),
        FailureTypes.REFUSAL_CONFLICT,
        "not supported here");

    wf.approveUpdate(OperatorRequest.of("bob", "two"));
    waitUntil(() -> wf.phase() == Phase.SUCCEEDED, "two approvals did not open the gate");
    assertRefusal(
        () -> wf.rejectUpdate(OperatorRequest.of("bob", "too late")),
        FailureTypes.REFUSAL_CONFLICT,
        "the run has finished");
    // Even someone who could never decide hears first that nothing is open to decide.
    assertRefusal(
        () -> wf.approveUpdate(OperatorRequest.of("mallory", "late")),
        FailureTypes.REFUSAL_CONFLICT,
        "the run has finished");
    wf.close();
  }

  // --------------------------------------------------------------------------------------------

  private static void assertRefusal(Runnable update, String category, String reason) {
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class, update::run);
    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.CONTROL_REFUSED, f.getType());
    assertTrue(f.getOriginalMessage().contains(reason), f.getOriginalMessage());
    assertEquals(category, f.getDetails().get(0, String.class), f.getOriginalMessage());
  }

  private static ApprovalGateSpec gate(int required, boolean verified) {
    return new ApprovalGateSpec(
        List.of("alice", "bob", STARTER), null, required, null, "30m", null, verified);
  }

  private GatedWorkflow start(ApprovalGateSpec spec) {
    GatedWorkflow wf =
        client.newWorkflowStub(
            GatedWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ID)
                .setTaskQueue(QUEUE)
                .setWorkflowExecutionTimeout(Duration.ofHours(6))
                .build());
    WorkflowClient.start(wf::run, spec, STARTER, true);
    return wf;
  }

  private static void waitOpen(GatedWorkflow wf) throws InterruptedException {
    waitUntil(
        () -> wf.gate() != null && ApprovalGate.OPEN.equals(wf.gate().state()),
        "the gate never opened");
  }
}
