package io.bellwether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Canary specs reach the CanaryRelease workflow by every path of the client. */
class BellwetherClientCanaryTest {
  static final String CANARY_YAML =
      """
      kind: CanaryRelease
      service: web
      version: 2.0.0
      stableVersion: 1.0.0
      requestedBy: alice
      target: {router: edge, backend: web, pool: web, deployer: demo, healthCheck: http, metrics: prom}
      replicas: 1
      healthCheck: {path: /health, successThreshold: 2, period: 500ms, timeout: 30s}
      steps:
        - setWeight: 20
        - analysis:
            interval: 2s
            count: 3
            metrics:
              - name: error-ratio
                query: sum(rate(http_server_requests_total{bellwether_instance=~"{{instances}}",status=~"5.."}[{{interval}}]))
                thresholdRange: {max: 0.01}
        - pause: {}
      """;

  private TestWorkflowEnvironment env;
  private BellwetherClient bw;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(
        FakeRollingWorkflow.class, FakeCanaryWorkflow.class, FakeTargetCheckWorkflow.class);
    env.start();
    bw = BellwetherClient.of(env.getWorkflowClient());
  }

  @AfterEach
  void tearDown() {
    bw.close();
    env.close();
  }

  @Test
  void canaryTextStartsACanaryReleaseAnsweringATypedStatus() {
    RunRef ref = bw.start(CANARY_YAML);

    assertEquals("canary-web-2.0.0", ref.workflowId());
    assertEquals("CanaryRelease", ref.type());
    assertEquals("CanaryRelease", bw.typeOf(ref.workflowId()));
    CanaryStatus status = assertInstanceOf(CanaryStatus.class, bw.status(ref.workflowId()));
    assertEquals("web", status.service());
    assertEquals("2.0.0", status.version());
    assertEquals(20, status.canaryWeight());
    assertEquals(Phase.PAUSED, bw.canaryStatus(ref.workflowId()).phase());
  }

  @Test
  void typedCanarySpecStartsUnderItsIdAndASecondStartIsRefused() {
    CanaryReleaseSpec spec = SpecLoader.canary(CANARY_YAML);

    RunRef ref = bw.start(spec);

    assertEquals("canary-web-2.0.0", ref.workflowId());
    RunAlreadyStartedException again = assertThrows(RunAlreadyStartedException.class, () -> bw.start(spec));
    assertEquals("canary-web-2.0.0", again.workflowId());
  }

  @Test
  void anInvalidCanaryIsRefusedWithItsProblemsAndNothingStarts() {
    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> bw.start(CANARY_YAML.replace("setWeight: 20", "setWeight: 120")));

    assertTrue(e.violations().stream().anyMatch(v -> v.field().contains("steps")), e.getMessage());
    assertEquals(List.of(), bw.list(null));
  }

  @Test
  void promoteCarriesFullToTheRun() throws TimeoutException {
    String id = bw.start(CANARY_YAML).workflowId();

    ControlResponse r = bw.promote(id, new OperatorRequest("dave", "looks right", null, true));

    assertEquals("promote --full by dave", r.message());
    assertEquals("promote --full", bw.canaryStatus(id).events().get(0).action());
    assertEquals(Phase.SUCCEEDED, bw.result(id, CanaryResult.class, Duration.ofSeconds(10)).outcome());
  }

  @Test
  void aPlainPromoteIsNotFull() {
    String id = bw.start(CANARY_YAML).workflowId();

    bw.promote(id, OperatorRequest.of("dave", "looks right"));

    assertEquals("promote", bw.canaryStatus(id).events().get(0).action());
  }

  @Test
  void listingKnowsCanaryRunsByKindServiceAndPhase() {
    String canary = bw.start(CANARY_YAML).workflowId();
    String rolling = bw.start(BellwetherClientTest.ROLLING_YAML).workflowId();

    assertEquals(2, bw.list(null).size());
    List<RunSummary> canaries = bw.list("CanaryRelease");
    assertEquals(List.of(canary), canaries.stream().map(RunSummary::workflowId).toList());
    assertEquals("web", canaries.get(0).service());
    assertEquals(List.of(canary), bw.list(null, "web", "paused").stream().map(RunSummary::workflowId).toList());
    assertEquals(List.of(rolling), bw.list("RollingDeployment", "web", null).stream().map(RunSummary::workflowId).toList());
  }

  @Test
  void validateAsksTheWorkerAboutTheCanaryTarget() {
    assertEquals(List.of(), bw.validate(CANARY_YAML));

    List<Violation> unknown = bw.validate(CANARY_YAML.replace("metrics: prom", "metrics: graphite"));

    assertEquals(List.of(new Violation("target.metrics", FakeTargetCheckWorkflow.UNKNOWN_METRICS)), unknown);
  }
}
