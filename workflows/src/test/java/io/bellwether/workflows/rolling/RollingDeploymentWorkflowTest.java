package io.bellwether.workflows.rolling;

import static io.bellwether.workflows.RunTestSupport.assertRefused;
import static io.bellwether.workflows.RunTestSupport.count;
import static io.bellwether.workflows.RunTestSupport.find;
import static io.bellwether.workflows.RunTestSupport.has;
import static io.bellwether.workflows.RunTestSupport.last;
import static io.bellwether.workflows.RunTestSupport.newRun;
import static io.bellwether.workflows.RunTestSupport.recordHistory;
import static io.bellwether.workflows.RunTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.uber.m3.tally.Buckets;
import com.uber.m3.tally.Capabilities;
import com.uber.m3.tally.CapableOf;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.StatsReporter;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.IntOrPercent;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.RollingStrategy;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.WorkflowMetrics;
import io.bellwether.workflows.notify.RecordingNotify;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A broken workflow tends to hang (a failing workflow task is retried forever), not to fail.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RollingDeploymentWorkflowTest {

  private final CapturingReporter metrics = new CapturingReporter();
  private Scope metricsScope;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakePool pool;

  @BeforeEach
  void setUp() {
    metricsScope =
        new RootScopeBuilder()
            .reporter(metrics)
            .reportEvery(com.uber.m3.util.Duration.ofMillis(50));
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setMetricsScope(metricsScope).build());
    // Heartbeats carry cancellation to an activity; sending them every 100ms instead of every 8s
    // lets a test see a rollback reach a long wait without waiting in real time.
    Worker worker =
        env.newWorker(
            TaskQueues.BELLWETHER,
            WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(100))
                .setDefaultHeartbeatThrottleInterval(Duration.ofMillis(100))
                .build());
    worker.registerWorkflowImplementationTypes(RollingDeploymentWorkflowImpl.class);
    pool = new FakePool();
    // New runs ask for notification destinations; none are configured here.
    worker.registerActivitiesImplementations(
        pool.traffic, pool.deploy, pool.health, pool.config, new RecordingNotify());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() throws Exception {
    closeEnvironment();
  }

  /** Closing the scope makes it report what is left, so metrics are read after this. */
  private void closeEnvironment() throws Exception {
    if (env != null) {
      env.close();
      metricsScope.close();
      env = null;
    }
  }

  // --------------------------------------------------------------------------------------------

  @Test
  void upgradesEveryInstanceBatchByBatch() throws Exception {
    fourReadyInstances();
    var spec =
        spec(
            new RollingStrategy(IntOrPercent.of(2), null, null, null),
            new SmokeCheckSpec("/version", null, "version=${version}"));

    RollingResult result = workflow(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(List.of("s1", "s2", "s3", "s4"), result.upgraded());
    assertEquals(List.of(), result.failed());
    assertEquals(
        Map.of(
            "s1", "2.0.0 READY 100",
            "s2", "2.0.0 READY 50",
            "s3", "2.0.0 READY 100",
            "s4", "2.0.0 READY 100"),
        pool.snapshot());
    for (String name : List.of("s1", "s2", "s3", "s4")) {
      assertEquals(
          List.of(
              "currentVersion",
              "DRAIN",
              "awaitDrained",
              "MAINT",
              "deploy 2.0.0",
              "health /health",
              "health /version",
              "READY"),
          pool.callsFor(name),
          name);
    }
    // Batch 2 starts only once batch 1 is back in rotation.
    int secondBatchStart = pool.calls.indexOf("s3 DRAIN");
    assertTrue(pool.calls.indexOf("s1 READY") < secondBatchStart);
    assertTrue(pool.calls.indexOf("s2 READY") < secondBatchStart);
    assertTrue(pool.calls.indexOf("s4 DRAIN") > pool.calls.indexOf("s2 READY"));
    for (InstanceStatus i : result.instances()) {
      assertEquals("UPGRADED", i.progress(), i.name());
      assertEquals("1.0.0", i.recordedVersion(), i.name());
      assertEquals(i.name().compareTo("s3") < 0 ? 1 : 2, i.batch(), i.name());
    }

    RollingStatus status = stub(spec).status();
    assertEquals(Phase.SUCCEEDED, status.phase());
    assertEquals(2, status.totalBatches());
    assertEquals("ci-bot", status.events().get(0).by());
    assertEquals("started", status.events().get(0).action());
    assertEquals(2, count(status.events(), "batch-done"));
    assertEquals("succeeded", last(status.events()).action());
    recordHistory(client, WorkflowIds.rolling(spec), "rolling-success.json");

    closeEnvironment();
    assertEquals(1, metrics.counter(WorkflowMetrics.RUNS_STARTED, Map.of()));
    assertEquals(1, metrics.counter(WorkflowMetrics.RUNS_FINISHED, Map.of("outcome", "succeeded")));
    assertEquals(4, metrics.timers(WorkflowMetrics.STEP_DURATION, Map.of("step", "upgrade")));
    assertEquals(4, metrics.timers(WorkflowMetrics.STEP_DURATION, Map.of("step", "smoke")));
  }

  @Test
  void healthFailureBeyondTheLimitRollsTheWholePoolBack() {
    pool.add("s1", "1.0.0", ServerState.READY, 100)
        .add("s2", "1.0.0", ServerState.READY, 50)
        .add("s3", "1.0.0", ServerState.READY, 100)
        .add("s4", "1.0.0", ServerState.MAINT, 0);
    pool.unhealthy.add("s3@2.0.0");
    Map<String, String> before = pool.snapshot();
    var spec = spec(new RollingStrategy(IntOrPercent.of(2), null, null, null), null);

    RollingResult result = workflow(spec).run(spec);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertEquals(before, pool.snapshot());
    assertEquals(List.of("s3"), result.failed());
    assertEquals(List.of(), result.upgraded());
    // s1 and s2 had been upgraded in batch 1 and were taken back to the recorded version.
    assertTrue(pool.callsFor("s1").contains("deploy 1.0.0"));
    assertTrue(pool.callsFor("s3").contains("deploy 1.0.0"));
    RollingStatus status = stub(spec).status();
    assertTrue(has(status.events(), "instance-failed", "s3"));
    assertTrue(has(status.events(), "rollback-started", "failureLimit 0"));
    assertEquals("rolled-back", last(status.events()).action());
    assertEquals("FAILED", instance(status, "s3").progress());
    assertEquals("RESTORED", instance(status, "s1").progress());
  }

  @Test
  void aRestoreThatCannotCompleteFailsTheRunWithRestoreFailed() {
    fourReadyInstances();
    pool.unhealthy.add("s1@2.0.0");
    pool.failingDeploys.add("s1@1.0.0");
    var spec = spec(new RollingStrategy(IntOrPercent.of(2), null, null, null), null);

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow(spec).run(spec));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(RollingDeploymentWorkflowImpl.RESTORE_FAILED, failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(
        failure.getOriginalMessage().contains("s1: restore: deploy of 1.0.0 failed"),
        failure.getOriginalMessage());
    // The instance that could be restored was; the one that could not stays out of rotation.
    assertEquals("1.0.0 READY 50", pool.snapshot().get("s2"));
    assertEquals(ServerState.MAINT, pool.server("s1").state);
    assertEquals(List.of(), pool.callsFor("s3"));
    RollingStatus status = stub(spec).status();
    assertEquals(Phase.FAILED, status.phase());
    assertTrue(status.message().contains("could not restore"), status.message());
    assertTrue(has(status.events(), "restore-failed", "s1"));
  }

  @Test
  void failureWithinTheLimitRestoresOnlyThatInstance() {
    fourReadyInstances();
    pool.unhealthy.add("s2@2.0.0");
    var spec = spec(new RollingStrategy(IntOrPercent.of(2), null, null, 1), null);

    RollingResult result = workflow(spec).run(spec);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertEquals(List.of("s2"), result.failed());
    assertEquals(List.of("s1", "s3", "s4"), result.upgraded());
    assertEquals(
        Map.of(
            "s1", "2.0.0 READY 100",
            "s2", "1.0.0 READY 50",
            "s3", "2.0.0 READY 100",
            "s4", "2.0.0 READY 100"),
        pool.snapshot());
    assertTrue(pool.callsFor("s2").contains("deploy 1.0.0"));
    InstanceStatus s2 = instance(stub(spec).status(), "s2");
    assertEquals("FAILED", s2.progress());
    assertTrue(s2.message().contains("health check did not pass"), s2.message());
  }

  @Test
  void rollbackSignalStopsALongHealthWaitAndRestoresThePool() throws Exception {
    fourReadyInstances();
    Map<String, String> before = pool.snapshot();
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicBoolean sawCancel = new AtomicBoolean();
    pool.healthHook =
        (name, probe) ->
            name.equals("s3") && !sawCancel.get()
                ? FakePool.heartbeatUntilCanceled(waiting, sawCancel)
                : null;
    var spec = spec(new RollingStrategy(IntOrPercent.of(2), null, null, null), null);
    RollingDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    assertTrue(waiting.await(10, TimeUnit.SECONDS), "s3's health wait never started");
    upgraded("s4");

    wf.rollback(OperatorRequest.of("carol", "error rate up on the dashboard"));
    waitUntil(sawCancel::get, "the health wait was not canceled");
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertEquals(before, pool.snapshot());
    // s3 never went back into rotation at the new version: its first READY is after the restore.
    List<String> s3 = pool.callsFor("s3");
    assertTrue(s3.indexOf("deploy 1.0.0") > s3.indexOf("deploy 2.0.0"), s3.toString());
    assertTrue(s3.indexOf("READY") > s3.indexOf("deploy 1.0.0"), s3.toString());
    RollingStatus status = stub(spec).status();
    RunEvent asked = find(status.events(), "rollback", "carol");
    assertEquals("error rate up on the dashboard", asked.detail());
    assertTrue(result.message().contains("error rate up"), result.message());

    recordHistory(client, WorkflowIds.rolling(spec), "rolling-rollback-signal.json");
  }

  @Test
  void pauseHoldsBetweenBatchesUntilResume() throws Exception {
    fourReadyInstances();
    CountDownLatch inBatchOne = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    pool.healthHook =
        (name, probe) -> {
          if (name.equals("s1")) {
            inBatchOne.countDown();
            FakePool.waitFor(release);
          }
          return null;
        };
    var spec = spec(new RollingStrategy(IntOrPercent.of(2), null, null, null), null);
    RollingDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    assertTrue(inBatchOne.await(10, TimeUnit.SECONDS));

    wf.pause(OperatorRequest.of("alice", "watching the dashboards"));
    release.countDown();
    waitUntil(() -> wf.status().phase() == Phase.PAUSED, "the run never paused");
    // Hours pass on the workflow clock; without a resume nothing moves.
    env.sleep(Duration.ofHours(3));
    RollingStatus paused = wf.status();
    assertEquals(Phase.PAUSED, paused.phase());
    assertTrue(paused.paused());
    assertEquals(List.of(), pool.callsFor("s3"));
    assertEquals(List.of(), pool.callsFor("s4"));
    assertEquals("2.0.0 READY 100", pool.snapshot().get("s1"));
    assertEquals("1.0.0 READY 100", pool.snapshot().get("s3"));

    ControlResponse answer = wf.resumeUpdate(OperatorRequest.of("bob", "dashboards look fine"));
    assertFalse(answer.paused());
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase());
    assertEquals("2.0.0 READY 100", pool.snapshot().get("s4"));
    RollingStatus status = wf.status();
    assertEquals("watching the dashboards", find(status.events(), "pause", "alice").detail());
    assertEquals("dashboards look fine", find(status.events(), "resume", "bob").detail());

    recordHistory(client, WorkflowIds.rolling(spec), "rolling-pause-resume.json");
  }

  @Test
  void pauseAfterEachBatchWaitsForAnOperator() throws Exception {
    fourReadyInstances();
    var spec = spec(new RollingStrategy(IntOrPercent.of("50%"), "30s", true, null), null);
    RollingDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);

    waitUntil(() -> wf.status().phase() == Phase.BAKING, "batch 1 never baked");
    assertEquals(List.of(), pool.callsFor("s3"));
    // Time only skips while the test waits on the environment; the bake is 30s on that clock.
    env.sleep(Duration.ofSeconds(31));
    waitUntil(() -> wf.status().phase() == Phase.PAUSED, "the run never paused");
    assertEquals(List.of(), pool.callsFor("s3"));
    assertEquals("bellwether", find(wf.status().events(), "pause", "bellwether").by());
    wf.resume(OperatorRequest.of("bob", "next"));
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    assertEquals(Phase.SUCCEEDED, result.phase());
    assertEquals(1, count(wf.status().events(), "pause"));
  }

  @Test
  void cancelRestoresEveryTouchedInstance() throws Exception {
    fourReadyInstances();
    Map<String, String> before = pool.snapshot();
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicBoolean sawCancel = new AtomicBoolean();
    pool.healthHook =
        (name, probe) ->
            name.equals("s1") && !sawCancel.get()
                ? FakePool.heartbeatUntilCanceled(waiting, sawCancel)
                : null;
    var spec = spec(new RollingStrategy(IntOrPercent.of(2), null, null, null), null);
    RollingDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    assertTrue(waiting.await(10, TimeUnit.SECONDS));
    upgraded("s2");

    WorkflowStub.fromTyped(wf).cancel();
    waitUntil(sawCancel::get, "the health wait was not canceled");
    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(wf).getResult(RollingResult.class));

    assertInstanceOf(CanceledFailure.class, failed.getCause());
    assertEquals(before, pool.snapshot());
    for (FakePool.Server s : List.of(pool.server("s1"), pool.server("s2"))) {
      assertEquals(ServerState.READY, s.state, s.name);
    }
    RollingStatus status = wf.status();
    assertEquals(Phase.ROLLED_BACK, status.phase());
    assertTrue(has(status.events(), "cancel", ""));
    assertEquals(List.of(), pool.callsFor("s3"));

    recordHistory(client, WorkflowIds.rolling(spec), "rolling-cancel.json");
  }

  @Test
  void aSecondStartWithTheSameIdIsRefused() throws Exception {
    fourReadyInstances();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    pool.healthHook =
        (name, probe) -> {
          running.countDown();
          FakePool.waitFor(release);
          return null;
        };
    var spec = spec(null, null);
    RollingDeploymentWorkflow first = workflow(spec);
    WorkflowClient.start(first::run, spec);
    assertTrue(running.await(10, TimeUnit.SECONDS));

    RollingDeploymentWorkflow second = workflow(spec);
    assertThrows(
        WorkflowExecutionAlreadyStarted.class, () -> WorkflowClient.start(second::run, spec));

    release.countDown();
    assertEquals(
        Phase.SUCCEEDED, WorkflowStub.fromTyped(first).getResult(RollingResult.class).phase());
  }

  @Test
  void invalidSpecListsEveryProblemAndTouchesNothing() {
    fourReadyInstances();
    pool.unknownNames.add(
        new Violation("target.deployer", "no deployer named 'local' is configured"));
    var spec =
        new RollingDeploymentSpec(
            "web",
            "2.0 beta",
            new TargetRef("edge", "web", "local", null),
            List.of("s1", "ghost"),
            new RollingStrategy(IntOrPercent.of(0), null, null, null),
            null,
            null,
            null,
            "ci-bot");

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow(spec).run(spec));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(failure.isNonRetryable());
    Violation[] details = failure.getDetails().get(0, Violation[].class);
    assertEquals(
        List.of("version", "strategy.maxUnavailable", "target.deployer", "instances[1]"),
        List.of(details).stream().map(Violation::field).toList());
    assertTrue(failure.getOriginalMessage().contains("4 problems"), failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("instances[1]: 'ghost' is not a server"));
    nothingChanged();
    assertEquals(Phase.FAILED, stub(spec).status().phase());
  }

  @Test
  void malformedTargetNamesAreNotLookedUp() {
    fourReadyInstances();
    var spec =
        new RollingDeploymentSpec(
            "web",
            "2.0.0",
            new TargetRef("edge router", "web", "local", null),
            null,
            null,
            null,
            null,
            null,
            "ci-bot");

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow(spec).run(spec));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("target.router"));
    verify(pool.config, never()).checkTarget(any());
    verify(pool.traffic, never()).listServers(anyString(), anyString());
    nothingChanged();
  }

  @Test
  void anEmptyBackendIsInvalid() {
    var spec = spec(null, null);

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow(spec).run(spec));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("has no servers"), failure.getOriginalMessage());
    nothingChanged();
  }

  @Test
  void updateValidatorsRefuseWithReasonsAndRefusalsStayOutOfHistory() throws Exception {
    fourReadyInstances();
    Map<String, String> before = pool.snapshot();
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicBoolean sawCancel = new AtomicBoolean();
    CountDownLatch restoring = new CountDownLatch(1);
    CountDownLatch finishRestore = new CountDownLatch(1);
    pool.healthHook =
        (name, probe) -> {
          if (!name.equals("s1")) {
            return null;
          }
          if (!sawCancel.get()) {
            return FakePool.heartbeatUntilCanceled(waiting, sawCancel);
          }
          // The restore's health check: hold it so the run is visibly rolling back.
          restoring.countDown();
          FakePool.waitFor(finishRestore);
          return null;
        };
    var spec = spec(new RollingStrategy(IntOrPercent.of(2), null, null, null), null);
    RollingDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    assertTrue(waiting.await(10, TimeUnit.SECONDS));
    upgraded("s2");

    assertRefused(() -> wf.resumeUpdate(OperatorRequest.of("dave", "go")), "not paused");
    assertRefused(() -> wf.pauseUpdate(OperatorRequest.of(null, "hold")), "'by' is required");
    ControlResponse paused = wf.pauseUpdate(OperatorRequest.of("dave", "hold"));
    assertTrue(paused.paused());
    assertRefused(() -> wf.pauseUpdate(OperatorRequest.of("dave", "hold")), "already paused");
    ControlResponse rolling = wf.rollbackUpdate(OperatorRequest.of("erin", "bad build"));
    assertEquals("rollback", rolling.action());
    assertTrue(restoring.await(10, TimeUnit.SECONDS), "the restore never started");
    assertRefused(
        () -> wf.rollbackUpdate(OperatorRequest.of("erin", "again")), "already rolling back");
    assertRefused(() -> wf.resumeUpdate(OperatorRequest.of("erin", "go")), "rolling back");
    finishRestore.countDown();
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    assertEquals(Phase.ROLLED_BACK, result.phase());
    assertEquals(before, pool.snapshot());
    long accepted =
        client.fetchHistory(WorkflowIds.rolling(spec)).getEvents().stream()
            .filter(
                ev -> ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
            .count();
    assertEquals(2, accepted, "only the two accepted updates are in history");
    RollingStatus status = wf.status();
    assertEquals(0, count(status.events(), "refused"), "validators record nothing");
    assertEquals("bad build", find(status.events(), "rollback", "erin").detail());
  }

  @Test
  void signalsThatDoNotApplyAreRecordedAsRefused() throws Exception {
    fourReadyInstances();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    pool.healthHook =
        (name, probe) -> {
          if (name.equals("s1")) {
            running.countDown();
            FakePool.waitFor(release);
          }
          return null;
        };
    var spec = spec(new RollingStrategy(IntOrPercent.of(2), null, null, null), null);
    RollingDeploymentWorkflow wf = workflow(spec);
    WorkflowClient.start(wf::run, spec);
    assertTrue(running.await(10, TimeUnit.SECONDS));

    wf.resume(OperatorRequest.of("gina", "continue"));
    wf.rollback(new OperatorRequest(" ", "no name given"));
    waitUntil(() -> count(wf.status().events(), "refused") == 2, "refusals were not recorded");
    release.countDown();
    RollingResult result = WorkflowStub.fromTyped(wf).getResult(RollingResult.class);

    // The refused rollback changed nothing: the run finished normally.
    assertEquals(Phase.SUCCEEDED, result.phase());
    RollingStatus status = wf.status();
    RunEvent resume = find(status.events(), "refused", "gina");
    assertTrue(resume.detail().contains("resume: the run is not paused"), resume.detail());
    RunEvent anonymous = find(status.events(), "refused", "unknown");
    assertTrue(anonymous.detail().contains("rollback: 'by' is required"), anonymous.detail());
  }

  // --------------------------------------------------------------------------------------------

  /**
   * Waits until the batch-mates of a stuck instance are done, so that the only activity the
   * rollback interrupts is the stuck one. (The time-skipping test server mishandles canceling an
   * activity that is scheduled but not yet picked up; a real server does not.)
   */
  private void upgraded(String... names) throws InterruptedException {
    for (String name : names) {
      waitUntil(() -> pool.callsFor(name).contains("READY"), name + " never finished its upgrade");
    }
    // The worker still has to report READY's result; give the workflow a moment to take it in.
    Thread.sleep(200);
  }

  private void fourReadyInstances() {
    pool.add("s1", "1.0.0", ServerState.READY, 100)
        .add("s2", "1.0.0", ServerState.READY, 50)
        .add("s3", "1.0.0", ServerState.READY, 100)
        .add("s4", "1.0.0", ServerState.READY, 100);
  }

  static RollingDeploymentSpec spec(RollingStrategy strategy, SmokeCheckSpec smoke) {
    return new RollingDeploymentSpec(
        "web",
        "2.0.0",
        new TargetRef("edge", "web", "local", null),
        null,
        strategy,
        "5s",
        new HealthCheckSpec("/health", 2, "1s", "20s"),
        smoke,
        "ci-bot");
  }

  private RollingDeploymentWorkflow workflow(RollingDeploymentSpec spec) {
    return newRun(client, RollingDeploymentWorkflow.class, WorkflowIds.rolling(spec));
  }

  private RollingDeploymentWorkflow stub(RollingDeploymentSpec spec) {
    return client.newWorkflowStub(RollingDeploymentWorkflow.class, WorkflowIds.rolling(spec));
  }

  private void nothingChanged() {
    verify(pool.traffic, never()).setServerState(anyString(), anyString(), anyString(), any());
    verify(pool.traffic, never()).setServerWeight(anyString(), anyString(), anyString(), anyInt());
    verify(pool.traffic, never()).awaitDrained(anyString(), anyString(), anyString(), anyLong());
    verify(pool.deploy, never()).deploy(anyString(), anyString(), anyString(), anyString());
  }

  private static InstanceStatus instance(RollingStatus status, String name) {
    return status.instances().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
  }

  /** Keeps what the workflow metrics scope reports, summed per name and tag subset. */
  static final class CapturingReporter implements StatsReporter {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> timers = new ConcurrentHashMap<>();
    private final List<Map.Entry<String, Map<String, String>>> counterKeys =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Map.Entry<String, Map<String, String>>> timerKeys =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    long counter(String name, Map<String, String> tags) {
      return sum(counters, counterKeys, name, tags);
    }

    long timers(String name, Map<String, String> tags) {
      return sum(timers, timerKeys, name, tags);
    }

    private static long sum(
        Map<String, AtomicLong> values,
        List<Map.Entry<String, Map<String, String>>> keys,
        String name,
        Map<String, String> tags) {
      long total = 0;
      for (var k : keys) {
        if (k.getKey().equals(name) && k.getValue().entrySet().containsAll(tags.entrySet())) {
          total += values.get(key(k.getKey(), k.getValue())).get();
        }
      }
      return total;
    }

    private static String key(String name, Map<String, String> tags) {
      return name + new java.util.TreeMap<>(tags);
    }

    private static void add(
        Map<String, AtomicLong> values,
        List<Map.Entry<String, Map<String, String>>> keys,
        String name,
        Map<String, String> tags,
        long delta) {
      Map<String, String> copy = tags == null ? Map.of() : Map.copyOf(tags);
      values
          .computeIfAbsent(
              key(name, copy),
              k -> {
                keys.add(Map.entry(name, copy));
                return new AtomicLong();
              })
          .addAndGet(delta);
    }

    @Override
    public void reportCounter(String name, Map<String, String> tags, long value) {
      add(counters, counterKeys, name, tags, value);
    }

    @Override
    public void reportGauge(String name, Map<String, String> tags, double value) {}

    @Override
    public void reportTimer(
        String name, Map<String, String> tags, com.uber.m3.util.Duration interval) {
      add(timers, timerKeys, name, tags, 1);
    }

    @Override
    public void reportHistogramValueSamples(
        String name,
        Map<String, String> tags,
        Buckets buckets,
        double lower,
        double upper,
        long samples) {}

    @Override
    public void reportHistogramDurationSamples(
        String name,
        Map<String, String> tags,
        Buckets buckets,
        com.uber.m3.util.Duration lower,
        com.uber.m3.util.Duration upper,
        long samples) {}

    @Override
    public Capabilities capabilities() {
      return CapableOf.REPORTING;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
