package io.bellwether.starter;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.abtest.SampleSize;
import io.bellwether.contracts.abtest.Variant;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.starter.follow.RunFollower;
import io.bellwether.starter.follow.RunOutcome;
import io.bellwether.starter.follow.RunWatcher;
import io.bellwether.starter.report.ABTestText;
import io.bellwether.starter.report.ChaosText;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether deploy -f spec.yaml}: starts the run the spec's {@code kind} names
 * (RollingDeployment when absent, BlueGreenDeployment, CanaryRelease, ABTest or ChaosExperiment)
 * and follows it.
 * Every kind goes through the same steps ({@link #deploy}); what differs is in its {@link Kind}.
 */
@Command(
    name = "deploy",
    description =
        "Start a RollingDeployment, BlueGreenDeployment, CanaryRelease, ABTest or ChaosExperiment (by the spec's kind) and follow it.",
    footer = {
      "",
      "Exit codes: 0 succeeded; 1 rolled back, aborted, failed or canceled; 2 invalid spec;",
      "3 a run with the same id is already running."
    })
final class DeployCommand implements Callable<Integer> {
  static final int EXIT_ALREADY_RUNNING = 3;

  /**
   * What deploy needs to know of one kind of spec.
   *
   * @param workflowType the workflow type it starts
   * @param parse parses and validates the text (throws {@link InvalidSpecException})
   * @param withRequester the spec with {@code requestedBy} filled in when it names nobody
   * @param id the workflow id the spec gives
   * @param describe what the run does, in the {@code started} line
   * @param follow follows the run to its end
   * @param report whether the run has an HTML report to point to
   */
  record Kind<S>(
      String workflowType,
      Function<String, S> parse,
      BiFunction<S, String, S> withRequester,
      Function<S, String> id,
      Function<S, String> describe,
      Follow follow,
      boolean report) {}

  /** Follows a started run. */
  @FunctionalInterface
  interface Follow {
    RunOutcome follow(RunWatcher watcher, String workflowId, RunFollower follower);
  }

  /** Every kind deploy starts, by the {@code kind} a spec names. */
  static final Map<String, Kind<?>> KINDS = kinds();

  private static Map<String, Kind<?>> kinds() {
    Map<String, Kind<?>> k = new LinkedHashMap<>();
    k.put(SpecLoader.KIND_ROLLING, new Kind<RollingDeploymentSpec>(
        RollingDeploymentWorkflow.TYPE, SpecLoader::rolling, DeployCommand::withRequester, WorkflowIds::rolling,
        s -> s.service() + " -> " + s.version(), RunWatcher::follow, false));
    k.put(SpecLoader.KIND_BLUE_GREEN, new Kind<BlueGreenDeploymentSpec>(
        BlueGreenDeploymentWorkflow.TYPE, SpecLoader::blueGreen, DeployCommand::withRequester, WorkflowIds::blueGreen,
        s -> s.service() + " -> " + s.version() + ", blue-green in pool " + s.target().pool(),
        RunWatcher::followBlueGreen, false));
    k.put(CanaryReleaseSpec.KIND, new Kind<CanaryReleaseSpec>(
        CanaryReleaseWorkflow.TYPE, SpecLoader::canary, DeployCommand::withRequester, WorkflowIds::canary,
        c -> c.service() + " " + (c.stableVersion() == null ? "" : c.stableVersion() + " ") + "-> " + c.version()
            + ", canary in pool " + c.target().pool() + ", " + c.steps().size() + " steps",
        RunWatcher::followCanary, true));
    k.put(ABTestSpec.KIND, new Kind<ABTestSpec>(
        ABTestWorkflow.TYPE, SpecLoader::abTest, DeployCommand::withRequester, WorkflowIds::abTest,
        DeployCommand::describe, RunWatcher::followABTest, true));
    k.put(SpecLoader.KIND_CHAOS, new Kind<ChaosExperimentSpec>(
        ChaosExperimentWorkflow.TYPE, SpecLoader::chaos, DeployCommand::withRequester, WorkflowIds::chaos,
        DeployCommand::describe, RunWatcher::followChaos, true));
    return Collections.unmodifiableMap(k);
  }

  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "Spec, YAML or JSON.")
  Path file;

  @Option(names = "--no-follow", description = "Start the run and return at once.")
  boolean noFollow;

  @Option(
      names = "--by",
      paramLabel = "NAME",
      description = "Who asks, when the spec has no requestedBy (default: $USER, else the login name).")
  String by;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path file = BellwetherCli.callerPath(this.file);
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      err.println("cannot read " + file + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    String kind;
    try {
      kind = SpecLoader.kindOf(text);
    } catch (InvalidSpecException e) {
      printViolations(err, file.toString(), e);
      return 2;
    }
    Kind<?> k = KINDS.get(kind);
    if (k == null) {
      printViolations(err, file.toString(), new InvalidSpecException(List.of(new Violation("kind",
          "must be " + SpecLoader.KIND_ROLLING + ", " + SpecLoader.KIND_BLUE_GREEN + ", "
              + CanaryReleaseSpec.KIND + ", " + ABTestSpec.KIND + " or " + SpecLoader.KIND_CHAOS + ", got '" + kind
              + "'"))));
      return 2;
    }
    return deploy(file, text, k, out, err);
  }

  /**
   * Parses (a bad file never reaches Temporal), fills in the requester, starts the run under its
   * id, then follows it unless {@code --no-follow}; returns the exit code.
   */
  private <S> int deploy(Path file, String text, Kind<S> kind, PrintWriter out, PrintWriter err) {
    S parsed;
    try {
      parsed = kind.parse().apply(text);
    } catch (InvalidSpecException e) {
      printViolations(err, file.toString(), e);
      return 2;
    }
    S run = kind.withRequester().apply(parsed, BellwetherCli.operator(by));
    WorkflowClient client = root.client();
    String id = kind.id().apply(run);
    try {
      client.newUntypedWorkflowStub(
              kind.workflowType(),
              WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build())
          .start(run);
    } catch (WorkflowExecutionAlreadyStarted e) {
      err.println(id + " is already running; see: bellwether status " + id + statusHint());
      err.flush();
      return EXIT_ALREADY_RUNNING;
    }
    out.println("started " + id + " (" + kind.describe().apply(run) + ") on " + root.temporal());
    out.flush();
    if (noFollow) {
      out.println("follow it with: bellwether status " + id + statusHint());
      out.flush();
      return 0;
    }
    RunOutcome outcome =
        kind.follow().follow(new RunWatcher(client), id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
    printOutcome(out, outcome);
    if (kind.report()) {
      out.println("  report: bellwether report " + id + statusHint());
      out.flush();
    }
    return outcome.exitCode();
  }

  private String statusHint() {
    return "127.0.0.1:7233".equals(root.temporal()) ? "" : " --temporal " + root.temporal();
  }

  /**
   * An A/B test in the {@code started} line: {@code web checkout: control 4.0.0 50%, one-page 4.1.0
   * 50%; needs 3841 exposures per variant}.
   */
  static String describe(ABTestSpec s) {
    StringBuilder b = new StringBuilder(s.service() + " " + s.name() + ":");
    int[] shares = new int[s.variants().size()];
    for (int i = 0; i < shares.length; i++) {
      Variant v = s.variants().get(i);
      shares[i] = v.shareOrZero();
      b.append(i == 0 ? " " : ", ").append(v.name()).append(' ').append(v.version()).append(' ')
          .append(v.shareOrZero()).append('%');
    }
    try {
      b.append("; needs ").append(SampleSize.plan(s.plan(), shares.length - 1, shares).perVariant())
          .append(" exposures per variant");
    } catch (RuntimeException e) {
      // The plan was validated; if it still cannot be worked out here, the workflow says why.
    }
    return b.toString();
  }

  /**
   * A chaos experiment in the {@code started} line: {@code web kill-one: f1 web-kill (1 step), f2
   * web-latency (3 steps); 2 probes, 1 guardrail, error budget}, and {@code dry run} when it only
   * plans.
   */
  static String describe(ChaosExperimentSpec s) {
    StringBuilder b = new StringBuilder(s.service() + " " + s.name() + ":");
    List<FaultSpec> faults = s.faults() == null ? List.of() : s.faults();
    for (int i = 0; i < faults.size(); i++) {
      FaultSpec f = faults.get(i);
      int steps = f.stepsOrTargets().size();
      b.append(i == 0 ? " " : ", ").append(f.idOr(i)).append(' ').append(f.injector()).append(" (").append(steps)
          .append(steps == 1 ? " step" : " steps").append(f.duration() == null ? "" : " of " + f.duration()).append(')');
    }
    int probes = s.probes() == null ? 0 : s.probes().size();
    b.append("; ").append(probes).append(probes == 1 ? " probe" : " probes");
    if (!s.guardrails().isEmpty()) {
      b.append(", ").append(s.guardrails().size()).append(s.guardrails().size() == 1 ? " guardrail" : " guardrails");
    }
    if (s.errorBudget() != null) {
      b.append(", error budget");
    }
    if (s.approval() != null) {
      b.append(", approval gate");
    }
    if (s.dryRunOrDefault()) {
      b.append("; dry run");
    }
    return b.toString();
  }

  /** The chaos spec with {@code requestedBy} filled in, unless it names one. */
  static ChaosExperimentSpec withRequester(ChaosExperimentSpec s, String who) {
    if (s.requestedBy() != null && !s.requestedBy().isBlank()) {
      return s;
    }
    return new ChaosExperimentSpec(
        s.service(), s.name(), s.hypothesis(), who, s.probes(), s.baseline(), s.interval(), s.faults(),
        s.guardrails(), s.errorBudget(), s.recoveryTimeout(), s.grace(), s.approval(), s.dryRun(),
        s.unknownFields());
  }

  /** The spec with {@code requestedBy} filled in for the audit trail, unless it names one. */
  static RollingDeploymentSpec withRequester(RollingDeploymentSpec s, String who) {
    if (s.requestedBy() != null && !s.requestedBy().isBlank()) {
      return s;
    }
    return new RollingDeploymentSpec(
        s.service(), s.version(), s.target(), s.instances(), s.strategy(), s.drainTimeout(),
        s.healthCheck(), s.smokeCheck(), who, s.approvalAfterFirstBatch(), s.unknownFields());
  }

  /** The blue-green spec with {@code requestedBy} filled in, unless it names one. */
  static BlueGreenDeploymentSpec withRequester(BlueGreenDeploymentSpec s, String who) {
    if (s.requestedBy() != null && !s.requestedBy().isBlank()) {
      return s;
    }
    return new BlueGreenDeploymentSpec(
        s.service(), s.version(), s.target(), s.replicas(), s.healthCheck(), s.smokeCheck(),
        s.preview(), s.approval(), s.trafficShift(), s.watchWindow(), s.blueRetention(), who);
  }

  /** The A/B test spec with {@code requestedBy} filled in, unless it names one. */
  static ABTestSpec withRequester(ABTestSpec s, String who) {
    if (s.requestedBy() != null && !s.requestedBy().isBlank()) {
      return s;
    }
    return new ABTestSpec(
        s.service(), s.name(), s.hypothesis(), who, s.target(), s.variants(), s.assignment(), s.goal(),
        s.guardrails(), s.plan(), s.interval(), s.maxDuration(), s.minDuration(), s.confirm(), s.onWinner(),
        s.rollout(), s.drainTimeout(), s.healthCheck(), s.smokeCheck(), s.unknownFields());
  }

  /** The canary spec with {@code requestedBy} filled in, unless it names one. */
  static CanaryReleaseSpec withRequester(CanaryReleaseSpec s, String who) {
    if (s.requestedBy() != null && !s.requestedBy().isBlank()) {
      return s;
    }
    return new CanaryReleaseSpec(
        s.service(), s.version(), s.stableVersion(), who, s.target(), s.replicas(), s.freshBaseline(),
        s.steps(), s.rollout(), s.drainTimeout(), s.healthCheck(), s.smokeCheck(), s.unknownFields());
  }

  static void printViolations(PrintWriter err, String source, InvalidSpecException e) {
    err.println(source + ": the spec is invalid (" + e.violations().size()
        + (e.violations().size() == 1 ? " problem" : " problems") + "); nothing was started");
    for (Violation v : e.violations()) {
      err.println("  " + v.field() + ": " + v.reason());
    }
    err.flush();
  }

  static void printOutcome(PrintWriter out, RunOutcome o) {
    String took = String.format("%.1fs", o.elapsed().toMillis() / 1000.0);
    out.println(o.outcome() + "  " + o.workflowId() + "  after " + took);
    if (o.message() != null && !o.message().isBlank()) {
      out.println("  " + o.message().replace("\n", "\n  "));
    }
    if (o.result() != null) {
      if (o.result().upgraded() != null && !o.result().upgraded().isEmpty()) {
        out.println("  upgraded: " + String.join(", ", o.result().upgraded()));
      }
      if (o.result().failed() != null && !o.result().failed().isEmpty()) {
        out.println("  failed:   " + String.join(", ", o.result().failed()));
      }
    }
    if (o.canary() != null) {
      CanaryResult c = o.canary();
      List<AnalysisRecord> analyses = c.analyses() == null ? List.of() : c.analyses();
      if (!analyses.isEmpty()) {
        StringBuilder b = new StringBuilder("  analyses:");
        for (int i = 0; i < analyses.size(); i++) {
          AnalysisRecord a = analyses.get(i);
          b.append(i == 0 ? " " : ", ").append('#').append(i + 1).append(" step ").append(a.stepIndex() + 1)
              .append(' ').append(a.state());
          if (a.judgement() != null) {
            b.append(" (judge ").append(a.judgement().verdict())
                .append(a.judgement().score() == null ? "" : " " + Math.round(a.judgement().score()))
                .append(')');
          }
        }
        out.println(b);
      }
      if (c.firstTrafficMillis() > 0 && c.stableOnlyMillis() > 0) {
        out.println(String.format(java.util.Locale.ROOT, "  stable only %.1fs after the canary's first traffic",
            (c.stableOnlyMillis() - c.firstTrafficMillis()) / 1000.0));
      }
      if (c.promotion() != null && !c.promotion().isBlank()) {
        out.println("  promoted through " + c.promotion());
      }
    }
    if (o.abTest() != null) {
      out.println("  " + ABTestText.result(o.abTest()));
      if (o.abTest().evaluation() != null && o.abTest().evaluation().summary() != null
          && !o.abTest().evaluation().summary().isBlank()) {
        out.println("  " + o.abTest().evaluation().summary());
      }
    }
    if (o.chaos() != null) {
      for (String l : ChaosText.result(o.chaos(), java.time.ZoneId.systemDefault())) {
        out.println("  " + l);
      }
    }
    if (o.blueGreen() != null) {
      out.println("  live backend " + o.blueGreen().liveBackend() + ", green traffic "
          + o.blueGreen().greenTrafficPercent() + "%, blue "
          + (o.blueGreen().blueDecommissioned() ? "decommissioned" : "kept"));
    }
    out.flush();
  }
}
