package io.bellwether.bench;

import java.util.Arrays;
import java.util.List;

/**
 * {@code ./bellwether bench [ROUNDS] [rolling|canary|abtest|all]}: the benchmarks in this module,
 * each in a sandbox of its own, one after the other (they would disturb each other's timings on
 * two cores). ROUNDS defaults to 5 for the rolling bench; the canary bench runs six settings, so
 * it takes about half as many rounds per setting (at least 2). {@code abtest} ({@link
 * AbStatsBench}) needs no sandbox: it simulates A/B tests through the statistics and prints their
 * false-positive rates and power; ROUNDS does not apply to it.
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String which = args.length > 1 ? args[1] : "all";
    if (!List.of("rolling", "canary", "abtest", "all").contains(which)) {
      throw new IllegalArgumentException("which bench: rolling, canary, abtest or all; got '" + which + "' in " + Arrays.toString(args));
    }
    boolean all = which.equals("all");
    if (all || which.equals("rolling")) {
      RollingBench.main(new String[] {Integer.toString(rounds)});
    }
    if (all || which.equals("canary")) {
      CanaryBench.main(new String[] {Integer.toString(Math.max(2, (rounds + 1) / 2))});
    }
    if (all || which.equals("abtest")) {
      AbStatsBench.main(new String[0]);
    }
  }
}
