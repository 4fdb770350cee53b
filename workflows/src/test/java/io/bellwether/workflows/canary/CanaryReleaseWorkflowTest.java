package io.bellwether.workflows.canary;

import static io.bellwether.workflows.RunTestSupport.has;
import static io.bellwether.workflows.RunTestSupport.newRun;
import static io.bellwether.workflows.RunTestSupport.recordHistory;
import static io.bellwether.workflows.RunTestSupport.waitUntil;
import static io.bellwether.workflows.canary.FakeCanaryWorld.aboutCanary;
import static io.bellwether.workflows.canary.FakeCanaryWorld.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.AnalysisStep;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.canary.CanaryStep;
import io.bellwether.contracts.canary.JudgeSpec;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.canary.MetricCheck;
import io.bellwether.contracts.canary.SegmentRoute;
import io.bellwether.contracts.canary.ThresholdRange;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.notify.RunNotification;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.notify.RecordingNotify;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every branch of the canary workflow on the time-skipping server, with the real rolling workflow
 * as its promotion child and a model of the pool, deployer and metrics provider behind mocks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CanaryReleaseWorkflowTest {
  static final String CANARY_1 = "web-web_canary-s1";
  static final String ERRORS = "error-ratio";
  static final String LATENCY = "p99-latency";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeCanaryWorld world;
  private RecordingNotify notify;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(
        CanaryReleaseWorkflowImpl.class, RollingDeploymentWorkflowImpl.class);
    world = new FakeCanaryWorld();
    notify = new RecordingNotify().route("web", "chat");
    worker.registerActivitiesImplementations(
        world.pool,
        world.traffic,
        world.deploy,
        world.health,
        world.config,
        world.gate,
        world.metrics,
        notify);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  // --------------------------------------------------------------------------------------------

  @Test
  void aGoodCanaryIsPromotedByTheRollingChildAndTheCanaryRemoved() throws Exception {
    world.query = q -> MetricValue.ok(aboutCanary(q) ? 0.001 : 0.002);
    var spec =
        spec(
            CanaryStep.weight(20),
            CanaryStep.analysis(thresholds(3)),
            CanaryStep.weight(50),
            CanaryStep.analysis(judged(5)));

    CanaryResult result = workflow(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertEquals(WorkflowIds.canaryRollout(WorkflowIds.canary(spec)), result.promotion());
    Map<String, String> running = world.running();
    assertEquals(
        Map.of("web-1", "2.0.0", "web-2", "2.0.0", "web-3", "2.0.0", "web-4", "2.0.0"), running);
    assertEquals(0, world.percent());
    assertEquals(List.of(), world.filledSlots());
    assertEquals(List.of("pct 20", "pct 50", "pct 0"), world.callsStartingWith("pct"));
    // Provisioned and in its slot before any traffic; the rollout only after the last step.
    assertTrue(world.firstIndexOf("assign web_canary/s1 127.") < world.firstIndexOf("pct 20"));
    assertTrue(world.firstIndexOf("range ") < world.firstIndexOf("deploy web-1"));
    assertTrue(world.firstIndexOf("deploy web-4") < world.firstIndexOf("pct 0"));
    assertTrue(world.firstIndexOf("pct 0") < world.firstIndexOf("decommission " + CANARY_1));
    assertTrue(result.firstTrafficMillis() > 0);
    assertEquals(0, result.stableOnlyMillis());

    assertEquals(2, result.analyses().size());
    AnalysisRecord first = result.analyses().get(0);
    assertEquals(AnalysisRecord.SUCCESSFUL, first.state(), first.reason());
    assertEquals(1, first.stepIndex());
    assertEquals(3, first.measurements().size());
    Measurement m = first.measurements().get(0);
    assertEquals(0.001, m.canary());
    assertEquals(0.002, m.baseline(), "the baseline is measured beside the canary");
    assertEquals(Measurement.SUCCESS, m.verdict());
    AnalysisRecord second = result.analyses().get(1);
    assertEquals(AnalysisRecord.SUCCESSFUL, second.state(), second.reason());
    assertEquals(Judgement.PASS, second.judgement().verdict());
    // The templates were rendered per side: canary instances vs the stable servers.
    assertTrue(
        world.calls.contains("query errors{bellwether_instance=~\"" + CANARY_1 + "\",version=\"2.0.0\"}[10s]"),
        world.calls.toString());
    assertTrue(
        world.calls.contains(
            "query errors{bellwether_instance=~\"web-1|web-2|web-3|web-4\",version=\"1.0.0\"}[10s]"),
        world.calls.toString());

    CanaryStatus status = stub(spec).status();
    assertEquals("1.0.0", status.stableVersion(), "read from the deployer");
    assertEquals(4, status.stepIndex());
    assertEquals(List.of("web-1", "web-2", "web-3", "web-4"), status.baselineInstances());
    assertEquals("DECOMMISSIONED", status.canaryInstances().get(0).progress());
    assertEquals(
        List.of("started", "traffic-step", "traffic-step", "promoted", "succeeded"),
        notify.to("chat").stream()
            .filter(n -> n.workflowType().equals(CanaryReleaseWorkflow.TYPE))
            .map(RunNotification::kind)
            .toList());
    recordHistory(client, WorkflowIds.canary(spec), "canary-success.json");
  }

  @Test
  void aFailedThresholdRollsBackWithTrafficOffTheCanaryBeforeAnyDecommission() {
    world.query = q -> MetricValue.ok(aboutCanary(q) ? 0.05 : 0.0);
    var spec = spec(CanaryStep.weight(20), CanaryStep.analysis(thresholds(5)), CanaryStep.weight(50));

    CanaryResult result = workflow(spec).run(spec);

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertTrue(result.reason().contains("analysis at step 2 failed"), result.reason());
    assertEquals(List.of("pct 20", "pct 0"), world.callsStartingWith("pct"));
    assertTrue(world.firstIndexOf("pct 0") < world.firstIndexOf("assign web_canary/s1 -"));
    assertTrue(world.firstIndexOf("pct 0") < world.firstIndexOf("decommission "));
    assertEquals(List.of(), world.callsStartingWith("deploy "), "the stable instances are untouched");
    assertEquals("1.0.0", world.running().get("web-1"));
    assertEquals(null, world.running().get(CANARY_1));
    assertEquals(1, world.callsStartingWith("query errors{bellwether_instance=~\"web-web").size(),
        "the first failed measurement decides (failureLimit 0)");
    assertTrue(result.stableOnlyMillis() >= result.firstTrafficMillis());
    assertEquals(AnalysisRecord.FAILED, result.analyses().get(0).state());
    assertEquals(Measurement.FAILURE, result.analyses().get(0).measurements().get(0).verdict());
    RunNotification last = notify.to("chat").get(notify.to("chat").size() - 1);
    assertEquals(RunNotification.KIND_ROLLED_BACK, last.kind());
    assertTrue(last.reason().contains("failed"), last.reason());
  }

  @Test
  void aJudgeFailRollsBackEvenWhenEveryThresholdPassed() {
    world.range = q -> aboutCanary(q)
        ? series(160, 170, 165, 158, 172, 169, 161, 166, 171, 163, 168, 159)
        : series(10, 20, 15, 8, 22, 19, 11, 16, 21, 13, 18, 9);
    AnalysisStep judged =
        new AnalysisStep(
            null, "10s", 3, null, null, null,
            List.of(new MetricCheck(LATENCY, "latency{bellwether_instance=~\"{{instances}}\"}", null,
                null, true, null, null, null, null)),
            new JudgeSpec(null, null, null, null, 10, "1s", null),
            null);
    var spec = spec(CanaryStep.weight(20), CanaryStep.analysis(judged));

    CanaryResult result = workflow(spec).run(spec);

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    AnalysisRecord a = result.analyses().get(0);
    assertEquals(AnalysisRecord.FAILED, a.state());
    assertEquals(Judgement.FAIL, a.judgement().verdict(), a.judgement().reason());
    assertTrue(a.reason().contains("judge FAIL"), a.reason());
    assertEquals(List.of("pct 20", "pct 0"), world.callsStartingWith("pct"));
  }

  @Test
  void aProviderOutageMakesTheRunWaitInconclusiveThenGoOnWhenTheDataComesBack() throws Exception {
    world.query = q -> MetricValue.of(MetricStatus.UNAVAILABLE, "connection refused");
    var spec = spec(CanaryStep.weight(20), CanaryStep.analysis(thresholds(3)));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);

    advanceUntil(() -> wf.status().phase() == Phase.INCONCLUSIVE, "never inconclusive");
    CanaryStatus waiting = wf.status();
    assertEquals("inconclusive-1", waiting.gate().name());
    assertEquals("OPEN", waiting.gate().state());
    assertEquals(AnalysisRecord.INCONCLUSIVE, waiting.analyses().get(0).state());
    waitUntil(() -> notify.kinds("chat").contains("gate-waiting"), "nobody was told");
    // Hours pass without data: it never goes on by itself.
    env.sleep(Duration.ofHours(2));
    assertEquals(Phase.INCONCLUSIVE, wf.status().phase());
    assertEquals(List.of(), world.callsStartingWith("deploy "));
    assertEquals(20, world.percent());

    world.query = q -> MetricValue.ok(0.0);
    CanaryResult result = WorkflowStub.fromTyped(wf).getResult(CanaryResult.class);

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    AnalysisRecord a = result.analyses().get(0);
    assertEquals(AnalysisRecord.SUCCESSFUL, a.state(), a.reason());
    assertTrue(
        a.measurements().stream().anyMatch(m -> m.status() == MetricStatus.UNAVAILABLE),
        "the rounds without data stay in the record");
    assertEquals("APPROVED", stub(spec).status().gate().state());
  }

  @Test
  void aPromoteAtTheInconclusiveGateGoesOnAndIsRecordedAsAPersonsDecision() throws Exception {
    world.query = q -> MetricValue.of(MetricStatus.EMPTY, "no series");
    var spec = spec(CanaryStep.weight(20), CanaryStep.analysis(thresholds(3)), CanaryStep.pause("1h"));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    advanceUntil(() -> wf.status().phase() == Phase.INCONCLUSIVE, "never inconclusive");

    wf.promoteUpdate(new OperatorRequest("alice", "graphs look fine by hand"));
    CanaryResult result = WorkflowStub.fromTyped(wf).getResult(CanaryResult.class);

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    AnalysisRecord a = result.analyses().get(0);
    assertEquals(AnalysisRecord.INCONCLUSIVE, a.state());
    assertTrue(a.reason().contains("continued without data by alice"), a.reason());
    CanaryStatus status = stub(spec).status();
    assertTrue(has(status.events(), "alice", "promote", "graphs look fine"));
    assertTrue(has(status.events(), "skipped", "pause 1h"), "promote skips the remaining pause");
    assertEquals("alice", status.gate().decisions().get(0).by());
  }

  @Test
  void aRollbackAtTheInconclusiveGateRollsBack() throws Exception {
    world.query = q -> MetricValue.of(MetricStatus.NAN, "0/0");
    var spec = spec(CanaryStep.weight(20), CanaryStep.analysis(thresholds(3)));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    advanceUntil(() -> wf.status().phase() == Phase.INCONCLUSIVE, "never inconclusive");

    wf.rejectUpdate(new OperatorRequest("bob", "no data, no release"));
    CanaryResult result = WorkflowStub.fromTyped(wf).getResult(CanaryResult.class);

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertTrue(result.reason().contains("bob"), result.reason());
    assertEquals(List.of("pct 20", "pct 0"), world.callsStartingWith("pct"));
    assertEquals("REJECTED", stub(spec).status().gate().state());
    assertEquals(List.of(), world.filledSlots());
  }

  @Test
  void promoteSkipsPausesAndWeightsButTheAnalysesStillRun() throws Exception {
    var spec =
        spec(
            CanaryStep.weight(10),
            new CanaryStep(null, new io.bellwether.contracts.canary.PauseStep(null, null), null, null, null, null),
            CanaryStep.weight(50),
            CanaryStep.analysis(thresholds(2)),
            CanaryStep.pause("1h"));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(() -> wf.status().paused() && wf.status().stepIndex() == 1, "never at the pause");
    assertEquals(Phase.PAUSED, wf.status().phase());

    wf.promote(new OperatorRequest("alice", "looks good"));
    CanaryResult result = WorkflowStub.fromTyped(wf).getResult(CanaryResult.class);

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertEquals(List.of("pct 10", "pct 0"), world.callsStartingWith("pct"), "setWeight 50 skipped");
    assertEquals(AnalysisRecord.SUCCESSFUL, result.analyses().get(0).state());
    assertEquals(2, world.callsStartingWith("query errors{bellwether_instance=~\"web-web").size());
    assertTrue(has(stub(spec).status().events(), "skipped", "pause 1h"));
  }

  @Test
  void promoteFullSkipsTheAnalysesAndIsRecorded() throws Exception {
    var spec =
        spec(
            CanaryStep.weight(10),
            new CanaryStep(null, new io.bellwether.contracts.canary.PauseStep(null, null), null, null, null, null),
            CanaryStep.analysis(thresholds(5)));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(() -> wf.status().paused(), "never at the pause");

    wf.promoteUpdate(new OperatorRequest("carol", "hotfix", null, true));
    CanaryResult result = WorkflowStub.fromTyped(wf).getResult(CanaryResult.class);

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertEquals(AnalysisRecord.SKIPPED, result.analyses().get(0).state());
    assertEquals(List.of(), world.callsStartingWith("query "), "no measurement was taken");
    assertTrue(has(stub(spec).status().events(), "carol", "promote --full", "hotfix"));
  }

  @Test
  void aCancelPutsTrafficBackOnStableAndRemovesTheCanary() throws Exception {
    var spec =
        spec(
            CanaryStep.weight(20),
            new CanaryStep(null, new io.bellwether.contracts.canary.PauseStep(null, null), null, null, null, null));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(() -> wf.status().paused(), "never at the pause");

    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    untyped.cancel();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> untyped.getResult(CanaryResult.class));

    assertInstanceOf(CanceledFailure.class, e.getCause());
    assertEquals(0, world.percent());
    assertEquals(List.of(), world.filledSlots());
    assertEquals(null, world.running().get(CANARY_1));
    assertTrue(world.firstIndexOf("pct 0") < world.firstIndexOf("decommission "));
    assertEquals(Phase.ROLLED_BACK, stub(spec).status().phase());
  }

  @Test
  void aSegmentStepRoutesOnlyTheSegmentAndARollbackClearsItAfterTheWeight() throws Exception {
    var spec =
        spec(
            CanaryStep.segment(new SegmentRoute(List.of("beta"), List.of(), List.of())),
            new CanaryStep(null, new io.bellwether.contracts.canary.PauseStep(null, null), null, null, null, null),
            CanaryStep.weight(20));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(() -> wf.status().paused(), "never at the pause");
    assertEquals(List.of("beta"), world.segments().headerValues());
    assertEquals(0, world.percent(), "no random share before the first setWeight");
    assertEquals(List.of("beta"), wf.status().segment().headerValues());

    wf.rollbackUpdate(new OperatorRequest("alice", "beta testers complain"));
    CanaryResult result = WorkflowStub.fromTyped(wf).getResult(CanaryResult.class);

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertTrue(result.reason().contains("beta testers complain"), result.reason());
    assertTrue(world.segments().isEmpty());
    int pct0 = world.firstIndexOf("pct 0");
    int cleared = world.firstIndexOf("segments none");
    assertTrue(pct0 >= 0 && pct0 < cleared, world.calls.toString());
    assertTrue(cleared < world.firstIndexOf("decommission "));
    assertTrue(result.firstTrafficMillis() > 0, "a segment is traffic");
    assertTrue(result.stableOnlyMillis() >= result.firstTrafficMillis());
  }

  @Test
  void anApprovalStepWaitsForAnApproverAndARejectionRollsBack() throws Exception {
    var gate = new ApprovalGateSpec(List.of("alice"), null, null, null, "1h", null, null);
    var spec = spec(CanaryStep.weight(20), CanaryStep.approval(gate), CanaryStep.weight(50));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(
        () -> wf.status().gate() != null && "OPEN".equals(wf.status().gate().state()), "no gate");
    assertEquals("approval-1", wf.status().gate().name());
    assertEquals(Phase.AWAITING_APPROVAL, wf.status().phase());
    // promote cannot slip past a gate that names its approvers.
    io.bellwether.workflows.RunTestSupport.assertRefused(
        () -> wf.promoteUpdate(OperatorRequest.of("mallory", "")), "approve it instead");

    wf.rejectUpdate(OperatorRequest.of("alice", "not today"));
    CanaryResult result = WorkflowStub.fromTyped(wf).getResult(CanaryResult.class);

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertTrue(result.reason().contains("rejected at gate 'approval-1'"), result.reason());
    assertEquals(List.of("pct 20", "pct 0"), world.callsStartingWith("pct"));
  }

  @Test
  void anApprovedGateGoesOn() throws Exception {
    var gate = new ApprovalGateSpec(List.of("alice"), null, null, null, "1h", null, null);
    var spec = spec(CanaryStep.weight(20), CanaryStep.approval(gate));
    CanaryReleaseWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    waitUntil(
        () -> wf.status().gate() != null && "OPEN".equals(wf.status().gate().state()), "no gate");

    wf.approve(OperatorRequest.of("alice", "ok"));
    CanaryResult result = WorkflowStub.fromTyped(wf).getResult(CanaryResult.class);

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertTrue(notify.kinds("chat").contains("gate-waiting"));
  }

  @Test
  void aFailedPromotionRollsTheCanaryBackAndFails() {
    world.unhealthy.add("web-1@2.0.0");
    var spec = spec(CanaryStep.weight(20));

    CanaryResult result = workflow(spec).run(spec);

    assertEquals(Phase.FAILED, result.outcome());
    assertTrue(result.reason().contains("the promotion rolled back"), result.reason());
    assertEquals("1.0.0", world.running().get("web-1"), "the rollout put web-1 back");
    assertEquals(0, world.percent());
    assertEquals(List.of(), world.filledSlots());
  }

  @Test
  void anInvalidSpecFailsBeforeAnythingIsTouched() {
    var spec =
        new CanaryReleaseSpec(
            "web", "2.0.0", null, "ci-bot", FakeCanaryWorld.TARGET, 11, null, List.of(),
            null, null, null, null, null);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> workflow(spec).run(spec));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, f.getType());
    assertTrue(f.getOriginalMessage().contains("replicas"), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("steps"), f.getOriginalMessage());
    assertEquals(List.of(), world.calls);
  }

  @Test
  void anUnknownTargetNameFailsAsUnknownTarget() {
    world.unknownNames.add(new Violation("target.metrics", "no metrics provider named 'prom'"));
    var spec = spec(CanaryStep.weight(20));

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> workflow(spec).run(spec));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
    assertTrue(f.getOriginalMessage().contains("target.metrics"), f.getOriginalMessage());
    assertEquals(List.of(), world.calls);
  }

  @Test
  void aFreshBaselineRunsTheStableVersionBesideTheCanaryAndIsTheJudgesBaseline() {
    var base = spec(CanaryStep.weight(20), CanaryStep.analysis(thresholds(1)));
    var spec =
        new CanaryReleaseSpec(
            base.service(), base.version(), null, base.requestedBy(), base.target(), 1, true,
            base.steps(), null, null, base.healthCheck(), null, null);

    CanaryResult result = workflow(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertTrue(world.calls.contains("provision web-web_canary-s2 1.0.0"), world.calls.toString());
    assertTrue(
        world.calls.contains(
            "query errors{bellwether_instance=~\"web-web_canary-s2\",version=\"1.0.0\"}[10s]"),
        world.calls.toString());
    assertEquals(List.of("web-web_canary-s2"), stub(spec).status().baselineInstances());
  }

  // --------------------------------------------------------------------------------------------

  private static CanaryReleaseSpec spec(CanaryStep... steps) {
    return new CanaryReleaseSpec(
        "web",
        "2.0.0",
        null,
        "ci-bot",
        FakeCanaryWorld.TARGET,
        null,
        null,
        new ArrayList<>(List.of(steps)),
        null,
        null,
        new HealthCheckSpec("/health", 1, "1s", "10s"),
        null,
        null);
  }

  private static AnalysisStep thresholds(int count) {
    return new AnalysisStep(
        null,
        "10s",
        count,
        null,
        null,
        1,
        List.of(
            new MetricCheck(
                ERRORS,
                "errors{bellwether_instance=~\"{{instances}}\",version=\"{{version}}\"}[{{interval}}]",
                new ThresholdRange(null, 0.01))),
        null,
        null);
  }

  private static AnalysisStep judged(int count) {
    return new AnalysisStep(
        null,
        "10s",
        count,
        null,
        null,
        1,
        List.of(
            new MetricCheck(
                ERRORS,
                "errors{bellwether_instance=~\"{{instances}}\",version=\"{{version}}\"}[{{interval}}]",
                new ThresholdRange(null, 0.01))),
        new JudgeSpec(null, null, null, null, 10, "1s", null),
        null);
  }

  /**
   * Moves the skipping clock on in 5s steps until the condition holds: with no client waiting for
   * the result, the test server would otherwise let the analysis timers run in real time.
   */
  private void advanceUntil(java.util.function.BooleanSupplier condition, String failure) {
    for (int i = 0; i < 200; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      env.sleep(Duration.ofSeconds(5));
    }
    org.junit.jupiter.api.Assertions.fail(failure);
  }

  private CanaryReleaseWorkflow workflow(CanaryReleaseSpec spec) {
    return newRun(client, CanaryReleaseWorkflow.class, WorkflowIds.canary(spec));
  }

  private CanaryReleaseWorkflow stub(CanaryReleaseSpec spec) {
    return client.newWorkflowStub(CanaryReleaseWorkflow.class, WorkflowIds.canary(spec));
  }
}
