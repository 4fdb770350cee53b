package io.bellwether.starter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.starter.follow.ProgressView;
import io.bellwether.starter.follow.RunWatcher;
import io.bellwether.starter.report.ABTestText;
import io.bellwether.starter.report.CanaryReport;
import io.bellwether.starter.report.CanaryText;
import io.bellwether.starter.report.ChaosText;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether status ID}: the run's status query, also for finished runs, for rolling,
 * blue-green, canary, A/B test and chaos runs alike (the server's description of the run gives its
 * type).
 */
@Command(
    name = "status",
    description = "Show a run: phase, progress, instances (or a chaos experiment's faults and readings), its gate and the audit trail.")
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
    WorkflowClient client = root.client();
    Object s;
    try {
      // The type decides the shape of the answer; the server knows it for any run it has.
      String type = RunWatcher.typeOf(client, id);
      WorkflowStub stub = client.newUntypedWorkflowStub(id, Optional.empty(), Optional.of(type));
      s = switch (type) {
        case BlueGreenDeploymentWorkflow.TYPE -> stub.query("status", BlueGreenStatus.class);
        case CanaryReleaseWorkflow.TYPE -> stub.query("status", CanaryStatus.class);
        case ABTestWorkflow.TYPE -> stub.query("status", ABTestStatus.class);
        case ChaosExperimentWorkflow.TYPE -> stub.query("status", ChaosStatus.class);
        default -> stub.query("status", RollingStatus.class);
      };
    } catch (WorkflowNotFoundException e) {
      err.println("no run " + id + " in namespace " + root.namespace() + " on " + root.temporal());
      err.flush();
      return 1;
    }
    if (json) {
      out.println(JSON.writeValueAsString(s));
    } else if (s instanceof BlueGreenStatus bg) {
      print(out, id, bg, ZoneId.systemDefault());
    } else if (s instanceof CanaryStatus c) {
      print(out, id, c, ZoneId.systemDefault());
    } else if (s instanceof ABTestStatus ab) {
      print(out, id, ab, ZoneId.systemDefault());
    } else if (s instanceof ChaosStatus c) {
      print(out, id, c, ZoneId.systemDefault());
    } else {
      print(out, id, (RollingStatus) s, ZoneId.systemDefault());
    }
    out.flush();
    return 0;
  }

  /**
   * A canary run: the progress line, the rollback reason, the analyses table (metric, round,
   * canary, baseline, verdict), the judge's table with the score, the gate and the audit trail.
   */
  static void print(PrintWriter out, String id, CanaryStatus s, ZoneId zone) {
    out.println(id + "  " + s.service() + " " + (s.stableVersion() == null ? "" : s.stableVersion() + " ") + "-> "
        + s.version() + "  " + s.phase() + (s.paused() ? "  (paused)" : ""));
    out.println("  " + ProgressView.line(s));
    if (s.reason() != null && !s.reason().isBlank()) {
      out.println("  reason: " + s.reason());
    }
    if (s.segment() != null && !s.segment().isEmpty()) {
      out.println("  segment: " + CanaryReport.segment(s.segment()));
    }
    for (String l : CanaryText.table(s)) {
      out.println(l.isEmpty() ? "" : "  " + l);
    }
    gate(out, id, s.gate(), zone);
    events(out, s.events(), zone);
    out.println();
    out.println("  charts: bellwether report " + id);
  }

  /**
   * An A/B test: the progress line, the hypothesis, the reason it stopped, the variants table
   * (version, share, exposures, conversions, rate, required sample size, stopped), the plan, the
   * interim or deciding evaluation per treatment, the outcome, decision and who confirmed it, the
   * gate and the audit trail.
   */
  static void print(PrintWriter out, String id, ABTestStatus s, ZoneId zone) {
    out.println(id + "  " + s.service() + " " + s.experiment() + "  " + s.phase() + (s.paused() ? "  (decision held)" : ""));
    out.println("  " + ProgressView.line(s));
    if (s.hypothesis() != null && !s.hypothesis().isBlank()) {
      out.println("  hypothesis: " + s.hypothesis());
    }
    if (s.reason() != null && !s.reason().isBlank()) {
      out.println("  reason: " + s.reason());
    }
    out.println();
    for (String l : ABTestText.table(s)) {
      out.println(l.isEmpty() ? "" : "  " + l);
    }
    gate(out, id, s.gate(), zone);
    events(out, s.events(), zone);
    out.println();
    out.println("  charts: bellwether report " + id);
  }

  /**
   * A chaos experiment: the progress line, hypothesis and verdict, the reason it stopped, the
   * fault steps (targets with zones, share, seed, times, what ended them), each probe per stage,
   * the error budget, the findings, the gate and the audit trail.
   */
  static void print(PrintWriter out, String id, ChaosStatus s, ZoneId zone) {
    out.println(id + "  " + s.service() + " " + s.name() + "  " + s.phase() + (s.paused() ? "  (paused)" : ""));
    for (String l : ChaosText.status(s, zone)) {
      out.println(l.isEmpty() ? "" : "  " + l);
    }
    gate(out, id, s.gate(), zone);
    events(out, s.events(), zone);
    out.println();
    out.println("  report: bellwether report " + id);
  }

  static void print(PrintWriter out, String id, BlueGreenStatus s, ZoneId zone) {
    out.println(id + "  " + s.service() + " -> " + s.version() + "  " + s.phase()
        + (s.paused() ? "  (paused)" : ""));
    out.println("  " + ProgressView.line(s));
    out.println("  blue " + s.blueBackend() + ", green " + s.greenBackend() + ", " + s.greenTrafficPercent()
        + "% of traffic on green, " + s.instancesRunning() + " instance(s) running"
        + (s.previewOn() ? ", preview route on" : ""));
    if (s.message() != null && !s.message().isBlank()) {
      out.println("  " + s.message());
    }
    out.println();
    out.println(String.format("  %-6s %-18s %-22s %-10s %-6s %s", "POOL", "INSTANCE", "ADDRESS", "VERSION", "STATE", "PROGRESS"));
    instances(out, "blue", s.blue());
    instances(out, "green", s.green());
    gate(out, id, s.gate(), zone);
    events(out, s.events(), zone);
  }

  private static void instances(PrintWriter out, String pool, List<InstanceStatus> list) {
    if (list == null) {
      return;
    }
    for (InstanceStatus i : list) {
      out.println(String.format("  %-6s %-18s %-22s %-10s %-6s %s%s", pool, i.name(), i.address(), i.version(),
          i.state(), i.progress(), i.message() == null || i.message().isBlank() ? "" : "  " + i.message()));
    }
  }

  /** The gate and its audit trail: every decision offered, accepted or refused, and why. */
  static void gate(PrintWriter out, String id, GateStatus g, ZoneId zone) {
    if (g == null) {
      return;
    }
    out.println();
    out.println("  gate " + g.name() + ": " + g.state() + ", approvals " + (g.approvals() == null ? 0 : g.approvals().size())
        + "/" + g.requiredApprovals() + (g.approvals() == null || g.approvals().isEmpty() ? "" : " (" + String.join(", ", g.approvals()) + ")")
        + ", approvers " + (g.approvers() == null ? "[]" : g.approvers())
        + (g.requireVerifiedIdentity() ? ", verified identity required" : "")
        + (g.allowSelfApproval() ? "" : ", four-eyes"));
    ProgressView.gateHint(id, g, zone).forEach(l -> out.println("  " + l));
    if (g.decisions() != null) {
      for (GateDecision d : g.decisions()) {
        out.println(String.format("    %s  %-7s %-12s via %-7s %s%s  %s",
            ProgressView.clock(d.time(), zone), d.action(), d.by(), d.channel(),
            d.accepted() ? "accepted" : "REFUSED: " + d.refusal(),
            d.verified() ? " (verified)" : "", d.reason() == null ? "" : d.reason()).stripTrailing());
      }
    }
  }

  private static void events(PrintWriter out, List<RunEvent> events, ZoneId zone) {
    if (events != null && !events.isEmpty()) {
      out.println();
      for (RunEvent e : events) {
        out.println("  " + ProgressView.event(e, zone));
      }
    }
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
    gate(out, id, s.gate(), zone);
    events(out, s.events(), zone);
  }
}
