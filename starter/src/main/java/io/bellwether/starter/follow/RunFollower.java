package io.bellwether.starter.follow;

import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.Evaluation;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import java.io.PrintWriter;
import io.bellwether.starter.report.ABTestText;
import io.bellwether.starter.report.CanaryText;
import io.bellwether.starter.report.ChaosText;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a run as it goes from successive status answers: each new audit event once, and the
 * progress line. On a terminal the line is redrawn in place; otherwise (CI, pipes, files) it is
 * printed as a plain line whenever it changes, with no carriage returns. When an approval gate
 * opens, who may open it and the commands to do so are printed once. Thread-safe, so that a
 * helper (the demo's approver) can add notes while a run is followed.
 */
public final class RunFollower {
  private static final String CLEAR_LINE = "\r\033[2K";

  private final PrintWriter out;
  private final boolean tty;
  private final ZoneId zone;
  private final String workflowId;
  private int eventsShown;
  private String gateShown = "";
  private String lastLine = "";
  private boolean lineOpen;
  // Per analysis (by position in the status): rounds already printed, and whether its end was.
  private final Map<Integer, Integer> roundsShown = new HashMap<>();
  private final Map<Integer, String> analysisEndShown = new HashMap<>();
  // A/B tests: the latest read printed, and whether the deciding evaluation was.
  private long readShown;
  private boolean evaluationShown;
  // Chaos experiments: readings already printed, by their position in the journal.
  private int samplesShown;

  public RunFollower(PrintWriter out, boolean tty, ZoneId zone) {
    this(out, tty, zone, "ID");
  }

  /** A follower whose gate hints name {@code workflowId} in the commands they suggest. */
  public RunFollower(PrintWriter out, boolean tty, ZoneId zone, String workflowId) {
    this.out = out;
    this.tty = tty;
    this.zone = zone;
    this.workflowId = workflowId;
  }

  /** Prints what is new in {@code status} since the previous call. Never throws on missing parts. */
  public synchronized void render(RollingStatus status) {
    show(status.events(), ProgressView.line(status, zone), status.gate());
  }

  /** The same for a blue-green run. */
  public synchronized void render(BlueGreenStatus status) {
    show(status.events(), ProgressView.line(status), status.gate());
  }

  /**
   * The same for a canary run, and each analysis round once as it is measured (metric, canary,
   * baseline, verdict), then the analysis' end and the judge's verdict.
   */
  public synchronized void render(CanaryStatus status) {
    show(status.events(), ProgressView.line(status), status.gate(), analysisLines(status));
  }

  /**
   * The same for an A/B test, and each read of the counts once as it comes (exposures,
   * conversions and rate per variant), then the deciding evaluation once it is made (per
   * treatment: difference, lift, interval, p-values) and the outcome.
   */
  public synchronized void render(ABTestStatus status) {
    List<String> lines = new ArrayList<>();
    long read = ABTestText.lastRead(status);
    if (read > readShown) {
      readShown = read;
      lines.add("  " + ABTestText.read(status));
    }
    Evaluation e = status.evaluation();
    if (e != null && !evaluationShown) {
      evaluationShown = true;
      lines.add("  " + ABTestText.evaluationTitle(status, e));
      if (!e.comparisons().isEmpty()) {
        lines.add("  " + ABTestText.COMPARISON_HEADER);
        e.comparisons().forEach(c -> lines.add("  " + ABTestText.comparison(c)));
      }
      if (e.summary() != null && !e.summary().isBlank()) {
        lines.add("  => " + e.summary());
      }
    }
    show(status.events(), ProgressView.line(status), status.gate(), lines);
  }

  /**
   * The same for a chaos experiment, and each round of probe, guardrail and budget readings once
   * (stage, time, every value with whether the tolerance in force admitted it).
   */
  public synchronized void render(ChaosStatus status) {
    List<ProbeSample> samples = status.samples() == null ? List.of() : status.samples();
    List<RunEvent> events = status.events() == null ? List.of() : status.events();
    // New events and new rounds of readings, in the order they happened.
    List<Timed> timed = new ArrayList<>();
    for (int i = eventsShown; i < events.size(); i++) {
      timed.add(new Timed(instant(events.get(i).time()), timed.size(), ProgressView.event(events.get(i), zone)));
    }
    eventsShown = Math.max(eventsShown, events.size());
    if (samples.size() > samplesShown) {
      // A round's readings are recorded together, so a status answer holds whole rounds.
      for (List<ProbeSample> r : ChaosText.rounds(samples.subList(samplesShown, samples.size()))) {
        timed.add(new Timed(instant(r.get(0).time()), timed.size(), "  " + ChaosText.round(r, zone)));
        samplesShown += r.size();
      }
    }
    timed.sort(java.util.Comparator.comparing(Timed::at).thenComparingInt(Timed::order));
    show(events, ProgressView.line(status), status.gate(), timed.stream().map(Timed::text).toList());
  }

  /** A line to print and when what it shows happened; lines without a time keep their place at the end. */
  private record Timed(java.time.Instant at, int order, String text) {}

  private static java.time.Instant instant(String iso) {
    try {
      return iso == null ? java.time.Instant.MAX : java.time.Instant.parse(iso);
    } catch (java.time.format.DateTimeParseException e) {
      return java.time.Instant.MAX;
    }
  }

  private List<String> analysisLines(CanaryStatus status) {
    List<String> lines = new ArrayList<>();
    List<AnalysisRecord> analyses = status.analyses() == null ? List.of() : status.analyses();
    for (int i = 0; i < analyses.size(); i++) {
      AnalysisRecord a = analyses.get(i);
      int shown = roundsShown.getOrDefault(i, 0);
      for (int r = shown; r < a.measurements().size(); r++) {
        lines.add("  " + CanaryText.round(i, a, a.measurements().get(r)));
      }
      roundsShown.put(i, Math.max(shown, a.measurements().size()));
      if (!AnalysisRecord.RUNNING.equals(a.state()) && !a.state().equals(analysisEndShown.get(i))) {
        analysisEndShown.put(i, a.state());
        if (a.judgement() != null) {
          for (var m : a.judgement().metrics()) {
            lines.add("  " + CanaryText.judged(i, m));
          }
          lines.add("  " + CanaryText.verdict(i, a.judgement()));
        }
        lines.add("  " + CanaryText.summary(i, a));
      }
    }
    return lines;
  }

  private void show(List<RunEvent> eventsOrNull, String line, GateStatus gate) {
    show(eventsOrNull, line, gate, List.of());
  }

  private void show(List<RunEvent> eventsOrNull, String line, GateStatus gate, List<String> extra) {
    List<RunEvent> events = eventsOrNull == null ? List.of() : eventsOrNull;
    boolean newEvents = events.size() > eventsShown || !extra.isEmpty();
    if (tty) {
      if (newEvents) {
        out.print(CLEAR_LINE);
        for (int i = eventsShown; i < events.size(); i++) {
          out.println(ProgressView.event(events.get(i), zone));
        }
        extra.forEach(out::println);
        lineOpen = false;
      }
      if (newEvents || !line.equals(lastLine) || !lineOpen) {
        out.print(CLEAR_LINE + line);
        lineOpen = true;
      }
    } else {
      for (int i = eventsShown; i < events.size(); i++) {
        out.println(ProgressView.event(events.get(i), zone));
      }
      extra.forEach(out::println);
      if (!line.equals(lastLine)) {
        out.println(line);
      }
    }
    eventsShown = Math.max(eventsShown, events.size());
    lastLine = line;
    // Once per opening: a gate that reopens under another name is a new one.
    String gateKey = gate == null ? "" : gate.name() + "/" + gate.state();
    if (!gateKey.equals(gateShown)) {
      gateShown = gateKey;
      List<String> hint = ProgressView.gateHint(workflowId, gate, zone);
      if (!hint.isEmpty()) {
        hint.forEach(this::note);
        if (tty) {
          out.print(CLEAR_LINE + line);
          lineOpen = true;
        }
      }
    }
    out.flush();
  }

  /** Prints a note (such as a lost connection) on its own line without breaking the progress line. */
  public synchronized void note(String text) {
    if (tty && lineOpen) {
      out.print(CLEAR_LINE);
      lineOpen = false;
    }
    out.println(text);
    out.flush();
  }

  /** Ends the progress line so later output starts on a fresh line. Idempotent. */
  public synchronized void finish() {
    if (tty && lineOpen) {
      out.println();
      lineOpen = false;
    }
    out.flush();
  }
}
