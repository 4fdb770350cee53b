package io.bellwether.bench;

import io.bellwether.analysis.abtest.ABSimulation;
import io.bellwether.analysis.abtest.ABSimulation.FixedRun;
import io.bellwether.analysis.abtest.ABSimulation.SequentialRun;
import io.bellwether.analysis.abtest.ABSimulation.Tally;
import io.bellwether.contracts.abtest.SampleSize;
import io.bellwether.contracts.abtest.StatsPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The A/B test statistics under simulation, with more experiments than the unit tests run: the
 * false-positive rate of A/A tests (equal rates) for the fixed test with 2, 3 and 5 variants
 * (Holm), the power at the planned effect, and the sequential test (mSPRT) looked at 50 times up to
 * twice the fixed sample, beside the fixed test peeked at the same looks. Every run goes through
 * {@code ABEvaluator} and is seeded, so a run prints the same table every time. No sandbox: pure
 * computation, a minute or so on two cores.
 *
 * <p>Arguments: {@code [A/A experiments, default 20000] [power experiments, default 5000]}. {@code
 * ./bellwether bench ROUNDS abtest} runs it with the defaults (ROUNDS does not apply).
 */
public final class AbStatsBench {
  static final double ALPHA = 0.05;
  static final int LOOKS = 50;

  private AbStatsBench() {}

  /** One row of the table. */
  private record Row(
      String scenario,
      int variants,
      String exposures,
      Tally tally,
      String target,
      String verdict) {}

  public static void main(String[] args) {
    int aa = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int power = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    long started = System.nanoTime();
    List<Row> rows = new ArrayList<>();

    StatsPlan plan = new StatsPlan(0.10, 0.2, null, ALPHA, 0.8, null, StatsPlan.FIXED, Map.of());
    long n2 = perVariant(plan, 1);
    long n3 = perVariant(plan, 2);
    long n5 = perVariant(plan, 4);

    rows.add(aa("A/A fixed", rates(0.10, 2), n2, plan, aa, 1));
    rows.add(aa("A/A fixed, Holm", rates(0.10, 3), n3, plan, aa, 2));
    rows.add(aa("A/A fixed, Holm", rates(0.10, 5), n5, plan, aa, 3));
    rows.add(power("power fixed", new double[] {0.10, 0.12}, n2, plan, power, 4));
    rows.add(power("power fixed, Holm", new double[] {0.10, 0.12, 0.10}, n3, plan, power, 5));
    rows.add(
        power(
            "power fixed, Holm", new double[] {0.10, 0.12, 0.10, 0.10, 0.10}, n5, plan, power, 6));

    // A small sample, where the normal approximation is least comfortable: 50% vs 75%, power 0.9.
    StatsPlan small =
        new StatsPlan(0.50, 0.25, StatsPlan.ABSOLUTE, ALPHA, 0.9, null, null, Map.of());
    long nSmall = perVariant(small, 1);
    rows.add(aa("A/A fixed, small n, 50%", rates(0.50, 2), nSmall, small, aa, 7));
    rows.add(
        power(
            "power fixed, small n, 50% vs 75%",
            new double[] {0.50, 0.75}, nSmall, small, power, 8));

    SequentialRun seqAa = ABSimulation.sequential(rates(0.10, 2), 2 * n2, LOOKS, plan, true, aa, 9);
    rows.add(
        aaRow("A/A sequential (mSPRT), 50 looks", 2, "<= " + 2 * n2, seqAa.anySignificant(), aa));
    rows.add(
        new Row(
            "A/A fixed peeked at the same 50 looks",
            2,
            "<= " + 2 * n2,
            seqAa.naive(),
            "(alpha " + ALPHA + ")",
            seqAa.naive().rate() > ALPHA ? "inflated: no peeking" : "?"));
    SequentialRun seqAa3 =
        ABSimulation.sequential(rates(0.10, 3), 2 * n3, LOOKS, plan, true, aa / 2, 10);
    rows.add(
        aaRow(
            "A/A sequential (mSPRT), Holm, 50 looks",
            3,
            "<= " + 2 * n3,
            seqAa3.anySignificant(),
            aa / 2));
    rows.add(
        new Row(
            "A/A fixed, Holm, peeked at 50 looks",
            3,
            "<= " + 2 * n3,
            seqAa3.naive(),
            "(alpha " + ALPHA + ")",
            seqAa3.naive().rate() > ALPHA ? "inflated: no peeking" : "?"));
    SequentialRun seqPower =
        ABSimulation.sequential(new double[] {0.10, 0.12}, 2 * n2, LOOKS, plan, true, power, 11);
    rows.add(
        new Row(
            "power sequential (mSPRT), 50 looks",
            2,
            String.format(Locale.ROOT, "<= %d, mean %.0f", 2 * n2, seqPower.meanExposuresAtStop()),
            seqPower.won("t1"),
            "(fixed: 0.80 at " + n2 + ")",
            ""));

    System.out.println();
    System.out.println(
        "A/B statistics under simulation: baseline 10%, minimum effect +20% relative (12%), alpha "
            + ALPHA
            + ", power 0.8; n per variant from SampleSize (alpha split across treatments)");
    System.out.println(table(rows));
    System.out.printf(
        Locale.ROOT,
        "%d A/A and %d power experiments per row (A/A sequential with 3 variants: %d); %.1f s%n",
        aa,
        power,
        aa / 2,
        (System.nanoTime() - started) / 1e9);
  }

  static long perVariant(StatsPlan plan, int treatments) {
    int[] shares = new int[treatments + 1];
    Arrays.fill(shares, 100 / (treatments + 1));
    return SampleSize.plan(plan, treatments, shares).perVariant();
  }

  static double[] rates(double rate, int variants) {
    double[] r = new double[variants];
    Arrays.fill(r, rate);
    return r;
  }

  private static Row aa(
      String scenario, double[] rates, long n, StatsPlan plan, int experiments, long seed) {
    FixedRun run = ABSimulation.fixed(rates, n, plan, true, experiments, seed);
    return aaRow(scenario, rates.length, Long.toString(n), run.anySignificant(), experiments);
  }

  private static Row aaRow(String scenario, int variants, String n, Tally t, int experiments) {
    double bound = ALPHA + 3 * Math.sqrt(ALPHA * (1 - ALPHA) / experiments);
    return new Row(
        scenario,
        variants,
        n,
        t,
        String.format(Locale.ROOT, "<= %.4f", bound),
        t.rate() <= bound ? "ok" : "TOO HIGH");
  }

  private static Row power(
      String scenario, double[] rates, long n, StatsPlan plan, int experiments, long seed) {
    FixedRun run = ABSimulation.fixed(rates, n, plan, true, experiments, seed);
    Tally won = run.won("t1");
    double planned = plan.powerOrDefault();
    return new Row(
        scenario,
        rates.length,
        Long.toString(n),
        won,
        String.format(Locale.ROOT, "%.2f +- 0.04", planned),
        Math.abs(won.rate() - planned) <= 0.04 ? "ok" : "OFF");
  }

  private static String table(List<Row> rows) {
    String[] head = {"scenario", "variants", "n per variant", "measured", "hits", "target", ""};
    List<String[]> cells = new ArrayList<>();
    cells.add(head);
    for (Row r : rows) {
      cells.add(
          new String[] {
            r.scenario(),
            Integer.toString(r.variants()),
            r.exposures(),
            String.format(Locale.ROOT, "%.4f", r.tally().rate()),
            r.tally().hits() + "/" + r.tally().experiments(),
            r.target(),
            r.verdict()
          });
    }
    int[] width = new int[head.length];
    for (String[] c : cells) {
      for (int i = 0; i < c.length; i++) {
        width[i] = Math.max(width[i], c[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] c : cells) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < c.length; i++) {
        boolean number = i == 1 || i == 3 || i == 4;
        String f = "%" + (number ? "" : "-") + width[i] + "s";
        line.append(String.format(Locale.ROOT, f, c[i])).append("  ");
      }
      lines.add(line.toString().stripTrailing());
    }
    return String.join(System.lineSeparator(), lines);
  }
}
