package io.bellwether.starter;

import io.bellwether.client.BellwetherClient;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.starter.follow.RunWatcher;
import io.bellwether.starter.report.ABTestReport;
import io.bellwether.starter.report.ABTestText;
import io.bellwether.starter.report.CanaryReport;
import io.bellwether.starter.report.ChaosReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether report ID [-o FILE]}: writes a canary run's analysis report ({@link
 * CanaryReport}), an A/B test's report ({@link ABTestReport}) or a chaos experiment's report
 * ({@link ChaosReport}, with its JSON journal beside the page), one HTML page with its charts
 * inline, read from the run's status (running or finished, while a worker is up to answer).
 */
@Command(
    name = "report",
    description = {
      "Write a canary run's, an A/B test's or a chaos experiment's report (one self-contained HTML page with charts).",
      "A chaos experiment's JSON journal (spec, status, result) is written beside it, as <name>.json."
    },
    footer = {"", "Exit codes: 0 written; 1 no such run, a run without a report, or the file could not be written."})
final class ReportCommand implements Callable<Integer> {
  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "ID",
      description = "Workflow id of a canary run, an A/B test or a chaos experiment, such as canary-web-2.0.0, abtest-web-checkout or chaos-web-kill-one.")
  String id;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write it (default: <ID>-report.html).")
  Path output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WorkflowClient client = root.client();
    String html;
    String summary;
    try {
      String type = RunWatcher.typeOf(client, id);
      if (ChaosExperimentWorkflow.TYPE.equals(type)) {
        return chaos(client, out, err);
      }
      WorkflowStub stub = client.newUntypedWorkflowStub(id, Optional.empty(), Optional.of(type));
      if (CanaryReleaseWorkflow.TYPE.equals(type)) {
        CanaryStatus status = stub.query("status", CanaryStatus.class);
        html = CanaryReport.html(status, id, ZoneId.systemDefault());
        summary = status.phase() + ", " + (status.analyses() == null ? 0 : status.analyses().size()) + " analyses";
      } else if (ABTestWorkflow.TYPE.equals(type)) {
        ABTestStatus status = stub.query("status", ABTestStatus.class);
        html = ABTestReport.html(status, specOf(client, id), id, ZoneId.systemDefault());
        summary = status.phase() + ", " + ABTestText.outcome(status.outcome(), status.winner());
      } else {
        err.println(id + " is a " + type + "; reports are made for " + CanaryReleaseWorkflow.TYPE + ", "
            + ABTestWorkflow.TYPE + " and " + ChaosExperimentWorkflow.TYPE + " runs");
        err.flush();
        return 1;
      }
    } catch (WorkflowNotFoundException e) {
      err.println("no run " + id + " in namespace " + root.namespace() + " on " + root.temporal());
      err.flush();
      return 1;
    }
    Path file = BellwetherCli.callerPath(output != null ? output : Path.of(defaultFile(id)));
    try {
      write(file, html);
    } catch (IOException e) {
      err.println("cannot write " + file + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    out.println("wrote " + file + " (" + summary + ")");
    out.flush();
    return 0;
  }

  /** A chaos experiment's page and its JSON journal beside it. */
  private int chaos(WorkflowClient client, PrintWriter out, PrintWriter err) {
    ChaosReport report;
    try {
      report = ChaosReport.load(BellwetherClient.of(client), id, ZoneId.systemDefault());
    } catch (io.bellwether.client.RunNotFoundException e) {
      err.println("no run " + id + " in namespace " + root.namespace() + " on " + root.temporal());
      err.flush();
      return 1;
    } catch (IllegalStateException e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
    Path file = BellwetherCli.callerPath(output != null ? output : Path.of(defaultFile(id)));
    try {
      report.writeTo(file);
    } catch (UncheckedIOException e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
    out.println("wrote " + file + " and " + ChaosReport.jsonFileFor(file).getFileName() + " (" + report.summary() + ")");
    out.flush();
    return 0;
  }

  /** The A/B test's spec, for the guardrails' bounds; null when it cannot be read (the report stands without). */
  static ABTestSpec specOf(WorkflowClient client, String id) {
    try {
      return BellwetherClient.of(client).abTestSpec(id).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code <id>-report.html}, with anything but letters, digits, dot, dash and underscore replaced. */
  static String defaultFile(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_") + "-report.html";
  }

  /** Written beside the target and moved over it, so a reader never sees half a page. */
  static void write(Path file, String html) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir, ".report-", ".tmp");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
