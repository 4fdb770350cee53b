package io.bellwether.analysis.abtest;

import io.bellwether.contracts.abtest.Comparison;
import io.bellwether.contracts.abtest.Evaluation;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.StatsPlan;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decides an A/B test on its goal metric from the variants' counts. Pure and deterministic (no
 * clock, randomness or shared state): it runs inside workflow code, and the same input always gives
 * the same evaluation. Never throws on data; zero counts give "no evidence" (p = 1). The method and
 * its references: docs/abtest-statistics.md.
 *
 * <p><b>Fixed</b> (default): per treatment a pooled two-proportion z-test against the control
 * (two-sided), Holm-adjusted across treatments; the Wald interval of the difference at {@code 1 -
 * alpha/m} for {@code m} treatments (Bonferroni, so that all intervals hold together); with three
 * or more variants also the omnibus chi-square. Only the final look decides: an interim look is
 * {@link Outcome#PENDING} whatever its p-values say, because repeated looks at a fixed test inflate
 * its false-positive rate (no peeking).
 *
 * <p><b>Sequential</b>: the mixture SPRT's always-valid p-values ({@link MixtureSprt}), mixing
 * scale {@code τ = |targetRate - baselineRate|}, Holm-adjusted; the interval is the confidence
 * sequence at {@code 1 - alpha/m}. Any look may decide.
 */
public final class ABEvaluator {
  private ABEvaluator() {}

  /**
   * Evaluates one look.
   *
   * @param counts the active variants' counts, control first (at least two for a comparison)
   * @param plan the statistical plan (alpha, method, baseline and target rate for sequential)
   * @param higherIsBetter whether a higher rate is better (goal direction {@code increase})
   * @param requiredPerVariant the planned sample size per variant (exposures)
   * @param finalLook whether this is the last look (sample reached and minimum duration passed,
   *     maximum duration reached, or a person asked to conclude)
   * @param priorAlwaysValidP per treatment name the always-valid p-value of the previous look
   *     (sequential only; empty at the first look, a missing name counts as 1). Pass back each
   *     comparison's {@code pValue} of this evaluation at the next look.
   * @param atMillis workflow time of the counts, copied into the evaluation
   * @return the evaluation. Fixed: not final → PENDING; final: a variant short of {@code
   *     requiredPerVariant} → INCONCLUSIVE, else the best significantly better treatment → WINNER,
   *     else every treatment significantly worse → WINNER control, else NO_DIFFERENCE. Sequential,
   *     at any look: significantly better treatment → WINNER, every treatment significantly worse →
   *     WINNER control; else final with the sample reached → NO_DIFFERENCE, final and short →
   *     INCONCLUSIVE, otherwise PENDING.
   */
  public static Evaluation evaluate(
      List<VariantCounts> counts,
      StatsPlan plan,
      boolean higherIsBetter,
      long requiredPerVariant,
      boolean finalLook,
      Map<String, Double> priorAlwaysValidP,
      long atMillis) {
    return evaluate(
        counts,
        plan,
        higherIsBetter,
        requiredPerVariant,
        finalLook,
        priorAlwaysValidP,
        atMillis,
        true);
  }

  /**
   * {@link #evaluate}, with the summary left empty unless {@code withSummary}: the simulations
   * evaluate hundreds of thousands of looks and read only the numbers.
   */
  static Evaluation evaluate(
      List<VariantCounts> counts,
      StatsPlan plan,
      boolean higherIsBetter,
      long requiredPerVariant,
      boolean finalLook,
      Map<String, Double> priorAlwaysValidP,
      long atMillis,
      boolean withSummary) {
    double alpha = plan == null ? 0.05 : plan.alphaOrDefault();
    String method = plan == null ? StatsPlan.FIXED : plan.methodOrDefault();
    boolean sequential = StatsPlan.SEQUENTIAL.equals(method);
    if (counts == null || counts.size() < 2) {
      return new Evaluation(
          atMillis,
          method,
          alpha,
          List.of(),
          Double.NaN,
          Double.NaN,
          finalLook ? Outcome.INCONCLUSIVE : Outcome.PENDING,
          null,
          "nothing to compare: a test needs a control and at least one active treatment");
    }
    VariantCounts control = counts.get(0);
    int m = counts.size() - 1;
    double confidence = 1 - alpha / m;
    double tau = sequential ? mixingScale(plan) : Double.NaN;

    double[] p = new double[m];
    double[] z = new double[m];
    double[][] ci = new double[m][];
    for (int i = 0; i < m; i++) {
      VariantCounts t = counts.get(i + 1);
      z[i] = ProportionTest.pooledZ(control, t);
      if (sequential) {
        Double prior = priorAlwaysValidP == null ? null : priorAlwaysValidP.get(t.name());
        p[i] = MixtureSprt.alwaysValidP(prior == null ? 1 : prior, control, t, tau);
        ci[i] = MixtureSprt.confidenceSequence(control, t, tau, alpha / m);
      } else {
        p[i] = ProportionTest.twoSidedP(z[i]);
        ci[i] = ProportionTest.waldInterval(control, t, confidence);
      }
    }
    double[] adjusted = HolmCorrection.adjust(p);

    List<Comparison> comparisons = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      VariantCounts t = counts.get(i + 1);
      double cRate = control.rate();
      double tRate = t.rate();
      double diff = tRate - cRate;
      boolean comparable = control.exposures() > 0 && t.exposures() > 0;
      comparisons.add(
          new Comparison(
              t.name(),
              cRate,
              tRate,
              comparable ? diff : 0,
              comparable && cRate > 0 ? diff / cRate : Double.NaN,
              ci[i][0],
              ci[i][1],
              confidence,
              p[i],
              adjusted[i],
              adjusted[i] < alpha,
              z[i]));
    }

    double chi = Double.NaN;
    double chiP = Double.NaN;
    if (counts.size() >= 3) {
      OmnibusChiSquare.Result omnibus = OmnibusChiSquare.test(counts);
      chi = omnibus.statistic();
      chiP = omnibus.pValue();
    }

    Comparison best = null;
    boolean allWorse = true;
    for (Comparison c : comparisons) {
      boolean better =
          c.significant() && (higherIsBetter ? c.difference() > 0 : c.difference() < 0);
      boolean worse = c.significant() && (higherIsBetter ? c.difference() < 0 : c.difference() > 0);
      allWorse &= worse;
      if (better && (best == null || isBetter(c, best, higherIsBetter))) {
        best = c;
      }
    }
    VariantCounts shortest = null;
    for (VariantCounts c : counts) {
      if (c.exposures() < requiredPerVariant
          && (shortest == null || c.exposures() < shortest.exposures())) {
        shortest = c;
      }
    }

    Outcome outcome;
    String winner = null;
    boolean decidable = sequential || finalLook;
    if (decidable && best != null && (sequential || shortest == null)) {
      outcome = Outcome.WINNER;
      winner = best.treatment();
    } else if (decidable && allWorse && (sequential || shortest == null)) {
      outcome = Outcome.WINNER;
      winner = control.name();
    } else if (!finalLook) {
      outcome = Outcome.PENDING;
    } else if (shortest != null) {
      outcome = Outcome.INCONCLUSIVE;
    } else {
      outcome = Outcome.NO_DIFFERENCE;
    }

    String summary =
        !withSummary
            ? ""
            : summary(
                counts,
                comparisons,
                sequential,
                alpha,
                outcome,
                winner,
                best,
                shortest,
                requiredPerVariant,
                chi,
                chiP);
    return new Evaluation(
        atMillis, method, alpha, comparisons, chi, chiP, outcome, winner, summary);
  }

  /**
   * The mSPRT's mixing scale: the plan's minimum detectable effect in absolute terms, {@code
   * |targetRate - baselineRate|}. NaN (no evidence ever, so the test only ends at its final look)
   * when the plan lacks the rates.
   */
  static double mixingScale(StatsPlan plan) {
    if (plan == null || plan.baselineRate() == null || plan.minimumDetectableEffect() == null) {
      return Double.NaN;
    }
    return Math.abs(plan.targetRate() - plan.baselineRate());
  }

  /** Whether {@code a} beats {@code b}: the better rate, then the smaller adjusted p. */
  private static boolean isBetter(Comparison a, Comparison b, boolean higherIsBetter) {
    int byRate = Double.compare(a.treatmentRate(), b.treatmentRate());
    if (byRate != 0) {
      return higherIsBetter ? byRate > 0 : byRate < 0;
    }
    return a.adjustedPValue() < b.adjustedPValue();
  }

  // ---- the one-sentence summary -------------------------------------------------------------

  private static String summary(
      List<VariantCounts> counts,
      List<Comparison> comparisons,
      boolean sequential,
      double alpha,
      Outcome outcome,
      String winner,
      Comparison best,
      VariantCounts shortest,
      long required,
      double chi,
      double chiP) {
    VariantCounts control = counts.get(0);
    int m = comparisons.size();
    Comparison headline = best;
    if (headline == null) {
      for (Comparison c : comparisons) {
        if (headline == null || c.adjustedPValue() < headline.adjustedPValue()) {
          headline = c;
        }
      }
    }
    StringBuilder s = new StringBuilder();
    s.append(describe(headline, counts, control, sequential, m > 1, true));
    if (m > 1) {
      s.append("; also ");
      boolean first = true;
      for (Comparison c : comparisons) {
        if (c != headline) {
          s.append(first ? "" : ", ").append(describe(c, counts, control, sequential, true, false));
          first = false;
        }
      }
      if (!Double.isNaN(chiP)) {
        s.append("; all ")
            .append(counts.size())
            .append(" variants chi-square ")
            .append(fixed(chi, 1))
            .append(", p")
            .append(pValue(chiP));
      }
    }
    s.append(": ");
    String controlName = control.name();
    switch (outcome) {
      case WINNER -> {
        if (Objects.equals(winner, controlName)) {
          s.append("winner ")
              .append(controlName)
              .append(" (every treatment is significantly worse)");
        } else {
          s.append("winner ").append(winner);
        }
      }
      case NO_DIFFERENCE ->
          s.append("no difference at alpha ")
              .append(sig(alpha, 2))
              .append(" with the planned ")
              .append(required)
              .append(" per variant");
      case INCONCLUSIVE ->
          s.append("inconclusive, ")
              .append(shortest.name())
              .append(" has ")
              .append(shortest.exposures())
              .append(" of the ")
              .append(required)
              .append(" exposures needed");
      case PENDING -> {
        if (sequential) {
          s.append("pending, nothing significant yet (always-valid p-values, any look may decide)");
        } else {
          long least = counts.stream().mapToLong(VariantCounts::exposures).min().orElse(0);
          s.append("pending, interim look only: the fixed test decides at ")
              .append(required)
              .append(" exposures per variant (now at least ")
              .append(least)
              .append(")");
        }
      }
      default -> s.append(outcome.name().toLowerCase(Locale.ROOT));
    }
    return s.toString();
  }

  /**
   * {@code treatment X converts 14.9% vs 10.1% (+47.5%, 97.5% CI +2.1..+7.4 pts, p=0.0004 adj.)},
   * or the short form {@code X 9.8% (p=1 adj.)} for the other treatments.
   */
  private static String describe(
      Comparison c,
      List<VariantCounts> counts,
      VariantCounts control,
      boolean sequential,
      boolean adjusted,
      boolean full) {
    VariantCounts t =
        counts.stream()
            .filter(v -> Objects.equals(v.name(), c.treatment()))
            .findFirst()
            .orElse(null);
    String pLabel =
        (sequential ? "always-valid p" : "p")
            + pValue(adjusted ? c.adjustedPValue() : c.pValue())
            + (adjusted ? " adj." : "");
    if (t != null && t.exposures() == 0 || control.exposures() == 0) {
      String empty = control.exposures() == 0 ? "control " + control.name() : c.treatment();
      return (full ? "treatment " : "")
          + c.treatment()
          + " (no comparison yet: "
          + empty
          + " has no exposures)";
    }
    if (!full) {
      return c.treatment() + " " + percent(c.treatmentRate()) + " (" + pLabel + ")";
    }
    StringBuilder s = new StringBuilder();
    s.append("treatment ")
        .append(c.treatment())
        .append(" converts ")
        .append(percent(c.treatmentRate()))
        .append(" vs ")
        .append(percent(c.controlRate()))
        .append(" (");
    s.append(Double.isNaN(c.relativeLift()) ? "lift n/a" : signedPercent(c.relativeLift()));
    if (!Double.isNaN(c.ciLow()) && !Double.isNaN(c.ciHigh())) {
      s.append(", ")
          .append(sig(c.confidence() * 100, 4))
          .append("% ")
          .append(sequential ? "confidence sequence " : "CI ")
          .append(points(c.ciLow(), c.ciHigh()))
          .append(" pts");
    }
    s.append(", ").append(pLabel).append(")");
    return s.toString();
  }

  private static String percent(double rate) {
    double pct = rate * 100;
    return fixed(pct, pct != 0 && Math.abs(pct) < 1 ? 2 : 1) + "%";
  }

  private static String signedPercent(double ratio) {
    double pct = ratio * 100;
    return (pct > 0 ? "+" : "") + fixed(pct, 1) + "%";
  }

  private static String points(double low, double high) {
    int decimals = Math.max(Math.abs(low), Math.abs(high)) * 100 >= 1 ? 1 : 2;
    return signedFixed(low * 100, decimals) + ".." + signedFixed(high * 100, decimals);
  }

  private static String signedFixed(double v, int decimals) {
    String s = fixed(v, decimals);
    return v >= 0 && !s.startsWith("-") ? "+" + s : s;
  }

  private static String fixed(double v, int decimals) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    BigDecimal d = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_UP);
    // a value that rounds to zero prints without a sign ("-0.0" reads like a direction)
    return (d.signum() == 0 ? d.abs() : d).toPlainString();
  }

  /** {@code =0.0004}, {@code =0.031}, {@code =1}, or {@code <0.0001}. */
  private static String pValue(double p) {
    if (Double.isNaN(p)) {
      return "=n/a";
    }
    return p < 0.0001 ? "<0.0001" : "=" + sig(p, 2);
  }

  private static String sig(double v, int digits) {
    if (v == 0 || !Double.isFinite(v)) {
      return v == 0 ? "0" : Double.toString(v);
    }
    return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
  }
}
