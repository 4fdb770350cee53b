package io.bellwether.workflows.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.LeaseActivities;
import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.workflows.RunTestSupport;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blast-radius coordinator on the time-skipping server: grants within the service's and each
 * zone's share, refusals that name the holders, idempotent requests, returns, expiry, holders that
 * are gone, and continue-as-new. The service {@code web} has web-1, web-2 in zone a and web-3,
 * web-4 in zone b; at most half of it, and of each zone, may be impaired at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlastRadiusWorkflowTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private BlastRadiusWorkflow coordinator;
  private String firstRun;

  /** Holders whose run is not open. */
  private final Set<String> closed = ConcurrentHashMap.newKeySet();

  /** Every isOpen question, in order. */
  private final List<String> checks = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    // A cold JVM on a small machine can take over a second to load what the first workflow task
    // needs; the SDK would call that a deadlock and the test would wait for a retry.
    Worker worker =
        env.newWorker(
            TaskQueues.BELLWETHER,
            WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(10_000).build());
    worker.registerWorkflowImplementationTypes(BlastRadiusWorkflowImpl.class);
    worker.registerActivitiesImplementations(new Holders());
    env.start();
    client = env.getWorkflowClient();
    coordinator =
        client.newWorkflowStub(
            BlastRadiusWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(BlastRadiusWorkflow.WORKFLOW_ID)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(RunTestSupport.RUN_TIMEOUT)
                .build());
    firstRun = WorkflowClient.start(coordinator::run, List.of()).getRunId();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void leasesWithinTheShareAreGranted() {
    LeaseDecision a = coordinator.acquire(lease("a/f1/1", "chaos-web-a", "web-1"));
    LeaseDecision b = coordinator.acquire(lease("b/f1/1", "chaos-web-b", "web-3"));

    assertTrue(a.granted(), a.reason());
    assertTrue(b.granted(), b.reason());
    assertEquals("granted: 2 of 4 servers of web impaired at once (at most 50%)", b.reason());
    assertEquals(List.of("a/f1/1", "b/f1/1"), ids(coordinator.leases()));
  }

  @Test
  void aLeaseOverTheServiceShareIsRefusedNamingTheHolders() {
    assertTrue(coordinator.acquire(unzoned("a/f1/1", "chaos-web-a", "web-1", "web-2")).granted());

    LeaseDecision refused = coordinator.acquire(unzoned("b/f1/1", "chaos-web-b", "web-3"));

    assertFalse(refused.granted());
    assertEquals(
        "would impair 3 of 4 servers of web at once, more than 50%; held by chaos-web-a (web-1, web-2)",
        refused.reason());
    assertEquals(List.of("a/f1/1"), ids(coordinator.leases()));
  }

  @Test
  void aLeaseOverAZoneShareIsRefusedEvenWithinTheServiceShare() {
    assertTrue(coordinator.acquire(lease("a/f1/1", "chaos-web-a", "web-1")).granted());

    LeaseDecision refused = coordinator.acquire(lease("b/f1/1", "chaos-web-b", "web-2"));

    assertFalse(refused.granted());
    assertEquals(
        "would impair 2 of 2 servers of zone a of web at once, more than 50%; held by chaos-web-a (web-1)",
        refused.reason());
    assertTrue(coordinator.acquire(lease("c/f1/1", "chaos-web-c", "web-4")).granted(), "zone b is free");
  }

  @Test
  void askingAgainForAHeldLeaseIsGrantedOnce() {
    LeaseRequest a = lease("a/f1/1", "chaos-web-a", "web-1");

    assertTrue(coordinator.acquire(a).granted());
    LeaseDecision again = coordinator.acquire(a);

    assertTrue(again.granted());
    assertEquals("already held by chaos-web-a", again.reason());
    assertEquals(1, coordinator.leases().size());
  }

  @Test
  void aReturnedLeaseFreesItsServers() throws Exception {
    assertTrue(coordinator.acquire(unzoned("a/f1/1", "chaos-web-a", "web-1", "web-2")).granted());
    assertFalse(coordinator.acquire(unzoned("b/f1/1", "chaos-web-b", "web-3")).granted());

    coordinator.release("a/f1/1");
    coordinator.release("never-held");
    RunTestSupport.waitUntil(() -> coordinator.leases().isEmpty(), "the lease was not returned");

    assertTrue(coordinator.acquire(unzoned("b/f1/1", "chaos-web-b", "web-3")).granted());
  }

  @Test
  void aLeasePastItsExpiryIsTakenBack() {
    long now = env.currentTimeMillis();
    coordinator.acquire(expiring("a/f1/1", "chaos-web-a", now + 30_000, "web-1"));
    coordinator.acquire(expiring("b/f1/1", "chaos-web-b", now + 3_600_000, "web-3"));

    env.sleep(Duration.ofSeconds(90));

    assertEquals(List.of("b/f1/1"), ids(coordinator.leases()), "only the expired one is gone");
    assertTrue(checks.contains("chaos-web-b"), "the holders still there were checked");
  }

  @Test
  void aLeaseWhoseHolderIsNoLongerRunningIsTakenBack() {
    closed.add("chaos-web-crashed");
    coordinator.acquire(lease("a/f1/1", "chaos-web-crashed", "web-1"));
    coordinator.acquire(lease("b/f1/1", "chaos-web-b", "web-3"));

    env.sleep(Duration.ofSeconds(70));

    assertEquals(List.of("b/f1/1"), ids(coordinator.leases()));
    assertTrue(checks.contains("chaos-web-crashed"), checks.toString());
    assertTrue(coordinator.acquire(lease("c/f1/1", "chaos-web-c", "web-2")).granted(), "zone a is free again");
  }

  @Test
  void aHostLeaseIsAlwaysGranted() {
    assertTrue(coordinator.acquire(unzoned("a/f1/1", "chaos-web-a", "web-1", "web-2")).granted());

    LeaseDecision host = coordinator.acquire(unzoned("b/f1/1", "chaos-web-b"));

    assertTrue(host.granted(), host.reason());
  }

  @Test
  void continuingAsNewKeepsTheLeases() throws Exception {
    assertTrue(coordinator.acquire(lease("a/f1/1", "chaos-web-a", "web-1")).granted());

    for (int i = 0; i < BlastRadiusWorkflowImpl.CONTINUE_AFTER; i++) {
      coordinator.release("nothing-" + i);
    }
    RunTestSupport.waitUntil(this::continuedAsNew, "the coordinator did not continue as new");

    String current = WorkflowStub.fromTyped(client.newWorkflowStub(BlastRadiusWorkflow.class, BlastRadiusWorkflow.WORKFLOW_ID)).describe().getExecution().getRunId();
    assertNotEquals(firstRun, current);
    assertEquals(List.of("a/f1/1"), ids(coordinator.leases()), "carried into the new run");
    assertFalse(
        coordinator.acquire(lease("b/f1/1", "chaos-web-b", "web-2")).granted(),
        "and still counted");
  }

  // ---------------------------------------------------------------------------------------------

  private boolean continuedAsNew() {
    List<HistoryEvent> events = client.fetchHistory(BlastRadiusWorkflow.WORKFLOW_ID, firstRun).getEvents();
    return !events.isEmpty()
        && events.get(events.size() - 1).getEventType()
            == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
  }

  private static final Map<String, String> ZONES =
      Map.of("web-1", "a", "web-2", "a", "web-3", "b", "web-4", "b");

  static LeaseRequest lease(String id, String holder, String... servers) {
    return expiring(id, holder, Long.MAX_VALUE, servers);
  }

  static LeaseRequest expiring(String id, String holder, long expiresAt, String... servers) {
    Map<String, String> zones = new LinkedHashMap<>();
    for (String s : servers) {
      zones.put(s, ZONES.get(s));
    }
    return new LeaseRequest(
        id, holder, "web", List.of(servers), zones, 4, Map.of("a", 2, "b", 2), 0.5, expiresAt);
  }

  static LeaseRequest unzoned(String id, String holder, String... servers) {
    return new LeaseRequest(
        id, holder, "web", List.of(servers), Map.of(), 4, Map.of(), 0.5, Long.MAX_VALUE);
  }

  private static List<String> ids(List<LeaseRequest> leases) {
    List<String> out = new ArrayList<>();
    for (LeaseRequest l : leases) {
      out.add(l.leaseId());
    }
    return out;
  }

  private final class Holders implements LeaseActivities {
    @Override
    public LeaseDecision acquire(LeaseRequest request) {
      fail("the coordinator never asks for leases");
      return null;
    }

    @Override
    public void release(String leaseId) {
      fail("the coordinator never returns leases");
    }

    @Override
    public boolean isOpen(String workflowId) {
      checks.add(workflowId);
      return !closed.contains(workflowId);
    }
  }
}
