package io.bellwether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.Outcome;
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

/** A/B test specs reach the ABTest workflow by every path of the client, like every other kind. */
class BellwetherClientABTestTest {
  static final String AB_YAML =
      """
      kind: ABTest
      service: web
      name: checkout
      hypothesis: the one-page checkout converts better
      requestedBy: alice
      target: {router: edge, backend: web, split: exp, deployer: demo, healthCheck: http, metrics: prom}
      variants:
        - {name: control, version: 4.0.0, share: 50}
        - {name: one-page, version: 4.1.0, share: 50}
      goal:
        name: checkout
        exposures: 'sum(ab_exposures_total{instance=~"{{instances}}",randomized="true"})'
        conversions: 'sum(ab_conversions_total{instance=~"{{instances}}",randomized="true"})'
      guardrails:
        - name: error-rate
          query: 'sum(rate(http_server_requests_total{instance=~"{{instances}}",status=~"5.."}[{{interval}}])) / sum(rate(http_server_requests_total{instance=~"{{instances}}"}[{{interval}}]))'
          max: 0.05
      plan: {baselineRate: 0.10, minimumDetectableEffect: 0.2, alpha: 0.05, power: 0.8, expectedExposuresPerMinute: 200}
      interval: 1m
      maxDuration: 2h
      healthCheck: {path: /health, successThreshold: 2, period: 500ms, timeout: 30s}
      """;

  private TestWorkflowEnvironment env;
  private BellwetherClient bw;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(
        FakeRollingWorkflow.class, FakeABTestWorkflow.class, FakeTargetCheckWorkflow.class);
    env.start();
    bw = BellwetherClient.of(env.getWorkflowClient());
  }

  @AfterEach
  void tearDown() {
    bw.close();
    env.close();
  }

  @Test
  void abTestTextStartsAnABTestAnsweringATypedStatus() {
    RunRef ref = bw.start(AB_YAML);

    assertEquals("abtest-web-checkout", ref.workflowId());
    assertEquals("ABTest", ref.type());
    assertEquals("ABTest", bw.typeOf(ref.workflowId()));
    ABTestStatus status = assertInstanceOf(ABTestStatus.class, bw.status(ref.workflowId()));
    assertEquals("web", status.service());
    assertEquals("checkout", status.experiment());
    assertEquals(List.of("control", "one-page"), status.variants().stream().map(v -> v.name()).toList());
    assertEquals(Phase.COLLECTING, bw.abTestStatus(ref.workflowId()).phase());
  }

  @Test
  void aSpecWithoutKindButWithVariantsIsAnABTest() {
    RunRef ref = bw.start(AB_YAML.replace("kind: ABTest\n", ""));

    assertEquals("ABTest", ref.type());
    assertEquals("abtest-web-checkout", ref.workflowId());
  }

  @Test
  void typedSpecStartsUnderItsIdAndASecondStartIsRefused() {
    ABTestSpec spec = SpecLoader.abTest(AB_YAML);

    RunRef ref = bw.start(spec);

    assertEquals("abtest-web-checkout", ref.workflowId());
    RunAlreadyStartedException again = assertThrows(RunAlreadyStartedException.class, () -> bw.start(spec));
    assertEquals("abtest-web-checkout", again.workflowId());
    assertThrows(InvalidSpecException.class, () -> bw.start((ABTestSpec) null));
  }

  @Test
  void anInvalidABTestIsRefusedWithEveryProblemAndNothingStarts() {
    String bad = AB_YAML
        .replace("  - {name: one-page, version: 4.1.0, share: 50}\n", "")
        .replace("maxDuration: 2h", "maxDuration: 2h\nonWinner: ship");

    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> bw.start(bad));

    List<String> fields = e.violations().stream().map(Violation::field).toList();
    assertTrue(fields.contains("onWinner"), e.getMessage());
    assertTrue(fields.stream().anyMatch(f -> f.startsWith("variants")), e.getMessage());
    assertEquals(List.of(), bw.list(null));
  }

  @Test
  void theSpecItStartedWithIsReadBackFromTheRunsHistory() {
    String id = bw.start(AB_YAML).workflowId();
    String rolling = bw.start(BellwetherClientTest.ROLLING_YAML).workflowId();

    ABTestSpec spec = bw.abTestSpec(id).orElseThrow();

    assertEquals("checkout", spec.name());
    assertEquals(0.05, spec.guardrails().get(0).max());
    assertEquals("one-page", spec.treatments().get(0).name());
    assertEquals(java.util.Optional.empty(), bw.abTestSpec(rolling));
    assertThrows(RunNotFoundException.class, () -> bw.abTestSpec("abtest-none-x"));
  }

  @Test
  void controlsWorkUnchangedAndTheResultIsTyped() throws TimeoutException {
    String id = bw.start(AB_YAML).workflowId();

    ControlResponse paused = bw.pause(id, OperatorRequest.of("bob", "weekend traffic is odd"));
    assertTrue(paused.paused());
    ControlRefusedException twice =
        assertThrows(ControlRefusedException.class, () -> bw.pause(id, OperatorRequest.of("bob", "again")));
    assertEquals(FakeABTestWorkflow.ALREADY_PAUSED, twice.reason());
    assertThrows(ControlRefusedException.class, () -> bw.approve(id, OperatorRequest.of("carol", "ok")));
    bw.promote(id, OperatorRequest.of("dave", "enough data"));

    ABTestResult r = bw.result(id, ABTestResult.class, Duration.ofSeconds(10));
    assertEquals(Phase.SUCCEEDED, r.phase());
    assertEquals(Outcome.WINNER, r.outcome());
    assertEquals("one-page", r.winner());
    assertEquals(ABTestResult.ROLLED_OUT, r.decision());
    assertEquals(List.of("pause", "promote"), bw.abTestStatus(id).events().stream().map(e -> e.action()).toList());
  }

  @Test
  void listingKnowsABTestsByKindServiceAndPhase() throws TimeoutException {
    String ab = bw.start(AB_YAML).workflowId();
    String other = bw.start(AB_YAML.replace("service: web", "service: web-shop").replace("name: checkout", "name: cart"))
        .workflowId();
    String rolling = bw.start(BellwetherClientTest.ROLLING_YAML).workflowId();
    bw.rollback(other, OperatorRequest.of("bob", "stop"));
    bw.result(other, ABTestResult.class, Duration.ofSeconds(10));

    assertEquals(3, bw.list(null).size());
    List<RunSummary> tests = bw.list("ABTest");
    assertEquals(List.of(other, ab), tests.stream().map(RunSummary::workflowId).toList());
    assertEquals("web", tests.get(1).service());
    // abtest-web-shop-cart reads as web/shop-cart or web-shop/cart: the listing leaves it open ...
    assertEquals(null, tests.get(0).service());
    // ... and a service filter settles it with the run's status.
    assertEquals(List.of(other), bw.list("ABTest", "web-shop", null).stream().map(RunSummary::workflowId).toList());
    assertEquals(List.of(ab), bw.list("ABTest", "web", null).stream().map(RunSummary::workflowId).toList());
    assertEquals(List.of(ab), bw.list(null, null, "collecting").stream().map(RunSummary::workflowId).toList());
    assertEquals(List.of(other), bw.list("ABTest", null, "ROLLED_BACK").stream().map(RunSummary::workflowId).toList());
    assertEquals(List.of(rolling), bw.list("RollingDeployment").stream().map(RunSummary::workflowId).toList());
  }

  @Test
  void validateAsksTheWorkerAboutTheABTestTarget() {
    assertEquals(List.of(), bw.validate(AB_YAML));

    List<Violation> unknown = bw.validate(AB_YAML.replace("split: exp", "split: other"));

    assertEquals(List.of(new Violation("target.split", FakeTargetCheckWorkflow.UNKNOWN_SPLIT)), unknown);
  }
}
