package io.bellwether.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Generated metric samples, the way a Prometheus range query with one point per second would see
 * them: each sample summarises the requests of one step. Seeded, so every run sees the same data.
 */
final class Samples {
  private Samples() {}

  /**
   * The 99th percentile latency (seconds) of each step, over {@code requestsPerStep} requests whose
   * latency is 10 ms plus an exponential with a 20 ms mean, plus {@code extra} seconds; a share
   * {@code tailShare} of requests gets a further 600..900 ms (a heavy tail).
   */
  static List<Double> p99Latency(
      Random rnd, int steps, int requestsPerStep, double extra, double tailShare) {
    List<Double> out = new ArrayList<>();
    double[] lat = new double[requestsPerStep];
    for (int s = 0; s < steps; s++) {
      for (int i = 0; i < requestsPerStep; i++) {
        double l = 0.010 - 0.020 * Math.log(1 - rnd.nextDouble()) + extra;
        if (tailShare > 0 && rnd.nextDouble() < tailShare) {
          l += 0.6 + 0.3 * rnd.nextDouble();
        }
        lat[i] = l;
      }
      Arrays.sort(lat);
      out.add(lat[(int) Math.ceil(0.99 * requestsPerStep) - 1]);
    }
    return out;
  }

  /** The mean latency (seconds) of each step, same request model as {@link #p99Latency}. */
  static List<Double> meanLatency(
      Random rnd, int steps, int requestsPerStep, double extra, double tailShare) {
    List<Double> out = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      double sum = 0;
      for (int i = 0; i < requestsPerStep; i++) {
        double l = 0.010 - 0.020 * Math.log(1 - rnd.nextDouble()) + extra;
        if (tailShare > 0 && rnd.nextDouble() < tailShare) {
          l += 0.6 + 0.3 * rnd.nextDouble();
        }
        sum += l;
      }
      out.add(sum / requestsPerStep);
    }
    return out;
  }

  /** The error ratio of each step: errors among {@code requestsPerStep} requests failing at {@code p}. */
  static List<Double> errorRatio(Random rnd, int steps, int requestsPerStep, double p) {
    List<Double> out = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      int errors = 0;
      for (int i = 0; i < requestsPerStep; i++) {
        if (rnd.nextDouble() < p) {
          errors++;
        }
      }
      out.add((double) errors / requestsPerStep);
    }
    return out;
  }

  /** Normally distributed samples. */
  static List<Double> normal(Random rnd, int n, double mean, double sd) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(mean + sd * rnd.nextGaussian());
    }
    return out;
  }
}
