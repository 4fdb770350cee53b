package io.bellwether.starter.report;

import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.canary.MetricJudgement;
import io.bellwether.contracts.canary.ThresholdRange;
import io.bellwether.contracts.rolling.InstanceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A canary run as compact text for a terminal: the analyses table (every round of every metric,
 * canary against baseline, and the verdict), the judge's table and the score. Pure, so it is
 * tested without a server.
 */
public final class CanaryText {
  private CanaryText() {}

  /** The column header of {@link #round}. */
  public static final String ROUND_HEADER =
      String.format(Locale.ROOT, "%-9s %-20s %5s  %-12s %-12s %-14s %s",
          "ANALYSIS", "METRIC", "ROUND", "CANARY", "BASELINE", "RANGE", "VERDICT");

  /** The column header of {@link #judged}. */
  public static final String JUDGE_HEADER =
      String.format(Locale.ROOT, "%-9s %-20s %-9s %-11s %-9s %-8s %s",
          "JUDGE", "METRIC", "P", "EFFECT", "REL", "SAMPLES", "RESULT");

  /** The instances and every analysis as table lines, without indentation; empty parts left out. */
  public static List<String> table(CanaryStatus s) {
    List<String> out = new ArrayList<>();
    out.add("canary " + instances(s.canaryInstances()) + "; baseline "
        + (s.baselineInstances() == null || s.baselineInstances().isEmpty() ? "-" : String.join(", ", s.baselineInstances())));
    if (s.promotion() != null && !s.promotion().isBlank()) {
      out.add("promotion: " + s.promotion());
    }
    List<AnalysisRecord> analyses = s.analyses() == null ? List.of() : s.analyses();
    if (analyses.isEmpty()) {
      return out;
    }
    out.add("");
    out.add(ROUND_HEADER);
    for (int i = 0; i < analyses.size(); i++) {
      AnalysisRecord a = analyses.get(i);
      for (Measurement m : a.measurements()) {
        out.add(round(i, a, m));
      }
      out.add(summary(i, a));
    }
    boolean header = false;
    for (int i = 0; i < analyses.size(); i++) {
      Judgement j = analyses.get(i).judgement();
      if (j == null) {
        continue;
      }
      if (!header) {
        out.add("");
        out.add(JUDGE_HEADER);
        header = true;
      }
      for (MetricJudgement m : j.metrics()) {
        out.add(judged(i, m));
      }
      out.add(verdict(i, j));
    }
    return out;
  }

  /** {@code #1 s2     error-ratio             3  0.0012       0.0009       <= 0.01        SUCCESS}. */
  public static String round(int analysis, AnalysisRecord a, Measurement m) {
    ThresholdRange r = m.range();
    String verdict = m.verdict() == null ? "" : m.verdict();
    if (Measurement.INCONCLUSIVE.equals(verdict) && m.status() != null) {
      verdict += " (" + m.status() + ")";
    }
    return String.format(Locale.ROOT, "%-9s %-20s %5d  %-12s %-12s %-14s %s",
        label(analysis, a), m.metric(), m.index(), Numbers.fmt(m.canary()), Numbers.fmt(m.baseline()),
        r == null ? "-" : Numbers.range(r.min(), r.max()), verdict).stripTrailing();
  }

  /** The analysis' state line: {@code #1 s2     => FAILED: error-ratio above 0.01 in 2 rounds}. */
  public static String summary(int analysis, AnalysisRecord a) {
    return String.format(Locale.ROOT, "%-9s => %s%s", label(analysis, a), a.state(),
        a.reason() == null || a.reason().isBlank() ? "" : ": " + a.reason());
  }

  /** One metric's judgement: p-value, Hodges-Lehmann effect, relative effect, samples, result. */
  public static String judged(int analysis, MetricJudgement m) {
    return String.format(Locale.ROOT, "%-9s %-20s %-9s %-11s %-9s %-8s %s",
        "#" + (analysis + 1), m.metric() + (m.critical() ? "*" : ""), Numbers.p(m.pValue()),
        Numbers.signed(m.effect()), Numbers.percent(m.relativeEffect()),
        m.canary().size() + "/" + m.baseline().size(), m.result()).stripTrailing();
  }

  /** The judge's verdict and score: {@code #1        => FAIL score 50 (latency is higher)}. */
  public static String verdict(int analysis, Judgement j) {
    return String.format(Locale.ROOT, "%-9s => %s%s%s", "#" + (analysis + 1), j.verdict(),
        j.score() == null ? "" : " score " + Numbers.fmt(j.score()),
        j.reason() == null || j.reason().isBlank() ? "" : " (" + j.reason() + ")");
  }

  /** {@code #2 s4}: the analysis' number in the run and its (1-based) step. */
  static String label(int analysis, AnalysisRecord a) {
    return "#" + (analysis + 1) + " s" + (a.stepIndex() + 1);
  }

  private static String instances(List<InstanceStatus> list) {
    if (list == null || list.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    for (InstanceStatus i : list) {
      parts.add(i.name() + " " + (i.version() == null ? "" : i.version())
          + (i.state() == null || i.state().isBlank() ? "" : " " + i.state()));
    }
    return String.join(", ", parts);
  }
}
