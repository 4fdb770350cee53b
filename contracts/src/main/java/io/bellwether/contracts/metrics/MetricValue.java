package io.bellwether.contracts.metrics;

/**
 * One measured value.
 *
 * @param status what came back; {@code value} is meaningful only for {@link MetricStatus#OK}
 * @param value the number (0 unless OK)
 * @param detail a short reason for anything but OK (never an address or credential)
 */
public record MetricValue(MetricStatus status, double value, String detail) {
  public static MetricValue ok(double value) {
    return new MetricValue(MetricStatus.OK, value, null);
  }

  public static MetricValue of(MetricStatus status, String detail) {
    return new MetricValue(status, 0, detail);
  }

  public boolean ok() {
    return status == MetricStatus.OK;
  }
}
