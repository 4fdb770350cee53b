package io.bellwether.starter.report;

import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.Comparison;
import io.bellwether.contracts.abtest.Evaluation;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.SamplePlan;
import io.bellwether.contracts.abtest.StatsPlan;
import io.bellwether.contracts.abtest.VariantStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An A/B test as compact text for a terminal: the variants table (counts, rates, the sample size
 * each needs, whether it was stopped), the plan, the interim or deciding evaluation (per
 * treatment: difference, lift, confidence interval, p-value and Holm-adjusted p-value), the
 * outcome and the decision. Pure, so it is tested without a server.
 */
public final class ABTestText {
  private ABTestText() {}

  /** The column header of {@link #variant}. */
  public static final String VARIANT_HEADER =
      String.format(Locale.ROOT, "%-20s %-12s %5s %10s %11s %8s %9s  %s",
          "VARIANT", "VERSION", "SHARE", "EXPOSURES", "CONVERSIONS", "RATE", "REQUIRED", "STOPPED");

  /** The column header of {@link #comparison}. */
  public static final String COMPARISON_HEADER =
      String.format(Locale.ROOT, "%-20s %-8s %-12s %-8s %-28s %-8s %-8s %s",
          "TREATMENT", "RATE", "DIFF", "LIFT", "CI", "P", "ADJ P", "SIGNIFICANT");

  /** Everything but the audit trail and the gate, as lines without indentation. */
  public static List<String> table(ABTestStatus s) {
    List<String> out = new ArrayList<>();
    List<VariantStatus> variants = s.variants() == null ? List.of() : s.variants();
    out.add(VARIANT_HEADER);
    for (VariantStatus v : variants) {
      out.add(variant(v));
    }
    if (variants.stream().anyMatch(VariantStatus::control)) {
      out.add("(* control)");
    }
    if (s.plan() != null) {
      out.add("");
      out.add("plan: " + plan(s.plan()));
    }
    Evaluation e = s.evaluation() != null ? s.evaluation() : s.interim();
    if (e != null) {
      out.add("");
      out.add(evaluationTitle(s, e));
      if (!e.comparisons().isEmpty()) {
        out.add(COMPARISON_HEADER);
        for (Comparison c : e.comparisons()) {
          out.add(comparison(c));
        }
      }
      if (Double.isFinite(e.chiSquare())) {
        out.add(chiSquare(e));
      }
      if (e.summary() != null && !e.summary().isBlank()) {
        out.add("=> " + e.summary());
      }
    }
    out.add("");
    out.add(decision(s));
    return out;
  }

  /**
   * {@code one-page             4.1.0          50%       1200         170   14.17%      3841  -}; the
   * control's name is marked {@code *}.
   */
  public static String variant(VariantStatus v) {
    String stopped = v.stopped() ? "yes" + (blank(v.stopReason()) ? "" : ": " + v.stopReason()) : "-";
    return String.format(Locale.ROOT, "%-20s %-12s %4d%% %10d %11d %8s %9d  %s",
        nz(v.name()) + (v.control() ? "*" : ""), nz(v.version()), v.share(), v.exposures(), v.conversions(),
        Numbers.rate(v.rate()), v.requiredSampleSize(), stopped).stripTrailing();
  }

  /**
   * One treatment against the control: its rate, the difference in points, the relative lift, the
   * interval at its level, the p-value, the adjusted p-value and whether it is significant.
   */
  public static String comparison(Comparison c) {
    String ci = Numbers.interval(c.ciLow(), c.ciHigh());
    if (!"-".equals(ci) && Double.isFinite(c.confidence())) {
      ci += String.format(Locale.ROOT, " (%s%%)", Numbers.fmt(c.confidence() * 100));
    }
    return String.format(Locale.ROOT, "%-20s %-8s %-12s %-8s %-28s %-8s %-8s %s",
        nz(c.treatment()), Numbers.rate(c.treatmentRate()), Numbers.points(c.difference()),
        Numbers.percent(c.relativeLift()), ci, Numbers.p(c.pValue()), Numbers.p(c.adjustedPValue()),
        c.significant() ? "yes" : "no").stripTrailing();
  }

  /**
   * The plan in one line: {@code 3841 exposures per variant to tell 10.00% from 12.00% (+2.00
   * pts, +20.0%), alpha 0.05 per comparison, power 0.8; about 38 min at the expected traffic}.
   */
  public static String plan(SamplePlan p) {
    double d = p.targetRate() - p.baselineRate();
    String minutes = Double.isFinite(p.expectedMinutes()) && p.expectedMinutes() > 0
        ? "; about " + duration(p.expectedMinutes()) + " at the expected traffic" : "";
    return p.perVariant() + " exposures per variant to tell " + Numbers.rate(p.baselineRate()) + " from "
        + Numbers.rate(p.targetRate()) + " (" + Numbers.points(d) + ", "
        + Numbers.percent(p.baselineRate() == 0 ? null : d / p.baselineRate()) + "), alpha "
        + Numbers.fmt(p.alphaPerComparison()) + " per comparison, power " + Numbers.fmt(p.power()) + minutes;
  }

  /** Minutes in words: {@code 38 min}, {@code 2.5 h}, {@code 3.2 days}. */
  public static String duration(double minutes) {
    if (minutes < 120) {
      return Math.round(minutes) + " min";
    }
    if (minutes < 48 * 60) {
      return Numbers.fmt(Math.round(minutes / 6) / 10.0) + " h";
    }
    return Numbers.fmt(Math.round(minutes / 144) / 10.0) + " days";
  }

  /**
   * What the numbers below are: the deciding evaluation, or an interim one, which with the fixed
   * method is informative only (it never decides: no peeking).
   */
  public static String evaluationTitle(ABTestStatus s, Evaluation e) {
    if (e == s.evaluation()) {
      return "evaluation (" + evaluationContext(s, e) + "):";
    }
    return "interim (" + evaluationContext(s, e) + ")"
        + (StatsPlan.SEQUENTIAL.equals(e.method()) ? ":" : ": informative only, it does not decide");
  }

  /** {@code fixed method, alpha 0.05, after 6 min}: how and when the evaluation was made. */
  public static String evaluationContext(ABTestStatus s, Evaluation e) {
    String method = blank(e.method()) ? "" : e.method() + " method, ";
    String when = s.startedCollectingMillis() > 0 && e.atMillis() >= s.startedCollectingMillis()
        ? ", after " + duration((e.atMillis() - s.startedCollectingMillis()) / 60_000.0) : "";
    return method + "alpha " + Numbers.fmt(e.alpha()) + when;
  }

  /** {@code chi-square 12.6 across all variants, p 0.0056}. */
  static String chiSquare(Evaluation e) {
    return "chi-square " + Numbers.fmt(e.chiSquare()) + " across the active variants, p " + Numbers.p(e.chiSquarePValue());
  }

  /**
   * {@code outcome WINNER one-page; decision: rolled out (through abtest-web-checkout-rollout);
   * confirmed by alice}.
   */
  public static String decision(ABTestStatus s) {
    return outcome(s.outcome(), s.winner()) + "; decision: " + (blank(s.decision()) ? "none yet" : s.decision())
        + (blank(s.promotion()) ? "" : " (through " + s.promotion() + ")")
        + (blank(s.confirmedBy()) ? "" : "; confirmed by " + s.confirmedBy());
  }

  /** {@code outcome WINNER one-page}, {@code outcome NO_DIFFERENCE}. */
  public static String outcome(Outcome o, String winner) {
    return "outcome " + (o == null ? "?" : o.name()) + (o == Outcome.WINNER && !blank(winner) ? " " + winner : "");
  }

  /** The result of a finished test in one line, for the end of {@code deploy}. */
  public static String result(ABTestResult r) {
    return outcome(r.outcome(), r.winner()) + "; decision: " + (blank(r.decision()) ? "none" : r.decision())
        + (blank(r.promotion()) ? "" : " (through " + r.promotion() + ")");
  }

  /** The time of the latest read of any variant, 0 before the first. */
  public static long lastRead(ABTestStatus s) {
    long last = 0;
    if (s.variants() != null) {
      for (VariantStatus v : s.variants()) {
        if (v.points() != null && !v.points().isEmpty()) {
          last = Math.max(last, v.points().get(v.points().size() - 1).atMillis());
        }
      }
    }
    return last;
  }

  /**
   * One read, for following a run: {@code read after 12 min  control 1234/125 10.13%  one-page
   * 1200/170 14.17%}, exposures/conversions and rate per variant ({@code stopped} for a stopped
   * one). The interim test is left out on purpose: a read is not a decision.
   */
  public static String read(ABTestStatus s) {
    StringBuilder b = new StringBuilder("read");
    long at = lastRead(s);
    if (s.startedCollectingMillis() > 0 && at >= s.startedCollectingMillis()) {
      b.append(" after ").append(duration((at - s.startedCollectingMillis()) / 60_000.0));
    }
    for (VariantStatus v : s.variants() == null ? List.<VariantStatus>of() : s.variants()) {
      b.append("  ").append(nz(v.name())).append(' ').append(v.exposures()).append('/').append(v.conversions())
          .append(' ').append(Numbers.rate(v.rate()));
      if (v.stopped()) {
        b.append(" stopped");
      }
    }
    return b.toString();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
