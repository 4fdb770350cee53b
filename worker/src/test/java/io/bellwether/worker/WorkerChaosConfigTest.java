package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.ChaosActivitiesImpl;
import io.bellwether.activities.FaultActivitiesImpl;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker with a service and a fault injector of every type: it starts, registers the chaos
 * workflows and activities, refuses an experiment naming what is not configured before touching
 * anything, and hosts the blast-radius coordinator. The router's socket does not exist: nothing
 * here may need it.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "bellwether.routers.edge.type=haproxy",
      "bellwether.routers.edge.runtime-api=unix:/nonexistent/bellwether-chaos-test/admin.sock",
      "bellwether.deployers.local.type=process",
      "bellwether.deployers.local.command[0]=/bin/true",
      "bellwether.deployers.local.work-dir=/tmp/bellwether-chaos-test/instances",
      "bellwether.metrics.local.type=prometheus",
      "bellwether.metrics.local.url=http://127.0.0.1:1",
      "bellwether.services.web.router=edge",
      "bellwether.services.web.backend=web",
      "bellwether.services.web.metrics=local",
      "bellwether.services.web.zones.a[0]=web-1",
      "bellwether.services.web.zones.a[1]=web-2",
      "bellwether.services.web.zones.b[0]=web-3",
      "bellwether.services.web.zones.b[1]=web-4",
      "bellwether.services.web.endpoints.shop=http://127.0.0.1:1/",
      "bellwether.services.web.slo.objective=0.99",
      "bellwether.services.web.slo.window=1h",
      "bellwether.services.web.slo.total=haproxy_backend_http_responses_total{proxy=\"web\"}",
      "bellwether.services.web.slo.errors=haproxy_backend_http_responses_total{proxy=\"web\",code=\"5xx\"}",
      "bellwether.services.web.max-impaired-share=0.5",
      "bellwether.services.bare.router=edge",
      "bellwether.services.bare.backend=bare",
      "bellwether.fault-injectors.web-latency.type=haproxy-latency",
      "bellwether.fault-injectors.web-latency.router=edge",
      "bellwether.fault-injectors.web-latency.map-file=/tmp/bellwether-chaos-test/faults-latency.map",
      "bellwether.fault-injectors.zone-cut.type=haproxy-maintenance",
      "bellwether.fault-injectors.zone-cut.router=edge",
      "bellwether.fault-injectors.zone-cut.map-file=/tmp/bellwether-chaos-test/faults-maintenance.map",
      "bellwether.fault-injectors.zone-cut.state-file=/tmp/bellwether-chaos-test/server-state",
      "bellwether.fault-injectors.web-kill.type=process-kill",
      "bellwether.fault-injectors.web-kill.router=edge",
      "bellwether.fault-injectors.web-kill.deployer=local",
      "bellwether.fault-injectors.web-kill.work-dir=/tmp/bellwether-chaos-test/kill",
      "bellwether.fault-injectors.disk-fill.type=disk-fill",
      "bellwether.fault-injectors.disk-fill.path=/tmp/bellwether-chaos-test/disk",
      "bellwether.fault-injectors.disk-fill.work-dir=/tmp/bellwether-chaos-test/fill",
      "bellwether.fault-injectors.cpu-stress.type=stress",
      "bellwether.fault-injectors.cpu-stress.command[0]=stress-ng",
      "bellwether.fault-injectors.cpu-stress.work-dir=/tmp/bellwether-chaos-test/stress",
      "bellwether.fault-injectors.partition.type=nftables-partition",
      "bellwether.fault-injectors.partition.router=edge",
      "bellwether.fault-injectors.partition.namespace=bwtest-none",
      "bellwether.fault-injectors.partition.work-dir=/tmp/bellwether-chaos-test/partition",
    })
class WorkerChaosConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @DynamicPropertySource
  static void embeddedPort(DynamicPropertyRegistry registry) throws IOException {
    int port = TestPorts.free();
    registry.add("bellwether.temporal.embedded-port", () -> port);
  }

  @Autowired WorkflowClient client;
  @Autowired WorkerConfiguration.ActivityImplementations activities;

  @Test
  void everyChaosActivityAndWorkflowIsRegistered() {
    List<Object> all = WorkerConfiguration.activityObjects(activities, client);
    assertTrue(all.stream().anyMatch(ChaosActivitiesImpl.class::isInstance), "" + all);
    assertTrue(all.stream().anyMatch(FaultActivitiesImpl.class::isInstance), "" + all);
    assertTrue(all.stream().anyMatch(LeaseActivitiesImpl.class::isInstance), "" + all);
    assertEquals(12, all.size(), "" + all);
    assertTrue(
        WorkerConfiguration.WORKFLOW_TYPES.stream()
            .map(Class::getSimpleName)
            .toList()
            .containsAll(List.of("ChaosExperimentWorkflowImpl", "BlastRadiusWorkflowImpl")));
  }

  /** Plain JSON, as {@code temporal workflow start --type ChaosExperiment --input ...} sends it. */
  @Test
  void aChaosExperimentByTypeNameNamingWhatIsNotConfiguredIsRefusedBeforeAnyFault()
      throws Exception {
    String spec =
        """
        {"service": "bare", "name": "zone-a", "hypothesis": "the shop stays up",
         "probes": [
           {"name": "shop", "type": "http", "endpoint": "cart", "tolerance": {"status": [200]}},
           {"name": "rps", "type": "prometheus", "query": "sum(up)", "tolerance": {"min": 1}}
         ],
         "baseline": "2s", "interval": "1s",
         "faults": [
           {"id": "f1", "injector": "zone-cut", "targets": {"zone": "c"}, "duration": "5s"},
           {"id": "f2", "injector": "no-such-injector", "duration": "5s"},
           {"id": "f3", "injector": "disk-fill", "targets": {"count": 1},
            "magnitude": {"percent": "90"}, "duration": "5s"}
         ],
         "errorBudget": {"maxFailedRequests": 10}}
        """;
    String workflowId = "chaos-test-" + UUID.randomUUID();
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "ChaosExperiment",
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                .build());
    stub.start(JSON.readTree(spec));
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> stub.getResult(30, TimeUnit.SECONDS, JsonNode.class));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause(), e.toString());
    assertEquals(FailureTypes.UNKNOWN_TARGET, failure.getType(), failure.getOriginalMessage());
    assertTrue(failure.isNonRetryable());
    String message = failure.getOriginalMessage();
    for (String field :
        List.of(
            "faults[0].targets.zone",
            "faults[1].injector",
            "faults[2].targets",
            "probes[0].endpoint",
            "probes[1].metrics",
            "errorBudget")) {
      assertTrue(message.contains(field), "'" + field + "' missing from: " + message);
    }
    List<String> activities =
        client.fetchHistory(workflowId).getEvents().stream()
            .filter(ev -> ev.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .map(ev -> ev.getActivityTaskScheduledEventAttributes().getActivityType().getName())
            .toList();
    assertEquals(List.of("CheckExperiment"), activities, "only the name check ran");
  }

  @Test
  void theBlastRadiusCoordinatorRunsOnThisWorker() throws InterruptedException {
    LeaseActivitiesImpl leases = new LeaseActivitiesImpl(client);
    LeaseRequest request =
        new LeaseRequest(
            "chaos-web-x/f1",
            "chaos-web-x",
            "web",
            List.of("web-1"),
            Map.of("web-1", "a"),
            4,
            Map.of("a", 2, "b", 2),
            0.5,
            System.currentTimeMillis() + 600_000);
    try {
      LeaseDecision decision = leases.acquire(request);
      assertTrue(decision.granted(), decision.reason());
      assertTrue(leases.isOpen(BlastRadiusWorkflow.WORKFLOW_ID));
      leases.release("chaos-web-x/f1");
      BlastRadiusWorkflow coordinator =
          client.newWorkflowStub(BlastRadiusWorkflow.class, BlastRadiusWorkflow.WORKFLOW_ID);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!coordinator.leases().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(List.of(), coordinator.leases(), "the release reached the coordinator");
    } finally {
      client.newUntypedWorkflowStub(BlastRadiusWorkflow.WORKFLOW_ID).terminate("test over");
    }
  }
}
