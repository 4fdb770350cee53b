package io.bellwether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.Verdict;
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
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chaos experiments reach the ChaosExperiment workflow by every path of the client, like every other kind. */
class BellwetherClientChaosTest {
  static final String CHAOS_YAML =
      """
      kind: ChaosExperiment
      service: web
      name: kill-one
      hypothesis: the success rate stays at or above 99% while one instance is down
      requestedBy: alice
      probes:
        - {name: servers, type: servers, tolerance: {min: 4}, duringFault: {min: 3}}
      faults:
        - {id: kill, injector: web-kill, targets: {count: 1, seed: 42}, duration: 20s}
      guardrails:
        - {name: errors, query: 'sum(rate(errors_total[10s]))', max: 5}
      errorBudget: {maxFailedRequests: 200}
      """;

  private TestWorkflowEnvironment env;
  private BellwetherClient bw;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(
        FakeRollingWorkflow.class, FakeChaosWorkflow.class, FakeTargetCheckWorkflow.class);
    env.start();
    bw = BellwetherClient.of(env.getWorkflowClient());
  }

  @AfterEach
  void tearDown() {
    bw.close();
    env.close();
  }

  @Test
  void chaosTextStartsAnExperimentAnsweringATypedStatus() {
    RunRef ref = bw.start(CHAOS_YAML);

    assertEquals("chaos-web-kill-one", ref.workflowId());
    assertEquals("ChaosExperiment", ref.type());
    assertEquals("ChaosExperiment", bw.typeOf(ref.workflowId()));
    ChaosStatus status = assertInstanceOf(ChaosStatus.class, bw.status(ref.workflowId()));
    assertEquals("web", status.service());
    assertEquals("kill-one", status.name());
    assertEquals(Phase.FAULT_ACTIVE, bw.chaosStatus(ref.workflowId()).phase());
    // A spec without kind that has faults is a chaos experiment.
    assertEquals("ChaosExperiment", bw.start(CHAOS_YAML.replace("kind: ChaosExperiment\n", "")
        .replace("name: kill-one", "name: kill-two")).type());
  }

  @Test
  void typedSpecStartsUnderItsIdAndASecondStartIsRefused() {
    ChaosExperimentSpec spec = SpecLoader.chaos(CHAOS_YAML);

    assertEquals("chaos-web-kill-one", bw.start(spec).workflowId());
    RunAlreadyStartedException again = assertThrows(RunAlreadyStartedException.class, () -> bw.start(spec));
    assertEquals("chaos-web-kill-one", again.workflowId());
    assertThrows(InvalidSpecException.class, () -> bw.start((ChaosExperimentSpec) null));
  }

  @Test
  void anInvalidExperimentIsRefusedWithEveryProblemAndNothingStarts() {
    String bad = CHAOS_YAML.replace("duration: 20s", "duration: forever").replace("max: 5", "max: 5, colour: red");

    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> bw.start(bad));

    List<String> fields = e.violations().stream().map(Violation::field).toList();
    assertEquals(List.of("faults[0].duration", "guardrails[0].colour"), fields.stream().sorted().toList());
    assertEquals(List.of(), bw.list(null));
    // validate lists the same problems, and for a good spec asks no worker (the run checks its names).
    assertEquals(fields, bw.validate(bad).stream().map(Violation::field).toList());
    assertEquals(List.of(), bw.validate(CHAOS_YAML));
  }

  @Test
  void theSpecTheResultAndTheControlsOfAnExperiment() throws TimeoutException {
    String id = bw.start(CHAOS_YAML).workflowId();
    String rolling = bw.start(BellwetherClientTest.ROLLING_YAML).workflowId();

    ChaosExperimentSpec spec = bw.chaosSpec(id).orElseThrow();
    assertEquals("web-kill", spec.faults().get(0).injector());
    assertEquals(Optional.empty(), bw.chaosSpec(rolling));
    assertThrows(RunNotFoundException.class, () -> bw.chaosSpec("chaos-none-x"));
    // No result while it runs.
    assertEquals(Optional.empty(), bw.chaosResult(id));

    bw.rollback(id, OperatorRequest.of("bob", "pager went off"));

    ChaosResult r = bw.result(id, ChaosResult.class, Duration.ofSeconds(10));
    assertEquals(Verdict.ABORTED, r.verdict());
    assertEquals(250, r.breachToRestoredMillis());
    assertEquals(r, bw.chaosResult(id).orElseThrow());
    assertEquals(List.of("rollback"), bw.chaosStatus(id).events().stream().map(e -> e.action()).toList());
  }

  @Test
  void historyAndListingTellServicesApartThatShareAPrefix() throws TimeoutException {
    String kill = bw.start(CHAOS_YAML).workflowId();
    String other = bw.start(CHAOS_YAML.replace("service: web", "service: web-a").replace("name: kill-one", "name: kill"))
        .workflowId();
    String dry = bw.start(SpecLoader.chaos(CHAOS_YAML.replace("name: kill-one", "name: plan")).withDryRun(true))
        .workflowId();
    bw.promote(kill, OperatorRequest.of("bob", "enough"));
    bw.result(kill, ChaosResult.class, Duration.ofSeconds(10));
    bw.result(dry, ChaosResult.class, Duration.ofSeconds(10));

    List<ChaosRun> web = bw.chaosHistory("web", 0);
    assertEquals(List.of(dry, kill), web.stream().map(r -> r.run().workflowId()).toList());
    assertEquals(List.of(Verdict.DRY_RUN, Verdict.HELD), web.stream().map(ChaosRun::verdict).toList());
    assertEquals(Boolean.TRUE, web.get(1).hypothesisHeld());
    assertEquals("kill-one", web.get(1).experiment());
    List<ChaosRun> webA = bw.chaosHistory("web-a", 5);
    assertEquals(List.of(other), webA.stream().map(r -> r.run().workflowId()).toList());
    // Still running: no result, its status instead.
    assertEquals(null, webA.get(0).result());
    assertEquals(Verdict.PENDING, webA.get(0).verdict());
    assertEquals(1, bw.chaosHistory("web", 1).size());
    assertEquals(List.of(), bw.chaosHistory("shop", 0));

    // chaos-web-a-kill reads as web/a-kill or web-a/kill: a service filter settles it by status.
    assertEquals(List.of(other), bw.list("ChaosExperiment", "web-a", null).stream().map(RunSummary::workflowId).toList());
    assertEquals(List.of(dry, kill), bw.list("ChaosExperiment", "web", null).stream().map(RunSummary::workflowId).toList());
    assertEquals(List.of(other), bw.list(null, null, "FAULT_ACTIVE").stream().map(RunSummary::workflowId).toList());
  }

  @Test
  void chaosIdsAreReadLikeTheOthers() {
    assertEquals("web", RunIds.service("ChaosExperiment", "chaos-web-kill"));
    assertEquals(null, RunIds.service("ChaosExperiment", "chaos-web-kill-one"));
    assertEquals(List.of("web", "web-kill"), RunIds.candidates("ChaosExperiment", "chaos-web-kill-one"));
    // A run a schedule started carries the time in its id.
    assertTrue(RunIds.candidates("ChaosExperiment", "chaos-web-kill-2026-11-27T03:00:00Z").contains("web"));
    assertEquals(List.of(), RunIds.candidates("ChaosExperiment", "abtest-web-kill"));
    assertEquals("(WorkflowType='ChaosExperiment') AND WorkflowId STARTS_WITH 'chaos-web-'",
        RunListing.query(List.of("ChaosExperiment"), "chaos-web-"));
  }
}
