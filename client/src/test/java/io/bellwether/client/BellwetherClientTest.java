package io.bellwether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.bluegreen.BlueGreenResult;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SpecLoader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BellwetherClientTest {
  static final String ROLLING_YAML =
      """
      kind: RollingDeployment
      service: web
      version: 2.0.0
      requestedBy: alice
      target:
        router: edge
        backend: web
        deployer: demo
        healthCheck: http
      strategy:
        maxUnavailable: 1
        bakeTime: 2s
        failureLimit: 0
      drainTimeout: 30s
      healthCheck:
        path: /health
        successThreshold: 2
        period: 500ms
        timeout: 30s
      """;

  static final String BLUE_GREEN_YAML =
      """
      kind: BlueGreenDeployment
      service: shop
      version: 2.0.0
      requestedBy: carol
      target:
        router: edge
        pool: shop
        deployer: demo
        healthCheck: http
      replicas: 2
      healthCheck:
        path: /health
        successThreshold: 2
        period: 500ms
        timeout: 30s
      watchWindow: 30s
      """;

  private TestWorkflowEnvironment env;
  private BellwetherClient bw;

  @BeforeEach
  void setUp() {
    // Real time: the fakes have no timers to skip, and a time-skipping environment would jump
    // past the run's timeout while result() waits, so a short wait could never time out.
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(FakeRollingWorkflow.class, FakeBlueGreenWorkflow.class);
    env.start();
    bw = BellwetherClient.of(env.getWorkflowClient());
  }

  @AfterEach
  void tearDown() {
    bw.close();
    env.close();
  }

  @Test
  void startReturnsTheIdFromTheSpecAndTheRunAnswersStatus() {
    RunRef ref = bw.start(SpecLoader.rolling(ROLLING_YAML));

    assertEquals("rolling-web-2.0.0", ref.workflowId());
    assertEquals("RollingDeployment", ref.type());
    assertFalse(ref.runId().isBlank());
    assertEquals("RollingDeployment", bw.typeOf(ref.workflowId()));
    RollingStatus status = assertInstanceOf(RollingStatus.class, bw.status(ref.workflowId()));
    assertEquals("web", status.service());
    assertEquals("2.0.0", status.version());
    assertEquals(Phase.PROGRESSING, status.phase());
  }

  @Test
  void secondStartOfTheSameRunIsRefusedByName() {
    bw.start(SpecLoader.rolling(ROLLING_YAML));

    RunAlreadyStartedException e =
        assertThrows(RunAlreadyStartedException.class, () -> bw.start(ROLLING_YAML));
    assertEquals("rolling-web-2.0.0", e.workflowId());
    assertEquals(1, bw.list(null).size());
  }

  @Test
  void invalidSpecIsRefusedWithEveryProblemAndNothingStarts() {
    RollingDeploymentSpec bad =
        new RollingDeploymentSpec("web", "not a version!", null, null, null, "soon", null, null, "alice");

    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> bw.start(bad));

    assertTrue(e.violations().size() >= 2, e.getMessage());
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals("version")), e.getMessage());
    assertThrows(RunNotFoundException.class, () -> bw.typeOf("rolling-web-not a version!"));
    assertEquals(List.of(), bw.list(null));
  }

  @Test
  void textWithAnUnknownKindIsInvalid() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () -> bw.start(ROLLING_YAML.replace("kind: RollingDeployment", "kind: Canary")));

    assertEquals("kind", e.violations().get(0).field());
    assertEquals(List.of(), bw.list(null));
  }

  @Test
  void acceptedUpdateAnswersWithTheNewStateAndARefusalCarriesTheRunsReason() {
    String id = bw.start(SpecLoader.rolling(ROLLING_YAML)).workflowId();

    ControlResponse paused = bw.pause(id, OperatorRequest.of("bob", "looking at errors"));
    assertEquals("pause", paused.action());
    assertTrue(paused.paused());
    assertTrue(bw.rollingStatus(id).paused());

    ControlRefusedException refused =
        assertThrows(ControlRefusedException.class, () -> bw.approve(id, OperatorRequest.of("bob", "ok")));
    assertEquals(FakeRollingWorkflow.NO_GATE, refused.reason());
    assertEquals("approve", refused.action());
    assertEquals(id, refused.workflowId());

    ControlRefusedException again =
        assertThrows(ControlRefusedException.class, () -> bw.pause(id, OperatorRequest.of("bob", "twice")));
    assertEquals("already paused", again.reason());
    assertEquals(Phase.PROGRESSING, bw.rollingStatus(id).phase());
  }

  @Test
  void resultWaitsForTheRunToClose() throws TimeoutException {
    String id = bw.start(SpecLoader.rolling(ROLLING_YAML)).workflowId();

    assertThrows(TimeoutException.class, () -> bw.result(id, RollingResult.class, Duration.ofMillis(200)));
    bw.rollback(id, OperatorRequest.of("bob", "errors up"));
    RollingResult result = bw.result(id, RollingResult.class, Duration.ofSeconds(10));

    assertEquals(Phase.ROLLED_BACK, result.phase());
  }

  @Test
  void blueGreenTextStartsABlueGreenRunSteeredThroughTheSameControls() throws TimeoutException {
    RunRef ref = bw.start(BLUE_GREEN_YAML);

    assertEquals("bluegreen-shop-2.0.0", ref.workflowId());
    BlueGreenStatus status = assertInstanceOf(BlueGreenStatus.class, bw.status(ref.workflowId()));
    assertEquals(Phase.AWAITING_APPROVAL, status.phase());
    ControlResponse approved = bw.approve(ref.workflowId(), OperatorRequest.of("dave", "green looks right"));
    assertEquals(Phase.SUCCEEDED, approved.phase());
    assertEquals("green", bw.result(ref.workflowId(), BlueGreenResult.class, Duration.ofSeconds(10)).liveBackend());
  }

  @Test
  void listShowsOpenAndClosedRunsOfBothKindsAndFiltersByKind() throws TimeoutException {
    String rolling = bw.start(ROLLING_YAML).workflowId();
    bw.rollback(rolling, OperatorRequest.of("bob", "stop"));
    bw.result(rolling, RollingResult.class, Duration.ofSeconds(10));
    String blueGreen = bw.start(BLUE_GREEN_YAML).workflowId();

    List<RunSummary> all = bw.list(null);

    assertEquals(2, all.size(), all.toString());
    RunSummary bg = all.stream().filter(r -> r.workflowId().equals(blueGreen)).findFirst().orElseThrow();
    RunSummary rl = all.stream().filter(r -> r.workflowId().equals(rolling)).findFirst().orElseThrow();
    assertEquals("RUNNING", bg.status());
    assertTrue(bg.running());
    assertEquals("BlueGreenDeployment", bg.type());
    assertEquals("COMPLETED", rl.status());
    assertEquals(List.of(blueGreen), bw.list("BlueGreenDeployment").stream().map(RunSummary::workflowId).toList());
    assertEquals(List.of(rolling), bw.list("RollingDeployment").stream().map(RunSummary::workflowId).toList());
    assertThrows(IllegalArgumentException.class, () -> bw.list("Canary"));
  }

  @Test
  void theTestServerHasNoVisibilityQueriesSoListTookTheLegacyPath() {
    // Guards the test above: if this server ever answers visibility queries, the fallback needs
    // another way to be exercised.
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                env.getWorkflowClient()
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .listWorkflowExecutions(
                        ListWorkflowExecutionsRequest.newBuilder()
                            .setNamespace(env.getNamespace())
                            .setQuery(RunListing.query(BellwetherClient.TYPES))
                            .build()));
    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
  }

  @Test
  void controlsOnAnUnknownRunSayItIsNotThere() {
    assertThrows(RunNotFoundException.class, () -> bw.pause("rolling-none-1.0.0", OperatorRequest.of("bob", "x")));
    assertThrows(RunNotFoundException.class, () -> bw.status("rolling-none-1.0.0"));
  }
}
