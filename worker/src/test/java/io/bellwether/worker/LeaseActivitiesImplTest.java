package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.workflows.chaos.BlastRadiusWorkflowImpl;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lease activities against the real coordinator on the in-process test server (real time): the
 * first acquire starts it, later ones join it, a release reaches it, and a run's state is read by
 * describe.
 */
class LeaseActivitiesImplTest {
  private static final long IN_AN_HOUR = System.currentTimeMillis() + 3_600_000;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private LeaseActivitiesImpl leases;

  @BeforeEach
  void start() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    client = env.getWorkflowClient();
    leases = new LeaseActivitiesImpl(client);
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(BlastRadiusWorkflowImpl.class);
    // The coordinator checks its holders through the same activities.
    worker.registerActivitiesImplementations(leases);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /** Half of four servers at most; zone a is web-1 and web-2, zone b web-3 and web-4. */
  private static LeaseRequest lease(String id, String holder, List<String> servers) {
    Map<String, String> zones =
        Map.of("web-1", "a", "web-2", "a", "web-3", "b", "web-4", "b");
    return new LeaseRequest(
        id,
        holder,
        "web",
        servers,
        servers.stream().collect(java.util.stream.Collectors.toMap(s -> s, zones::get)),
        4,
        Map.of("a", 2, "b", 2),
        0.5,
        IN_AN_HOUR);
  }

  private WorkflowExecutionStatus coordinatorStatus() {
    return client.newUntypedWorkflowStub(BlastRadiusWorkflow.WORKFLOW_ID).describe().getStatus();
  }

  @Test
  void theFirstAcquireStartsTheCoordinatorAndLaterOnesJoinIt() {
    assertFalse(leases.isOpen(BlastRadiusWorkflow.WORKFLOW_ID), "no coordinator yet");

    LeaseDecision first = leases.acquire(lease("chaos-web-a/f1", "chaos-web-a", List.of("web-1")));
    assertTrue(first.granted(), first.reason());
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, coordinatorStatus());
    String runId =
        client.newUntypedWorkflowStub(BlastRadiusWorkflow.WORKFLOW_ID).describe().getExecution().getRunId();

    LeaseDecision again = leases.acquire(lease("chaos-web-a/f1", "chaos-web-a", List.of("web-1")));
    assertTrue(again.granted(), "asking again for a held lease: " + again.reason());
    LeaseDecision second = leases.acquire(lease("chaos-web-b/f1", "chaos-web-b", List.of("web-3")));
    assertTrue(second.granted(), second.reason());
    assertEquals(
        runId,
        client.newUntypedWorkflowStub(BlastRadiusWorkflow.WORKFLOW_ID).describe().getExecution().getRunId(),
        "joined, not restarted");
    assertEquals(
        List.of("chaos-web-a/f1", "chaos-web-b/f1"),
        client.newWorkflowStub(BlastRadiusWorkflow.class, BlastRadiusWorkflow.WORKFLOW_ID).leases().stream()
            .map(LeaseRequest::leaseId)
            .sorted()
            .toList());
  }

  @Test
  void aLeaseOverTheShareIsRefusedNamingTheHolderUntilItIsReleased() throws Exception {
    assertTrue(leases.acquire(lease("chaos-web-a/f1", "chaos-web-a", List.of("web-1", "web-3"))).granted());
    LeaseDecision refused = leases.acquire(lease("chaos-web-b/f1", "chaos-web-b", List.of("web-2")));
    assertFalse(refused.granted());
    assertTrue(refused.reason().contains("chaos-web-a"), refused.reason());

    leases.release("chaos-web-a/f1");
    BlastRadiusWorkflow coordinator =
        client.newWorkflowStub(BlastRadiusWorkflow.class, BlastRadiusWorkflow.WORKFLOW_ID);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!coordinator.leases().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(List.of(), coordinator.leases(), "the release signal reached the coordinator");
    LeaseDecision now = leases.acquire(lease("chaos-web-b/f1", "chaos-web-b", List.of("web-2")));
    assertTrue(now.granted(), now.reason());
    // Releasing what is not held is fine, twice over.
    leases.release("chaos-web-a/f1");
    leases.release("never-held");
  }

  @Test
  void releasingWithoutACoordinatorIsFineAndClosedOrUnknownRunsAreNotOpen() {
    leases.release("chaos-web-a/f1");
    assertFalse(leases.isOpen("chaos-web-nobody"));

    assertTrue(leases.acquire(lease("chaos-web-a/f1", "chaos-web-a", List.of())).granted());
    assertTrue(leases.isOpen(BlastRadiusWorkflow.WORKFLOW_ID));
    client.newUntypedWorkflowStub(BlastRadiusWorkflow.WORKFLOW_ID).terminate("test over");
    assertFalse(leases.isOpen(BlastRadiusWorkflow.WORKFLOW_ID), "a terminated run is not open");
    // Released to a coordinator that is gone: nothing to do.
    leases.release("chaos-web-a/f1");
  }
}
