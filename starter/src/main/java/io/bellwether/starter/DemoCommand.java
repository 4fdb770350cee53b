package io.bellwether.starter;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.FaultRecord;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.starter.demo.DemoSpecs;
import io.bellwether.starter.demo.DemoSummary;
import io.bellwether.starter.follow.ProgressView;
import io.bellwether.starter.follow.RunFollower;
import io.bellwether.starter.follow.RunOutcome;
import io.bellwether.starter.follow.RunWatcher;
import io.bellwether.starter.load.LoadGenerator;
import io.bellwether.starter.load.ShopperLoad;
import io.bellwether.starter.report.ABTestReport;
import io.bellwether.starter.report.ChaosReport;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether demo}: a sandbox under steady load, a good rolling upgrade that succeeds, a
 * bad one that rolls back, a canary of a good version that passes its analyses and is promoted, a
 * canary with errors that its analysis rolls back on its own, an A/B test of a new checkout
 * against simulated shoppers (its HTML report written to {@code .bellwether/demo-abtest-report.html}),
 * a blue-green release of the shop
 * pool through an approval gate that the demo opens with a signal, a chaos experiment that kills
 * one of the web instances under load and restores it (its report written to {@code
 * .bellwether/demo-chaos-report.html} and {@code .json}), and a summary of what users would have
 * seen. The sandbox always goes down at the end, also on failure or Ctrl-C.
 */
@Command(
    name = "demo",
    description = "Sandbox + load + a good rolling upgrade (succeeds) + a bad one (rolls back)"
        + " + a good canary (promoted) + a canary with errors (rolled back on its own)"
        + " + an A/B test of a new checkout with simulated shoppers (decided by statistics, report written)"
        + " + a gated blue-green release (approved by signal)"
        + " + a chaos experiment killing one web instance under load (hypothesis checked, instance restored, report written),"
        + " then down.",
    footer = {"", "Exit code 0 when every run ended as expected and no request failed, except the error canary's"
        + " own before its rollback and any the chaos experiment's hypothesis and error budget allow."})
final class DemoCommand implements Callable<Integer> {
  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Option(names = "--summary-json", paramLabel = "FILE", description = "Also write the summary as JSON.")
  Path summaryJson;

  @Option(names = "--instances", defaultValue = "4", description = "Demo-app instances (default: ${DEFAULT-VALUE}).")
  int instances;

  @Option(names = "--temporal-port", defaultValue = "7233", description = "Temporal port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int temporalPort;

  @Option(names = "--dir", description = "Sandbox directory (default: <checkout>/.bellwether/sandbox).")
  Path dir;

  @Option(names = "--rate", defaultValue = "40", description = "Requests per second through HAProxy (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--post-share", defaultValue = "0.3", description = "Share of POST requests (default: ${DEFAULT-VALUE}).")
  double postShare;

  private final Object lock = new Object();
  private Sandbox sandbox;
  private LoadGenerator load;
  private LoadGenerator shopLoad;
  private LoadGenerator chaosLoad;
  private boolean finished;
  // The A/B test's simulated shoppers, counted into the summary's totals.
  private long shopperRequests;
  private long shopperFailures;
  private final List<String> shopperErrors = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    SandboxOptions options =
        SandboxOptions.defaults()
            .withInstances(instances)
            .withVersion("1.0.0")
            .withTemporalPort(temporalPort)
            .withDir(BellwetherCli.callerPath(dir));
    Path sandboxDir = options.dirOrDefault();
    if (Files.isRegularFile(sandboxDir.resolve(Sandbox.STATE_FILE)) && Sandbox.load(sandboxDir).isRunning()) {
      // Refused before anything is ours, so the teardown below never touches that sandbox.
      throw new IllegalStateException("a sandbox is already running in " + sandboxDir
          + "; stop it with 'bellwether down' or give the demo another --dir");
    }
    // Ctrl-C ends the JVM without unwinding this method; the hook still takes everything down.
    Thread hook = new Thread(() -> tearDown(sandboxDir, true), "bellwether-demo-down");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      out.println("== starting the sandbox in " + sandboxDir);
      out.flush();
      Sandbox s = Sandbox.up(options);
      synchronized (lock) {
        sandbox = s;
      }
      UpCommand.printAddresses(out, s);

      LoadGenerator lg = new LoadGenerator(s.frontendUrl(), rate, postShare);
      synchronized (lock) {
        load = lg;
      }
      out.println();
      out.println("== steady load: " + rate + " req/s through " + s.frontendUrl() + ", "
          + Math.round(postShare * 100) + "% POST");
      out.flush();
      lg.start();
      LoadGenerator.Counts warm = awaitTraffic(lg);
      out.println("   warm-up: " + LoadGenerator.describe(warm));

      WorkflowClient client = root.client(s.temporalTarget());
      List<DemoSummary.Run> runs = new ArrayList<>();
      LoadGenerator.Counts begin = lg.snapshot();
      runs.add(run(out, client, lg, "1.0.0", DemoSpecs.good(), RunOutcome.SUCCEEDED,
          "a good upgrade, 1.0.0 -> " + DemoSpecs.ROLLING_VERSION));
      runs.add(run(out, client, lg, DemoSpecs.ROLLING_VERSION, DemoSpecs.bad(), RunOutcome.ROLLED_BACK,
          "a bad upgrade, " + DemoSpecs.ROLLING_VERSION + " -> " + DemoSpecs.BAD_VERSION + " (fails its health check)"));
      runs.add(canary(out, client, lg, DemoSpecs.ROLLING_VERSION, DemoSpecs.canaryGood(), RunOutcome.SUCCEEDED, 0,
          "a canary of " + DemoSpecs.GOOD_VERSION + " beside " + DemoSpecs.ROLLING_VERSION
              + ": 20%, analysis, 50%, analysis, then promoted"));
      runs.add(canary(out, client, lg, DemoSpecs.GOOD_VERSION, DemoSpecs.canaryBad(), RunOutcome.ROLLED_BACK,
          DemoSpecs.ERROR_CANARY_ERROR_RATE,
          "a canary of " + DemoSpecs.ERROR_CANARY_VERSION + " (5% errors) beside " + DemoSpecs.GOOD_VERSION
              + ": its analysis rolls it back"));
      runs.add(abTest(out, client, s, lg, DemoSpecs.GOOD_VERSION));
      // One more second of traffic shows the pool serving after the last run.
      Thread.sleep(1_000);
      lg.stop();
      LoadGenerator.Counts total = lg.snapshot().minus(begin);

      LoadGenerator.Counts shop = blueGreen(out, client, s, runs);
      LoadGenerator.Counts chaos = chaos(out, client, s, runs);

      List<String> sampleErrors = new ArrayList<>(total.sampleErrors());
      sampleErrors.addAll(shop.sampleErrors());
      sampleErrors.addAll(shopperErrors);
      sampleErrors.addAll(chaos.sampleErrors());
      DemoSummary summary =
          new DemoSummary(
              runs,
              total.sent() + shop.sent() + shopperRequests + chaos.sent(),
              total.failed() + shop.failed() + shopperFailures + chaos.failed(),
              sampleErrors);
      out.println();
      out.println("== summary");
      out.println(summary.table());
      if (!sampleErrors.isEmpty()) {
        out.println("sample failures:");
        sampleErrors.forEach(e -> out.println("  " + e));
      }
      if (summaryJson != null) {
        Path summaryFile = BellwetherCli.callerPath(summaryJson);
        Path parent = summaryFile.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(summaryFile, summary.toJson() + "\n");
        out.println("summary written to " + summaryFile);
      }
      out.flush();
      return summary.passed() ? 0 : 1;
    } finally {
      out.println();
      out.println("== taking the sandbox down");
      out.flush();
      tearDown(sandboxDir, false);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook is running or has run.
      }
    }
  }

  private DemoSummary.Run run(
      PrintWriter out,
      WorkflowClient client,
      LoadGenerator lg,
      String fromVersion,
      RollingDeploymentSpec rolling,
      String expected,
      String title) {
    String id = WorkflowIds.rolling(rolling);
    out.println();
    out.println("== " + title + ": " + id);
    out.flush();
    LoadGenerator.Counts before = lg.snapshot();
    RollingDeploymentWorkflow stub =
        client.newWorkflowStub(
            RollingDeploymentWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
    WorkflowClient.start(stub::run, rolling);
    RunOutcome outcome =
        new RunWatcher(client).follow(id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
    LoadGenerator.Counts during = lg.snapshot().minus(before);
    DeployCommand.printOutcome(out, outcome);
    out.println("   traffic during the run: " + LoadGenerator.describe(during));
    out.flush();
    return new DemoSummary.Run(
        id,
        fromVersion,
        rolling.version(),
        expected,
        outcome.outcome(),
        outcome.elapsed().toMillis(),
        during.sent(),
        during.failed(),
        during.okByVersion(),
        outcome.message());
  }

  /**
   * A canary run under the load, followed live. {@code errorRate} is the canary version's error
   * rate by design (0 for a good version): with it the run may fail requests, and the summary
   * gives the floor they are measured against.
   */
  private DemoSummary.Run canary(
      PrintWriter out,
      WorkflowClient client,
      LoadGenerator lg,
      String fromVersion,
      CanaryReleaseSpec spec,
      String expected,
      double errorRate,
      String title) {
    String id = WorkflowIds.canary(spec);
    out.println();
    out.println("== " + title + ": " + id);
    out.flush();
    LoadGenerator.Counts before = lg.snapshot();
    CanaryReleaseWorkflow stub =
        client.newWorkflowStub(
            CanaryReleaseWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
    WorkflowClient.start(stub::run, spec);
    RunOutcome outcome =
        new RunWatcher(client).followCanary(id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
    LoadGenerator.Counts during = lg.snapshot().minus(before);
    DeployCommand.printOutcome(out, outcome);
    CanaryResult result = outcome.canary();
    String verdict = DemoSummary.canaryVerdict(result);
    out.println("   verdict: " + verdict);
    out.println("   traffic during the run: " + LoadGenerator.describe(during));
    Long exposure = null;
    Double floor = null;
    if (result != null && result.firstTrafficMillis() > 0 && result.stableOnlyMillis() >= result.firstTrafficMillis()) {
      exposure = result.stableOnlyMillis() - result.firstTrafficMillis();
    }
    if (errorRate > 0) {
      double seconds = exposure == null ? 0 : exposure / 1000.0;
      floor = rate * (DemoSpecs.CANARY_FIRST_WEIGHT / 100.0) * errorRate * seconds;
      out.println(String.format(java.util.Locale.ROOT,
          "   blast radius: %d failed requests; floor = %d req/s x %d%% x %.0f%% errors x %.1fs = %.1f",
          during.failed(), rate, DemoSpecs.CANARY_FIRST_WEIGHT, errorRate * 100, seconds, floor));
    }
    out.flush();
    return new DemoSummary.Run(
        id,
        fromVersion,
        spec.version(),
        expected,
        outcome.outcome(),
        outcome.elapsed().toMillis(),
        during.sent(),
        during.failed(),
        during.okByVersion(),
        outcome.message(),
        verdict,
        errorRate > 0,
        floor,
        exposure == null ? 0L : exposure);
  }

  /**
   * The A/B test under the steady load plus simulated shoppers with stable ids: followed live, its
   * HTML report written beside the sandbox, and the split checked empty afterwards. Either
   * conclusion the statistics reach is a correct run: with these shoppers' random decisions the
   * plan finds the new checkout's lift 9 times in 10 (its power), and otherwise reports no
   * difference and reverts. A guardrail stop or a failure is not expected.
   */
  private DemoSummary.Run abTest(
      PrintWriter out, WorkflowClient client, Sandbox s, LoadGenerator lg, String fromVersion)
      throws java.io.IOException {
    ABTestSpec spec = DemoSpecs.abTest();
    String id = WorkflowIds.abTest(spec);
    out.println();
    out.println("== an A/B test: " + spec.variants().get(0).version() + " (control) against "
        + spec.variants().get(1).version() + " (new checkout), 50/50 by user id: " + id);
    out.println("   shoppers: " + DemoSpecs.AB_SHOPPERS_PER_SECOND + " arrivals/s with stable user ids through "
        + s.frontendUrl() + "shop");
    out.flush();
    ShopperLoad shoppers =
        new ShopperLoad(
            ShopperLoad.Settings.of(s.frontendUrl(), 50_000, DemoSpecs.AB_SHOPPERS_PER_SECOND)
                .withReturningShare(0.2)
                .withBuyMode(ShopperLoad.BuyMode.RANDOM)
                .withSeed(2026));
    LoadGenerator.Counts before = lg.snapshot();
    RunOutcome outcome;
    ShopperLoad.Snapshot seen;
    ABTestWorkflow stub =
        client.newWorkflowStub(
            ABTestWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
    SplitWindow window = new SplitWindow(stub, shoppers);
    try {
      shoppers.start();
      WorkflowClient.start(stub::run, spec);
      window.start();
      outcome =
          new RunWatcher(client).followABTest(id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
    } finally {
      window.stop();
      shoppers.close();
    }
    seen = shoppers.snapshot();
    shopperRequests += seen.requests();
    shopperFailures += seen.failed();
    shopperErrors.addAll(seen.sampleErrors());
    LoadGenerator.Counts during = lg.snapshot().minus(before);
    DeployCommand.printOutcome(out, outcome);
    ABTestResult result = outcome.abTest();
    String verdict = DemoSummary.abTestVerdict(result);
    out.println("   verdict: " + verdict);
    ShopperLoad.Snapshot open = window.whileOpen();
    if (open != null) {
      out.println(String.format(java.util.Locale.ROOT,
          "   while the split was open: %d shoppers, %d saw more than one variant; control got %.1f%% of them (planned 50%%)",
          open.users(), open.stickyViolations(), open.userShare("control") * 100));
      if (open.stickyViolations() > 0) {
        out.println("   saw more than one variant: " + String.join("; ", open.violationSamples()));
      }
    }
    out.println("   shoppers, whole run: " + ShopperLoad.describe(seen));
    out.println("   traffic during the run: " + LoadGenerator.describe(during));
    Path report = s.dir().resolveSibling("demo-abtest-report.html");
    try {
      ABTestStatus status = client.newWorkflowStub(ABTestWorkflow.class, id).status();
      ReportCommand.write(report, ABTestReport.html(status, spec, id, ZoneId.systemDefault()));
      out.println("   report: " + report);
    } catch (RuntimeException e) {
      out.println("   report: not written (" + e.getMessage() + ")");
    }
    out.flush();
    boolean concluded =
        result != null
            && (result.outcome() == Outcome.WINNER || result.outcome() == Outcome.NO_DIFFERENCE);
    String toVersion =
        result != null && ABTestResult.ROLLED_OUT.equals(result.decision())
            ? spec.variants().get(1).version()
            : fromVersion;
    boolean sticky = open != null && open.stickyViolations() == 0;
    return new DemoSummary.Run(
        id,
        fromVersion,
        toVersion,
        RunOutcome.SUCCEEDED,
        !concluded
            ? "NOT_CONCLUDED (" + outcome.outcome() + ")"
            : sticky ? outcome.outcome() : "NOT_STICKY (" + outcome.outcome() + ")",
        outcome.elapsed().toMillis(),
        during.sent() + seen.requests(),
        during.failed() + seen.failed(),
        during.okByVersion(),
        outcome.message(),
        verdict,
        false,
        null,
        0L);
  }

  /**
   * Watches an A/B test's status from a thread of its own: when the split opens it starts a new
   * phase of the shoppers' observations, and when collection ends it keeps what they saw while it
   * was open (users who met two variants then would be a broken assignment; before and after, moving
   * between the stable backend and a variant is the point).
   */
  private static final class SplitWindow {
    private final ABTestWorkflow run;
    private final ShopperLoad shoppers;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile ShopperLoad.Snapshot whileOpen;

    SplitWindow(ABTestWorkflow run, ShopperLoad shoppers) {
      this.run = run;
      this.shoppers = shoppers;
      this.thread = new Thread(this::watch, "bellwether-demo-split-window");
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void watch() {
      ABTestStatus lastOpen = null;
      while (!stopping) {
        try {
          ABTestStatus s = run.status();
          if (lastOpen == null && s.splitOpen()) {
            shoppers.resetObservations();
            lastOpen = s;
          } else if (lastOpen != null && (s.evaluation() != null || !s.splitOpen())) {
            // Collection ended: the decision is made and the split is closing (users then go back
            // to the stable backend, which is no broken assignment). Polling cannot tell when the
            // router changed, so the cut is the run's own record: the decision, written before
            // the split is closed, else the last event written while it was still open.
            whileOpen = shoppers.snapshot(closingCut(lastOpen, s));
            return;
          } else if (lastOpen != null) {
            lastOpen = s;
          }
        } catch (RuntimeException e) {
          // The run has no workflow task yet, or the server is briefly busy: ask again.
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** The latest moment the split was surely still open, from the run's audit trail. */
    static Instant closingCut(ABTestStatus lastOpen, ABTestStatus closing) {
      for (RunEvent e : closing.events()) {
        if ("evaluated".equals(e.action())) {
          return Instant.parse(e.time());
        }
      }
      List<RunEvent> events = lastOpen.events();
      return events.isEmpty() ? Instant.EPOCH : Instant.parse(events.get(events.size() - 1).time());
    }

    void stop() {
      stopping = true;
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** What the shoppers saw while the split was open; null when it never opened and closed. */
    ShopperLoad.Snapshot whileOpen() {
      return whileOpen;
    }
  }

  /**
   * The blue-green release of pool shop under its own load, through the gate: once the gate is
   * open, the demo approves as a release manager through the {@code approve} signal, the same one
   * {@code temporal workflow signal} sends. Returns the shop traffic from the warm-up's end to one
   * second after the run.
   */
  private LoadGenerator.Counts blueGreen(
      PrintWriter out, WorkflowClient client, Sandbox s, List<DemoSummary.Run> runs) throws InterruptedException {
    BlueGreenDeploymentSpec bg = DemoSpecs.blueGreen();
    String id = WorkflowIds.blueGreen(bg);
    out.println();
    out.println("== a blue-green release of " + bg.service() + ", " + s.poolVersion() + " -> " + bg.version()
        + ", gated for " + Sandbox.APPROVER_GROUP + ": " + id);
    out.println("   steady load: " + rate + " req/s through " + s.shopFrontendUrl());
    out.flush();
    LoadGenerator lg = new LoadGenerator(s.shopFrontendUrl(), rate, postShare);
    synchronized (lock) {
      shopLoad = lg;
    }
    lg.start();
    LoadGenerator.Counts warm = awaitTraffic(lg);
    out.println("   warm-up: " + LoadGenerator.describe(warm));
    out.flush();
    LoadGenerator.Counts before = lg.snapshot();
    BlueGreenDeploymentWorkflow stub =
        client.newWorkflowStub(
            BlueGreenDeploymentWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
    WorkflowClient.start(stub::run, bg);
    RunFollower follower = new RunFollower(out, root.tty(), ZoneId.systemDefault(), id);
    Thread approver = new Thread(() -> approveWhenOpen(client, id, follower), "bellwether-demo-approver");
    approver.setDaemon(true);
    approver.start();
    RunOutcome outcome = new RunWatcher(client).followBlueGreen(id, follower);
    approver.interrupt();
    approver.join(2_000);
    // One more second shows green (or blue, after a failure) serving alone.
    Thread.sleep(1_000);
    LoadGenerator.Counts during = lg.snapshot().minus(before);
    lg.stop();
    DeployCommand.printOutcome(out, outcome);
    out.println("   traffic during the run: " + LoadGenerator.describe(during));
    out.flush();
    runs.add(new DemoSummary.Run(
        id,
        s.poolVersion(),
        bg.version(),
        RunOutcome.SUCCEEDED,
        outcome.outcome(),
        outcome.elapsed().toMillis(),
        during.sent(),
        during.failed(),
        during.okByVersion(),
        outcome.message()));
    return during;
  }

  /**
   * The chaos experiment: one web instance killed for a while under steady load through the main
   * frontend, restored, and the recovery verified by the workflow; followed live, its report (HTML
   * and JSON) written beside the sandbox. Expected: verdict HELD. A kill may fail the few POSTs
   * that were with the instance when it died (HAProxy does not replay them), so its failures are
   * judged by the experiment's own hypothesis and error budget. Returns the traffic of the stage.
   */
  private LoadGenerator.Counts chaos(PrintWriter out, WorkflowClient client, Sandbox s, List<DemoSummary.Run> runs)
      throws InterruptedException {
    ChaosExperimentSpec spec = DemoSpecs.chaos(s.instances().size());
    String id = WorkflowIds.chaos(spec);
    out.println();
    out.println("== a chaos experiment on " + spec.service() + ": one of " + s.instances().size()
        + " instances killed for " + DemoSpecs.CHAOS_FAULT_DURATION + " (seed " + DemoSpecs.CHAOS_SEED
        + "), then restarted: " + id);
    out.println("   hypothesis: " + spec.hypothesis());
    out.println("   steady load: " + rate + " req/s through " + s.frontendUrl() + ", "
        + Math.round(postShare * 100) + "% POST");
    out.flush();
    LoadGenerator lg = new LoadGenerator(s.frontendUrl(), rate, postShare);
    synchronized (lock) {
      chaosLoad = lg;
    }
    lg.start();
    LoadGenerator.Counts warm = awaitTraffic(lg);
    out.println("   warm-up: " + LoadGenerator.describe(warm));
    out.flush();
    // The baseline reads rates over 10 s windows; a few scrapes of traffic make them meaningful.
    Thread.sleep(3_000);
    LoadGenerator.Counts before = lg.snapshot();
    ChaosExperimentWorkflow stub =
        client.newWorkflowStub(
            ChaosExperimentWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
    WorkflowClient.start(stub::run, spec);
    RunOutcome outcome =
        new RunWatcher(client).followChaos(id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
    LoadGenerator.Counts during = lg.snapshot().minus(before);
    lg.stop();
    DeployCommand.printOutcome(out, outcome);
    ChaosResult result = outcome.chaos();
    String verdict = chaosVerdict(result);
    out.println("   verdict: " + verdict);
    out.println("   traffic during the run: " + LoadGenerator.describe(during));
    Path report = s.dir().resolveSibling("demo-chaos-report.html");
    String written = null;
    try {
      ChaosReport.load(client, id).writeTo(report);
      written = report.toString();
      out.println("   report: " + report + " (and " + ChaosReport.jsonFileFor(report).getFileName() + ")");
    } catch (RuntimeException e) {
      out.println("   report: not written (" + e.getMessage() + ")");
    }
    out.flush();
    boolean held = result != null && result.verdict() == Verdict.HELD;
    // Nothing is deployed: the row shows the version that served the run.
    String from =
        during.okByVersion().entrySet().stream()
            .max(java.util.Map.Entry.comparingByValue())
            .map(java.util.Map.Entry::getKey)
            .orElse("-");
    runs.add(new DemoSummary.Run(
        id,
        from,
        from,
        RunOutcome.SUCCEEDED,
        held ? outcome.outcome() : (result == null ? "NO_RESULT" : result.verdict().name()) + " (" + outcome.outcome() + ")",
        outcome.elapsed().toMillis(),
        during.sent(),
        during.failed(),
        during.okByVersion(),
        outcome.message(),
        verdict,
        true,
        null,
        null,
        written));
    return during;
  }

  /**
   * A chaos experiment's conclusion in a few words: {@code HELD: hypothesis held; killed web-3
   * 15.0s, restored; 0 of 61 allowed requests burned}.
   */
  static String chaosVerdict(ChaosResult r) {
    if (r == null) {
      return "no result";
    }
    StringBuilder b = new StringBuilder(r.verdict() == null ? "no verdict" : r.verdict().name());
    if (r.hypothesisHeld() != null) {
      b.append(r.hypothesisHeld() ? ": hypothesis held" : ": hypothesis did not hold");
    }
    for (FaultRecord f : r.faults()) {
      b.append("; ").append(f.fault()).append(" step ").append(f.step()).append(' ')
          .append(f.targets().stream().map(t -> t.name()).toList()).append(' ')
          .append(f.state() == null ? "" : f.state().toLowerCase(java.util.Locale.ROOT));
      if (f.endedBy() != null) {
        b.append(" (").append(f.endedBy()).append(')');
      }
    }
    if (r.budget() != null && r.budget().allowance() != null) {
      // The allowance is a share of the expected requests, so it may be a fraction of one.
      b.append(String.format(java.util.Locale.ROOT, "; error budget %.0f of %s allowed failed requests burned (%.0f seen)",
          r.budget().burned(), number(r.budget().allowance()), r.budget().seen()));
    }
    if (r.breachToRestoredMillis() > 0) {
      b.append("; breach to restored ").append(r.breachToRestoredMillis()).append(" ms");
    }
    if (r.reason() != null && !r.reason().isBlank() && r.verdict() != Verdict.HELD) {
      b.append(" - ").append(r.reason());
    }
    return b.toString();
  }

  /** {@code 12}, or {@code 0.3} below 10. */
  private static String number(double d) {
    return d >= 10 ? String.format(java.util.Locale.ROOT, "%.0f", d) : String.format(java.util.Locale.ROOT, "%.1f", d);
  }

  /** Waits for the run's gate to open, then approves through the signal, as a chat bot would. */
  private static void approveWhenOpen(WorkflowClient client, String id, RunFollower follower) {
    WorkflowStub run = client.newUntypedWorkflowStub(id);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      try {
        BlueGreenStatus st = run.query("status", BlueGreenStatus.class);
        if (st.phase() != null && st.phase().isFinal()) {
          return;
        }
        GateStatus gate = st.gate();
        if (gate != null && ProgressView.GATE_OPEN.equals(gate.state())) {
          follower.note("demo: the gate is open; " + DemoSpecs.BLUE_GREEN_APPROVER
              + " approves it with the 'approve' signal");
          run.signal("approve", new OperatorRequest(DemoSpecs.BLUE_GREEN_APPROVER,
              "demo: green passed health and smoke checks"));
          return;
        }
      } catch (RuntimeException e) {
        // No status yet (the first workflow task has not run); ask again.
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Waits until traffic flows through HAProxy, so a broken sandbox fails before any run. */
  private static LoadGenerator.Counts awaitTraffic(LoadGenerator lg) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    LoadGenerator.Counts c = lg.snapshot();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      c = lg.snapshot();
      if (c.ok() >= 20) {
        return c;
      }
    }
    throw new IllegalStateException("no traffic got through HAProxy within 10s: " + LoadGenerator.describe(c)
        + (c.sampleErrors().isEmpty() ? "" : "; last error: " + c.sampleErrors().get(c.sampleErrors().size() - 1)));
  }

  private void tearDown(Path sandboxDir, boolean fromHook) {
    Sandbox s;
    LoadGenerator lg;
    LoadGenerator shop;
    LoadGenerator chaos;
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
      s = sandbox;
      lg = load;
      shop = shopLoad;
      chaos = chaosLoad;
    }
    if (lg != null) {
      lg.close();
    }
    if (shop != null) {
      shop.close();
    }
    if (chaos != null) {
      chaos.close();
    }
    try {
      if (s != null) {
        s.down();
      } else if (Files.isRegularFile(sandboxDir.resolve(Sandbox.STATE_FILE))) {
        // Interrupted during up: what had started is recorded step by step.
        Sandbox.load(sandboxDir).down();
      }
    } catch (Exception e) {
      if (fromHook) {
        System.err.println("bellwether demo: sandbox down failed: " + e.getMessage());
      } else {
        throw new IllegalStateException("sandbox down failed: " + e.getMessage(), e);
      }
    }
  }
}
