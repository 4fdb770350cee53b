package io.bellwether.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.client.BellwetherClient;
import io.bellwether.client.ChaosRun;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.follow.RunOutcome;
import io.bellwether.starter.report.ChaosFixtures;
import io.bellwether.starter.report.ChaosText;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bellwether chaos ...} and the shared commands on chaos runs: parse problems without
 * Temporal, and against an in-memory Temporal with a stand-in experiment: run (followed, dry, not
 * followed), status, report, list, rollback, the history of a service, a schedule (the embedded
 * server has no Schedules API: a cron workflow) and the blast-radius leases.
 */
class ChaosCliTest {
  static final String SPEC = ChaosFixtures.YAML;

  @TempDir Path tmp;

  private final AtomicInteger clientsOpened = new AtomicInteger();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli(BellwetherCli.ClientFactory clients) {
    CommandLine cmd = BellwetherCli.commandLine(new BellwetherCli(clients, false));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd;
  }

  private CommandLine cli() {
    return cli((target, namespace) -> {
      clientsOpened.incrementAndGet();
      fail("no Temporal client may be opened, asked for " + target);
      return null;
    });
  }

  private Path file(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private void clear() {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
  }

  // --- without Temporal ---

  @Test
  void anInvalidExperimentIsExitTwoWithEveryProblemAndNoTemporal() throws Exception {
    Path bad = file("bad.yaml", SPEC.replace("duration: 20s", "duration: 20 seconds")
        .replace("max: 5\n", "max: 5\n    colour: red\n").replace("type: servers", "type: dns"));

    for (String[] args : List.of(
        new String[] {"chaos", "run", bad.toString()},
        new String[] {"chaos", "run", bad.toString(), "--dry-run"},
        new String[] {"chaos", "schedule", bad.toString(), "--cron", "0 3 * * *"},
        new String[] {"deploy", "-f", bad.toString()})) {
      clear();
      assertEquals(2, cli().execute(args), String.join(" ", args));
      String e = err.toString();
      assertTrue(e.contains("the spec is invalid (3 problems); nothing was started"), e);
      assertTrue(e.contains("  faults[0].duration: not a duration: '20 seconds'"), e);
      assertTrue(e.contains("  guardrails[0].colour: unknown field"), e);
      assertTrue(e.contains("  probes[2].type: must be http, prometheus or servers"), e);
    }
    assertEquals(0, clientsOpened.get());
  }

  @Test
  void aBadCronExpressionIsRefusedBeforeTemporal() throws Exception {
    assertEquals(2, cli().execute("chaos", "schedule", file("c.yaml", SPEC).toString(), "--cron", "daily"));
    assertTrue(err.toString().contains("--cron: 'daily' is not a cron expression"), err.toString());
    assertEquals(0, clientsOpened.get());
  }

  @Test
  void deployAndTheClientKnowTheChaosKind() {
    assertEquals("ChaosExperiment", DeployCommand.KINDS.get(SpecLoader.KIND_CHAOS).workflowType());
    assertTrue(DeployCommand.KINDS.get(SpecLoader.KIND_CHAOS).report());
    assertTrue(BellwetherClient.TYPES.contains("ChaosExperiment"));
    ChaosExperimentSpec s = SpecLoader.chaos(SPEC);
    assertEquals("alice", DeployCommand.withRequester(s, "alice").requestedBy());
    assertEquals(s.probes(), DeployCommand.withRequester(s, "alice").probes());
    assertEquals("carol", DeployCommand.withRequester(SpecLoader.chaos(SPEC + "requestedBy: carol\n"), "alice")
        .requestedBy());
    assertEquals("web kill-one: kill web-kill (1 step of 20s); 3 probes, 1 guardrail, error budget",
        DeployCommand.describe(s));
    assertEquals("web kill-one: kill web-kill (1 step of 20s); 3 probes, 1 guardrail, error budget; dry run",
        DeployCommand.describe(s.withDryRun(true)));
  }

  @Test
  void statusPrintsTheExperiment() {
    StringWriter sw = new StringWriter();
    StatusCommand.print(new PrintWriter(sw), ChaosFixtures.ZONE_ID, ChaosFixtures.aborted(), ZoneOffset.UTC);
    String s = sw.toString();

    assertTrue(s.startsWith("chaos-web-zone-cut  web zone-cut  ROLLED_BACK\n"), s);
    assertTrue(s.contains("  ROLLED_BACK (done)  faults [#####-----] 1/2 restored  budget 150/200 failed  verdict ABORTED"), s);
    assertTrue(s.contains("  hypothesis: the remaining zone carries the load"), s);
    assertTrue(s.contains("  reason: " + ChaosFixtures.BREACH), s);
    assertTrue(s.contains("  FAULT      STEP  INJECTOR"), s);
    assertTrue(s.contains("  PROBE                    BASELINE"), s);
    assertTrue(s.contains("abort          " + ChaosFixtures.BREACH), s);
    assertTrue(s.contains("  report: bellwether report chaos-web-zone-cut"), s);
    assertFalse(s.contains("null"), s);
  }

  @Test
  void theEndOfAFollowedRunSaysTheVerdictAndADeviationExitsOne() {
    StringWriter sw = new StringWriter();
    ChaosResult r = ChaosFixtures.abortedResult();
    RunOutcome o = new RunOutcome(ChaosFixtures.ZONE_ID, "ROLLED_BACK", r.reason(), null, Duration.ofSeconds(16), null,
        null, null, r);

    DeployCommand.printOutcome(new PrintWriter(sw), o);

    String s = sw.toString();
    assertTrue(s.startsWith("ROLLED_BACK  chaos-web-zone-cut  after 16.0s\n  " + ChaosFixtures.BREACH + "\n"
        + "  verdict ABORTED: aborted"), s);
    assertTrue(s.contains("  breach to restored: 4.2s\n"), s);
    assertEquals(1, o.exitCode());
    ChaosResult h = ChaosFixtures.heldResult();
    assertEquals(0, new RunOutcome("x", "SUCCEEDED", null, null, Duration.ZERO, null, null, null, h).exitCode());
    ChaosResult deviated = new ChaosResult("web", "x", Phase.SUCCEEDED, Verdict.DEVIATED, false, null, h.faults(),
        h.blastRadius(), h.budget(), 0, h.findings(), h.startedAt(), h.endedAt());
    assertEquals(1, new RunOutcome("x", "SUCCEEDED", null, null, Duration.ZERO, null, null, null, deviated).exitCode());
  }

  // --- against an in-memory Temporal ---

  @Test
  void runFollowsTheExperimentToItsVerdictThenStatusReportAndListReadIt() throws Exception {
    Path spec = file("kill.yaml", SPEC);
    try (TestWorkflowEnvironment env = environment(false)) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();

      assertEquals(0, cli(clients).execute("chaos", "run", spec.toString(), "--follow", "--by", "bob"), err.toString());

      String o = out.toString();
      assertTrue(o.startsWith("started chaos-web-kill-one (web kill-one: kill web-kill (1 step of 20s); 3 probes,"
          + " 1 guardrail, error budget) on "), o);
      assertTrue(o.contains("  BASELINE "), o);
      assertTrue(o.contains("  FAULT    "), o);
      assertTrue(o.contains("success 0.995 ok"), o);
      assertTrue(o.contains("FAULT_ACTIVE (kill step 1/1)  faults [----------] 0/1 restored  active kill#1 on web-2"), o);
      assertTrue(o.contains("\nSUCCEEDED  chaos-web-kill-one  after "), o);
      assertTrue(o.contains("  verdict HELD: the hypothesis held"), o);
      assertTrue(o.contains("  fault kill#1 web-kill on web-2 (zone a) for 20s: RESTORED"), o);
      assertTrue(o.contains("  report: bellwether report chaos-web-kill-one"), o);
      // The run got the spec with the requester filled in, and not as a dry run.
      ChaosExperimentSpec started =
          BellwetherClient.of(env.getWorkflowClient()).chaosSpec(ChaosFixtures.ID).orElseThrow();
      assertEquals("bob", started.requestedBy());
      assertFalse(started.dryRunOrDefault());

      clear();
      assertEquals(0, cli(clients).execute("status", ChaosFixtures.ID), err.toString());
      assertTrue(out.toString().startsWith("chaos-web-kill-one  web kill-one  SUCCEEDED\n"), out.toString());
      assertTrue(out.toString().contains("verdict: HELD"), out.toString());

      clear();
      assertEquals(0, cli(clients).execute("status", ChaosFixtures.ID, "--json"), err.toString());
      assertEquals("HELD", new ObjectMapper().readTree(out.toString()).path("verdict").asText());

      clear();
      Path page = tmp.resolve("reports/kill.html");
      assertEquals(0, cli(clients).execute("report", ChaosFixtures.ID, "-o", page.toString()), err.toString());
      assertEquals("wrote " + page + " and kill.json (verdict HELD, hypothesis held)\n", out.toString());
      String html = Files.readString(page);
      assertTrue(html.contains("<title>Chaos experiment report: web kill-one (chaos-web-kill-one)</title>"), html);
      // The tolerances come from the spec the run was started with.
      assertTrue(html.contains("<title>steady min 0.99</title>"), html);
      JsonNode journal = new ObjectMapper().readTree(Files.readString(tmp.resolve("reports/kill.json")));
      assertEquals("HELD", journal.path("result").path("verdict").asText());
      assertEquals("bob", journal.path("spec").path("requestedBy").asText());

      clear();
      assertEquals(0, cli(clients).execute("list"), err.toString());
      assertTrue(out.toString().contains("chaos-web-kill-one"), out.toString());
      assertTrue(out.toString().contains("ChaosExperiment"), out.toString());

      // The experiment is over: running it again is allowed.
      clear();
      assertEquals(0, cli(clients).execute("chaos", "run", spec.toString()), err.toString());
      assertTrue(out.toString().contains("follow it with: bellwether status chaos-web-kill-one"), out.toString());
    }
  }

  @Test
  void aDryRunPrintsThePlanAndInjectsNothing() throws Exception {
    Path spec = file("kill.yaml", SPEC);
    try (TestWorkflowEnvironment env = environment(false)) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();

      assertEquals(0, cli(clients).execute("chaos", "run", spec.toString(), "--dry-run"), err.toString());

      String o = out.toString();
      assertTrue(o.contains("; dry run) on "), o);
      assertTrue(o.contains("plan (dry run: nothing was injected):\n"
          + "  kill step 1/1  web-kill  1 of all  seed 42  for 20s\n"
          + "      targets: web-2 (zone a)\n"
          + "      blast radius: 1 of 4 servers (25%), zones a\n"), o);
      assertTrue(BellwetherClient.of(env.getWorkflowClient()).chaosSpec(ChaosFixtures.ID).orElseThrow()
          .dryRunOrDefault());
      assertEquals(Verdict.DRY_RUN,
          BellwetherClient.of(env.getWorkflowClient()).chaosResult(ChaosFixtures.ID).orElseThrow().verdict());
    }
  }

  @Test
  void aSecondRunWhileOneRunsIsExitThreeAndRollbackAbortsIt() throws Exception {
    Path spec = file("kill.yaml", SPEC);
    try (TestWorkflowEnvironment env = environment(false)) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();

      assertEquals(0, cli(clients).execute("chaos", "run", spec.toString()), err.toString());
      assertEquals(DeployCommand.EXIT_ALREADY_RUNNING, cli(clients).execute("deploy", "-f", spec.toString()));
      assertTrue(err.toString().contains("chaos-web-kill-one is already running"), err.toString());

      clear();
      assertEquals(0, cli(clients).execute("rollback", ChaosFixtures.ID, "--reason", "pager went off", "--by", "bob"),
          err.toString());
      assertTrue(out.toString().startsWith("rollback accepted by chaos-web-kill-one: aborting: restoring every fault"),
          out.toString());
      ChaosResult r = BellwetherClient.of(env.getWorkflowClient())
          .result(ChaosFixtures.ID, ChaosResult.class, Duration.ofSeconds(10));
      assertEquals(Verdict.ABORTED, r.verdict());
      assertEquals("rollback by bob", r.reason());
    }
  }

  @Test
  void historyListsEveryRunOnTheServiceNewestFirstWithWhatItFound() throws Exception {
    try (TestWorkflowEnvironment env = environment(true)) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();
      WorkflowClient wc = env.getWorkflowClient();
      BellwetherClient bw = BellwetherClient.of(wc);
      ChaosExperimentSpec base = SpecLoader.chaos(SPEC);
      ChaosExperimentSpec kill = base;
      ChaosExperimentSpec deviate = rename(base, "web", "deviate-latency");
      ChaosExperimentSpec fail = rename(base, "web", "fail-restore");
      // Another service whose ids share the prefix chaos-web-: not web's history.
      ChaosExperimentSpec other = rename(base, "web-a", "kill");

      for (ChaosExperimentSpec s : List.of(kill, deviate, other, fail)) {
        bw.start(s);
        env.sleep(Duration.ofSeconds(2));
      }
      env.sleep(Duration.ofSeconds(5));

      List<ChaosRun> runs = bw.chaosHistory("web", 0);
      assertEquals(List.of("fail-restore", "deviate-latency", "kill-one"), runs.stream().map(ChaosRun::experiment).toList());
      assertEquals(List.of(Verdict.RESTORATION_FAILED, Verdict.DEVIATED, Verdict.HELD),
          runs.stream().map(ChaosRun::verdict).toList());
      // A failed run has no result; its status (asked of the worker) tells what happened.
      assertEquals(null, runs.get(0).result());
      assertEquals("FAILED", runs.get(0).run().status());
      assertEquals(List.of("kill"), bw.chaosHistory("web-a", 0).stream().map(ChaosRun::experiment).toList());
      assertEquals(1, bw.chaosHistory("web", 1).size());

      assertEquals(0, cli(clients).execute("chaos", "history", "web"), err.toString());
      String o = out.toString();
      String[] lines = o.split("\n");
      assertEquals(ChaosText.historyHeader(), lines[0]);
      assertTrue(lines[1].contains(" fail-restore         RESTORATION_FAILED -  "), o);
      assertTrue(lines[1].endsWith("chaos-web-fail-restore (FAILED)"), o);
      assertTrue(lines[2].contains(" deviate-latency      DEVIATED           not held      kill=web-2"), o);
      assertTrue(lines[3].contains(" kill-one             HELD               held          kill=web-2 "
          + "                    5/200       -         chaos-web-kill-one"), o);
      assertFalse(o.contains("chaos-web-a-kill"), o);
      assertTrue(o.contains("the hypothesis held in 1 of 2 run(s) that decided it"), o);

      clear();
      assertEquals(0, cli(clients).execute("chaos", "history", "web", "--limit", "2", "--json"), err.toString());
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertEquals(2, json.size());
      assertEquals("DEVIATED", json.get(1).path("result").path("verdict").asText());

      clear();
      assertEquals(0, cli(clients).execute("chaos", "history", "shop"), err.toString());
      assertEquals("(no chaos experiment has run on service shop in namespace default)\n", out.toString());
    }
  }

  @Test
  void withoutSchedulesApiAScheduleIsACronWorkflowThatUnscheduleEnds() throws Exception {
    Path spec = file("kill.yaml", SPEC);
    try (TestWorkflowEnvironment env = environment(true)) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();
      String id = "chaos-web-kill-one-schedule";

      assertEquals(0, cli(clients).execute("chaos", "schedule", spec.toString(), "--cron", "*/5 * * * *", "--by", "bob"),
          err.toString());
      assertTrue(out.toString().startsWith("scheduled kill-one on web as a cron workflow (this server has no Schedules"
          + " API): workflow " + id + ", cron \"*/5 * * * *\""), out.toString());
      HistoryEvent first = env.getWorkflowClient().fetchHistory(id).getHistory().getEvents(0);
      assertEquals("*/5 * * * *", first.getWorkflowExecutionStartedEventAttributes().getCronSchedule());

      clear();
      assertEquals(DeployCommand.EXIT_ALREADY_RUNNING,
          cli(clients).execute("chaos", "schedule", spec.toString(), "--cron", "0 * * * *"));
      assertTrue(err.toString().contains(id + " is scheduled already"), err.toString());

      // Two slots pass: two runs completed, the next one waits for its time.
      env.sleep(Duration.ofMinutes(11));
      List<ChaosRun> runs = BellwetherClient.of(env.getWorkflowClient()).chaosHistory("web", 0);
      assertTrue(runs.size() >= 3, runs.toString());
      assertEquals(BellwetherClient.SCHEDULED, runs.get(0).run().status());
      assertEquals(Verdict.HELD, runs.get(1).verdict());
      assertEquals(Verdict.HELD, runs.get(2).verdict());
      assertTrue(runs.stream().allMatch(r -> r.run().workflowId().equals(id)), runs.toString());

      clear();
      assertEquals(0, cli(clients).execute("chaos", "unschedule", "web", "kill-one"), err.toString());
      assertTrue(out.toString().startsWith("removed cron workflow " + id + ": its next run had not started"),
          out.toString());
      assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
          env.getWorkflowClient().newUntypedWorkflowStub(id).describe().getStatus());
      env.sleep(Duration.ofMinutes(6));
      assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
          env.getWorkflowClient().newUntypedWorkflowStub(id).describe().getStatus());

      clear();
      assertEquals(1, cli(clients).execute("chaos", "unschedule", "web", "kill-one"));
      assertTrue(err.toString().contains("no schedule " + id + ": its cron workflow has ended (TERMINATED)"),
          err.toString());
      clear();
      assertEquals(1, cli(clients).execute("chaos", "unschedule", "web", "never"));
      assertTrue(err.toString().startsWith("no schedule chaos-web-never-schedule in namespace default"), err.toString());
    }
  }

  @Test
  void unscheduleCancelsARunInProgressSoThatItRestores() throws Exception {
    Path spec = file("kill.yaml", SPEC);
    try (TestWorkflowEnvironment env = environment(false)) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();
      String id = "chaos-web-kill-one-schedule";
      // A run in progress under the schedule's id (started without waiting for a cron slot).
      env.getWorkflowClient()
          .newUntypedWorkflowStub("ChaosExperiment", WorkflowOptions.newBuilder().setWorkflowId(id)
              .setTaskQueue(TaskQueues.BELLWETHER).build())
          .start(SpecLoader.chaos(SPEC));
      awaitFirstTask(env.getWorkflowClient(), id);

      assertEquals(0, cli(clients).execute("chaos", "unschedule", "web", "kill-one"), err.toString());

      assertTrue(out.toString().startsWith("canceled cron workflow " + id + ": no further runs; the run in progress"
          + " restores its faults before it ends"), out.toString());
    }
  }

  @Test
  void leasesSayWhenNoCoordinatorRunsAndListWhatItHolds() throws Exception {
    try (TestWorkflowEnvironment env = environment(false)) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();

      assertEquals(0, cli(clients).execute("chaos", "leases"), err.toString());
      assertTrue(out.toString().startsWith("no blast-radius coordinator has run yet (bellwether-chaos-blast-radius"),
          out.toString());

      LeaseRequest lease = new LeaseRequest("chaos-web-kill-one/kill/1", ChaosFixtures.ID, "web", List.of("web-2"),
          Map.of("web-2", "a"), 4, Map.of("a", 2), 0.5, 1_795_000_060_000L);
      WorkflowClient.start(
          env.getWorkflowClient().newWorkflowStub(BlastRadiusWorkflow.class, WorkflowOptions.newBuilder()
              .setWorkflowId(BlastRadiusWorkflow.WORKFLOW_ID).setTaskQueue(TaskQueues.BELLWETHER).build())::run,
          List.of(lease));

      clear();
      assertEquals(0, cli(clients).execute("chaos", "leases"), err.toString());
      assertTrue(out.toString().startsWith("LEASE "), out.toString());
      assertTrue(out.toString().contains("chaos-web-kill-one/kill/1"), out.toString());
      assertTrue(out.toString().contains("    held by chaos-web-kill-one"), out.toString());

      clear();
      assertEquals(0, cli(clients).execute("chaos", "leases", "--json"), err.toString());
      assertEquals("web-2", new ObjectMapper().readTree(out.toString()).get(0).path("servers").get(0).asText());
    }
  }

  /** Waits until the run's first workflow task has started, so that it is in progress. */
  private static void awaitFirstTask(WorkflowClient client, String id) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      if (client.fetchHistory(id).getHistory().getEventsList().stream()
          .anyMatch(e -> e.getEventType() == io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)) {
        return;
      }
      Thread.sleep(20);
    }
    fail(id + " never started a workflow task");
  }

  private static ChaosExperimentSpec rename(ChaosExperimentSpec s, String service, String name) {
    return new ChaosExperimentSpec(service, name, s.hypothesis(), s.requestedBy(), s.probes(), s.baseline(),
        s.interval(), s.faults(), s.guardrails(), s.errorBudget(), s.recoveryTimeout(), s.grace(), s.approval(),
        s.dryRun());
  }

  private static TestWorkflowEnvironment environment(boolean timeSkipping) {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(timeSkipping).build());
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(FakeChaosRun.class, FakeBlastRadius.class);
    env.start();
    return env;
  }
}
