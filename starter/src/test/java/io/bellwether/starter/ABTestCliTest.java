package io.bellwether.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bellwether.client.BellwetherClient;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.follow.RunOutcome;
import io.bellwether.starter.report.ABTestFixtures;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's A/B test parts: deploy checks, the started line, status table, outcome, report; and a run against a fake. */
class ABTestCliTest {
  static final String AB = ABTestFixtures.YAML;

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

  @Test
  void anInvalidABTestIsExitTwoWithEveryProblemAndNoTemporal() throws Exception {
    Path spec = tmp.resolve("bad-ab.yaml");
    Files.writeString(spec, AB.replace("  - {name: one-page, version: 4.1.0, share: 50}\n", "")
        .replace("interval: 1m", "interval: 1m\nonWinner: ship\ncolour: red"));

    assertEquals(2, cli().execute("deploy", "-f", spec.toString()));

    assertEquals(0, clientsOpened.get());
    String e = err.toString();
    assertTrue(e.contains("nothing was started"), e);
    assertTrue(e.contains("  variants"), e);
    assertTrue(e.contains("  onWinner: "), e);
    assertTrue(e.contains("  colour: "), e);
  }

  @Test
  void anUnknownKindNamesAllFive() throws Exception {
    Path spec = tmp.resolve("odd.yaml");
    Files.writeString(spec, "kind: Experiment\nservice: web\n");
    assertEquals(2, cli().execute("deploy", "-f", spec.toString()));
    assertTrue(err.toString().contains("RollingDeployment, BlueGreenDeployment, CanaryRelease, ABTest or ChaosExperiment, got 'Experiment'"),
        err.toString());
  }

  @Test
  void deployKnowsEveryKindTheClientKnows() {
    Set<String> types = DeployCommand.KINDS.values().stream().map(DeployCommand.Kind::workflowType).collect(Collectors.toSet());
    assertEquals(Set.copyOf(BellwetherClient.TYPES), types);
    assertEquals("ABTest", DeployCommand.KINDS.get(ABTestSpec.KIND).workflowType());
    assertTrue(DeployCommand.KINDS.get(ABTestSpec.KIND).report());
  }

  @Test
  void deployFillsInTheRequesterOnlyWhenMissingAndDescribesTheTest() {
    ABTestSpec anonymous = SpecLoader.abTest(AB);
    ABTestSpec filled = DeployCommand.withRequester(anonymous, "alice");
    assertEquals("alice", filled.requestedBy());
    assertEquals(anonymous.variants(), filled.variants());
    assertEquals(anonymous.plan(), filled.plan());
    assertEquals(anonymous.guardrails(), filled.guardrails());
    assertEquals("carol", DeployCommand.withRequester(SpecLoader.abTest(AB + "requestedBy: carol\n"), "alice").requestedBy());

    assertEquals("web checkout: control 4.0.0 50%, one-page 4.1.0 50%; needs 3841 exposures per variant",
        DeployCommand.describe(anonymous));
  }

  @Test
  void statusPrintsTheABTestTables() {
    StringWriter sw = new StringWriter();
    StatusCommand.print(new PrintWriter(sw), "abtest-web-checkout", ABTestFixtures.rolledOut(), ZoneOffset.UTC);
    String s = sw.toString();

    assertTrue(s.startsWith("abtest-web-checkout  web checkout  SUCCEEDED\n"), s);
    assertTrue(s.contains("  SUCCEEDED  sample [##########] 100% of 4680/variant  split closed  outcome WINNER one-page"), s);
    assertTrue(s.contains("  hypothesis: " + ABTestFixtures.HYPOTHESIS), s);
    assertTrue(s.contains("  VARIANT              VERSION      SHARE  EXPOSURES CONVERSIONS     RATE  REQUIRED  STOPPED"), s);
    assertTrue(s.contains("  one-page             4.1.0          30%       4800         715   14.90%      4680  -"), s);
    assertTrue(s.contains("  plan: 4680 exposures per variant"), s);
    assertTrue(s.contains("  one-page             14.90%   +4.77 pts    +47.1%   +3.52 .. +6.02 pts (97.5%)   <0.0001  <0.0001  yes"), s);
    assertTrue(s.contains("  outcome WINNER one-page; decision: rolled out (through abtest-web-checkout-rollout); confirmed by alice"), s);
    assertTrue(s.contains("  gate confirm: APPROVED, approvals 1/1 (alice)"), s);
    assertTrue(s.contains("REFUSED: the run's requester may not approve it"), s);
    assertTrue(s.contains("rolled-out"), s);
    assertTrue(s.contains("charts: bellwether report abtest-web-checkout"), s);
    assertFalse(s.contains("null"), s);
  }

  @Test
  void theEndOfDeployNamesOutcomeDecisionAndSummary() {
    StringWriter sw = new StringWriter();
    ABTestResult r = new ABTestResult("web", "checkout", Phase.SUCCEEDED, Outcome.WINNER, "one-page",
        ABTestResult.ROLLED_OUT, ABTestFixtures.evaluation(), "abtest-web-checkout-rollout", null);

    DeployCommand.printOutcome(new PrintWriter(sw),
        new RunOutcome("abtest-web-checkout", "SUCCEEDED", null, null, Duration.ofSeconds(42), null, null, r));

    assertEquals("SUCCEEDED  abtest-web-checkout  after 42.0s\n"
        + "  outcome WINNER one-page; decision: rolled out (through abtest-web-checkout-rollout)\n"
        + "  " + ABTestFixtures.SUMMARY + "\n", sw.toString());
  }

  @Test
  void aReportGoesToItsDefaultFile() {
    assertEquals("abtest-web-checkout-report.html", ReportCommand.defaultFile("abtest-web-checkout"));
  }

  // --- against an in-memory Temporal with a fake A/B test ---

  @Test
  void deployStartsAnABTestFollowsItToItsDecisionThenStatusAndReportReadIt() throws Exception {
    Path spec = tmp.resolve("ab.yaml");
    Files.writeString(spec, AB);
    try (TestWorkflowEnvironment env = environment()) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();

      assertEquals(0, cli(clients).execute("deploy", "-f", spec.toString(), "--by", "bob"), err.toString());

      String o = out.toString();
      assertTrue(o.startsWith("started abtest-web-checkout (web checkout: control 4.0.0 50%, one-page 4.1.0 50%; "
          + "needs 3841 exposures per variant) on "), o);
      assertTrue(o.contains("  read after 6 min  control 4800/486 10.13%"), o);
      assertTrue(o.contains("COLLECTING  sample [##########] 100% of 4680/variant  split open  outcome PENDING"), o);
      assertTrue(o.contains("  evaluation (fixed method, alpha 0.05, after 6 min):"), o);
      assertTrue(o.contains("\nSUCCEEDED  abtest-web-checkout  after "), o);
      assertTrue(o.contains("  outcome WINNER one-page; decision: rolled out (through abtest-web-checkout-rollout)"), o);
      assertTrue(o.contains("  report: bellwether report abtest-web-checkout"), o);
      // The run got the spec with the requester filled in.
      ABTestSpec started = BellwetherClient.of(env.getWorkflowClient()).abTestSpec("abtest-web-checkout").orElseThrow();
      assertEquals("bob", started.requestedBy());

      out.getBuffer().setLength(0);
      assertEquals(0, cli(clients).execute("status", "abtest-web-checkout"), err.toString());
      assertTrue(out.toString().startsWith("abtest-web-checkout  web checkout  SUCCEEDED\n"), out.toString());

      out.getBuffer().setLength(0);
      Path file = tmp.resolve("r.html");
      assertEquals(0, cli(clients).execute("report", "abtest-web-checkout", "-o", file.toString()), err.toString());
      assertEquals("wrote " + file + " (SUCCEEDED, outcome WINNER one-page)\n", out.toString());
      String page = Files.readString(file);
      assertTrue(page.contains("<title>A/B test report: web checkout (abtest-web-checkout)</title>"), page);
      // The guardrail's bound comes from the spec the run was started with.
      assertTrue(page.contains("Guardrail error-rate <span class=\"muted\">bound &lt;= 0.05"), page);

      out.getBuffer().setLength(0);
      assertEquals(0, cli(clients).execute("list"), err.toString());
      assertTrue(out.toString().contains("abtest-web-checkout"), out.toString());
      assertTrue(out.toString().contains("ABTest"), out.toString());
    }
  }

  @Test
  void aSecondDeployWhileTheTestRunsIsExitThreeAndRollbackStopsIt() throws Exception {
    Path spec = tmp.resolve("ab.yaml");
    Files.writeString(spec, AB);
    try (TestWorkflowEnvironment env = environment()) {
      BellwetherCli.ClientFactory clients = (target, namespace) -> env.getWorkflowClient();

      assertEquals(0, cli(clients).execute("deploy", "-f", spec.toString(), "--no-follow"), err.toString());
      assertEquals(DeployCommand.EXIT_ALREADY_RUNNING, cli(clients).execute("deploy", "-f", spec.toString()));
      assertTrue(err.toString().contains("abtest-web-checkout is already running"), err.toString());

      assertEquals(0, cli(clients).execute("rollback", "abtest-web-checkout", "--reason", "stop", "--by", "bob"),
          err.toString());
      ABTestResult r = BellwetherClient.of(env.getWorkflowClient())
          .result("abtest-web-checkout", ABTestResult.class, Duration.ofSeconds(10));
      assertEquals(Outcome.STOPPED, r.outcome());
    }
  }

  private static TestWorkflowEnvironment environment() {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker = env.newWorker(TaskQueues.BELLWETHER);
    worker.registerWorkflowImplementationTypes(FakeABTestRun.class);
    env.start();
    return env;
  }
}
