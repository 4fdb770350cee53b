package io.bellwether.starter;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.starter.follow.RunFollower;
import io.bellwether.starter.follow.RunOutcome;
import io.bellwether.starter.follow.RunWatcher;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether deploy -f spec.yaml}: starts the run the spec's {@code kind} names
 * (RollingDeployment when absent, BlueGreenDeployment or CanaryRelease) and follows it.
 */
@Command(
    name = "deploy",
    description = "Start a RollingDeployment, BlueGreenDeployment or CanaryRelease (by the spec's kind) and follow it.",
    footer = {
      "",
      "Exit codes: 0 succeeded; 1 rolled back, aborted, failed or canceled; 2 invalid spec;",
      "3 a run with the same id is already running."
    })
final class DeployCommand implements Callable<Integer> {
  static final int EXIT_ALREADY_RUNNING = 3;

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
    if (SpecLoader.KIND_BLUE_GREEN.equals(kind)) {
      return blueGreen(file, text, out, err);
    }
    if (CanaryReleaseSpec.KIND.equals(kind)) {
      return canary(file, text, out, err);
    }
    if (!SpecLoader.KIND_ROLLING.equals(kind)) {
      printViolations(err, file.toString(), new InvalidSpecException(List.of(new Violation("kind",
          "must be " + SpecLoader.KIND_ROLLING + ", " + SpecLoader.KIND_BLUE_GREEN + " or "
              + CanaryReleaseSpec.KIND + ", got '" + kind + "'"))));
      return 2;
    }
    RollingDeploymentSpec rolling;
    try {
      rolling = SpecLoader.rolling(text);
    } catch (InvalidSpecException e) {
      // Checked here, before any connection, so a bad file never reaches Temporal.
      printViolations(err, file.toString(), e);
      return 2;
    }
    rolling = withRequester(rolling, BellwetherCli.operator(by));
    WorkflowClient client = root.client();
    String id = WorkflowIds.rolling(rolling);
    int started = start(client, rolling, id, out, err);
    if (started != 0) {
      return started;
    }
    if (noFollow) {
      out.println("follow it with: bellwether status " + id + statusHint());
      out.flush();
      return 0;
    }
    RunOutcome outcome =
        new RunWatcher(client).follow(id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
    printOutcome(out, outcome);
    return outcome.exitCode();
  }

  private int blueGreen(Path file, String text, PrintWriter out, PrintWriter err) {
    BlueGreenDeploymentSpec bg;
    try {
      bg = SpecLoader.blueGreen(text);
    } catch (InvalidSpecException e) {
      printViolations(err, file.toString(), e);
      return 2;
    }
    bg = withRequester(bg, BellwetherCli.operator(by));
    WorkflowClient client = root.client();
    String id = WorkflowIds.blueGreen(bg);
    BlueGreenDeploymentWorkflow stub =
        client.newWorkflowStub(
            BlueGreenDeploymentWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
    try {
      WorkflowClient.start(stub::run, bg);
    } catch (WorkflowExecutionAlreadyStarted e) {
      err.println(id + " is already running; see: bellwether status " + id + statusHint());
      err.flush();
      return EXIT_ALREADY_RUNNING;
    }
    out.println("started " + id + " (" + bg.service() + " -> " + bg.version() + ", blue-green in pool "
        + bg.target().pool() + ") on " + root.temporal());
    out.flush();
    if (noFollow) {
      out.println("follow it with: bellwether status " + id + statusHint());
      out.flush();
      return 0;
    }
    RunOutcome outcome =
        new RunWatcher(client).followBlueGreen(id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
    printOutcome(out, outcome);
    return outcome.exitCode();
  }

  private int canary(Path file, String text, PrintWriter out, PrintWriter err) {
    CanaryReleaseSpec c;
    try {
      c = SpecLoader.canary(text);
    } catch (InvalidSpecException e) {
      printViolations(err, file.toString(), e);
      return 2;
    }
    c = withRequester(c, BellwetherCli.operator(by));
    WorkflowClient client = root.client();
    String id = WorkflowIds.canary(c);
    CanaryReleaseWorkflow stub =
        client.newWorkflowStub(
            CanaryReleaseWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
    try {
      WorkflowClient.start(stub::run, c);
    } catch (WorkflowExecutionAlreadyStarted e) {
      err.println(id + " is already running; see: bellwether status " + id + statusHint());
      err.flush();
      return EXIT_ALREADY_RUNNING;
    }
    out.println("started " + id + " (" + c.service() + " " + (c.stableVersion() == null ? "" : c.stableVersion() + " ")
        + "-> " + c.version() + ", canary in pool " + c.target().pool() + ", " + c.steps().size() + " steps) on "
        + root.temporal());
    out.flush();
    if (noFollow) {
      out.println("follow it with: bellwether status " + id + statusHint());
      out.flush();
      return 0;
    }
    RunOutcome outcome =
        new RunWatcher(client).followCanary(id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
    printOutcome(out, outcome);
    out.println("  report: bellwether report " + id + statusHint());
    out.flush();
    return outcome.exitCode();
  }

  private String statusHint() {
    return "127.0.0.1:7233".equals(root.temporal()) ? "" : " --temporal " + root.temporal();
  }

  /** Starts the run; 0 when started, else the exit code after printing why. */
  int start(WorkflowClient client, RollingDeploymentSpec rolling, String id, PrintWriter out, PrintWriter err) {
    RollingDeploymentWorkflow stub =
        client.newWorkflowStub(
            RollingDeploymentWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
    try {
      WorkflowClient.start(stub::run, rolling);
    } catch (WorkflowExecutionAlreadyStarted e) {
      err.println(id + " is already running; see: bellwether status " + id + statusHint());
      err.flush();
      return EXIT_ALREADY_RUNNING;
    }
    out.println("started " + id + " (" + rolling.service() + " -> " + rolling.version() + ") on " + root.temporal());
    out.flush();
    return 0;
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
    if (o.blueGreen() != null) {
      out.println("  live backend " + o.blueGreen().liveBackend() + ", green traffic "
          + o.blueGreen().greenTrafficPercent() + "%, blue "
          + (o.blueGreen().blueDecommissioned() ? "decommissioned" : "kept"));
    }
    out.flush();
  }
}
