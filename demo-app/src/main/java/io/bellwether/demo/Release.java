package io.bellwether.demo;

/**
 * How one version of the demo app behaves.
 *
 * @param version the version string, answered by {@code /version}
 * @param errorRate share of traffic requests ({@code /}, {@code /shop}, {@code /shop/checkout})
 *     answered with 500, 0 to 1
 * @param latencyMs delay added to every traffic request
 * @param healthy whether {@code /health} answers 200; an unhealthy release still serves traffic
 * @param note what the release is for, printed at start
 * @param tailRate share of traffic requests that get an extra delay on top of {@code latencyMs},
 *     0 to 1: a release that looks fine on average but has a heavy tail
 * @param tailMinMs shortest extra delay of a tail request
 * @param tailMaxMs longest extra delay of a tail request (drawn uniformly between the two)
 * @param conversionRate the chance that a shopper who sees this release's shop buys, 0 to 1,
 *     answered by {@code GET /shop} as {@code buyProbability}; the app only reports it, the
 *     simulated shopper decides
 */
public record Release(
    String version,
    double errorRate,
    int latencyMs,
    boolean healthy,
    String note,
    double tailRate,
    int tailMinMs,
    int tailMaxMs,
    double conversionRate) {
  /** What a release buys at when the catalog says nothing: the shop control's rate. */
  public static final double DEFAULT_CONVERSION_RATE = 0.10;

  public Release {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("version is required");
    }
    requireShare("errorRate", errorRate);
    if (latencyMs < 0) {
      throw new IllegalArgumentException("latencyMs must be 0 or more, got " + latencyMs);
    }
    requireShare("tailRate", tailRate);
    if (tailMinMs < 0 || tailMaxMs < tailMinMs) {
      throw new IllegalArgumentException(
          "tail delays must satisfy 0 <= tailMinMs <= tailMaxMs, got "
              + tailMinMs
              + ".."
              + tailMaxMs);
    }
    requireShare("conversionRate", conversionRate);
    note = note == null ? "" : note;
  }

  /** A release with the default conversion rate. */
  public Release(
      String version,
      double errorRate,
      int latencyMs,
      boolean healthy,
      String note,
      double tailRate,
      int tailMinMs,
      int tailMaxMs) {
    this(
        version,
        errorRate,
        latencyMs,
        healthy,
        note,
        tailRate,
        tailMinMs,
        tailMaxMs,
        DEFAULT_CONVERSION_RATE);
  }

  /** A release without a latency tail, with the default conversion rate. */
  public Release(String version, double errorRate, int latencyMs, boolean healthy, String note) {
    this(version, errorRate, latencyMs, healthy, note, 0, 0, 0);
  }

  /** Throws unless {@code value} is a share, 0 to 1 (NaN is not). */
  private static void requireShare(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be 0 to 1, got " + value);
    }
  }

  /** A release with no faults: what any version missing from the catalog gets. */
  public static Release good(String version) {
    return new Release(version, 0, 0, true, "not in the catalog: behaves as a good release");
  }

  /** This release with the command-line overrides applied; null overrides keep the catalog value. */
  public Release with(Double errorRate, Integer latencyMs, boolean forceUnhealthy) {
    return with(errorRate, latencyMs, forceUnhealthy, null);
  }

  /**
   * This release with the command-line overrides applied, the conversion rate included; null
   * overrides keep the catalog value.
   */
  public Release with(
      Double errorRate, Integer latencyMs, boolean forceUnhealthy, Double conversionRate) {
    return new Release(
        version,
        errorRate == null ? this.errorRate : errorRate,
        latencyMs == null ? this.latencyMs : latencyMs,
        healthy && !forceUnhealthy,
        note,
        tailRate,
        tailMinMs,
        tailMaxMs,
        conversionRate == null ? this.conversionRate : conversionRate);
  }
}
