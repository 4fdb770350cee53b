package io.bellwether.starter.report;

import static io.bellwether.starter.report.CanaryReport.FAIL_COLOR;
import static io.bellwether.starter.report.CanaryReport.esc;
import static io.bellwether.starter.report.CanaryReport.num;
import static io.bellwether.starter.report.CanaryReport.row;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bellwether.client.BellwetherClient;
import io.bellwether.client.RunNotFoundException;
import io.bellwether.contracts.chaos.BlastRadius;
import io.bellwether.contracts.chaos.BudgetStatus;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.ErrorBudgetSpec;
import io.bellwether.contracts.chaos.FaultRecord;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.Stage;
import io.bellwether.contracts.chaos.StopCondition;
import io.bellwether.contracts.chaos.Tolerance;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.Phase;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The report of a chaos experiment: one self-contained HTML page and its JSON journal, built from
 * the spec the run was started with (read from the first event of its history), its {@code
 * status} query (which answers on closed runs too while a worker is up) and, once it completed,
 * its result.
 *
 * <p>The page, in order: the verdict and whether the hypothesis held, in words; the hypothesis
 * with every probe's tolerances, the guardrails and the error budget; a chart per probe and per
 * guardrail across baseline, fault and recovery, with each fault's injection window shaded and the
 * tolerance bounds drawn; the targets of every step with their zones and the share of the service
 * they impaired; the error budget burned against what was allowed; restoration and the time from a
 * breach to every fault restored; the findings; the gate; the timeline. Like the canary and A/B
 * reports: inline SVG and style, nothing loaded from anywhere, every text from the run escaped.
 * Rendering is pure: the same journal gives the same page.
 */
public final class ChaosReport {
  static final String BASELINE_COLOR = "#1b6ca8";
  static final String FAULT_COLOR = "#d95f02";
  static final String RECOVERY_COLOR = "#1b9e77";
  static final String STEADY_COLOR = "#2e7d32";
  static final String DURING_COLOR = "#ef8f00";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String workflowId;
  private final ChaosExperimentSpec spec;
  private final ChaosStatus status;
  private final ChaosResult result;
  private final ZoneId zone;

  private ChaosReport(
      String workflowId, ChaosExperimentSpec spec, ChaosStatus status, ChaosResult result, ZoneId zone) {
    this.workflowId = workflowId;
    this.spec = spec;
    this.status = status;
    this.result = result;
    this.zone = zone;
  }

  /**
   * The report of run {@code workflowId}: its spec, its {@code status} and, when it completed, its
   * result. Times are shown in the machine's zone.
   *
   * @throws RunNotFoundException when no run has that id
   * @throws IllegalArgumentException when the run is not a {@code ChaosExperiment}
   * @throws IllegalStateException when neither its status nor its result can be read (no worker
   *     answers the query, and the run did not complete)
   */
  public static ChaosReport load(WorkflowClient client, String workflowId) {
    return load(BellwetherClient.of(client), workflowId, ZoneId.systemDefault());
  }

  /** {@link #load(WorkflowClient, String)} through the Java client, with times in {@code zone}. */
  public static ChaosReport load(BellwetherClient client, String workflowId, ZoneId zone) {
    String type = client.typeOf(workflowId);
    if (!ChaosExperimentWorkflow.TYPE.equals(type)) {
      throw new IllegalArgumentException(workflowId + " is a " + type + ", not a " + ChaosExperimentWorkflow.TYPE);
    }
    ChaosExperimentSpec spec;
    try {
      spec = client.chaosSpec(workflowId).orElse(null);
    } catch (RunNotFoundException e) {
      throw e;
    } catch (RuntimeException e) {
      // The page stands without it: tolerance bounds are then not drawn.
      spec = null;
    }
    ChaosResult result = client.chaosResult(workflowId).orElse(null);
    ChaosStatus status;
    try {
      status = client.chaosStatus(workflowId);
    } catch (RunNotFoundException e) {
      throw e;
    } catch (WorkflowException | io.grpc.StatusRuntimeException | io.temporal.common.converter.DataConverterException e) {
      if (result == null) {
        throw new IllegalStateException("the status of " + workflowId + " cannot be read and it has no result ("
            + e.getMessage() + "); is a worker running?", e);
      }
      status = null;
    }
    return new ChaosReport(workflowId, spec, status, result, zone);
  }

  /** A report from parts already read; any of spec, status and result may be null (not all of status and result). */
  public static ChaosReport of(
      String workflowId, ChaosExperimentSpec spec, ChaosStatus status, ChaosResult result, ZoneId zone) {
    if (status == null && result == null) {
      throw new IllegalArgumentException("a report needs the run's status or its result");
    }
    return new ChaosReport(workflowId, spec, status, result, zone == null ? ZoneOffset.UTC : zone);
  }

  public String workflowId() {
    return workflowId;
  }

  public ChaosExperimentSpec spec() {
    return spec;
  }

  public ChaosStatus status() {
    return status;
  }

  public ChaosResult result() {
    return result;
  }

  /** The verdict: the result's, else the status'. */
  public Verdict verdict() {
    return result != null ? result.verdict() : status.verdict();
  }

  /** Whether the hypothesis held; null when no fault ran or it is not decided yet. */
  public Boolean hypothesisHeld() {
    if (result != null) {
      return result.hypothesisHeld();
    }
    return status.verdict() == Verdict.HELD ? Boolean.TRUE : status.verdict() == Verdict.DEVIATED ? Boolean.FALSE : null;
  }

  /** A short summary for a command line: {@code verdict HELD, hypothesis held}. */
  public String summary() {
    Verdict v = verdict();
    return "verdict " + (v == null ? "?" : v.name()) + ", hypothesis " + ChaosText.hypothesisWords(v, hypothesisHeld());
  }

  // --- JSON ---

  /** The whole journal as JSON: the workflow id, the spec, the status and the result (null when absent). */
  public String json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workflowId", workflowId);
    m.put("type", ChaosExperimentWorkflow.TYPE);
    m.put("verdict", verdict());
    m.put("hypothesisHeld", hypothesisHeld());
    m.put("spec", spec);
    m.put("status", status);
    m.put("result", result);
    try {
      return JSON.writeValueAsString(m) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the journal of " + workflowId + " could not be written as JSON", e);
    }
  }

  /**
   * Writes {@link #html()} to {@code htmlFile} and {@link #json()} beside it (the same name ending
   * in {@code .json} instead of {@code .html}), each written to a temporary file and moved over the
   * target, so that a reader never sees half a page. Creates the directory when missing.
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public void writeTo(Path htmlFile) {
    try {
      write(htmlFile, html());
      write(jsonFileFor(htmlFile), json());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + htmlFile + ": " + e.getMessage(), e);
    }
  }

  /** {@code report.html} gives {@code report.json}; a name without {@code .html} gets {@code .json} added. */
  public static Path jsonFileFor(Path htmlFile) {
    String name = htmlFile.getFileName().toString();
    String json = name.toLowerCase(java.util.Locale.ROOT).endsWith(".html")
        ? name.substring(0, name.length() - 5) + ".json"
        : name + ".json";
    return htmlFile.resolveSibling(json);
  }

  private static void write(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir, ".report-", ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // --- HTML ---

  /** The page. Never throws on missing parts: what the journal lacks is left out. */
  public String html() {
    StringBuilder b = new StringBuilder(32_768);
    String title = "Chaos experiment report: " + nz(service()) + " " + nz(name())
        + (workflowId == null ? "" : " (" + workflowId + ")");
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CanaryReport.STYLE).append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    header(b);
    hypothesis(b);
    probes(b);
    targets(b);
    budget(b);
    restoration(b);
    findings(b);
    gate(b);
    CanaryReport.timeline(b, status == null ? List.of() : status.events(), zone);
    b.append("<footer>Generated by Bellwether from the run's ")
        .append(status == null ? "result (its status could not be read: no readings or events)" : "status query")
        .append(result == null ? "" : status == null ? "" : " and result")
        .append(spec == null ? "; its spec could not be read, so tolerance bounds are not drawn" : " and spec")
        .append(". Times in ").append(esc(zone.getId())).append(". The JSON journal is beside this page. ")
        .append("This page loads nothing from anywhere.</footer>\n</body>\n</html>\n");
    return b.toString();
  }

  // --- the verdict, first thing on the page ---

  private void header(StringBuilder b) {
    b.append("<header>\n<h1>Chaos experiment: ").append(esc(nz(service()))).append(' ').append(esc(nz(name())))
        .append("</h1>\n");
    if (workflowId != null) {
      b.append("<p class=\"muted\">").append(esc(workflowId));
      String started = result != null ? result.startedAt() : null;
      if (!blank(started)) {
        b.append(" &middot; ").append(esc(CanaryReport.eventTime(started, zone)));
        if (!blank(result.endedAt())) {
          b.append(" to ").append(esc(CanaryReport.eventTime(result.endedAt(), zone)));
        }
      }
      b.append("</p>\n");
    }
    Verdict v = verdict();
    Boolean held = hypothesisHeld();
    b.append("<div class=\"verdict ").append(tone(v)).append("\" id=\"verdict\">\n<div class=\"big\">")
        .append(esc(v == null ? "UNKNOWN" : v.name().replace('_', ' '))).append("</div>\n<div class=\"sub\">")
        .append(esc(ChaosText.verdictWords(v))).append("</div>\n<div class=\"held\" id=\"hypothesis-held\">")
        .append("The hypothesis <strong class=\"").append(Boolean.TRUE.equals(held) ? "ok-text" : Boolean.FALSE.equals(held) ? "bad-text" : "")
        .append("\">").append(esc(ChaosText.hypothesisWords(v, held))).append("</strong>");
    Phase phase = result != null ? result.outcome() : status.phase();
    if (phase != null) {
      b.append(" &middot; run ").append(esc(phase.name()));
    }
    b.append("</div>\n</div>\n");
    String reason = result != null && !blank(result.reason()) ? result.reason() : status != null ? status.reason() : null;
    if (!blank(reason)) {
      b.append("<div class=\"reason\" id=\"reason\"><strong>")
          .append(v == Verdict.RESTORATION_FAILED ? "Failed because" : "Stopped because").append(":</strong> ")
          .append(esc(reason)).append("</div>\n");
    }
    b.append("</header>\n");
  }

  // --- the hypothesis: what was expected ---

  private void hypothesis(StringBuilder b) {
    b.append("<section id=\"hypothesis\"><h2>Hypothesis</h2>\n");
    String text = status != null && !blank(status.hypothesis()) ? status.hypothesis() : spec == null ? null : spec.hypothesis();
    if (blank(text)) {
      b.append("<p class=\"muted\">None was written down.</p>\n");
    } else {
      b.append("<blockquote>").append(esc(text)).append("</blockquote>\n");
    }
    if (spec == null) {
      b.append("<p class=\"muted\">The spec could not be read: the probes' tolerances are not known here.</p>\n")
          .append("</section>\n");
      return;
    }
    if (spec.probes() != null && !spec.probes().isEmpty()) {
      b.append("<h3>Steady-state probes</h3>\n<table class=\"probes\">\n<tr><th>probe</th><th>type</th><th>reads</th>")
          .append("<th>steady state (baseline, recovery)</th><th>expected during the fault</th></tr>\n");
      for (ProbeSpec p : spec.probes()) {
        if (p == null) {
          continue;
        }
        b.append("<tr data-probe=\"").append(esc(p.name())).append("\"><td>").append(esc(nz(p.name()))).append("</td><td>")
            .append(esc(nz(p.type()))).append("</td><td>").append(esc(reads(p))).append("</td><td>")
            .append(esc(p.tolerance() == null ? "-" : p.tolerance().describe())).append("</td><td>")
            .append(esc(p.duringFault() == null ? "recorded only" : p.duringFault().describe())).append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    if (!spec.guardrails().isEmpty()) {
      b.append("<h3>Guardrails</h3>\n<p class=\"muted\">read every interval while a fault is active; a breach aborts")
          .append(" and restores at once</p>\n<table class=\"guardrails\">\n<tr><th>guardrail</th><th>query</th>")
          .append("<th>bound</th><th>breach after</th></tr>\n");
      for (StopCondition g : spec.guardrails()) {
        b.append("<tr><td>").append(esc(nz(g.name()))).append("</td><td><code>").append(esc(nz(g.query())))
            .append("</code></td><td>").append(esc(Numbers.range(g.min(), g.max()))).append("</td><td>")
            .append(g.failureLimitOrDefault()).append(" bad read(s) in a row</td></tr>\n");
      }
      b.append("</table>\n");
    }
    b.append("<table class=\"facts\">\n");
    ErrorBudgetSpec eb = spec.errorBudget();
    if (eb != null) {
      List<String> parts = new ArrayList<>();
      if (eb.maxFailedRequests() != null) {
        parts.add("at most " + eb.maxFailedRequests() + " failed requests");
      }
      if (eb.maxFailedRatio() != null) {
        parts.add("at most " + Numbers.rate(eb.maxFailedRatio()) + " of requests failed");
      }
      row(b, "error budget", String.join(", ", parts));
    }
    row(b, "baseline", spec.baselineOrDefault().toSeconds() + " s, read every " + spec.intervalOrDefault().toSeconds() + " s");
    row(b, "recovery timeout", spec.recoveryTimeoutOrDefault().toSeconds() + " s");
    row(b, "dead-man grace", spec.graceOrDefault().toSeconds() + " s past each fault's duration");
    if (!blank(spec.requestedBy())) {
      row(b, "requested by", spec.requestedBy());
    }
    if (spec.approval() != null) {
      row(b, "approval", "a gate before the first injection");
    }
    b.append("</table>\n</section>\n");
  }

  private static String reads(ProbeSpec p) {
    if (ProbeSpec.HTTP.equals(p.type())) {
      return "endpoint " + nz(p.endpoint()) + ": latency in ms and the HTTP status";
    }
    if (ProbeSpec.PROMETHEUS.equals(p.type())) {
      return nz(p.query()) + (blank(p.metrics()) ? "" : " on " + p.metrics());
    }
    if (ProbeSpec.SERVERS.equals(p.type())) {
      return "servers UP and in rotation at the router";
    }
    return "";
  }

  // --- the readings, across baseline, fault and recovery ---

  /** A fault step's window on the time axis, in seconds from the start. */
  record Window(String label, double from, double to, boolean open) {}

  /** A dashed line across a chart. */
  record Bound(String label, double value, String color, String kind) {}

  private void probes(StringBuilder b) {
    b.append("<section id=\"probes\"><h2>Readings</h2>\n");
    List<ProbeSample> samples = status == null ? List.of() : status.samples() == null ? List.of() : status.samples();
    if (samples.isEmpty()) {
      b.append("<p class=\"muted\">No reading was recorded").append(status == null ? " (the status could not be read)" : "")
          .append(".</p>\n</section>\n");
      return;
    }
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    for (ProbeSample p : samples) {
      Long t = millis(p.time());
      if (t != null) {
        t0 = Math.min(t0, t);
        t1 = Math.max(t1, t);
      }
    }
    List<FaultRecord> faults = faults();
    for (FaultRecord f : faults) {
      for (String iso : new String[] {f.injectedAt(), f.restoredAt()}) {
        Long t = millis(iso);
        if (t != null) {
          t0 = Math.min(t0, t);
          t1 = Math.max(t1, t);
        }
      }
    }
    if (t0 == Long.MAX_VALUE) {
      b.append("<p class=\"muted\">The readings carry no time.</p>\n</section>\n");
      return;
    }
    long start = t0;
    double end = (t1 - t0) / 1000.0;
    List<Window> windows = windows(faults, start, end);
    Map<Stage, double[]> stages = stageSpans(samples, start);
    b.append("<p class=\"muted\">seconds since the first reading; each fault step's injection window is shaded,")
        .append(" the steady-state tolerance is dashed green, the during-fault expectation dashed amber,")
        .append(" guardrail bounds dashed red; readings outside the tolerance in force are crossed</p>\n");
    Map<String, ProbeSpec> probeSpecs = new LinkedHashMap<>();
    Map<String, StopCondition> guardSpecs = new LinkedHashMap<>();
    if (spec != null) {
      for (ProbeSpec p : spec.probes() == null ? List.<ProbeSpec>of() : spec.probes()) {
        if (p != null && p.name() != null) {
          probeSpecs.put(p.name(), p);
        }
      }
      for (StopCondition g : spec.guardrails()) {
        if (g != null && g.name() != null) {
          guardSpecs.put(GUARDRAIL + g.name(), g);
        }
      }
    }
    Set<String> names = new LinkedHashSet<>(probeSpecs.keySet());
    Set<String> guardNames = new LinkedHashSet<>(guardSpecs.keySet());
    boolean budget = false;
    for (ProbeSample p : samples) {
      String n = nz(p.probe());
      if (n.startsWith(GUARDRAIL)) {
        guardNames.add(n);
      } else if (BUDGET.equals(n)) {
        budget = true;
      } else {
        names.add(n);
      }
    }
    for (String n : names) {
      ProbeSpec p = probeSpecs.get(n);
      List<Bound> bounds = new ArrayList<>();
      if (p != null) {
        bounds(bounds, "steady", p.tolerance(), STEADY_COLOR, "steady");
        bounds(bounds, "during fault", p.duringFault(), DURING_COLOR, "during-fault");
      }
      b.append("<div class=\"probe\" id=\"probe-").append(esc(slug(n))).append("\">\n<h3>Probe ").append(esc(n))
          .append(" <span class=\"muted\">");
      if (p == null) {
        b.append("tolerance unknown");
      } else {
        b.append(esc(nz(p.type()))).append(ProbeSpec.HTTP.equals(p.type()) ? ", latency ms" : "")
            .append(" &middot; steady ").append(esc(p.tolerance() == null ? "-" : p.tolerance().describe()))
            .append(" &middot; during fault ").append(esc(p.duringFault() == null ? "recorded only" : p.duringFault().describe()));
      }
      b.append(" &middot; ").append(esc(counts(samples, n))).append("</span></h3>\n");
      chart(b, n, "probe " + n + " across baseline, fault and recovery", only(samples, n), start, end, windows, stages,
          bounds);
      b.append("</div>\n");
    }
    for (String n : guardNames) {
      StopCondition g = guardSpecs.get(n);
      String shortName = n.substring(GUARDRAIL.length());
      List<Bound> bounds = new ArrayList<>();
      if (g != null && g.max() != null) {
        bounds.add(new Bound("guardrail max " + Numbers.fmt(g.max()), g.max(), FAIL_COLOR, "guardrail"));
      }
      if (g != null && g.min() != null) {
        bounds.add(new Bound("guardrail min " + Numbers.fmt(g.min()), g.min(), FAIL_COLOR, "guardrail"));
      }
      b.append("<div class=\"probe guardrail\" id=\"guardrail-").append(esc(slug(shortName))).append("\">\n<h3>Guardrail ")
          .append(esc(shortName)).append(" <span class=\"muted\">")
          .append(esc(g == null ? "bounds unknown" : "bound " + Numbers.range(g.min(), g.max()) + ", breach after "
              + g.failureLimitOrDefault() + " bad read(s) in a row"))
          .append(" &middot; ").append(esc(counts(samples, n))).append("</span></h3>\n");
      chart(b, n, "guardrail " + shortName + " while faults were active", only(samples, n), start, end, windows, stages,
          bounds);
      b.append("</div>\n");
    }
    if (budget) {
      BudgetStatus bs = budgetStatus();
      List<Bound> bounds = new ArrayList<>();
      if (bs != null && bs.allowance() != null) {
        bounds.add(new Bound("allowed " + Numbers.fmt(bs.allowance()), bs.allowance(), FAIL_COLOR, "budget"));
      }
      b.append("<div class=\"probe budget\" id=\"budget-chart\">\n<h3>Error budget <span class=\"muted\">failed requests")
          .append(" since the first injection</span></h3>\n");
      chart(b, BUDGET, "failed requests burned since the first injection", only(samples, BUDGET), start, end, windows,
          stages, bounds);
      b.append("</div>\n");
    }
    b.append("</section>\n");
  }

  private static final String GUARDRAIL = "guardrail:";
  private static final String BUDGET = "budget";

  private static void bounds(List<Bound> out, String label, Tolerance t, String color, String kind) {
    if (t == null) {
      return;
    }
    if (t.max() != null) {
      out.add(new Bound(label + " max " + Numbers.fmt(t.max()), t.max(), color, kind));
    }
    if (t.min() != null) {
      out.add(new Bound(label + " min " + Numbers.fmt(t.min()), t.min(), color, kind));
    }
  }

  private static String counts(List<ProbeSample> samples, String name) {
    List<ProbeSample> mine = only(samples, name);
    long out = mine.stream().filter(p -> !p.ok()).count();
    return mine.size() + " reading(s), " + out + " outside tolerance";
  }

  private static List<ProbeSample> only(List<ProbeSample> samples, String name) {
    return samples.stream().filter(p -> name.equals(p.probe())).toList();
  }

  /** Each fault step that was injected: from its injection to its restoration (or the end, while active). */
  private List<Window> windows(List<FaultRecord> faults, long start, double end) {
    List<Window> out = new ArrayList<>();
    for (FaultRecord f : faults) {
      Long from = millis(f.injectedAt());
      if (from == null) {
        continue;
      }
      Long to = millis(f.restoredAt());
      out.add(new Window(ChaosText.stepName(f) + " " + nz(f.injector()) + " on " + ChaosText.targetNames(f.targets()),
          (from - start) / 1000.0, to == null ? end : (to - start) / 1000.0, to == null));
    }
    return out;
  }

  private static Map<Stage, double[]> stageSpans(List<ProbeSample> samples, long start) {
    Map<Stage, double[]> out = new LinkedHashMap<>();
    for (ProbeSample p : samples) {
      Long t = millis(p.time());
      if (t == null || p.stage() == null) {
        continue;
      }
      double x = (t - start) / 1000.0;
      double[] span = out.computeIfAbsent(p.stage(), k -> new double[] {x, x});
      span[0] = Math.min(span[0], x);
      span[1] = Math.max(span[1], x);
    }
    return out;
  }

  private static final int W = 680;
  private static final int H = 250;
  private static final int LEFT = 70;
  private static final int RIGHT = 16;
  private static final int TOP = 34;
  private static final int BOTTOM = 36;

  /**
   * One probe's readings over the run: a point per reading coloured by stage, readings outside the
   * tolerance in force crossed in red, readings without a value as grey marks on the axis; each
   * fault step's window shaded; stage spans labelled along the top; bounds dashed.
   */
  private static void chart(
      StringBuilder b,
      String probe,
      String title,
      List<ProbeSample> points,
      long start,
      double end,
      List<Window> windows,
      Map<Stage, double[]> stages,
      List<Bound> bounds) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (ProbeSample p : points) {
      if (finite(p.value())) {
        lo = Math.min(lo, p.value());
        hi = Math.max(hi, p.value());
      }
    }
    for (Bound bd : bounds) {
      lo = Math.min(lo, bd.value());
      hi = Math.max(hi, bd.value());
    }
    if (lo > 0 && lo < hi) {
      lo = lo < hi * 0.6 ? 0 : lo;
    }
    Numbers.Axis yAxis = Numbers.axis(lo, hi);
    Numbers.Axis xAxis = Numbers.axis(0, Math.max(end, 1));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    Function<Double, Double> y = v -> TOP + plotH - (v - yAxis.low()) / (yAxis.high() - yAxis.low()) * plotH;
    Function<Double, Double> x = v -> LEFT + (v - xAxis.low()) / (xAxis.high() - xAxis.low()) * plotW;

    b.append("<svg class=\"chart chaos\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"")
        .append(esc(title)).append("\" data-probe=\"").append(esc(probe)).append("\">\n");
    b.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotW)
        .append("\" height=\"").append(plotH).append("\" fill=\"#fcfcfc\" stroke=\"#ccc\"/>\n");
    // The fault windows first, behind everything else.
    for (Window w : windows) {
      double a = clampX(x.apply(w.from()), plotW);
      double z = clampX(x.apply(Math.max(w.from(), w.to())), plotW);
      b.append("<rect class=\"fault-window\" x=\"").append(num(a)).append("\" y=\"").append(TOP).append("\" width=\"")
          .append(num(Math.max(1.5, z - a))).append("\" height=\"").append(plotH).append("\" fill=\"").append(FAULT_COLOR)
          .append("\" fill-opacity=\"0.13\"><title>").append(esc(w.label())).append(": injected at ")
          .append(Numbers.fmt(w.from())).append(" s, ").append(w.open() ? "still active" : "restored at " + Numbers.fmt(w.to()) + " s")
          .append("</title></rect>\n");
    }
    // Stage spans as labelled brackets along the top.
    for (Map.Entry<Stage, double[]> e : stages.entrySet()) {
      double a = clampX(x.apply(e.getValue()[0]), plotW);
      double z = clampX(x.apply(e.getValue()[1]), plotW);
      String color = stageColor(e.getKey());
      b.append("<g class=\"stage\" data-stage=\"").append(e.getKey().name().toLowerCase(java.util.Locale.ROOT))
          .append("\"><line x1=\"").append(num(a)).append("\" x2=\"").append(num(Math.max(z, a + 2))).append("\" y1=\"")
          .append(TOP - 6).append("\" y2=\"").append(TOP - 6).append("\" stroke=\"").append(color)
          .append("\" stroke-width=\"3\"/><text x=\"").append(num(a)).append("\" y=\"").append(TOP - 10)
          .append("\" font-size=\"11\" fill=\"").append(color).append("\">")
          .append(e.getKey().name().toLowerCase(java.util.Locale.ROOT)).append("</text></g>\n");
    }
    for (double t : yAxis.ticks()) {
      double ty = y.apply(t);
      b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"").append(num(ty))
          .append("\" y2=\"").append(num(ty)).append("\" stroke=\"#eee\"/>")
          .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(num(ty + 4))
          .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">").append(Numbers.fmt(t)).append("</text>\n");
    }
    for (double t : xAxis.ticks()) {
      b.append("<text x=\"").append(num(x.apply(t))).append("\" y=\"").append(TOP + plotH + 16)
          .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">").append(Numbers.fmt(t)).append("</text>\n");
    }
    // Bounds at the same value (a steady-state min that is also the during-fault min) share one label.
    Map<Double, List<Bound>> byValue = new LinkedHashMap<>();
    for (Bound bd : bounds) {
      byValue.computeIfAbsent(bd.value(), k -> new ArrayList<>()).add(bd);
    }
    for (List<Bound> same : byValue.values()) {
      double by = Math.max(TOP, Math.min(TOP + plotH, y.apply(same.get(0).value())));
      for (Bound bd : same) {
        b.append("<line class=\"bound ").append(bd.kind()).append("\" x1=\"").append(LEFT).append("\" x2=\"")
            .append(LEFT + plotW).append("\" y1=\"").append(num(by)).append("\" y2=\"").append(num(by))
            .append("\" stroke=\"").append(bd.color()).append("\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>")
            .append(esc(bd.label())).append("</title></line>");
      }
      String label = String.join(" / ", same.stream().map(Bound::label).toList());
      // Below the line when it runs along the top of the plot, so that the label stays inside.
      double ty = by - 4 < TOP + 10 ? by + 13 : by - 4;
      b.append("<text x=\"").append(LEFT + plotW - 4).append("\" y=\"").append(num(ty))
          .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"").append(same.get(0).color()).append("\">")
          .append(esc(label)).append("</text>\n");
    }
    // A line per stage joins its readings; gaps (no value) break it.
    for (Stage stage : Stage.values()) {
      List<String> run = new ArrayList<>();
      for (ProbeSample p : points) {
        Long t = millis(p.time());
        if (p.stage() == stage && t != null && finite(p.value())) {
          run.add(num(x.apply((t - start) / 1000.0)) + "," + num(y.apply(p.value())));
        } else if (p.stage() == stage) {
          line(b, stage, run);
          run.clear();
        }
      }
      line(b, stage, run);
    }
    for (ProbeSample p : points) {
      Long t = millis(p.time());
      if (t == null) {
        continue;
      }
      double px = x.apply((t - start) / 1000.0);
      String tip = esc((p.stage() == null ? "" : p.stage().name().toLowerCase(java.util.Locale.ROOT) + " ")
          + Numbers.fmt((t - start) / 1000.0) + " s: " + ChaosText.value(p) + (p.ok() ? "" : ", outside tolerance")
          + (blank(p.detail()) ? "" : " (" + p.detail() + ")"));
      if (!finite(p.value())) {
        b.append("<path class=\"no-reading\" d=\"M").append(num(px - 4)).append(' ').append(TOP + plotH).append(" L")
            .append(num(px)).append(' ').append(TOP + plotH - 8).append(" L").append(num(px + 4)).append(' ')
            .append(TOP + plotH).append(" Z\" fill=\"#9e9e9e\"><title>").append(tip).append("</title></path>\n");
      } else if (!p.ok()) {
        double py = y.apply(p.value());
        b.append("<path class=\"out-of-tolerance\" d=\"M").append(num(px - 5)).append(' ').append(num(py - 5))
            .append(" L").append(num(px + 5)).append(' ').append(num(py + 5)).append(" M").append(num(px - 5)).append(' ')
            .append(num(py + 5)).append(" L").append(num(px + 5)).append(' ').append(num(py - 5)).append("\" stroke=\"")
            .append(FAIL_COLOR).append("\" stroke-width=\"2.5\"><title>").append(tip).append("</title></path>\n");
      } else {
        b.append("<circle class=\"reading\" cx=\"").append(num(px)).append("\" cy=\"").append(num(y.apply(p.value())))
            .append("\" r=\"3\" fill=\"").append(stageColor(p.stage())).append("\"><title>").append(tip)
            .append("</title></circle>\n");
      }
    }
    b.append("<text x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(H - 4)
        .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">seconds since the first reading</text>\n");
    b.append("</svg>\n");
  }

  private static void line(StringBuilder b, Stage stage, List<String> run) {
    if (run.size() > 1) {
      b.append("<polyline class=\"series\" points=\"").append(String.join(" ", run)).append("\" fill=\"none\" stroke=\"")
          .append(stageColor(stage)).append("\" stroke-width=\"1.5\" stroke-opacity=\"0.7\"/>\n");
    }
  }

  private static double clampX(double v, int plotW) {
    return Math.max(LEFT, Math.min(LEFT + plotW, v));
  }

  private static String stageColor(Stage s) {
    if (s == null) {
      return "#555";
    }
    return switch (s) {
      case BASELINE -> BASELINE_COLOR;
      case FAULT -> FAULT_COLOR;
      case RECOVERY -> RECOVERY_COLOR;
    };
  }

  // --- the targets of every step ---

  private void targets(StringBuilder b) {
    b.append("<section id=\"targets\"><h2>Faults and targets</h2>\n");
    List<FaultRecord> faults = faults();
    if (faults.isEmpty()) {
      b.append("<p class=\"muted\">No fault step was planned.</p>\n</section>\n");
      return;
    }
    List<BlastRadius> radius = result != null && result.blastRadius() != null && !result.blastRadius().isEmpty()
        ? result.blastRadius() : status == null ? List.of() : status.blastRadius();
    b.append("<table class=\"steps\">\n<tr><th>fault</th><th>step</th><th>injector</th><th>selector</th><th>seed</th>")
        .append("<th>targets</th><th>zones</th><th>share of the service</th><th>magnitude</th><th>duration</th>")
        .append("<th>injected</th><th>restored</th><th>ended by</th><th>state</th></tr>\n");
    for (int i = 0; i < faults.size(); i++) {
      FaultRecord f = faults.get(i);
      BlastRadius br = ChaosText.radiusOf(f, i, radius);
      Set<String> zones = new LinkedHashSet<>();
      for (FaultTarget t : f.targets()) {
        if (!blank(t.zone())) {
          zones.add(t.zone());
        }
      }
      if (br != null) {
        zones.addAll(br.zones());
      }
      String state = nz(f.state());
      b.append("<tr class=\"").append(FaultRecord.FAILED.equals(state) ? "bad" : FaultRecord.ACTIVE.equals(state) ? "warn" : "")
          .append("\" data-fault=\"").append(esc(nz(f.faultId()))).append("\"><td>").append(esc(nz(f.fault())))
          .append("</td><td>").append(f.step()).append("/").append(ChaosText.stepsOf(faults, f.fault())).append("</td><td>")
          .append(esc(nz(f.injector()))).append("</td><td>").append(esc(blank(f.selector()) ? "all" : f.selector()))
          .append("</td><td>").append(f.seed()).append("</td><td class=\"target-list\">")
          .append(esc(f.targets().isEmpty() ? "the host" : ChaosText.targetsWithZones(f.targets()))).append("</td><td>")
          .append(esc(zones.isEmpty() ? "-" : String.join(", ", zones))).append("</td><td>")
          .append(esc(br == null ? "-" : ChaosText.share(br))).append("</td><td>").append(esc(magnitude(f.magnitude())))
          .append("</td><td>").append(esc(ChaosText.duration(f.durationMillis()))).append("</td><td>")
          .append(esc(blank(f.injectedAt()) ? "-" : CanaryReport.eventTime(f.injectedAt(), zone))).append("</td><td>")
          .append(esc(blank(f.restoredAt()) ? "-" : CanaryReport.eventTime(f.restoredAt(), zone))).append("</td><td>")
          .append(esc(blank(f.endedBy()) ? "-" : f.endedBy())).append("</td><td><strong>").append(esc(state))
          .append("</strong></td></tr>\n");
    }
    b.append("</table>\n</section>\n");
  }

  private static String magnitude(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    new java.util.TreeMap<>(m).forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }

  // --- the error budget ---

  private void budget(StringBuilder b) {
    b.append("<section id=\"budget\"><h2>Error budget</h2>\n");
    BudgetStatus bs = budgetStatus();
    String words = ChaosText.budget(bs);
    if (words == null) {
      b.append("<p class=\"muted\">The experiment had no error budget and the service no SLO.</p>\n</section>\n");
      return;
    }
    b.append("<p class=\"budget-words\">").append(esc(words)).append("</p>\n");
    if (bs.allowance() != null && bs.allowance() > 0) {
      double share = Math.min(1.0, bs.burned() / bs.allowance());
      String tone = bs.burned() > bs.allowance() ? "bad" : share >= 0.8 ? "warn" : "ok";
      b.append("<svg class=\"budget-bar\" width=\"420\" height=\"24\" viewBox=\"0 0 420 24\" role=\"img\" aria-label=\"")
          .append(esc(Numbers.fmt(bs.burned()) + " of " + Numbers.fmt(bs.allowance()) + " allowed failed requests burned"))
          .append("\"><rect x=\"0\" y=\"4\" width=\"320\" height=\"16\" fill=\"#eee\" rx=\"3\"/><rect class=\"burned ")
          .append(tone).append("-fill\" x=\"0\" y=\"4\" width=\"").append(num(320 * share))
          .append("\" height=\"16\" rx=\"3\"/><text x=\"328\" y=\"17\" font-size=\"12\" fill=\"#333\">")
          .append(Numbers.fmt(bs.burned())).append(" / ").append(Numbers.fmt(bs.allowance())).append("</text></svg>\n");
    }
    b.append("<table class=\"facts\">\n");
    row(b, "burned", Numbers.fmt(bs.burned()) + " failed requests since the first injection");
    row(b, "allowed", bs.allowance() == null ? "no limit" : Numbers.fmt(bs.allowance()) + " failed requests");
    row(b, "requests seen", Numbers.fmt(bs.seen()));
    if (bs.objective() > 0) {
      row(b, "service SLO", Numbers.fmt(bs.objective()) + " success");
    }
    if (bs.remainingAtStart() != null) {
      row(b, "budget left at the start", Numbers.fmt(Math.max(0, bs.remainingAtStart())) + " failed requests in the SLO window");
    }
    b.append("</table>\n</section>\n");
  }

  // --- restoration ---

  private void restoration(StringBuilder b) {
    b.append("<section id=\"restoration\"><h2>Restoration</h2>\n<table class=\"facts\">\n");
    List<FaultRecord> faults = faults();
    long injected = faults.stream().filter(f -> !blank(f.injectedAt())).count();
    long restored = faults.stream().filter(f -> FaultRecord.RESTORED.equals(f.state())).count();
    long failed = faults.stream().filter(f -> FaultRecord.FAILED.equals(f.state())).count();
    long active = faults.stream()
        .filter(f -> FaultRecord.ACTIVE.equals(f.state()) || FaultRecord.INJECTING.equals(f.state())).count();
    String words;
    if (injected == 0 && active == 0) {
      words = "nothing was injected";
    } else if (failed > 0) {
      words = failed + " fault step(s) could NOT be restored; " + restored + " of " + injected + " restored";
    } else if (active > 0) {
      words = active + " fault step(s) still in force; " + restored + " of " + injected + " restored so far";
    } else {
      words = "every injected fault step was restored (" + restored + " of " + injected + ")";
    }
    row(b, "faults", words);
    if (result != null) {
      row(b, "breach to restored", result.breachToRestoredMillis() > 0
          ? ChaosText.seconds(result.breachToRestoredMillis()) + " from the breach (or rollback) to every fault restored"
          : "no breach");
    }
    Verdict v = verdict();
    if (v == Verdict.RESTORATION_FAILED) {
      row(b, "recovery", "NOT verified: people must look now");
    } else if (v == Verdict.HELD || v == Verdict.DEVIATED || v == Verdict.ABORTED) {
      row(b, "recovery", "verified: the steady-state probes passed again");
    }
    b.append("</table>\n</section>\n");
  }

  // --- findings ---

  private void findings(StringBuilder b) {
    b.append("<section id=\"findings\"><h2>Findings</h2>\n");
    List<String> f = result != null && result.findings() != null && !result.findings().isEmpty()
        ? result.findings() : status == null || status.findings() == null ? List.of() : status.findings();
    if (f.isEmpty()) {
      b.append("<p class=\"muted\">None recorded.</p>\n");
    } else {
      b.append("<ul>\n");
      for (String s : f) {
        b.append("<li>").append(esc(s)).append("</li>\n");
      }
      b.append("</ul>\n");
    }
    b.append("</section>\n");
  }

  private void gate(StringBuilder b) {
    GateStatus g = status == null ? null : status.gate();
    if (g == null) {
      return;
    }
    b.append("<section id=\"gate\"><h2>Approval gate</h2>\n<table class=\"facts\">\n");
    row(b, "gate", nz(g.name()) + ": " + nz(g.state()) + ", approvals " + (g.approvals() == null ? 0 : g.approvals().size())
        + "/" + g.requiredApprovals() + (g.approvals() == null || g.approvals().isEmpty() ? "" : " (" + String.join(", ", g.approvals()) + ")"));
    b.append("</table>\n");
    if (g.decisions() != null && !g.decisions().isEmpty()) {
      b.append("<table class=\"gate-decisions\">\n<tr><th>time</th><th>by</th><th>action</th><th>counted</th><th>reason</th></tr>\n");
      for (GateDecision d : g.decisions()) {
        b.append("<tr class=\"").append(d.accepted() ? "" : "bad").append("\"><td>")
            .append(esc(CanaryReport.eventTime(d.time(), zone))).append("</td><td>").append(esc(nz(d.by())))
            .append("</td><td>").append(esc(nz(d.action()))).append("</td><td>")
            .append(d.accepted() ? "yes" : "no: " + esc(nz(d.refusal()))).append("</td><td>").append(esc(nz(d.reason())))
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    b.append("</section>\n");
  }

  // --- helpers ---

  private String service() {
    return result != null ? result.service() : status != null ? status.service() : spec == null ? null : spec.service();
  }

  private String name() {
    return result != null ? result.name() : status != null ? status.name() : spec == null ? null : spec.name();
  }

  /** The fault steps: the status' (the fuller journal while running), else the result's. */
  private List<FaultRecord> faults() {
    List<FaultRecord> f = status != null && status.faults() != null && !status.faults().isEmpty() ? status.faults()
        : result == null ? null : result.faults();
    return f == null ? List.of() : f;
  }

  private BudgetStatus budgetStatus() {
    return result != null && result.budget() != null ? result.budget() : status == null ? null : status.budget();
  }

  /** The CSS class of a verdict. */
  static String tone(Verdict v) {
    if (v == null) {
      return "info";
    }
    return switch (v) {
      case HELD -> "ok";
      case DEVIATED, ABORTED, NOT_STEADY -> "warn";
      case RESTORATION_FAILED -> "bad";
      default -> "info";
    };
  }

  private static Long millis(String iso) {
    if (iso == null || iso.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String slug(String s) {
    return nz(s).replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static boolean finite(Double v) {
    return v != null && !v.isNaN() && !v.isInfinite();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static final String STYLE =
      """
      blockquote{margin:8px 0;padding:8px 14px;border-left:4px solid #1b6ca8;background:#f5f9fc;font-size:1.05em}
      .verdict .held{margin-top:6px;font-size:1.15em}.ok-text{color:#2e7d32}.bad-text{color:#c62828}
      code{background:#f2f2f2;padding:0 3px;border-radius:3px}.probe{margin:10px 0 18px}
      td.target-list{font-weight:600}
      """;
}
