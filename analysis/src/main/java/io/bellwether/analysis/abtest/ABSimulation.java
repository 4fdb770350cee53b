package io.bellwether.analysis.abtest;

import io.bellwether.contracts.abtest.Evaluation;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.StatsPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Simulated experiments that run through {@link ABEvaluator} (the same code, only without building
 * the summary sentence), for the tests and {@code ./bellwether bench 1 abtest}: A/A tests (equal
 * rates) measure the false-positive rate, tests with the planned effect measure the power. Never
 * called by workflows. Every run takes a seed, so the same arguments always give the same figures.
 *
 * <p>A variant's conversions are an exact binomial draw ({@link #binomial}), fast enough for the
 * tens of thousands of exposures a plan asks for.
 */
public final class ABSimulation {
  private ABSimulation() {}

  /**
   * How often something happened over a number of simulated experiments.
   *
   * @param experiments simulated experiments
   * @param hits those where it happened
   */
  public record Tally(int experiments, int hits) {
    public double rate() {
      return experiments == 0 ? Double.NaN : (double) hits / experiments;
    }

    /** The binomial standard error of {@link #rate()} if the true rate were {@code p}. */
    public double standardError(double p) {
      return Math.sqrt(p * (1 - p) / experiments);
    }
  }

  /**
   * The result of fixed tests, each evaluated once at its planned sample size ({@code finalLook}).
   *
   * @param anySignificant experiments with at least one significant comparison (after Holm): the
   *     family-wise false-positive rate when all rates are equal
   * @param winners per winning variant name, the experiments it won
   */
  public record FixedRun(Tally anySignificant, Map<String, Integer> winners) {
    public Tally won(String variant) {
      return new Tally(anySignificant.experiments(), winners.getOrDefault(variant, 0));
    }
  }

  /**
   * The result of sequential tests looked at {@code looks} times up to the maximum sample size.
   *
   * @param stopped experiments the mSPRT ended with a winner (at any look, the last included)
   * @param anySignificant experiments where any comparison was significant at some look (the
   *     sequential false-positive rate when all rates are equal)
   * @param naive experiments where a fixed z-test (Holm) repeated at the same looks was significant
   *     at some look: what peeking at a fixed test does
   * @param winners per winning variant name, the experiments the mSPRT gave to it
   * @param meanExposuresAtStop mean exposures per variant when the experiment ended (stopped, or at
   *     the maximum)
   */
  public record SequentialRun(
      Tally stopped,
      Tally anySignificant,
      Tally naive,
      Map<String, Integer> winners,
      double meanExposuresAtStop) {
    public Tally won(String variant) {
      return new Tally(stopped.experiments(), winners.getOrDefault(variant, 0));
    }
  }

  /** Variant names used by the simulations: {@code control}, {@code t1}, {@code t2}, ... */
  public static String name(int index) {
    return index == 0 ? "control" : "t" + index;
  }

  /**
   * A binomial draw: successes in {@code n} trials of probability {@code p}. Exact: it walks from
   * success to success, the gaps between them being geometric ({@code floor(ln U / ln(1-p))}
   * failures), so it costs about {@code n·min(p, 1-p)} random numbers instead of {@code n}.
   */
  public static long binomial(SplittableRandom rng, long n, double p) {
    if (n <= 0 || !(p > 0)) {
      return 0;
    }
    if (p >= 1) {
      return n;
    }
    if (p > 0.5) {
      return n - binomial(rng, n, 1 - p);
    }
    double logQ = Math.log1p(-p);
    long successes = 0;
    long position = 0; // trials used so far
    while (true) {
      // 1 - U lies in (0, 1], so the logarithm is finite
      double failures = Math.floor(Math.log1p(-rng.nextDouble()) / logQ);
      if (failures >= n - position) {
        return successes;
      }
      position += (long) failures + 1;
      successes++;
    }
  }

  /**
   * {@code experiments} fixed tests with the true rates {@code rates} (control first), {@code n}
   * exposures per variant, evaluated once as final with {@code required = n}.
   */
  public static FixedRun fixed(
      double[] rates, long n, StatsPlan plan, boolean higherIsBetter, int experiments, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int significant = 0;
    Map<String, Integer> winners = new HashMap<>();
    List<VariantCounts> counts = new ArrayList<>(rates.length);
    for (int e = 0; e < experiments; e++) {
      counts.clear();
      for (int v = 0; v < rates.length; v++) {
        counts.add(new VariantCounts(name(v), n, binomial(rng, n, rates[v])));
      }
      Evaluation ev =
          ABEvaluator.evaluate(counts, plan, higherIsBetter, n, true, Map.of(), 0, false);
      if (ev.comparisons().stream().anyMatch(c -> c.significant())) {
        significant++;
      }
      if (ev.outcome() == Outcome.WINNER) {
        winners.merge(ev.winner(), 1, Integer::sum);
      }
    }
    return new FixedRun(new Tally(experiments, significant), Map.copyOf(winners));
  }

  /**
   * {@code experiments} sequential tests (the plan's method is taken as {@code sequential}) with
   * the true rates {@code rates}, looked at {@code looks} times at equal steps up to {@code maxN}
   * exposures per variant; the last look is final with {@code required = maxN}. Each look also runs
   * the fixed test on the same counts, as if someone peeked at it.
   */
  public static SequentialRun sequential(
      double[] rates,
      long maxN,
      int looks,
      StatsPlan plan,
      boolean higherIsBetter,
      int experiments,
      long seed) {
    StatsPlan seq = withMethod(plan, StatsPlan.SEQUENTIAL);
    StatsPlan fix = withMethod(plan, StatsPlan.FIXED);
    SplittableRandom rng = new SplittableRandom(seed);
    int stopped = 0;
    int anySignificant = 0;
    int naive = 0;
    double exposuresAtStop = 0;
    Map<String, Integer> winners = new HashMap<>();
    long[] conversions = new long[rates.length];
    List<VariantCounts> counts = new ArrayList<>(rates.length);
    Map<String, Double> prior = new HashMap<>();
    for (int e = 0; e < experiments; e++) {
      Arrays.fill(conversions, 0);
      prior.clear();
      long n = 0;
      boolean sawSignificant = false;
      boolean naiveHit = false;
      Evaluation ev = null;
      for (int look = 1; look <= looks; look++) {
        long next = Math.round((double) maxN * look / looks);
        counts.clear();
        for (int v = 0; v < rates.length; v++) {
          conversions[v] += binomial(rng, next - n, rates[v]);
          counts.add(new VariantCounts(name(v), next, conversions[v]));
        }
        n = next;
        boolean last = look == looks;
        ev = ABEvaluator.evaluate(counts, seq, higherIsBetter, maxN, last, prior, 0, false);
        for (var c : ev.comparisons()) {
          prior.put(c.treatment(), c.pValue());
          sawSignificant |= c.significant();
        }
        if (!naiveHit) {
          Evaluation peek =
              ABEvaluator.evaluate(counts, fix, higherIsBetter, 0, true, Map.of(), 0, false);
          naiveHit = peek.comparisons().stream().anyMatch(c -> c.significant());
        }
        if (ev.outcome() != Outcome.PENDING) {
          break;
        }
      }
      if (sawSignificant) {
        anySignificant++;
      }
      if (naiveHit) {
        naive++;
      }
      if (ev.outcome() == Outcome.WINNER) {
        stopped++;
        winners.merge(ev.winner(), 1, Integer::sum);
      }
      exposuresAtStop += n;
    }
    return new SequentialRun(
        new Tally(experiments, stopped),
        new Tally(experiments, anySignificant),
        new Tally(experiments, naive),
        Map.copyOf(winners),
        exposuresAtStop / experiments);
  }

  private static StatsPlan withMethod(StatsPlan p, String method) {
    return new StatsPlan(
        p.baselineRate(),
        p.minimumDetectableEffect(),
        p.effectType(),
        p.alpha(),
        p.power(),
        p.expectedExposuresPerMinute(),
        method,
        Map.of());
  }
}
