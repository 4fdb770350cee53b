package io.bellwether.workflows.chaos;

import static io.bellwether.workflows.RunTestSupport.has;
import static io.bellwether.workflows.RunTestSupport.newRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.chaos.BlastRadius;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.ErrorBudgetSpec;
import io.bellwether.contracts.chaos.FaultRecord;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.ProbeReading;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.SloReading;
import io.bellwether.contracts.chaos.Stage;
import io.bellwether.contracts.chaos.StopCondition;
import io.bellwether.contracts.chaos.TargetSelection;
import io.bellwether.contracts.chaos.TargetSelector;
import io.bellwether.contracts.chaos.Tolerance;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.notify.RunNotification;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.RunTestSupport;
import io.bellwether.workflows.gate.FakeApprovers;
import io.bellwether.workflows.notify.RecordingNotify;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Every branch of the chaos experiment workflow on the time-skipping server, with fake activities
 * ({@link FakeChaosWorld}) that record what was injected, restored and leased.
 *
 * <p>The default experiment: probes {@code success} (steady and during the fault at least 0.99) and
 * {@code shop} (HTTP, at most 500 ms), the guardrail {@code errors} (at most 0.05, two reads in a
 * row), an error budget of 200 failed requests, a 10s baseline read every 5s, and one latency fault
 * on one server for 30s with 30s of grace; recovery within 30s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChaosExperimentWorkflowTest {
  static final String ID = "chaos-web-latency";
  static final String INJECTOR = "web-latency";
  static final String STEP_1 = ID + "/f1/1";

  static final ProbeSpec SUCCESS =
      new ProbeSpec(
          "success",
          ProbeSpec.PROMETHEUS,
          null,
          "sum(rate(ok[1m])) / sum(rate(all[1m]))",
          null,
          new Tolerance(0.99, null, null),
          new Tolerance(0.99, null, null));
  static final ProbeSpec SHOP =
      new ProbeSpec("shop", ProbeSpec.HTTP, "shop", null, null, new Tolerance(null, 500.0, null), null);
  static final StopCondition ERRORS =
      new StopCondition("errors", "sum(rate(errors[1m]))", null, null, 0.05, 2);

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private FakeChaosWorld world;
  private RecordingNotify notify;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    // A cold JVM on a small machine can take over a second to load what the first workflow task
    // needs; the SDK would call that a deadlock and the test would wait for a retry.
    Worker worker =
        env.newWorker(
            TaskQueues.BELLWETHER,
            WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(10_000).build());
    worker.registerWorkflowImplementationTypes(ChaosExperimentWorkflowImpl.class);
    world = new FakeChaosWorld();
    notify = new RecordingNotify().route("web", "chat");
    worker.registerActivitiesImplementations(
        world.chaos, world.faults, world.leases, new FakeApprovers().activities, notify);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    world.release();
    env.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Verdicts

  @Test
  void aHypothesisThatHoldsIsReportedWithTheWholeJournal() throws Exception {
    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertEquals(Verdict.HELD, result.verdict());
    assertEquals(Boolean.TRUE, result.hypothesisHeld());
    assertNull(result.reason());
    // Checked, planned, budget, baseline, then the step: targets, lease, inject ... restore, release.
    assertEquals("check", world.calls.get(0));
    assertEquals("candidates " + INJECTOR, world.calls.get(1));
    assertTrue(world.firstIndexOf("slo") < world.firstIndexOf("read "), "budget before baseline");
    assertEquals(
        List.of("read 1", "read 2", "read 3"),
        world.calls.stream().filter(c -> c.startsWith("read ") && !c.endsWith("fault")).limit(3).toList(),
        "baseline: 10s read every 5s");
    assertTrue(world.firstIndexOf("lease " + STEP_1) < world.firstIndexOf("inject " + STEP_1));
    assertTrue(world.firstIndexOf("inject " + STEP_1) < world.firstIndexOf("restore " + STEP_1));
    assertTrue(world.firstIndexOf("restore " + STEP_1) < world.firstIndexOf("release " + STEP_1));
    assertTrue(world.firstIndexOf("release " + STEP_1) < world.firstIndexOf("probe " + STEP_1));
    assertEquals(5, world.faultRounds(), "reads at 5, 10, ..., 25s of a 30s fault");
    assertEquals(Map.of(), world.inForce());
    assertEquals(List.of(), world.leasesHeld());

    FaultRecord f = result.faults().get(0);
    assertEquals(STEP_1, f.faultId());
    assertEquals(FaultRecord.RESTORED, f.state());
    assertEquals(ChaosExperimentWorkflowImpl.DURATION, f.endedBy());
    assertEquals(1, f.targets().size());
    long inForce = millis(f.restoredAt()) - millis(f.injectedAt());
    assertTrue(inForce >= 30_000 && inForce < 31_000, "in force " + inForce + " ms");
    assertEquals(millis(f.injectedAt()) + 60_000, millis(f.deadline()), 100);
    BlastRadius b = result.blastRadius().get(0);
    assertEquals(4, b.serviceServers());
    assertEquals(0.25, b.share(), 1e-9);
    assertEquals(f.targets().stream().map(FaultTarget::name).toList(), b.targets());
    assertEquals(200.0, result.budget().allowance());
    assertEquals(900.0, result.budget().remainingAtStart(), 1e-6);
    assertEquals(0.0, result.budget().burned());
    assertEquals(0, result.breachToRestoredMillis());
    assertTrue(result.findings().stream().anyMatch(s -> s.startsWith("recovered: every probe within tolerance")), result.findings().toString());
    assertTrue(result.findings().contains("error budget: 0 of 200 allowed requests burned (600 requests seen)"), result.findings().toString());
    assertTrue(result.findings().stream().anyMatch(s -> s.startsWith("the hypothesis held")));

    ChaosStatus status = stub().status();
    assertEquals(Phase.SUCCEEDED, status.phase());
    assertEquals(6, samples(status, Stage.BASELINE, null).size(), "3 readings of 2 probes");
    assertEquals(5, samples(status, Stage.FAULT, "success").size());
    assertEquals(5, samples(status, Stage.FAULT, "shop").size());
    assertEquals(5, samples(status, Stage.FAULT, "guardrail:errors").size());
    assertEquals(5, samples(status, Stage.FAULT, "budget").size());
    assertEquals(2, samples(status, Stage.RECOVERY, null).size());
    assertTrue(status.samples().stream().allMatch(ProbeSample::ok));
    List<RunEvent> events = status.events();
    for (String action :
        List.of("started", "planned", "budget", "baseline", "steady", "slo-start", "targets", "lease",
            "injecting", "injected", "restored", "lease-released", "recovered", "succeeded")) {
      assertTrue(has(events, action, ""), "no " + action + " in " + events);
    }
    assertEquals(
        List.of(RunNotification.KIND_STARTED, RunNotification.KIND_SUCCEEDED), notify.kinds("chat"));
    recordChaosHistory("chaos-success.json");
  }

  @Test
  void aProbeLeavingItsDuringFaultToleranceIsADeviationNotAnAbort() {
    world.script =
        (round, probe, inForce) ->
            inForce && probe.name().equals("success")
                ? new ProbeReading("success", 0.93, 0, "93 of 100")
                : FakeChaosWorld.healthy(round, probe, inForce);

    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Phase.SUCCEEDED, result.outcome());
    assertEquals(Verdict.DEVIATED, result.verdict());
    assertEquals(Boolean.FALSE, result.hypothesisHeld());
    assertEquals(ChaosExperimentWorkflowImpl.DURATION, result.faults().get(0).endedBy(), "no abort");
    assertEquals(5, world.faultRounds());
    String finding =
        result.findings().stream().filter(s -> s.startsWith("probe success")).findFirst().orElseThrow();
    assertTrue(
        finding.matches(
            "probe success left its during-fault tolerance \\(0\\.93 < min 0\\.99\\) at"
                + " \\d\\d:\\d\\d:\\d\\d during f1 step 1"),
        finding);
    assertEquals(1, result.findings().stream().filter(s -> s.startsWith("probe success")).count(), "told once");
    ChaosStatus status = stub().status();
    assertEquals(5, samples(status, Stage.FAULT, "success").stream().filter(s -> !s.ok()).count());
    assertTrue(has(status.events(), "deviation", "0.93 < min 0.99"));
  }

  @Test
  void aSystemNotInSteadyStateAtBaselineGetsNothingInjected() {
    world.script =
        (round, probe, inForce) ->
            round == 2 && probe.name().equals("success")
                ? new ProbeReading("success", 0.9, 0, "90 of 100")
                : round == 2 && probe.name().equals("shop")
                    ? new ProbeReading("shop", null, 0, "connection refused")
                    : FakeChaosWorld.healthy(round, probe, inForce);

    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ABORTED, result.outcome());
    assertEquals(Verdict.NOT_STEADY, result.verdict());
    assertNull(result.hypothesisHeld());
    assertTrue(result.reason().contains("probe success 0.9 < min 0.99"), result.reason());
    assertTrue(result.reason().contains("probe shop no reading: connection refused"), result.reason());
    assertTrue(result.reason().contains("nothing was injected"), result.reason());
    assertEquals(List.of(), world.injected, "inject was never called");
    assertEquals(List.of(), world.callsStartingWith("lease"));
    assertEquals(List.of(), world.callsStartingWith("restore"));
    assertEquals(2, world.rounds(), "stopped at the reading that was off");
    assertEquals(FaultRecord.PLANNED, result.faults().get(0).state());
    assertEquals(RunNotification.KIND_ROLLED_BACK, last(notify.kinds("chat")));
  }

  // ---------------------------------------------------------------------------------------------
  // Guardrails and the error budget

  @Test
  void aGuardrailBreachRestoresAtOnceAndRecordsTheBreachTime() throws Exception {
    world.script =
        (round, probe, inForce) ->
            inForce && probe.name().equals("errors") && world.faultRounds() >= 2
                ? new ProbeReading("errors", 0.2, 0, "0.2")
                : FakeChaosWorld.healthy(round, probe, inForce);

    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertEquals(Verdict.ABORTED, result.verdict());
    assertEquals(Boolean.FALSE, result.hypothesisHeld());
    assertEquals(3, world.faultRounds(), "failureLimit 2: breached at the 2nd and 3rd reads");
    FaultRecord f = result.faults().get(0);
    assertEquals("guardrail errors", f.endedBy());
    assertEquals(FaultRecord.RESTORED, f.state());
    long inForce = millis(f.restoredAt()) - millis(f.injectedAt());
    assertTrue(inForce >= 15_000 && inForce < 16_000, "restored at the breach: " + inForce + " ms");
    assertTrue(result.breachToRestoredMillis() < 1000, "restored within the round: " + result.breachToRestoredMillis());
    assertTrue(result.reason().contains("guardrail errors breached at"), result.reason());
    assertTrue(result.reason().contains("0.2 > max 0.05, 2 reads in a row"), result.reason());
    assertTrue(
        result.findings().stream().anyMatch(s -> s.startsWith("guardrail errors breached at") && s.contains("; all faults restored ") && s.endsWith(" later")),
        result.findings().toString());
    assertEquals(Map.of(), world.inForce());
    assertEquals(List.of(), world.leasesHeld(), "the lease is returned on abort");
    assertTrue(world.calls.contains("release " + STEP_1));
    assertTrue(world.calls.contains("probe " + STEP_1), "restoration verified");
    ChaosStatus status = stub().status();
    assertTrue(has(status.events(), "breach", "guardrail errors"));
    List<ProbeSample> guard = samples(status, Stage.FAULT, "guardrail:errors");
    assertEquals(List.of(true, false, false), guard.stream().map(ProbeSample::ok).toList());
    RunNotification end = notify.to("chat").get(notify.to("chat").size() - 1);
    assertEquals(RunNotification.KIND_ROLLED_BACK, end.kind());
    assertTrue(end.reason().contains("guardrail errors"), end.reason());
    recordChaosHistory("chaos-guardrail-breach.json");
  }

  @Test
  void burningMoreThanTheErrorBudgetAborts() {
    // Reading 1 is the pre-check, 2 the start; then 60 more failed requests at every reading.
    world.slo = (n, inForce) -> FakeChaosWorld.counters(n, Math.max(0, n - 2) * 60);

    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertEquals(Verdict.ABORTED, result.verdict());
    assertEquals("budget", result.faults().get(0).endedBy());
    assertEquals(4, world.faultRounds(), "60, 120, 180, then 240 > 200");
    assertTrue(result.reason().contains("error budget: 240 failed requests > 200 allowed"), result.reason());
    assertEquals(Map.of(), world.inForce());
    List<ProbeSample> budget = samples(stub().status(), Stage.FAULT, "budget");
    assertEquals(List.of(60.0, 120.0, 180.0, 240.0), budget.stream().map(ProbeSample::value).toList());
    assertFalse(budget.get(3).ok());
    assertTrue(result.budget().burned() >= 240, String.valueOf(result.budget()));
    assertTrue(result.findings().stream().anyMatch(s -> s.startsWith("error budget: ") && s.contains(" of 200 allowed requests burned")));
  }

  @Test
  void anExperimentThatMayBurnMoreThanTheServiceHasLeftIsRefusedBeforeAnything() {
    world.slo = (n, inForce) -> new SloReading(0.99, "1h", 100_000.0, 950.0, 10_000.0, 950.0, 100.0, "");

    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ABORTED, result.outcome());
    assertEquals(Verdict.NOT_RUN, result.verdict());
    assertTrue(result.reason().contains("remaining error budget is 50 requests"), result.reason());
    assertTrue(result.reason().contains("less than the 200 this experiment may burn"), result.reason());
    assertEquals(List.of(), world.injected);
    assertEquals(List.of(), world.callsStartingWith("read"), "not even the baseline");
    assertEquals(50.0, result.budget().remainingAtStart(), 1e-6);
  }

  // ---------------------------------------------------------------------------------------------
  // Refusals and plans

  @Test
  void anInvalidSpecIsRefusedWithEveryProblemAndNothingCalled() {
    Spec s = new Spec();
    s.probes = List.of();
    s.interval = "0s";
    s.faults = List.of(new FaultSpec("f1", INJECTOR, null, null, Map.of(), null));
    s.guardrails = List.of(new StopCondition("errors", " ", null, 1.0, 0.5, 0));

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow().run(s.build()));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, f.getType());
    for (String field :
        List.of("probes", "interval", "faults[0].duration", "guardrails[0].query",
            "guardrails[0].failureLimit", "guardrails[0]: min 1.0 is above max 0.5")) {
      assertTrue(f.getOriginalMessage().contains(field), field + " in " + f.getOriginalMessage());
    }
    assertEquals(List.of(), world.calls, "nothing was called");
    ChaosStatus status = stub().status();
    assertEquals(Phase.ABORTED, status.phase());
    assertEquals(Verdict.NOT_RUN, status.verdict());
    assertEquals(List.of(), notify.delivered, "a refused run tells nobody");
  }

  @Test
  void plainJsonWithEmptyEntriesIsRefusedNotStuck() {
    String json =
        "{\"service\":\"web\",\"name\":\"latency\",\"probes\":[null],"
            + "\"faults\":[{\"injector\":\"web-latency\",\"duration\":\"30s\",\"steps\":[null]}]}";
    WorkflowStub untyped =
        client.newUntypedWorkflowStub(
            ChaosExperimentWorkflow.TYPE,
            io.temporal.client.WorkflowOptions.newBuilder()
                .setWorkflowId(ID)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(RunTestSupport.RUN_TIMEOUT)
                .build());
    untyped.start(readJson(json));

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> untyped.getResult(ChaosResult.class));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, f.getType());
    assertTrue(f.getOriginalMessage().contains("probes[0]: empty"), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("faults[0].steps[0]: empty"), f.getOriginalMessage());
    assertEquals(List.of(), world.calls);
  }

  @Test
  void namesTheConfigurationLacksAreRefusedAsUnknownTarget() {
    world.unknownNames.add(
        new io.bellwether.contracts.spec.Violation("faults[0].injector", "no fault injector named 'web-latency'"));

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow().run(new Spec().build()));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
    assertTrue(f.getOriginalMessage().contains("faults[0].injector"), f.getOriginalMessage());
    assertEquals(List.of("check"), world.calls);
  }

  @Test
  void aNamedServerTheRouterDoesNotHaveIsRefusedAtThePlan() {
    Spec s = new Spec();
    s.faults = List.of(fault("f1", new TargetSelector(List.of("web-9"), null, null, null, null), "30s"));

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow().run(s.build()));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
    assertTrue(f.getOriginalMessage().contains("faults[0].targets: no server [web-9]"), f.getOriginalMessage());
    assertEquals(List.of(), world.injected);
  }

  @Test
  void aDryRunResolvesTheTargetsAndReturnsThePlanWithoutInjecting() {
    Spec s = new Spec();
    s.dryRun = true;
    s.faults =
        List.of(
            new FaultSpec(
                "f1",
                INJECTOR,
                null,
                List.of(
                    new TargetSelector(null, null, 1, null, null),
                    new TargetSelector(null, "b", null, null, null)),
                Map.of("delayMs", "300"),
                "30s"));

    ChaosResult result = workflow().run(s.build());

    assertEquals(Phase.SUCCEEDED, result.outcome());
    assertEquals(Verdict.DRY_RUN, result.verdict());
    assertNull(result.hypothesisHeld());
    assertEquals(List.of(), world.injected, "inject was never called");
    assertEquals(List.of("check", "candidates " + INJECTOR), world.calls, "only the plan's reads");
    assertEquals(2, result.faults().size());
    assertTrue(result.faults().stream().allMatch(f -> f.state().equals(FaultRecord.PLANNED)));
    assertEquals(List.of("web-3", "web-4"), result.blastRadius().get(1).targets());
    assertEquals(List.of("b"), result.blastRadius().get(1).zones());
    assertEquals(0.5, result.blastRadius().get(1).share(), 1e-9);
    assertEquals(1, result.blastRadius().get(0).targets().size());
    assertTrue(has(stub().status().events(), "planned", "f1 step 2 (web-latency, zone b, seed "));
    assertEquals(List.of(), notify.delivered, "a dry run tells nobody");
  }

  @Test
  void targetsAreDrawnWithTheSeedAndTheSameSeedDrawsTheSame() {
    Spec s = new Spec();
    s.dryRun = true;
    TargetSelector seeded = new TargetSelector(null, null, 2, null, 42L);
    s.faults = List.of(fault("f1", seeded, "30s"), fault("f2", new TargetSelector(null, null, 2, null, null), "30s"));

    ChaosResult first = workflow().run(s.build());
    ChaosResult again = workflow().run(s.build());
    s.name = "latency-2";
    ChaosResult other = newRun(client, ChaosExperimentWorkflow.class, "chaos-web-latency-2").run(s.build());

    FaultRecord withSeed = first.faults().get(0);
    assertEquals(42L, withSeed.seed());
    assertEquals(TargetSelection.select(FakeChaosWorld.fleet(4), seeded, 42L), withSeed.targets());
    FaultRecord derived = first.faults().get(1);
    assertEquals(ChaosPlan.seed(null, ID + "/f2/1"), derived.seed(), "derived from the run and the step");
    assertEquals(first.faults(), again.faults(), "the same run id draws the same targets");
    assertEquals(42L, other.faults().get(0).seed());
    assertNotEquals(derived.seed(), other.faults().get(1).seed(), "another run draws anew");
    assertTrue(has(stub().status().events(), "planned", "seed 42"));
  }

  @Test
  void progressiveStepsResolveTheirTargetsAfreshAndEachIsRestoredBeforeTheNext() {
    // The router has 4 servers at the plan and the first step, 6 from the second step on.
    world.servers = n -> FakeChaosWorld.fleet(n <= 2 ? 4 : 6);
    Spec s = new Spec();
    s.faults =
        List.of(
            new FaultSpec(
                "f1",
                INJECTOR,
                null,
                List.of(
                    new TargetSelector(null, null, 1, null, null),
                    new TargetSelector(null, null, null, 50, null),
                    new TargetSelector(null, "b", null, null, null)),
                Map.of("delayMs", "300"),
                "10s"));

    ChaosResult result = workflow().run(s.build());

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertEquals(Verdict.HELD, result.verdict());
    assertEquals(4, world.callsStartingWith("candidates").size(), "the plan, then once per step");
    List<FaultRecord> f = result.faults();
    assertEquals(1, f.get(0).targets().size());
    assertEquals(3, f.get(1).targets().size(), "50% of the 6 servers the router has then");
    assertEquals(
        TargetSelection.select(FakeChaosWorld.fleet(6), new TargetSelector(null, null, null, 50, null), f.get(1).seed()),
        f.get(1).targets());
    assertEquals(List.of("web-4", "web-5", "web-6"), f.get(2).targets().stream().map(FaultTarget::name).toList());
    assertEquals(6, result.blastRadius().get(2).serviceServers());
    for (int k = 1; k <= 3; k++) {
      String id = ID + "/f1/" + k;
      assertEquals(FaultRecord.RESTORED, f.get(k - 1).state());
      assertTrue(world.firstIndexOf("lease " + id) < world.firstIndexOf("inject " + id));
      assertTrue(world.firstIndexOf("inject " + id) < world.firstIndexOf("restore " + id));
      assertTrue(world.firstIndexOf("restore " + id) < world.firstIndexOf("release " + id));
      if (k < 3) {
        String next = ID + "/f1/" + (k + 1);
        assertTrue(
            world.firstIndexOf("release " + id) < world.firstIndexOf("lease " + next),
            "step " + k + " returned its lease before the next asked");
        assertTrue(world.firstIndexOf("restore " + id) < world.firstIndexOf("inject " + next), "step " + k + " restored before the next");
      }
    }
    List<LeaseRequest> leases = world.leaseRequests;
    assertEquals(3, leases.size());
    assertEquals(Map.of("a", 3, "b", 3), leases.get(2).zoneServers());
    assertEquals(6, leases.get(2).serviceServers());
    assertEquals(0.5, leases.get(2).maxShare());
    assertEquals(List.of(), world.leasesHeld());
  }

  // ---------------------------------------------------------------------------------------------
  // Blast-radius leases

  @Test
  void aRefusedLeaseStopsTheExperimentWithNothingInjected() {
    world.refuseLeaseOf = "/f1/1";

    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ABORTED, result.outcome());
    assertEquals(Verdict.NOT_RUN, result.verdict());
    assertTrue(result.reason().startsWith("blast-radius lease refused for f1 step 1: would impair 3 of 4"), result.reason());
    assertTrue(result.reason().contains("chaos-web-other"), "names the holders: " + result.reason());
    assertEquals(List.of(), world.injected);
    assertEquals(List.of(), world.callsStartingWith("restore"));
    assertTrue(has(stub().status().events(), "lease-refused", "chaos-web-other"));
  }

  @Test
  void aLeaseRefusedForALaterStepAbortsAfterTheEarlierOnesWereRestored() {
    world.refuseLeaseOf = "/f2/1";
    Spec s = new Spec();
    s.faults = List.of(fault("f1", new TargetSelector(null, null, 1, null, null), "10s"), fault("f2", new TargetSelector(null, "a", null, null, null), "10s"));

    ChaosResult result = workflow().run(s.build());

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertEquals(Verdict.ABORTED, result.verdict());
    assertEquals(1, world.injected.size());
    assertEquals(FaultRecord.RESTORED, result.faults().get(0).state());
    assertEquals(FaultRecord.PLANNED, result.faults().get(1).state());
    assertEquals(List.of(), world.leasesHeld());
    assertTrue(world.calls.contains("probe " + STEP_1), "what ran is verified");
  }

  // ---------------------------------------------------------------------------------------------
  // Operator controls

  @Test
  void aRollbackSignalWhileAFaultIsInForceRestoresWithinTheSameInterval() throws Exception {
    ChaosExperimentWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    untilInForce();

    wf.rollback(OperatorRequest.of("bob", "pager went off"));
    ChaosResult result = WorkflowStub.fromTyped(wf).getResult(ChaosResult.class);

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertEquals(Verdict.ABORTED, result.verdict());
    assertNull(result.hypothesisHeld(), "stopped before the hypothesis could be judged");
    FaultRecord f = result.faults().get(0);
    assertEquals("rollback by bob", f.endedBy());
    RunEvent rollback = RunTestSupport.find(stub().status().events(), "rollback", "bob");
    assertEquals("pager went off", rollback.detail());
    long restoredAfter = millis(f.restoredAt()) - millis(rollback.time());
    assertTrue(restoredAfter >= 0 && restoredAfter < 5000, "restored " + restoredAfter + " ms after the rollback");
    assertTrue(result.breachToRestoredMillis() < 5000);
    assertTrue(result.reason().contains("pager went off (bob)"), result.reason());
    assertEquals(Map.of(), world.inForce());
    assertEquals(List.of(), world.leasesHeld());
    RunNotification end = notify.to("chat").get(notify.to("chat").size() - 1);
    assertEquals(RunNotification.KIND_ROLLED_BACK, end.kind());
    assertEquals("bob", end.by());
  }

  @Test
  void aRollbackUpdateAnswersAtOnce() throws Exception {
    ChaosExperimentWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    untilInForce();

    ControlResponse answer = wf.rollbackUpdate(OperatorRequest.of("bob", "enough"));

    assertEquals("rollback", answer.action());
    assertEquals(Phase.FAULT_ACTIVE, answer.phase());
    assertTrue(answer.message().startsWith("aborting: every fault in force is restored now"), answer.message());
    ChaosResult result = WorkflowStub.fromTyped(wf).getResult(ChaosResult.class);
    assertEquals(Verdict.ABORTED, result.verdict());
    assertEquals(Map.of(), world.inForce());
  }

  @Test
  void aPauseHoldsTheFaultPastItsDurationButTheDeadManSwitchRestoresItAtDurationPlusGrace()
      throws Exception {
    ChaosExperimentWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    untilInForce();

    ControlResponse answer = wf.pauseUpdate(OperatorRequest.of("carol", "look closer"));
    assertTrue(answer.message().contains("never past its dead-man switch"), answer.message());
    assertTrue(answer.paused());
    ChaosResult result = WorkflowStub.fromTyped(wf).getResult(ChaosResult.class);

    FaultRecord f = result.faults().get(0);
    assertEquals(ChaosExperimentWorkflowImpl.DEAD_MAN, f.endedBy());
    long inForce = millis(f.restoredAt()) - millis(f.injectedAt());
    assertTrue(inForce > 30_000, "held past its 30s duration: " + inForce);
    assertTrue(millis(f.restoredAt()) - millis(f.deadline()) < 1000, "restored at the deadline");
    assertTrue(millis(f.restoredAt()) >= millis(f.deadline()));
    assertTrue(world.faultRounds() > 5, "still read while held: " + world.faultRounds());
    assertEquals(Verdict.ABORTED, result.verdict());
    assertTrue(result.reason().contains("held past its duration by pause"), result.reason());
    assertEquals(Map.of(), world.inForce());
  }

  @Test
  void theDeadManSwitchRestoresAtTheDeadlineWhenAProbeReadingHangs() throws Exception {
    world.hangFromFaultRound = 1;
    Spec s = new Spec();
    s.faults = List.of(fault("f1", new TargetSelector(null, null, 1, null, null), "10s"));
    s.grace = "5s";

    ChaosResult result = workflow().run(s.build());

    FaultRecord f = result.faults().get(0);
    assertEquals(ChaosExperimentWorkflowImpl.DEAD_MAN, f.endedBy());
    assertEquals(FaultRecord.RESTORED, f.state());
    long late = millis(f.restoredAt()) - millis(f.deadline());
    assertTrue(late >= 0 && late < 1000, "restored " + late + " ms after the deadline");
    assertEquals(1, world.faultRounds(), "the one reading that hung");
    assertEquals(Map.of(), world.inForce());
    assertEquals(Verdict.ABORTED, result.verdict());
    assertTrue(result.findings().stream().anyMatch(x -> x.startsWith("the dead-man switch restored f1 step 1")));
  }

  @Test
  void aCancelWhileAFaultIsInForceRestoresItInADetachedScopeAndReturnsTheLease()
      throws Exception {
    ChaosExperimentWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    untilInForce();

    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    untyped.cancel();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> untyped.getResult(ChaosResult.class));

    assertInstanceOf(CanceledFailure.class, e.getCause());
    assertEquals(Map.of(), world.inForce());
    assertEquals(List.of(), world.leasesHeld());
    assertTrue(world.calls.contains("probe " + STEP_1), "verified after the cancel");
    ChaosStatus status = stub().status();
    assertEquals(Phase.ROLLED_BACK, status.phase());
    assertEquals(Verdict.ABORTED, status.verdict());
    assertEquals("cancel", status.faults().get(0).endedBy());
    assertTrue(status.samples().stream().anyMatch(x -> x.stage() == Stage.RECOVERY && x.ok()));
    recordChaosHistory("chaos-cancel.json");
  }

  @Test
  void promoteEndsTheFaultEarly() throws Exception {
    ChaosExperimentWorkflow wf = workflow();
    WorkflowClient.start(wf::run, new Spec().build());
    untilInForce();

    wf.promoteUpdate(OperatorRequest.of("dave", "seen enough"));
    ChaosResult result = WorkflowStub.fromTyped(wf).getResult(ChaosResult.class);

    assertEquals(Verdict.HELD, result.verdict());
    FaultRecord f = result.faults().get(0);
    assertEquals("promote by dave", f.endedBy());
    assertTrue(millis(f.restoredAt()) - millis(f.injectedAt()) < 30_000);
  }

  @Test
  void controlsThatDoNotApplyAreRefused() throws Exception {
    Spec s = new Spec();
    s.baseline = "1m";
    ChaosExperimentWorkflow wf = workflow();
    WorkflowClient.start(wf::run, s.build());
    advanceUntil(() -> world.rounds() >= 1, "the baseline never started");

    RunTestSupport.assertRefused(() -> wf.promoteUpdate(OperatorRequest.of("erin", "")), "no fault is in force");
    RunTestSupport.assertRefused(() -> wf.resumeUpdate(OperatorRequest.of("erin", "")), "not paused");
    RunTestSupport.assertRefused(() -> wf.approveUpdate(OperatorRequest.of("erin", "")), "no gate is open");
    RunTestSupport.assertRefused(() -> wf.pauseUpdate(OperatorRequest.of(" ", "")), "'by' is required");
    wf.promote(OperatorRequest.of("frank", "now"));
    wf.rollback(OperatorRequest.of("erin", "not today"));
    ChaosResult result = WorkflowStub.fromTyped(wf).getResult(ChaosResult.class);

    assertEquals(Verdict.NOT_RUN, result.verdict(), "rolled back during the baseline");
    assertEquals(Phase.ABORTED, result.outcome());
    assertEquals(List.of(), world.injected);
    assertTrue(has(stub().status().events(), "frank", "refused", "promote: no fault is in force"));
  }

  // ---------------------------------------------------------------------------------------------
  // Restoration always happens

  @Test
  void anInjectionThatFailsIsStillRestored() {
    world.injectFails = "delayMs must be 1 to 60000";

    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Phase.ROLLED_BACK, result.outcome());
    assertEquals(Verdict.ABORTED, result.verdict());
    assertEquals(1, world.injected.size(), "not retried: InvalidFault never heals");
    assertTrue(world.firstIndexOf("inject " + STEP_1) < world.firstIndexOf("restore " + STEP_1), "the compensation ran");
    assertEquals(Map.of(), world.inForce(), "what the failed injection left is gone");
    assertEquals("injection failed", result.faults().get(0).endedBy());
    assertTrue(result.reason().contains("could not inject f1 step 1: InvalidFault: delayMs must be 1 to 60000"), result.reason());
    assertEquals(List.of(), world.leasesHeld());
  }

  @Test
  void aFaultStillInForceAtVerificationIsRestoredAgainOnce() {
    world.restoresThatMissIt = 1;

    ChaosResult result = workflow().run(new Spec().build());

    assertEquals(Verdict.HELD, result.verdict(), result.reason());
    assertEquals(2, world.callsStartingWith("restore " + STEP_1).size());
    assertTrue(world.firstIndexOf("probe " + STEP_1) < world.lastIndexOf("restore " + STEP_1));
    assertEquals(Map.of(), world.inForce());
    assertTrue(has(stub().status().events(), "still-active", "restoring it again"));
  }

  @Test
  void probesThatDoNotRecoverWithinTheRecoveryTimeoutFailTheRunLoudly() {
    world.script =
        (round, probe, inForce) ->
            !inForce && world.faultRounds() > 0 && probe.name().equals("success")
                ? new ProbeReading("success", 0.5, 0, "50 of 100")
                : FakeChaosWorld.healthy(round, probe, inForce);

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow().run(new Spec().build()));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.RESTORE_FAILED, f.getType());
    assertTrue(f.getOriginalMessage().contains("not recovered within 30s of restoration: probe success 0.5 < min 0.99"), f.getOriginalMessage());
    ChaosResult detail = f.getDetails().get(0, ChaosResult.class);
    assertEquals(Verdict.RESTORATION_FAILED, detail.verdict());
    ChaosStatus status = stub().status();
    assertEquals(Phase.FAILED, status.phase());
    assertEquals(Verdict.RESTORATION_FAILED, status.verdict());
    assertEquals(7, samples(status, Stage.RECOVERY, "success").size(), "read every 5s for 30s");
    RunNotification end = notify.to("chat").get(notify.to("chat").size() - 1);
    assertEquals(RunNotification.KIND_FAILED, end.kind());
    assertTrue(end.reason().contains("restoration failed"), end.reason());
  }

  @Test
  void aRestoreThatCannotBeDoneFailsTheRunLoudly() {
    world.restoreFails = "the map file is not writable";

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow().run(new Spec().build()));

    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.RESTORE_FAILED, f.getType());
    assertTrue(f.getOriginalMessage().contains("could not restore f1 step 1"), f.getOriginalMessage());
    ChaosStatus status = stub().status();
    assertEquals(Verdict.RESTORATION_FAILED, status.verdict());
    assertEquals(FaultRecord.FAILED, status.faults().get(0).state());
    assertEquals(List.of(), world.leasesHeld(), "the lease is returned all the same");
    assertEquals(RunNotification.KIND_FAILED, last(notify.kinds("chat")));
  }

  // ---------------------------------------------------------------------------------------------
  // The approval gate

  @Test
  void anApprovedGateLetsTheExperimentInject() throws Exception {
    Spec s = new Spec();
    s.approval = new ApprovalGateSpec(List.of("alice"), null, null, null, "1h", null, null);
    ChaosExperimentWorkflow wf = workflow();
    WorkflowClient.start(wf::run, s.build());
    advanceUntil(() -> gateOpen(wf), "the gate never opened");

    assertEquals(Phase.AWAITING_APPROVAL, wf.status().phase());
    assertEquals(List.of(), world.injected, "nothing before the approval");
    wf.approveUpdate(OperatorRequest.of("alice", "go"));
    ChaosResult result = WorkflowStub.fromTyped(wf).getResult(ChaosResult.class);

    assertEquals(Verdict.HELD, result.verdict());
    assertEquals(1, world.injected.size());
    assertTrue(notify.kinds("chat").contains(RunNotification.KIND_GATE_WAITING));
  }

  @Test
  void aRejectedGateInjectsNothing() throws Exception {
    Spec s = new Spec();
    s.approval = new ApprovalGateSpec(List.of("alice"), null, null, null, "1h", null, null);
    ChaosExperimentWorkflow wf = workflow();
    WorkflowClient.start(wf::run, s.build());
    advanceUntil(() -> gateOpen(wf), "the gate never opened");

    wf.rejectUpdate(OperatorRequest.of("alice", "not in peak hours"));
    ChaosResult result = WorkflowStub.fromTyped(wf).getResult(ChaosResult.class);

    assertEquals(Phase.ABORTED, result.outcome());
    assertEquals(Verdict.NOT_RUN, result.verdict());
    assertEquals("rejected at gate 'before-injection' by alice: not in peak hours", result.reason());
    assertEquals(List.of(), world.injected);
    assertEquals(List.of(), world.callsStartingWith("lease"));
  }

  // ---------------------------------------------------------------------------------------------

  /** A spec with everything a test may change. */
  static final class Spec {
    String name = "latency";
    List<ProbeSpec> probes = List.of(SUCCESS, SHOP);
    String baseline = "10s";
    String interval = "5s";
    List<FaultSpec> faults = List.of(fault("f1", new TargetSelector(null, null, 1, null, null), "30s"));
    List<StopCondition> guardrails = List.of(ERRORS);
    ErrorBudgetSpec budget = new ErrorBudgetSpec(200L, null);
    String recovery = "30s";
    String grace = "30s";
    ApprovalGateSpec approval;
    Boolean dryRun;

    ChaosExperimentSpec build() {
      return new ChaosExperimentSpec(
          FakeChaosWorld.SERVICE,
          name,
          "The shop keeps 99% success while one server is slow.",
          "sre-team",
          new ArrayList<>(probes),
          baseline,
          interval,
          new ArrayList<>(faults),
          new ArrayList<>(guardrails),
          budget,
          recovery,
          grace,
          approval,
          dryRun);
    }
  }

  static FaultSpec fault(String id, TargetSelector targets, String duration) {
    return new FaultSpec(id, INJECTOR, targets, null, Map.of("delayMs", "300"), duration);
  }

  /** A JSON document as the untyped client sends it: a tree, not a typed spec. */
  private static Object readJson(String json) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<ProbeSample> samples(ChaosStatus status, Stage stage, String probe) {
    return status.samples().stream()
        .filter(s -> s.stage() == stage && (probe == null || s.probe().equals(probe)))
        .toList();
  }

  private static long millis(String iso) {
    assertNotNull(iso, "no time recorded");
    return Instant.parse(iso).toEpochMilli();
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  private static boolean gateOpen(ChaosExperimentWorkflow wf) {
    ChaosStatus s = wf.status();
    return s.gate() != null && "OPEN".equals(s.gate().state());
  }

  /** Moves the clock until the fault is in force and has been read once. */
  private void untilInForce() {
    advanceUntil(() -> world.faultRounds() >= 1, "the fault never came into force");
  }

  /** Moves the skipping clock on a second at a time until the condition holds. */
  private void advanceUntil(BooleanSupplier condition, String failure) {
    for (int i = 0; i < 600; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      env.sleep(Duration.ofSeconds(1));
    }
    fail(failure);
  }

  /** Writes the history for {@link ChaosReplayTest} when asked to (see RunTestSupport). */
  private void recordChaosHistory(String file) throws Exception {
    if (Boolean.getBoolean(RunTestSupport.RECORD_PROPERTY)) {
      Files.createDirectories(Path.of(RunTestSupport.HISTORIES, ChaosReplayTest.DIR));
      RunTestSupport.recordHistory(client, ID, ChaosReplayTest.DIR + "/" + file);
    }
  }

  private ChaosExperimentWorkflow workflow() {
    return newRun(client, ChaosExperimentWorkflow.class, WorkflowIds.chaos(new Spec().build()));
  }

  private ChaosExperimentWorkflow stub() {
    return client.newWorkflowStub(ChaosExperimentWorkflow.class, ID);
  }
}
