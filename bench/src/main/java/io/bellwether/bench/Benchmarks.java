package io.bellwether.bench;

import java.util.Arrays;
import java.util.List;

/**
 * {@code ./bellwether bench [ROUNDS] [rolling|canary|all]}: the benchmarks in this module, each in
 * a sandbox of its own, one after the other (they would disturb each other's timings on two
 * cores). ROUNDS defaults to 5 for the rolling bench; the canary bench runs six settings, so it
 * takes about half as many rounds per setting (at least 2).
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String which = args.length > 1 ? args[1] : "all";
    if (!List.of("rolling", "canary", "all").contains(which)) {
      throw new IllegalArgumentException("which bench: rolling, canary or all; got '" + which + "' in " + Arrays.toString(args));
    }
    if (!which.equals("canary")) {
      RollingBench.main(new String[] {Integer.toString(rounds)});
    }
    if (!which.equals("rolling")) {
      CanaryBench.main(new String[] {Integer.toString(Math.max(2, (rounds + 1) / 2))});
    }
  }
}
