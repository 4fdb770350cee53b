package io.bellwether.contracts.metrics;

import java.util.List;

/**
 * The points of one series, oldest first.
 *
 * @param status what came back; {@code values} is non-empty only for {@link MetricStatus#OK}
 * @param values finite values, NaN points dropped
 * @param nanDropped how many NaN or infinite points were dropped
 * @param detail a short reason for anything but OK
 */
public record MetricSeries(MetricStatus status, List<Double> values, int nanDropped, String detail) {
  public MetricSeries {
    values = values == null ? List.of() : List.copyOf(values);
  }

  public static MetricSeries of(MetricStatus status, String detail) {
    return new MetricSeries(status, List.of(), 0, detail);
  }
}
