package io.bellwether.workflows.abtest;

import static io.bellwether.workflows.RunTestSupport.has;
import static io.bellwether.workflows.RunTestSupport.newRun;
import static io.bellwether.workflows.RunTestSupport.recordHistory;
import static io.bellwether.workflows.RunTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.abtest.Assignment;
import io.bellwether.contracts.abtest.Comparison;
import io.bellwether.contracts.abtest.GoalMetric;
import io.bellwether.contracts.abtest.Guardrail;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.StatsPlan;
import io.bellwether.contracts.abtest.Variant;
import io.bellwether.contracts.abtest.VariantPoint;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.notify.RunNotification;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.RunTestSupport;
import io.bellwether.workflows.gate.ApprovalGate;
import io.bellwether.workflows.notify.RecordingNotify;
import io.bellwether.workflows.notify.RunNotices;
import io.bellwether.workflows.rolling.RollingDeploymentWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every branch of the A/B test workflow on the time-skipping server, with the real rolling workflow
 * as the winner's rollout child and a model of the split, the deployer and the counts behind mocks.
 *
 * <p>The plan: baseline 10%, a relative effect of 100% (to 20%), alpha 0.05, power 0.8: 199
 * exposures per variant with one treatment, 242 with two (R's power.prop.test gives the same). The
 * counts grow by 50 exposures per variant per one-minute read, so four reads reach the plan with
 * one treatment.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ABTestWorkflowTest {
  static final String CONTROL = "control";
  static final String TREATMENT = "one-page";
  static final String ID = "abtest-web-new-checkout";
  static final String CONTROL_1 = "web-ab-control-1";
  static final String TREATMENT_1 = "web-ab-one-page-1";

  static final GoalMetric GOAL =
      new GoalMetric(
          "checkout",
          "exposures{variant=\"{{variant}}\",bellwether_instance=~\"{{instances}}\"}",
          "conversions{variant=\"{{variant}}\",bellwether_instance=~\"{{instances}}\"}");
  static final Guardrail ERRORS =
      new Guardrail(
          "error-ratio",
          "errors{variant=\"{{variant}}\",bellwether_instance=~\"{{instances}}\"}[{{interval}}]",
          0.05,
          null,
          2);

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeABWorld world;
  private RecordingNotify notify;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(
        ABTestWorkflowImpl.class, RollingDeploymentWorkflowImpl.class);
    world = new FakeABWorld();
    notify = new RecordingNotify().route("web", "chat");
    worker.registerActivitiesImplementations(
        world.fleet.pool,
        world.fleet.traffic,
        world.fleet.deploy,
        world.fleet.health,
        world.fleet.config,
        world.fleet.gate,
        world.split,
        world.metrics,
        notify);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Conclusions

  @Test
  void aWinningTreatmentIsRolledOutByTheRollingChildAndTheExperimentRemoved() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    ABTestSpec spec = new Spec().build();

    ABTestResult result = workflow().run(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.WINNER, result.outcome());
    assertEquals(TREATMENT, result.winner());
    assertEquals(ABTestResult.ROLLED_OUT, result.decision());
    assertEquals(WorkflowIds.abTestRollout(ID), result.promotion());
    assertNull(result.reason(), "a clean conclusion has no reason");
    assertEquals(4, world.reads(), "199 exposures per variant are reached at the 4th read");
    Comparison c = result.evaluation().comparisons().get(0);
    assertEquals(TREATMENT, c.treatment());
    assertEquals(0.10, c.controlRate(), 1e-9);
    assertEquals(0.24, c.treatmentRate(), 1e-9);
    assertTrue(c.significant(), c.toString());
    // The stable backend runs the winner; nothing of the experiment is left.
    assertEquals(
        Map.of("web-1", "4.1.0", "web-2", "4.1.0", "web-3", "4.1.0", "web-4", "4.1.0"), world.running());
    assertTrue(world.state().isClear());
    assertEquals(List.of(), world.filledSlots());
    // Provisioned and verified before the split opened; routes written while still closed.
    assertTrue(world.firstIndexOf("assign web_ab_v2/s1 127.") < world.firstIndexOf("routes "));
    assertTrue(world.firstIndexOf("routes ") < world.firstIndexOf("open true"));
    assertEquals(
        List.of("routes control@web_ab_v1:0-50 one-page@web_ab_v2:50-100"), world.callsStartingWith("routes"));
    // The split closes in one command before the rollout; cleared and torn down after it.
    assertTrue(world.firstIndexOf("read 4") < world.firstIndexOf("open false"));
    assertTrue(world.firstIndexOf("open false") < world.firstIndexOf("deploy web-1"));
    assertTrue(world.firstIndexOf("deploy web-4") < world.firstIndexOf("clear"));
    assertTrue(world.firstIndexOf("clear") < world.firstIndexOf("decommission " + CONTROL_1));
    // Each variant's templates were rendered with its own instances.
    assertTrue(
        world.lastQueries.contains(
            "exposures{variant=\"one-page\",bellwether_instance=~\"" + TREATMENT_1 + "\"}"),
        world.lastQueries.toString());
    assertTrue(
        world.lastQueries.contains(
            "errors{variant=\"control\",bellwether_instance=~\"" + CONTROL_1 + "\"}[1m]"),
        world.lastQueries.toString());

    ABTestStatus status = stub().status();
    assertEquals(Phase.SUCCEEDED, status.phase());
    assertEquals(ABTestResult.ROLLED_OUT, status.decision());
    assertFalse(status.splitOpen());
    assertTrue(status.salt().matches("[0-9a-f]{8}"), "derived from the run: " + status.salt());
    assertEquals(199, status.plan().perVariant());
    VariantStatus treatment = status.variants().get(1);
    assertEquals(200, treatment.exposures());
    assertEquals(48, treatment.conversions());
    assertEquals(4, treatment.points().size());
    assertEquals("DECOMMISSIONED", treatment.instances().get(0).progress());
    assertEquals(
        List.of("started", "traffic-step", "promoted", "succeeded"),
        notify.to("chat").stream()
            .filter(n -> n.workflowType().equals(ABTestWorkflow.TYPE))
            .map(RunNotification::kind)
            .toList());
    assertEquals("A/B new-checkout", notify.to("chat").get(0).version());
    recordHistory(client, ID, "abtest-success.json");
  }

  @Test
  void aWinnerWithOnWinnerRevertIsReportedAndEverythingReverted() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    Spec s = new Spec();
    s.onWinner = ABTestSpec.ON_WINNER_REVERT;

    ABTestResult result = workflow().run(s.build());

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.WINNER, result.outcome());
    assertEquals(TREATMENT, result.winner());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertNull(result.promotion());
    assertEquals(List.of(), world.callsStartingWith("deploy "), "nothing rolled out");
    assertReverted();
  }

  @Test
  void aControlThatWinsKeepsTheStableVersionAndRevertsTheTest() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 1);

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.WINNER, result.outcome());
    assertEquals(CONTROL, result.winner());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertEquals(List.of(), world.callsStartingWith("deploy "));
    assertReverted();
  }

  @Test
  void noDifferenceRevertsEverything() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 5);

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.NO_DIFFERENCE, result.outcome());
    assertNull(result.winner());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertEquals(4, world.reads());
    assertReverted();
    assertTrue(world.lastIndexOf("clear") < world.firstIndexOf("decommission "), "split first");
    assertEquals(RunNotification.KIND_SUCCEEDED, last(notify.to("chat")).kind());
  }

  @Test
  void tooLittleTrafficByMaxDurationIsInconclusiveAndReverts() {
    world.grow(CONTROL, 5, 1).grow(TREATMENT, 5, 2);
    Spec s = new Spec();
    s.maxDuration = "10m";

    ABTestResult result = workflow().run(s.build());

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.INCONCLUSIVE, result.outcome());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertEquals(10, world.reads(), "one read a minute for ten minutes");
    assertEquals(50, stub().status().variants().get(0).exposures());
    assertTrue(has(stub().status().events(), "collected", "maxDuration 10m reached short of 199"));
    assertReverted();
  }

  @Test
  void theSequentialMethodStopsAsSoonAsTheAlwaysValidTestDecides() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 25);
    Spec s = new Spec();
    s.plan = new StatsPlan(0.10, 1.0, null, 0.05, 0.8, 100.0, StatsPlan.SEQUENTIAL, Map.of());
    s.onWinner = ABTestSpec.ON_WINNER_REVERT;

    ABTestResult result = workflow().run(s.build());

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.WINNER, result.outcome());
    assertEquals(TREATMENT, result.winner());
    assertEquals(StatsPlan.SEQUENTIAL, result.evaluation().method());
    assertTrue(world.reads() < 4, "decided before the fixed sample size: " + world.reads() + " reads");
    assertTrue(has(stub().status().events(), "collected", "the sequential test decided"));
  }

  @Test
  void theFixedMethodNeverDecidesAtAnInterimReadEvenWithAHugeDifference() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 25);
    Spec s = new Spec();
    s.onWinner = ABTestSpec.ON_WINNER_REVERT;

    ABTestResult result = workflow().run(s.build());

    assertEquals(Outcome.WINNER, result.outcome());
    assertEquals(4, world.reads(), "no peeking: the test waits for its sample size");
  }

  // ---------------------------------------------------------------------------------------------
  // Guardrails

  @Test
  void aTreatmentBreakingAGuardrailStopsATwoVariantTestAndLeavesNoRouteBehind() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    world.script =
        (read, variant, metric) ->
            metric.equals("errors") && variant.equals(TREATMENT) && read >= 2
                ? MetricValue.ok(0.2)
                : world.model(read, variant, metric);

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ROLLED_BACK, result.phase());
    assertEquals(Outcome.STOPPED, result.outcome());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertNull(result.evaluation());
    assertTrue(result.reason().contains("no treatment left"), result.reason());
    assertTrue(result.reason().contains("error-ratio 0.2 above max 0.05 for 2 read(s)"), result.reason());
    assertEquals(3, world.reads(), "failureLimit 2: breached at reads 2 and 3");
    assertTrue(world.state().isClear());
    assertEquals(List.of(), world.state().routes().variants(), "zero routes left");
    assertReverted();
    VariantStatus t = stub().status().variants().get(1);
    assertTrue(t.stopped());
    assertTrue(t.stopReason().contains("error-ratio"), t.stopReason());
    RunNotification end = last(notify.to("chat"));
    assertEquals(RunNotification.KIND_ROLLED_BACK, end.kind());
    assertTrue(end.reason().contains("error-ratio"), end.reason());
  }

  @Test
  void oneOfTwoTreatmentsBreakingAGuardrailIsStoppedAndTheTestGoesOnWithTheOther() {
    world.grow(CONTROL, 50, 5).grow("a", 50, 12).grow("b", 50, 12);
    world.script =
        (read, variant, metric) ->
            metric.equals("errors") && variant.equals("b")
                ? MetricValue.ok(0.3)
                : world.model(read, variant, metric);
    Spec s = new Spec();
    s.variants = List.of(new Variant(CONTROL, "4.0.0", 34), new Variant("a", "4.1.0", 33), new Variant("b", "4.2.0", 33));
    s.plan = new StatsPlan(0.10, 1.0, 0.05, 0.8, 150.0);
    s.onWinner = ABTestSpec.ON_WINNER_REVERT;

    ABTestResult result = workflow().run(s.build());

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.WINNER, result.outcome());
    assertEquals("a", result.winner());
    assertEquals(
        List.of("a"), result.evaluation().comparisons().stream().map(Comparison::treatment).toList());
    assertEquals(
        List.of(
            "routes control@web_ab_v1:0-34 a@web_ab_v2:34-67 b@web_ab_v3:67-100",
            "routes control@web_ab_v1:0-34 a@web_ab_v2:34-67 b@web_ab_v3:67-67"),
        world.callsStartingWith("routes"));
    assertTrue(world.firstIndexOf("read 2") < world.lastIndexOf("routes "));
    assertTrue(world.lastIndexOf("routes ") < world.firstIndexOf("read 3"), "closed at once");
    assertTrue(world.reads() >= 5, "242 exposures per variant with two treatments");
    assertFalse(world.lastQueries.stream().anyMatch(q -> q.contains("variant=\"b\"")), "b is no longer read");
    ABTestStatus status = stub().status();
    VariantStatus b = status.variants().get(2);
    assertTrue(b.stopped());
    assertEquals(100, b.exposures(), "its counts stay as they were when it stopped");
    assertTrue(has(status.events(), "route-closed", "b stopped"));
    assertTrue(notify.kinds("chat").contains(RunNotices.KIND_VARIANT_STOPPED));
    assertReverted();
  }

  @Test
  void theControlBreakingAGuardrailStopsTheTest() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    world.script =
        (read, variant, metric) ->
            metric.equals("errors") && variant.equals(CONTROL)
                ? MetricValue.ok(0.5)
                : world.model(read, variant, metric);

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ROLLED_BACK, result.phase());
    assertEquals(Outcome.STOPPED, result.outcome());
    assertTrue(result.reason().contains("the control control broke a guardrail"), result.reason());
    assertEquals(2, world.reads());
    assertReverted();
  }

  // ---------------------------------------------------------------------------------------------
  // The confirm gate

  @Test
  void anApprovedConfirmGateAppliesTheOutcome() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    Spec s = new Spec();
    s.confirm = new ApprovalGateSpec(List.of("alice"), null, null, null, "1h", null, null);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, s.build());

    advanceUntil(() -> gateOpen(wf), "the gate never opened");
    ABTestStatus waiting = wf.status();
    assertEquals(Phase.AWAITING_APPROVAL, waiting.phase());
    assertEquals(ABTestWorkflowImpl.CONFIRM_GATE, waiting.gate().name());
    assertEquals(Outcome.WINNER, waiting.outcome(), "the outcome is shown before anyone confirms it");
    assertNotNull(waiting.evaluation());
    assertNull(waiting.decision());
    assertTrue(waiting.splitOpen(), "the test keeps its routes until the decision is applied");
    waitUntil(() -> notify.kinds("chat").contains("gate-waiting"), "nobody was told");
    RunNotification asked =
        notify.to("chat").stream().filter(n -> n.kind().equals("gate-waiting")).findFirst().orElseThrow();
    assertTrue(asked.reason().contains("winner one-page"), asked.reason());
    assertTrue(asked.reason().contains("rolls one-page (4.1.0) out"), asked.reason());

    wf.approveUpdate(OperatorRequest.of("alice", "ship it"));
    ABTestResult result = WorkflowStub.fromTyped(wf).getResult(ABTestResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(ABTestResult.ROLLED_OUT, result.decision());
    assertEquals("alice", stub().status().confirmedBy());
    assertEquals("4.1.0", world.running().get("web-1"));
  }

  @Test
  void aRejectedConfirmGateKeepsTheOutcomeAndReverts() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    Spec s = new Spec();
    s.confirm = new ApprovalGateSpec(List.of("alice"), null, null, null, "1h", null, null);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, s.build());
    advanceUntil(() -> gateOpen(wf), "the gate never opened");

    wf.rejectUpdate(OperatorRequest.of("alice", "not before the sale"));
    ABTestResult result = WorkflowStub.fromTyped(wf).getResult(ABTestResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase());
    assertEquals(Outcome.WINNER, result.outcome(), "the outcome stands");
    assertEquals(TREATMENT, result.winner());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertEquals("rejected by alice: not before the sale", result.reason());
    assertEquals(List.of(), world.callsStartingWith("deploy "));
    assertEquals("REJECTED", stub().status().gate().state());
    assertNull(stub().status().confirmedBy());
    assertReverted();
  }

  @Test
  void aConfirmGateThatTimesOutWithAbortRevertsWithoutRollingOut() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    Spec s = new Spec();
    s.confirm = new ApprovalGateSpec(List.of("alice"), null, null, null, "10m", "abort", null);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, s.build());
    advanceUntil(() -> gateOpen(wf), "the gate never opened");

    env.sleep(Duration.ofMinutes(11));
    ABTestResult result = WorkflowStub.fromTyped(wf).getResult(ABTestResult.class);

    assertEquals(Outcome.WINNER, result.outcome(), "the outcome stands");
    assertEquals(ABTestResult.REVERTED, result.decision(), result.reason());
    assertEquals(List.of(), world.callsStartingWith("deploy "), "nothing was rolled out");
    assertEquals(ApprovalGate.TIMED_OUT_ABORTED, stub().status().gate().state());
    assertNull(stub().status().confirmedBy());
    assertReverted();
  }

  @Test
  void aCancelAtTheConfirmGateRevertsWithoutRollingOut() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    Spec s = new Spec();
    s.confirm = new ApprovalGateSpec(List.of("alice"), null, null, null, "1h", null, null);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, s.build());
    advanceUntil(() -> gateOpen(wf), "the gate never opened");

    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    untyped.cancel();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> untyped.getResult(ABTestResult.class));

    assertInstanceOf(CanceledFailure.class, e.getCause());
    assertEquals(List.of(), world.callsStartingWith("deploy "), "nothing was rolled out");
    assertReverted();
    ABTestStatus status = stub().status();
    assertEquals(Phase.ROLLED_BACK, status.phase());
    assertEquals(Outcome.WINNER, status.outcome(), "the evaluation made before the cancel stays");
    assertEquals(ABTestResult.REVERTED, status.decision());
  }

  // ---------------------------------------------------------------------------------------------
  // Operator controls

  @Test
  void aRollbackWhileCollectingRevertsEverything() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    advanceUntil(() -> world.reads() >= 2, "never read");

    wf.rollbackUpdate(OperatorRequest.of("bob", "checkout complaints"));
    ABTestResult result = WorkflowStub.fromTyped(wf).getResult(ABTestResult.class);

    assertEquals(Phase.ROLLED_BACK, result.phase());
    assertEquals(Outcome.STOPPED, result.outcome());
    assertTrue(result.reason().contains("checkout complaints (bob)"), result.reason());
    assertReverted();
    RunNotification end = last(notify.to("chat"));
    assertEquals(RunNotification.KIND_ROLLED_BACK, end.kind());
    assertEquals("bob", end.by());
    assertTrue(has(stub().status().events(), "bob", "rollback", "checkout complaints"));
  }

  @Test
  void aCancelWhileCollectingRevertsInADetachedScope() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    advanceUntil(() -> world.reads() >= 2, "never read");

    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    untyped.cancel();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> untyped.getResult(ABTestResult.class));

    assertInstanceOf(CanceledFailure.class, e.getCause());
    assertReverted();
    ABTestStatus status = stub().status();
    assertEquals(Phase.ROLLED_BACK, status.phase());
    assertEquals(Outcome.STOPPED, status.outcome());
    assertEquals(ABTestResult.REVERTED, status.decision());
  }

  @Test
  void aPauseHoldsTheDecisionWhileCountsAreStillReadUntilResume() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 5);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    advanceUntil(() -> world.reads() >= 1, "never read");

    wf.pauseUpdate(OperatorRequest.of("carol", "wait for the weekend"));
    advanceUntil(() -> world.reads() >= 8, "collection stopped while paused");
    ABTestStatus held = wf.status();
    assertEquals(Phase.PAUSED, held.phase());
    assertTrue(held.paused());
    assertTrue(held.splitOpen());
    assertNull(held.evaluation(), "no conclusion while held");
    assertEquals(Outcome.PENDING, held.outcome());
    assertEquals(Outcome.PENDING, held.interim().outcome(), "interim looks are informative only");
    assertTrue(has(held.events(), "held", "every variant reached 199"));
    assertEquals(-1, world.firstIndexOf("clear"));

    wf.resumeUpdate(OperatorRequest.of("carol", "go"));
    ABTestResult result = WorkflowStub.fromTyped(wf).getResult(ABTestResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.NO_DIFFERENCE, result.outcome());
    assertTrue(world.reads() > 8);
    assertTrue(stub().status().variants().get(0).exposures() > 400, "the counts kept growing");
    assertReverted();
  }

  @Test
  void promoteEndsCollectionNowAndShortOfTheSampleIsInconclusive() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    advanceUntil(() -> world.reads() >= 2, "never read");

    wf.promoteUpdate(OperatorRequest.of("dave", "we have seen enough"));
    ABTestResult result = WorkflowStub.fromTyped(wf).getResult(ABTestResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(Outcome.INCONCLUSIVE, result.outcome());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertTrue(world.reads() < 4, "ended early");
    assertTrue(has(stub().status().events(), "collected", "promote by dave"));
    assertEquals(List.of(), world.callsStartingWith("deploy "));
    assertReverted();
  }

  @Test
  void controlsThatDoNotApplyAreRefused() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 5);
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    advanceUntil(() -> world.reads() >= 1, "never read");

    RunTestSupport.assertRefused(() -> wf.resumeUpdate(OperatorRequest.of("erin", "")), "not paused");
    RunTestSupport.assertRefused(() -> wf.approveUpdate(OperatorRequest.of("erin", "")), "no gate is open");
    RunTestSupport.assertRefused(() -> wf.pauseUpdate(OperatorRequest.of(" ", "")), "'by' is required");
    wf.promote(OperatorRequest.of("erin", "first"));
    wf.promote(OperatorRequest.of("frank", "second"));
    WorkflowStub.fromTyped(wf).getResult(ABTestResult.class);

    assertTrue(has(stub().status().events(), "frank", "refused", "promote: "));
  }

  // ---------------------------------------------------------------------------------------------
  // Refusals and failures

  @Test
  void anInvalidSpecIsRefusedBeforeAnythingChanges() {
    Spec s = new Spec();
    s.variants = List.of(new Variant(CONTROL, "4.0.0", 50), new Variant(TREATMENT, "4.1.0", 0));
    s.plan = null;

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> workflow().run(s.build()));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, f.getType());
    assertTrue(f.getOriginalMessage().contains("variants[1].share"), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("plan"), f.getOriginalMessage());
    assertEquals(List.of(), world.calls, "nothing changed, nothing read");
    assertEquals(Phase.ABORTED, stub().status().phase());
    assertEquals(List.of(), notify.delivered, "a refused run tells nobody");
  }

  @Test
  void anUnknownNameIsRefusedAsUnknownTarget() {
    world.unknownNames.add(new Violation("target.metrics", "no metrics provider named 'prom'"));

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow().run(new Spec().build()));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
    assertTrue(f.getOriginalMessage().contains("target.metrics"), f.getOriginalMessage());
    assertEquals(List.of(), world.calls);
  }

  @Test
  void aSplitInUseByAnotherExperimentIsRefused() {
    world.inUse();

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ABORTED, result.phase());
    assertTrue(result.reason().contains("split 'web_ab' is in use"), result.reason());
    assertEquals(List.of(), world.calls, "the other experiment is left alone");
    assertTrue(world.state().open());
  }

  @Test
  void aVariantThatDoesNotComeUpRevertsBeforeTheSplitOpens() {
    world.fleet.failingProvision.add(TREATMENT_1 + "@4.1.0");

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ABORTED, result.phase(), "no user ever saw a variant");
    assertEquals(Outcome.STOPPED, result.outcome());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertTrue(result.reason().contains("did not come up"), result.reason());
    assertTrue(result.reason().contains("no such version 4.1.0"), result.reason());
    assertEquals(List.of(), world.callsStartingWith("routes"));
    assertEquals(List.of(), world.callsStartingWith("open"));
    assertTrue(world.calls.contains("decommission " + CONTROL_1), "the healthy variant is removed too");
    assertReverted();
  }

  @Test
  void aRevertThatCannotFinishFailsAndListsEveryProblem() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 5);
    world.fleet.failingDecommission.add(CONTROL_1);
    world.fleet.failingDecommission.add(TREATMENT_1);

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.FAILED, result.phase());
    assertEquals(Outcome.NO_DIFFERENCE, result.outcome());
    assertTrue(result.reason().contains(CONTROL_1 + ": decommission failed"), result.reason());
    assertTrue(result.reason().contains(TREATMENT_1 + ": decommission failed"), result.reason());
    assertTrue(world.state().isClear(), "the split was still cleared first");
    RunNotification end = last(notify.to("chat"));
    assertEquals(RunNotification.KIND_FAILED, end.kind());
    assertTrue(end.reason().contains(CONTROL_1), end.reason());
  }

  @Test
  void aSplitThatCannotBeClearedKeepsTheInstancesAndFails() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 5);
    world.clearFails = "router refused the command";

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.FAILED, result.phase());
    assertTrue(result.reason().contains("could not clear split 'web_ab'"), result.reason());
    assertEquals(List.of(), world.callsStartingWith("decommission "), "never removed while routed to");
  }

  @Test
  void aFailedRolloutIsReportedAndTheExperimentStillRemoved() {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    world.fleet.unhealthy.add("web-1@4.1.0");

    ABTestResult result = workflow().run(new Spec().build());

    assertEquals(Phase.FAILED, result.phase());
    assertEquals(Outcome.WINNER, result.outcome());
    assertTrue(result.reason().startsWith("rollout of one-page (4.1.0) failed"), result.reason());
    assertEquals("1.0.0", world.running().get("web-1"), "the rolling child put web-1 back");
    assertReverted();
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  @Test
  void theStatusQueryAnswersWhileCollectingWithPointsAndMissingData() throws Exception {
    world.grow(CONTROL, 50, 5).grow(TREATMENT, 50, 12);
    world.script =
        (read, variant, metric) -> {
          if (read == 1) {
            return MetricValue.of(MetricStatus.EMPTY, "no series yet");
          }
          if (read == 3 && metric.equals("conversions")) {
            return MetricValue.of(MetricStatus.UNAVAILABLE, "connection refused");
          }
          return world.model(read, variant, metric);
        };
    Spec s = new Spec();
    s.assignment = new Assignment(Assignment.COOKIE, "fixed42");
    s.maxDuration = "20m";
    s.minDuration = "15m";
    ABTestWorkflow wf = workflow();
    WorkflowClient.start(wf::run, s.build());
    advanceUntil(() -> world.reads() >= 4, "never read");

    ABTestStatus status = wf.status();
    assertEquals("web", status.service());
    assertEquals("new-checkout", status.experiment());
    assertEquals("The one-page checkout sells more.", status.hypothesis());
    assertEquals(Phase.COLLECTING, status.phase());
    assertTrue(status.splitOpen());
    assertEquals("fixed42", status.salt());
    assertTrue(status.startedCollectingMillis() > 0);
    assertEquals(199, status.plan().perVariant());
    assertEquals(0.05, status.plan().alphaPerComparison(), 1e-12);
    assertEquals(Outcome.PENDING, status.outcome());
    assertNotNull(status.interim());
    assertEquals(1, status.interim().comparisons().size());
    VariantStatus control = status.variants().get(0);
    assertTrue(control.control());
    assertEquals(50, control.share());
    assertEquals("web_ab_v1", control.backend());
    assertEquals(CONTROL_1, control.instances().get(0).name());
    assertEquals("VERIFIED", control.instances().get(0).progress());
    assertEquals(199, control.requiredSampleSize());
    List<VariantPoint> points = status.variants().get(1).points();
    assertTrue(points.size() >= 4);
    assertEquals(0L, points.get(0).exposures(), "EMPTY counts as 0");
    assertFalse(points.get(0).guardrails().containsKey("error-ratio"), "a guardrail without a number");
    assertNull(points.get(2).conversions(), "no number is kept as none");
    assertEquals(150L, points.get(2).exposures());
    assertTrue(has(status.events(), "no-data", "one-page conversions UNAVAILABLE (connection refused)"));
    assertTrue(has(status.events(), "data-back", "read 4"));
    assertTrue(has(status.events(), "planned", "salt fixed42"));
    assertTrue(has(status.events(), "routes", "(cookie, salt fixed42)"));

    ABTestResult result = WorkflowStub.fromTyped(wf).getResult(ABTestResult.class);
    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertTrue(world.reads() >= 15, "minDuration 15m holds the conclusion");
  }

  @Test
  void pointsAreThinnedByDroppingEveryOtherOneKeepingTheNewest() {
    VariantArm arm =
        new VariantArm(new Variant("v", "1", 50), true, "b", List.of(), 0);
    for (int i = 1; i <= VariantStatus.MAX_POINTS + 1; i++) {
      arm.addPoint(new VariantPoint(i, (long) i, 0L, Map.of()));
    }
    List<VariantPoint> points = arm.points();
    assertEquals(VariantStatus.MAX_POINTS / 2 + 1, points.size());
    assertEquals(1, points.get(0).atMillis());
    assertEquals(VariantStatus.MAX_POINTS + 1, last(points).atMillis());
  }

  // ---------------------------------------------------------------------------------------------

  /** A spec with everything a test may change; defaults: 50/50, fixed, one guardrail, 1m reads. */
  static final class Spec {
    List<Variant> variants =
        List.of(new Variant(CONTROL, "4.0.0", 50), new Variant(TREATMENT, "4.1.0", 50));
    StatsPlan plan = new StatsPlan(0.10, 1.0, 0.05, 0.8, 100.0);
    List<Guardrail> guardrails = List.of(ERRORS);
    Assignment assignment;
    ApprovalGateSpec confirm;
    String onWinner;
    String maxDuration = "1h";
    String minDuration;

    ABTestSpec build() {
      return new ABTestSpec(
          "web",
          "new-checkout",
          "The one-page checkout sells more.",
          "growth-team",
          FakeABWorld.TARGET,
          new ArrayList<>(variants),
          assignment,
          GOAL,
          guardrails,
          plan,
          "1m",
          maxDuration,
          minDuration,
          confirm,
          onWinner,
          null,
          "10s",
          new HealthCheckSpec("/health", 1, "1s", "10s"),
          null,
          Map.of());
    }
  }

  /** The split is clear and closed and no variant instance runs or fills a slot. */
  private void assertReverted() {
    assertTrue(world.state().isClear(), world.state().toString());
    assertEquals(List.of(), world.filledSlots());
    assertTrue(
        world.running().keySet().stream().noneMatch(n -> n.contains("-ab-")), world.running().toString());
  }

  private static boolean gateOpen(ABTestWorkflow wf) {
    ABTestStatus s = wf.status();
    return s.gate() != null && "OPEN".equals(s.gate().state());
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  /**
   * Moves the skipping clock on in 20s steps until the condition holds: with no client waiting for
   * the result, the test server would otherwise let the read timers run in real time.
   */
  private void advanceUntil(BooleanSupplier condition, String failure) {
    for (int i = 0; i < 400; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      env.sleep(Duration.ofSeconds(20));
    }
    fail(failure);
  }

  private ABTestWorkflow workflow() {
    return newRun(client, ABTestWorkflow.class, ID);
  }

  private ABTestWorkflow stub() {
    return client.newWorkflowStub(ABTestWorkflow.class, ID);
  }
}
