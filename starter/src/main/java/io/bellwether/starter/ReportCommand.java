package io.bellwether.starter;

import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.starter.follow.RunWatcher;
import io.bellwether.starter.report.CanaryReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
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
 * {@code bellwether report ID [-o FILE]}: writes a canary run's analysis report, one HTML page
 * with its charts inline ({@link CanaryReport}), read from the run's status (running or
 * finished, while a worker is up to answer).
 */
@Command(
    name = "report",
    description = "Write a canary run's analysis report (one self-contained HTML page with charts).",
    footer = {"", "Exit codes: 0 written; 1 no such run, not a canary, or the file could not be written."})
final class ReportCommand implements Callable<Integer> {
  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID", description = "Workflow id of a canary run, such as canary-web-2.0.0.")
  String id;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write it (default: <ID>-report.html).")
  Path output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WorkflowClient client = root.client();
    CanaryStatus status;
    try {
      String type = RunWatcher.typeOf(client, id);
      if (!CanaryReleaseWorkflow.TYPE.equals(type)) {
        err.println(id + " is a " + type + "; reports are made for " + CanaryReleaseWorkflow.TYPE + " runs");
        err.flush();
        return 1;
      }
      status = client.newUntypedWorkflowStub(id, Optional.empty(), Optional.of(type)).query("status", CanaryStatus.class);
    } catch (WorkflowNotFoundException e) {
      err.println("no run " + id + " in namespace " + root.namespace() + " on " + root.temporal());
      err.flush();
      return 1;
    }
    Path file = BellwetherCli.callerPath(output != null ? output : Path.of(defaultFile(id)));
    try {
      write(file, CanaryReport.html(status, id, ZoneId.systemDefault()));
    } catch (IOException e) {
      err.println("cannot write " + file + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    out.println("wrote " + file + " (" + status.phase() + ", " + (status.analyses() == null ? 0 : status.analyses().size())
        + " analyses)");
    out.flush();
    return 0;
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
