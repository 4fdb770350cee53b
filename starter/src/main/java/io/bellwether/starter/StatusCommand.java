package io.bellwether.starter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.starter.follow.ProgressView;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bellwether status ID}: the run's status query, also for finished runs. */
@Command(name = "status", description = "Show a run: phase, batch, instances and the audit trail.")
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID", description = "Workflow id, such as rolling-web-2.0.0.")
  String id;

  @Option(names = "--json", description = "Print the status as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WorkflowStub stub =
        root.client().newUntypedWorkflowStub(id, Optional.empty(), Optional.of(RollingDeploymentWorkflow.TYPE));
    RollingStatus s;
    try {
      s = stub.query("status", RollingStatus.class);
    } catch (WorkflowNotFoundException e) {
      err.println("no run " + id + " in namespace " + root.namespace() + " on " + root.temporal());
      err.flush();
      return 1;
    }
    if (json) {
      out.println(JSON.writeValueAsString(s));
    } else {
      print(out, id, s, ZoneId.systemDefault());
    }
    out.flush();
    return 0;
  }

  static void print(PrintWriter out, String id, RollingStatus s, ZoneId zone) {
    out.println(id + "  " + s.service() + " -> " + s.version() + "  " + s.phase()
        + (s.paused() ? "  (paused)" : ""));
    out.println("  " + ProgressView.line(s, zone));
    if (s.message() != null && !s.message().isBlank()) {
      out.println("  " + s.message());
    }
    out.println();
    out.println(String.format("  %-10s %-22s %-5s %-10s %-10s %-6s %-7s %s",
        "INSTANCE", "ADDRESS", "BATCH", "WAS", "NOW", "STATE", "WEIGHT", "PROGRESS"));
    if (s.instances() != null) {
      for (InstanceStatus i : s.instances()) {
        out.println(String.format("  %-10s %-22s %-5d %-10s %-10s %-6s %-7d %s%s",
            i.name(), i.address(), i.batch(), i.recordedVersion(), i.version(), i.state(), i.weight(),
            i.progress(), i.message() == null || i.message().isBlank() ? "" : "  " + i.message()));
      }
    }
    if (s.events() != null && !s.events().isEmpty()) {
      out.println();
      for (RunEvent e : s.events()) {
        out.println("  " + ProgressView.event(e, zone));
      }
    }
  }
}
