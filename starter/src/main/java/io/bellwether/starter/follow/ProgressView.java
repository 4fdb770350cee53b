package io.bellwether.starter.follow;

import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.starter.report.ABTestText;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Text for a run's progress. Pure, so it is unit-tested without a server. */
public final class ProgressView {
  /** Width of the bar between the brackets. */
  public static final int BAR_WIDTH = 10;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private ProgressView() {}

  /**
   * One line: {@code batch 2/4 [###-------] web-2 VERIFYING}, the bar filled by the share of
   * instances UPGRADED, followed by the current batch's instances and, when it is not simply
   * progressing, the phase.
   */
  public static String line(RollingStatus s, ZoneId zone) {
    List<InstanceStatus> instances = s.instances() == null ? List.of() : s.instances();
    long upgraded = instances.stream().filter(i -> "UPGRADED".equals(i.progress())).count();
    StringBuilder b = new StringBuilder();
    b.append("batch ").append(s.batch()).append('/').append(s.totalBatches()).append(' ');
    b.append(bar(upgraded, instances.size()));
    for (InstanceStatus i : instances) {
      if (i.batch() == s.batch() && s.batch() > 0) {
        b.append(' ').append(i.name()).append(' ').append(i.progress());
      }
    }
    Phase phase = s.phase();
    if (phase != null && phase != Phase.PROGRESSING) {
      b.append("  ").append(phase);
    } else if (s.step() != null && !s.step().isBlank()) {
      b.append("  (").append(s.step()).append(')');
    }
    if (s.paused() && phase != Phase.PAUSED) {
      b.append("  pause requested");
    }
    return b.toString();
  }

  /**
   * One line for a blue-green run: {@code SWITCHING (shift)  green shop_b [#####-----] 50%
   * instances 4}, then the preview route, an open gate's count and a requested pause when they
   * apply.
   */
  public static String line(BlueGreenStatus s) {
    StringBuilder b = new StringBuilder();
    b.append(s.phase() == null ? "?" : s.phase().name());
    if (s.step() != null && !s.step().isBlank()) {
      b.append(" (").append(s.step()).append(')');
    }
    int pct = Math.max(0, Math.min(100, s.greenTrafficPercent()));
    b.append("  green ").append(nz(s.greenBackend()).isEmpty() ? "?" : s.greenBackend()).append(' ');
    b.append(bar(pct, 100)).append(' ').append(pct).append('%');
    b.append("  instances ").append(s.instancesRunning());
    if (s.previewOn()) {
      b.append("  preview on");
    }
    GateStatus g = s.gate();
    if (g != null && GATE_OPEN.equals(g.state())) {
      b.append("  gate ").append(g.name()).append(' ')
          .append(g.approvals() == null ? 0 : g.approvals().size()).append('/')
          .append(g.requiredApprovals()).append(" approvals");
    }
    if (s.paused() && s.phase() != Phase.PAUSED) {
      b.append("  pause requested");
    }
    return b.toString();
  }

  /**
   * One line for a canary run: {@code step 2/5 (analysis 2/5)  weight [##--------] 20%
   * ANALYZING}, then the segment route, an open gate's count and a pause when they apply.
   */
  public static String line(CanaryStatus s) {
    StringBuilder b = new StringBuilder();
    int shown = Math.min(s.stepIndex() + 1, s.stepCount());
    b.append("step ").append(shown).append('/').append(s.stepCount());
    if (s.step() != null && !s.step().isBlank()) {
      b.append(" (").append(s.step()).append(')');
    }
    int pct = Math.max(0, Math.min(100, s.canaryWeight()));
    b.append("  weight ").append(bar(pct, 100)).append(' ').append(pct).append('%');
    if (s.phase() != null && s.phase() != Phase.PROGRESSING) {
      b.append("  ").append(s.phase());
    }
    if (s.segment() != null && !s.segment().isEmpty()) {
      b.append("  segment ").append(io.bellwether.starter.report.CanaryReport.segment(s.segment()));
    }
    GateStatus g = s.gate();
    if (g != null && GATE_OPEN.equals(g.state())) {
      b.append("  gate ").append(g.name()).append(' ')
          .append(g.approvals() == null ? 0 : g.approvals().size()).append('/')
          .append(g.requiredApprovals()).append(" approvals");
    }
    if (s.paused() && s.phase() != Phase.PAUSED) {
      b.append("  paused");
    }
    return b.toString();
  }

  /**
   * One line for an A/B test: {@code COLLECTING  sample [###-------] 31% of 3841/variant  split
   * open  outcome PENDING}, the bar filled by the slowest active variant's share of its required
   * exposures, then the decision, an open gate's count and a held decision when they apply.
   */
  public static String line(ABTestStatus s) {
    StringBuilder b = new StringBuilder();
    b.append(s.phase() == null ? "?" : s.phase().name());
    long required = 0;
    double least = Double.POSITIVE_INFINITY;
    for (VariantStatus v : s.variants() == null ? List.<VariantStatus>of() : s.variants()) {
      if (!v.stopped() && v.requiredSampleSize() > 0) {
        required = Math.max(required, v.requiredSampleSize());
        least = Math.min(least, (double) v.exposures() / v.requiredSampleSize());
      }
    }
    if (required > 0) {
      int pct = (int) Math.floor(Math.min(1, least) * 100);
      b.append("  sample ").append(bar(pct, 100)).append(' ').append(pct).append("% of ").append(required)
          .append("/variant");
    }
    b.append("  split ").append(s.splitOpen() ? "open" : "closed");
    b.append("  ").append(ABTestText.outcome(s.outcome(), s.winner()));
    if (s.decision() != null && !s.decision().isBlank()) {
      b.append("  ").append(s.decision());
    }
    GateStatus g = s.gate();
    if (g != null && GATE_OPEN.equals(g.state())) {
      b.append("  gate ").append(g.name()).append(' ')
          .append(g.approvals() == null ? 0 : g.approvals().size()).append('/')
          .append(g.requiredApprovals()).append(" approvals");
    }
    if (s.paused()) {
      b.append("  decision held");
    }
    return b.toString();
  }

  /**
   * One line for a chaos experiment: {@code FAULT_ACTIVE (f1 step 1/2)  faults [#####-----] 1/2
   * restored  active f1#1 on web-2  budget 3/200 failed  verdict PENDING}; see {@link
   * io.bellwether.starter.report.ChaosText#line}.
   */
  public static String line(io.bellwether.contracts.chaos.ChaosStatus s) {
    return io.bellwether.starter.report.ChaosText.line(s);
  }

  /** The state of a gate that waits for people. */
  public static final String GATE_OPEN = "OPEN";

  /**
   * What an operator needs when a gate opens: who may open it, how many approvals, until when, and
   * the commands that decide it for run {@code workflowId}. Empty unless the gate is OPEN.
   */
  public static List<String> gateHint(String workflowId, GateStatus g, ZoneId zone) {
    if (g == null || !GATE_OPEN.equals(g.state())) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    List<String> approvers = g.approvers() == null ? List.of() : g.approvers();
    int have = g.approvals() == null ? 0 : g.approvals().size();
    StringBuilder b = new StringBuilder("gate ").append(g.name()).append(" is OPEN: ");
    b.append(g.requiredApprovals() - have).append(" more approval(s) needed from ");
    b.append(approvers.isEmpty() ? "(nobody: no configured approver)" : String.join(", ", approvers));
    if (!g.allowSelfApproval()) {
      b.append("; the run's requester may not approve it");
    }
    if (g.deadline() != null && !g.deadline().isBlank()) {
      b.append("; times out at ").append(clock(g.deadline(), zone))
          .append(" (then ").append(nz(g.onTimeout()).isEmpty() ? "abort" : g.onTimeout()).append(')');
    }
    lines.add(b.toString());
    String attest = g.requireVerifiedIdentity() ? " --attest" : "";
    lines.add("  approve: bellwether approve " + workflowId + " --reason \"...\" --by NAME" + attest);
    lines.add("  reject:  bellwether reject " + workflowId + " --reason \"...\" --by NAME" + attest);
    if (g.requireVerifiedIdentity()) {
      lines.add("  this gate needs a verified identity: a bare --by (or a plain signal) does not count");
    }
    return lines;
  }

  /** {@code [###-------]}: {@code done} of {@code total} filled, rounded to the nearest cell. */
  public static String bar(long done, long total) {
    int filled = total <= 0 ? 0 : (int) Math.round((double) Math.min(done, total) * BAR_WIDTH / total);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  /** {@code 14:03:07  bellwether    batch-done    web-1}, the time in {@code zone}. */
  public static String event(RunEvent e, ZoneId zone) {
    return String.format(
            "%s  %-12s %-14s %s", clock(e.time(), zone), nz(e.by()), nz(e.action()), nz(e.detail()))
        .stripTrailing()
        // A multi-line detail (a deployer's log tail) stays visibly part of its event.
        .replace("\n", "\n          ");
  }

  /** {@code HH:mm:ss} of an ISO-8601 instant in {@code zone}; the text itself when it is not one. */
  public static String clock(String iso, ZoneId zone) {
    if (iso == null) {
      return "--:--:--";
    }
    try {
      return CLOCK.format(Instant.parse(iso).atZone(zone));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
