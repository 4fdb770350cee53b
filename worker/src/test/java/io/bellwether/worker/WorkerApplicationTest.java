package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The packaged worker as it runs: embedded server, starter, actuator, real workflow and activity
 * implementations. The router points at a socket that does not exist, so nothing here may need it.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "bellwether.routers.edge.type=haproxy",
      "bellwether.routers.edge.runtime-api=unix:/nonexistent/bellwether-worker-test/admin.sock",
      "bellwether.deployers.web.type=command",
      "bellwether.deployers.web.command[0]=/bin/true",
      "bellwether.deployers.web.command[1]={instance}",
      "bellwether.health-checks.http.type=http",
      "bellwether.metrics.prom.type=prometheus",
      "bellwether.metrics.prom.url=http://127.0.0.1:1",
    })
// Spring Boot tests switch metrics export off unless asked; the Prometheus endpoint is under test.
@AutoConfigureObservability(tracing = false)
class WorkerApplicationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @DynamicPropertySource
  static void embeddedPort(DynamicPropertyRegistry registry) throws IOException {
    int port = TestPorts.free();
    registry.add("bellwether.temporal.embedded-port", () -> port);
  }

  @Autowired TestRestTemplate http;
  @Autowired WorkflowClient client;
  @Autowired TemporalConnection connection;

  @TempDir Path tmp;

  @Test
  void runsTheEmbeddedServerOnLoopback() {
    assertTrue(connection.isEmbedded());
    EmbeddedTemporalServer server = connection.embeddedServer().orElseThrow();
    assertTrue(server.boundAddresses().stream().allMatch(a -> a.getAddress().isLoopbackAddress()));
    assertEquals("127.0.0.1:" + server.port(), connection.target());
    assertEquals(
        connection.target(), client.getWorkflowServiceStubs().getOptions().getTarget(),
        "the starter's client uses the embedded server, not the placeholder target");
  }

  @Test
  void theEmbeddedServersStaleCancelGapIsMended() {
    assertTrue(
        client.getWorkflowServiceStubs().getOptions().getGrpcClientInterceptors().stream()
            .anyMatch(StaleCancelRecovery.class::isInstance),
        "a task cancelling a just-finished activity must not wedge its run");
  }

  @Test
  void stickyExecutionIsOffWithTheEmbeddedServer(
      @Autowired WorkerConfiguration.BellwetherWorkerRegistration registration) {
    assertEquals(
        Duration.ZERO,
        registration.worker().getWorkerOptions().getStickyQueueScheduleToStartTimeout(),
        "a killed worker's runs must be picked up by the next one");
  }

  @Test
  void healthIsUp() {
    ResponseEntity<String> health = http.getForEntity("/actuator/health", String.class);
    assertEquals(HttpStatus.OK, health.getStatusCode());
    assertTrue(health.getBody().contains("\"UP\""), health.getBody());
  }

  @Test
  void anUnknownDeployerAndOtherProblemsFailAsOneInvalidSpec() throws IOException {
    String spec =
        """
        {"service": "web", "version": "2.0 beta",
         "target": {"router": "no-such-router", "backend": "web", "deployer": "no-such-deployer"},
         "strategy": {"maxUnavailable": 0},
         "healthCheck": {"path": "health"}}
        """;
    ApplicationFailure failure = runExpectingFailure(spec);

    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(failure.isNonRetryable());
    String message = failure.getOriginalMessage();
    for (String field :
        List.of(
            "version:",
            "strategy.maxUnavailable:",
            "healthCheck.path:",
            "target.router:",
            "target.deployer:")) {
      assertTrue(message.contains(field), "'" + field + "' missing from: " + message);
    }
    assertTrue(message.contains("no-such-deployer"), message);
    assertFalse(message.contains("healthCheck:"), "the configured default check is known");
  }

  @Test
  void aBlueGreenDeploymentByTypeNameWithBadFieldsFailsWithEveryProblem() throws IOException {
    // Plain JSON, as `temporal workflow start --type BlueGreenDeployment --input ...` sends it.
    String spec =
        """
        {"service": "shop", "version": "2.0 beta", "colour": "green",
         "target": {"router": "no-such-router", "pool": "shop", "deployer": "web"},
         "replicas": 0,
         "trafficShift": {"steps": [50, 20]},
         "approval": {"approverGroups": ["release-managers"], "onTimeout": "shrug"},
         "watchWindow": "soon",
         "blueRetention": {"mode": "recycle"}}
        """;
    String workflowId = start("BlueGreenDeployment", spec);
    ApplicationFailure failure = resultFailure(workflowId);

    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(failure.isNonRetryable());
    String message = failure.getOriginalMessage();
    for (String field :
        List.of(
            "colour:",
            "version:",
            "replicas:",
            "trafficShift.steps[1]:",
            "trafficShift.steps:",
            "approval.onTimeout:",
            "watchWindow:",
            "blueRetention.mode:")) {
      assertTrue(message.contains(field), "'" + field + "' missing from: " + message);
    }
    assertNoActivityChangedAnything(workflowId);
  }

  @Test
  void aCanaryReleaseByTypeNameWithUnknownNamesFailsBeforeTouchingAnything() throws IOException {
    // Plain JSON, as `temporal workflow start --type CanaryRelease --input ...` sends it.
    String spec =
        """
        {"service": "web", "version": "2.0.0",
         "target": {"router": "no-such-router", "backend": "web", "pool": "web",
                    "deployer": "web", "metrics": "no-such-prometheus"},
         "steps": [{"setWeight": 20}]}
        """;
    String workflowId = start("CanaryRelease", spec);
    ApplicationFailure failure = resultFailure(workflowId);

    assertEquals(FailureTypes.UNKNOWN_TARGET, failure.getType(), failure.getOriginalMessage());
    String message = failure.getOriginalMessage();
    // A router the configuration lacks is not asked anything (the one configured here is down).
    assertTrue(message.contains("target.router"), message);
    assertTrue(message.contains("target.metrics"), message);
    assertTrue(message.contains("configured: prom"), message);
    // The command deployer here cannot provision: a canary needs new instances.
    assertTrue(message.contains("target.deployer"), message);
    assertNoActivityChangedAnything(workflowId);
  }

  @Test
  void theTargetCheckWorkflowAnswersWithTheNamesTheConfigurationLacks() throws Exception {
    String workflowId =
        start(
            "TargetCheck",
            """
            {"rolling": {"router": "no-such-router", "backend": "web", "deployer": "no-such-deployer"}}
            """);
    List<?> violations =
        client.newUntypedWorkflowStub(workflowId).getResult(20, TimeUnit.SECONDS, List.class);

    List<String> fields =
        violations.stream().map(v -> String.valueOf(((java.util.Map<?, ?>) v).get("field"))).toList();
    assertEquals(List.of("target.router", "target.deployer"), fields, violations.toString());
    assertTrue(violations.toString().contains("no-such-deployer"), violations.toString());
  }

  @Test
  void aSpecCannotPointTheWorkerAtAnAddress() throws IOException {
    try (ServerSocket bait = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      String router = "127.0.0.1:" + bait.getLocalPort();
      String workflowId = start(specWithTarget(router, "web"));

      ApplicationFailure failure = resultFailure(workflowId);
      assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
      assertTrue(failure.getOriginalMessage().contains("target.router"), failure.getMessage());
      assertNoActivityWasScheduled(workflowId);
      bait.setSoTimeout(300);
      assertThrows(SocketTimeoutException.class, bait::accept, "nobody connected to " + router);
    }
  }

  @Test
  void aSpecCannotMakeTheWorkerRunACommand() throws IOException {
    Path marker = tmp.resolve("ran");
    Path script = tmp.resolve("deploy.sh");
    Files.writeString(script, "#!/bin/sh\ntouch '" + marker + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

    for (String deployer : List.of("/bin/sh", script.toString())) {
      String workflowId = start(specWithTarget("edge", deployer));
      ApplicationFailure failure = resultFailure(workflowId);
      assertEquals(FailureTypes.INVALID_SPEC, failure.getType(), deployer);
      assertTrue(failure.getOriginalMessage().contains("target.deployer"), failure.getMessage());
      assertNoActivityWasScheduled(workflowId);
    }
    assertFalse(Files.exists(marker), "the script named in the spec must never run");
  }

  @Test
  void prometheusHasTemporalSdkAndWorkflowMetrics() throws Exception {
    // One run, so the workflow's own meters exist.
    runExpectingFailure(specWithTarget("edge", "/bin/sh"));

    String text =
        waitForMetrics(
            body ->
                body.contains("temporal_long_request_total")
                    && body.contains("bellwether_runs_started_total")
                    && body.contains("bellwether_runs_finished_total"));
    assertTrue(text.contains("temporal_request_total"), "SDK request meters are exported");
    assertTrue(
        text.lines()
            .anyMatch(
                l ->
                    l.startsWith("bellwether_runs_finished_total")
                        && l.contains("outcome=\"failed\"")),
        "finished runs are tagged with their outcome");
  }

  // --------------------------------------------------------------------------------------------

  private static String specWithTarget(String router, String deployer) {
    return """
        {"service": "web", "version": "2.0.0",
         "target": {"router": "%s", "backend": "web", "deployer": "%s"}}
        """
        .formatted(router, deployer);
  }

  /** Starts {@code RollingDeployment} by type name, the input being parsed JSON text. */
  private String start(String specJson) throws IOException {
    return start("RollingDeployment", specJson);
  }

  /** Starts a workflow by its type name, the input being parsed JSON text, as any client could. */
  private String start(String type, String specJson) throws IOException {
    JsonNode input = JSON.readTree(specJson);
    String workflowId = "worker-test-" + UUID.randomUUID();
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            type,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                .build());
    stub.start(input);
    return workflowId;
  }

  private ApplicationFailure runExpectingFailure(String specJson) throws IOException {
    return resultFailure(start(specJson));
  }

  private ApplicationFailure resultFailure(String workflowId) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> stub.getResult(30, TimeUnit.SECONDS, JsonNode.class));
    return assertInstanceOf(ApplicationFailure.class, e.getCause(), e.toString());
  }

  private void assertNoActivityWasScheduled(String workflowId) {
    Set<EventType> callEvents =
        Set.of(
            EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EventType.EVENT_TYPE_MARKER_RECORDED,
            EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    assertTrue(
        events.stream().anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED),
        "the run failed");
    // A version marker (Workflow.getVersion) records a code path, not a call; local activities
    // are markers too, under another name.
    List<String> calls =
        events.stream()
            .filter(e -> callEvents.contains(e.getEventType()))
            .filter(
                e ->
                    e.getEventType() != EventType.EVENT_TYPE_MARKER_RECORDED
                        || !"Version".equals(e.getMarkerRecordedEventAttributes().getMarkerName()))
            .map(e -> e.getEventType() + (e.hasMarkerRecordedEventAttributes()
                ? " " + e.getMarkerRecordedEventAttributes().getMarkerName() : ""))
            .toList();
    assertEquals(List.of(), calls, "no activity, local activity or child was started");
  }

  /** Only read-only activities (name checks, pool state) may have run before the failure. */
  private void assertNoActivityChangedAnything(String workflowId) {
    Set<String> readOnly = Set.of(
            "CheckTarget",
            "CheckBlueGreenTarget",
            "CheckCanaryTarget",
            "PoolState",
            "ResolveApprovers",
            "ListServers",
            "IsOnline");
    List<String> scheduled =
        client.fetchHistory(workflowId).getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
            .filter(name -> !readOnly.contains(name))
            .toList();
    assertEquals(List.of(), scheduled, "no activity that changes anything was scheduled");
  }

  private String waitForMetrics(Predicate<String> ready) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String body = "";
    while (System.nanoTime() < deadline) {
      ResponseEntity<String> r = http.getForEntity("/actuator/prometheus", String.class);
      assertEquals(HttpStatus.OK, r.getStatusCode());
      body = r.getBody() == null ? "" : r.getBody();
      if (ready.test(body)) {
        return body;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "metrics missing after 20s; temporal/bellwether lines seen:\n"
            + String.join(
                "\n",
                body.lines()
                    .filter(l -> l.startsWith("temporal_") || l.startsWith("bellwether_"))
                    .toList()));
  }
}
