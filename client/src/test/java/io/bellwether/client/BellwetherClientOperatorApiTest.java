package io.bellwether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.check.TargetCheckWorkflow;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.spec.Violation;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the operator API needs of the client: validate, refusal categories, filters, memos. */
class BellwetherClientOperatorApiTest {
  private static final String ROLLING_YAML = BellwetherClientTest.ROLLING_YAML;
  private static final String BLUE_GREEN_YAML = BellwetherClientTest.BLUE_GREEN_YAML;

  private TestWorkflowEnvironment env;
  private BellwetherClient bw;

  @BeforeEach
  void setUp() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(
        FakeRollingWorkflow.class, FakeBlueGreenWorkflow.class, FakeTargetCheckWorkflow.class);
    env.start();
    bw = BellwetherClient.of(env.getWorkflowClient());
  }

  @AfterEach
  void tearDown() {
    bw.close();
    env.close();
  }

  @Test
  void validateReportsParseAndRuleProblemsBeforeAskingTheWorker() {
    List<Violation> notYaml = bw.validate("service: [web");
    assertEquals(1, notYaml.size(), notYaml.toString());
    assertEquals("(document)", notYaml.get(0).field());

    List<Violation> rules =
        bw.validate(ROLLING_YAML.replace("version: 2.0.0", "version: ''").replace("router: edge", "router: nope"));
    assertTrue(rules.stream().anyMatch(v -> v.field().equals("version")), rules.toString());
    // Names are only checked once the structure is right.
    assertFalse(rules.stream().anyMatch(v -> v.field().equals("target.router")), rules.toString());

    List<Violation> kind = bw.validate(ROLLING_YAML.replace("kind: RollingDeployment", "kind: Canary"));
    assertEquals(List.of("kind"), kind.stream().map(Violation::field).toList());

    assertEquals(List.of(), bw.list(null), "validating ran no check run for a malformed spec");
  }

  @Test
  void validateAsksTheWorkerForUnknownNamesAndStartsNoDeployment() {
    assertEquals(List.of(), bw.validate(ROLLING_YAML));
    assertEquals(List.of(), bw.validate(BLUE_GREEN_YAML));

    List<Violation> unknown = bw.validate(ROLLING_YAML.replace("router: edge", "router: nope"));
    assertEquals(
        List.of(new Violation("target.router", FakeTargetCheckWorkflow.UNKNOWN_ROUTER)), unknown);
    List<Violation> pool = bw.validate(BLUE_GREEN_YAML.replace("pool: shop", "pool: cart"));
    assertEquals(List.of("target.pool"), pool.stream().map(Violation::field).toList());

    assertEquals(List.of(), bw.list(null), "no deployment was started");
    var checks =
        env.getWorkflowClient()
            .getWorkflowServiceStubs()
            .blockingStub()
            .listClosedWorkflowExecutions(
                io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(env.getNamespace())
                    .build())
            .getExecutionsList();
    assertEquals(4, checks.size());
    assertTrue(
        checks.stream()
            .allMatch(
                i ->
                    i.getType().getName().equals(TargetCheckWorkflow.TYPE)
                        && i.getExecution().getWorkflowId().startsWith(TargetCheckWorkflow.ID_PREFIX)),
        checks.toString());
  }

  @Test
  void validateWithoutAWorkerThatChecksSaysTheWorkerIsUnavailable() {
    try (TestWorkflowEnvironment bare =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
      // A worker that has deployments but no TargetCheck: the check run can never complete.
      bare.newWorker(TaskQueues.BELLWETHER).registerWorkflowImplementationTypes(FakeRollingWorkflow.class);
      bare.start();
      BellwetherClient client = BellwetherClient.of(bare.getWorkflowClient());

      WorkerUnavailableException e =
          assertThrows(
              WorkerUnavailableException.class,
              () -> client.validate(ROLLING_YAML, Duration.ofSeconds(1)));
      assertTrue(e.getMessage().contains(TargetCheckWorkflow.ID_PREFIX), e.getMessage());
      // Spec problems are still answered without any worker.
      assertEquals("(document)", client.validate("[]", Duration.ofSeconds(1)).get(0).field());
    }
  }

  @Test
  void aRefusalOfTheCallerIsForbiddenAndARefusalOfTheMomentIsNot() {
    String id = bw.start(ROLLING_YAML).workflowId();

    ControlRefusedException forbidden =
        assertThrows(ControlRefusedException.class, () -> bw.reject(id, OperatorRequest.of("mallory", "no")));
    assertTrue(forbidden.forbidden());
    assertEquals(FailureTypes.REFUSAL_FORBIDDEN, forbidden.category());
    assertEquals(FakeRollingWorkflow.NOT_AN_APPROVER, forbidden.reason());

    ControlRefusedException conflict =
        assertThrows(ControlRefusedException.class, () -> bw.approve(id, OperatorRequest.of("bob", "ok")));
    assertFalse(conflict.forbidden());
    assertEquals(FailureTypes.REFUSAL_CONFLICT, conflict.category());
  }

  @Test
  void theCategoryIsTheFirstDetailOfTheFirstApplicationFailureInTheChain() {
    var forbidden =
        io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
            "not an approver", FailureTypes.CONTROL_REFUSED, FailureTypes.REFUSAL_FORBIDDEN, "extra");
    assertEquals(
        FailureTypes.REFUSAL_FORBIDDEN,
        ControlRefusedException.category(new RuntimeException("wrapper", forbidden)));
    var conflict =
        io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
            "no gate", FailureTypes.CONTROL_REFUSED, FailureTypes.REFUSAL_CONFLICT);
    assertEquals(FailureTypes.REFUSAL_CONFLICT, ControlRefusedException.category(conflict));
    var bare =
        io.temporal.failure.ApplicationFailure.newNonRetryableFailure("no gate", FailureTypes.CONTROL_REFUSED);
    assertEquals(FailureTypes.REFUSAL_CONFLICT, ControlRefusedException.category(bare));
    var notAString =
        io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
            "odd", FailureTypes.CONTROL_REFUSED, 42);
    assertEquals(FailureTypes.REFUSAL_CONFLICT, ControlRefusedException.category(notAString));
    assertEquals(FailureTypes.REFUSAL_CONFLICT, ControlRefusedException.category(new IllegalStateException()));
    assertEquals(FailureTypes.REFUSAL_CONFLICT, ControlRefusedException.category(null));
  }

  @Test
  void listFiltersByServiceAndPhaseAndCarriesTheService() throws TimeoutException {
    String web = bw.start(ROLLING_YAML).workflowId();
    // rolling-web-api-2.0.0 also reads as service "web", version "api-2.0.0".
    String webApi = bw.start(ROLLING_YAML.replace("service: web", "service: web-api")).workflowId();
    String shop = bw.start(BLUE_GREEN_YAML).workflowId();
    String old = bw.start(ROLLING_YAML.replace("version: 2.0.0", "version: 1.9.0")).workflowId();
    bw.rollback(old, OperatorRequest.of("bob", "stop"));
    bw.result(old, RollingResult.class, Duration.ofSeconds(10));

    assertEquals(List.of(old, web), ids(bw.list(null, "web", null)).stream().sorted().toList());
    assertEquals(List.of(webApi), ids(bw.list(null, "web-api", null)));
    assertEquals(List.of(shop), ids(bw.list(null, "shop", null)));
    assertEquals(List.of(), bw.list("RollingDeployment", "shop", null));
    assertEquals(List.of(), bw.list(null, "we", null));

    List<RunSummary> waiting = bw.list(null, null, "awaiting-approval");
    assertEquals(List.of(shop), ids(waiting));
    assertEquals(Phase.AWAITING_APPROVAL, waiting.get(0).phase());
    assertEquals("shop", waiting.get(0).service());

    List<RunSummary> progressing = bw.list("RollingDeployment", null, "PROGRESSING");
    assertEquals(List.of(web, webApi), ids(progressing).stream().sorted().toList());
    assertTrue(progressing.stream().allMatch(r -> r.phase() == Phase.PROGRESSING));

    List<RunSummary> rolledBack = bw.list(null, "web", "rolled_back");
    assertEquals(List.of(old), ids(rolledBack));
    assertEquals("COMPLETED", rolledBack.get(0).status());

    List<RunSummary> all = bw.list(null, null, null);
    assertEquals(4, all.size());
    assertTrue(all.stream().allMatch(r -> r.phase() == null), "no phase unless asked");
    assertEquals(
        Map.of(web, "web", webApi, "web-api", shop, "shop", old, "web"),
        all.stream().collect(java.util.stream.Collectors.toMap(RunSummary::workflowId, RunSummary::service)));
    assertEquals(4, bw.list(null).size());

    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> bw.list(null, null, "Sleeping"));
    assertTrue(bad.getMessage().contains("AWAITING_APPROVAL"), bad.getMessage());
  }

  @Test
  void aStartCarriesItsMemoAndTheMemoIsReadBack() {
    String id = bw.start(ROLLING_YAML, Map.of(BellwetherClient.MEMO_IDEMPOTENCY, "abc123")).workflowId();
    assertEquals("abc123", bw.memo(id, BellwetherClient.MEMO_IDEMPOTENCY).orElseThrow());
    assertTrue(bw.memo(id, "other").isEmpty());

    RunAlreadyStartedException again =
        assertThrows(
            RunAlreadyStartedException.class,
            () -> bw.start(ROLLING_YAML, Map.of(BellwetherClient.MEMO_IDEMPOTENCY, "different")));
    assertEquals(id, again.workflowId());
    assertEquals("abc123", bw.memo(id, BellwetherClient.MEMO_IDEMPOTENCY).orElseThrow());

    String plain = bw.start(BLUE_GREEN_YAML, null).workflowId();
    assertTrue(bw.memo(plain, BellwetherClient.MEMO_IDEMPOTENCY).isEmpty());
    String numeric = bw.start(ROLLING_YAML.replace("service: web", "service: api"), Map.of("n", 7)).workflowId();
    assertTrue(bw.memo(numeric, "n").isEmpty(), "a memo that is not a string reads as absent");

    assertThrows(RunNotFoundException.class, () -> bw.memo("rolling-none-1.0.0", "x"));
    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        env.getWorkflowClient().newUntypedWorkflowStub(id).describe().getStatus());
  }

  private static List<String> ids(List<RunSummary> runs) {
    return runs.stream().map(RunSummary::workflowId).toList();
  }
}
