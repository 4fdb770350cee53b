package io.bellwether.starter;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.RunSummary;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether list}: the namespace's Bellwether runs of every type, newest first. The
 * listing itself (visibility queries on a cluster, the legacy listing on the embedded server) is
 * the Java client's.
 */
@Command(
    name = "list",
    description = "List RollingDeployment, BlueGreenDeployment, CanaryRelease, ABTest and ChaosExperiment runs, open and closed.")
final class ListCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<RunSummary> runs = BellwetherClient.of(root.client()).list(null);
    out.println(String.format("%-32s %-20s %-12s %s", "WORKFLOW ID", "TYPE", "STATUS", "STARTED"));
    for (RunSummary r : runs) {
      out.println(row(r, ZoneId.systemDefault()));
    }
    if (runs.isEmpty()) {
      out.println(
          "(no " + String.join(" or ", BellwetherClient.TYPES) + " runs in namespace " + root.namespace() + ")");
    }
    out.flush();
    return 0;
  }

  static String row(RunSummary r, ZoneId zone) {
    return String.format(
        "%-32s %-20s %-12s %s",
        r.workflowId(), r.type(), r.status(), TIME.format(r.startTime().atZone(zone)));
  }
}
