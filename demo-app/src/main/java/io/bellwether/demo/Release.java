package io.bellwether.demo;

/**
 * How one version of the demo app behaves.
 *
 * @param version the version string, answered by {@code /version}
 * @param errorRate share of {@code /} requests answered with 500, 0 to 1
 * @param latencyMs delay added to every {@code /} request
 * @param healthy whether {@code /health} answers 200; an unhealthy release still serves {@code /}
 * @param note what the release is for, printed at start
 * @param tailRate share of {@code /} requests that get an extra delay on top of {@code latencyMs},
 *     0 to 1: a release that looks fine on average but has a heavy tail
 * @param tailMinMs shortest extra delay of a tail request
 * @param tailMaxMs longest extra delay of a tail request (drawn uniformly between the two)
 */
public record Release(
    String version,
    double errorRate,
    int latencyMs,
    boolean healthy,
    String note,
    double tailRate,
    int tailMinMs,
    int tailMaxMs) {
  public Release {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("version is required");
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("errorRate must be 0 to 1, got " + errorRate);
    }
    if (latencyMs < 0) {
      throw new IllegalArgumentException("latencyMs must be 0 or more, got " + latencyMs);
    }
    if (!(tailRate >= 0 && tailRate <= 1)) {
      throw new IllegalArgumentException("tailRate must be 0 to 1, got " + tailRate);
    }
    if (tailMinMs < 0 || tailMaxMs < tailMinMs) {
      throw new IllegalArgumentException(
          "tail delays must satisfy 0 <= tailMinMs <= tailMaxMs, got "
              + tailMinMs
              + ".."
              + tailMaxMs);
    }
    note = note == null ? "" : note;
  }

  /** A release without a latency tail. */
  public Release(String version, double errorRate, int latencyMs, boolean healthy, String note) {
    this(version, errorRate, latencyMs, healthy, note, 0, 0, 0);
  }

  /** A release with no faults: what any version missing from the catalog gets. */
  public static Release good(String version) {
    return new Release(version, 0, 0, true, "not in the catalog: behaves as a good release");
  }

  /** This release with the command-line overrides applied; null overrides keep the catalog value. */
  public Release with(Double errorRate, Integer latencyMs, boolean forceUnhealthy) {
    return new Release(
        version,
        errorRate == null ? this.errorRate : errorRate,
        latencyMs == null ? this.latencyMs : latencyMs,
        healthy && !forceUnhealthy,
        note,
        tailRate,
        tailMinMs,
        tailMaxMs);
  }
}
