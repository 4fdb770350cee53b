package io.bellwether.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.canary.ThresholdRange;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ThresholdsTest {
  private static final ThresholdRange LOW_ERRORS = new ThresholdRange(null, 0.01);
  private static final ThresholdRange BAND = new ThresholdRange(0.5, 2.0);
  private static final ThresholdRange AT_LEAST = new ThresholdRange(100.0, null);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("inside a max-only range", MetricValue.ok(0.005), LOW_ERRORS, Measurement.SUCCESS),
        Arguments.of("zero inside a max-only range", MetricValue.ok(0), LOW_ERRORS, Measurement.SUCCESS),
        Arguments.of("max bound is inclusive", MetricValue.ok(0.01), LOW_ERRORS, Measurement.SUCCESS),
        Arguments.of("just above max", MetricValue.ok(0.0100001), LOW_ERRORS, Measurement.FAILURE),
        Arguments.of("5% errors", MetricValue.ok(0.05), LOW_ERRORS, Measurement.FAILURE),
        Arguments.of("min bound is inclusive", MetricValue.ok(0.5), BAND, Measurement.SUCCESS),
        Arguments.of("max of a band inclusive", MetricValue.ok(2.0), BAND, Measurement.SUCCESS),
        Arguments.of("below a band", MetricValue.ok(0.49), BAND, Measurement.FAILURE),
        Arguments.of("above a band", MetricValue.ok(2.01), BAND, Measurement.FAILURE),
        Arguments.of("min-only range passes large", MetricValue.ok(1e9), AT_LEAST, Measurement.SUCCESS),
        Arguments.of("min-only range fails small", MetricValue.ok(99.9), AT_LEAST, Measurement.FAILURE),
        Arguments.of("negative below min", MetricValue.ok(-1), AT_LEAST, Measurement.FAILURE),
        Arguments.of("no range accepts a number", MetricValue.ok(123.4), null, Measurement.SUCCESS),
        Arguments.of("range with no bounds accepts", MetricValue.ok(-5), new ThresholdRange(null, null), Measurement.SUCCESS),
        Arguments.of("NaN status", MetricValue.of(MetricStatus.NAN, "0/0"), LOW_ERRORS, Measurement.INCONCLUSIVE),
        Arguments.of("empty result", MetricValue.of(MetricStatus.EMPTY, "no series"), LOW_ERRORS, Measurement.INCONCLUSIVE),
        Arguments.of("provider down", MetricValue.of(MetricStatus.UNAVAILABLE, "timeout"), LOW_ERRORS, Measurement.INCONCLUSIVE),
        Arguments.of("bad query", MetricValue.of(MetricStatus.ERROR, "parse error"), LOW_ERRORS, Measurement.INCONCLUSIVE),
        Arguments.of("no range, no number", MetricValue.of(MetricStatus.EMPTY, null), null, Measurement.INCONCLUSIVE),
        Arguments.of("NaN marked OK", new MetricValue(MetricStatus.OK, Double.NaN, null), LOW_ERRORS, Measurement.INCONCLUSIVE),
        Arguments.of("infinity marked OK", new MetricValue(MetricStatus.OK, Double.POSITIVE_INFINITY, null), null, Measurement.INCONCLUSIVE),
        Arguments.of("null value", null, LOW_ERRORS, Measurement.INCONCLUSIVE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void verdict(String name, MetricValue value, ThresholdRange range, String expected) {
    assertEquals(expected, Thresholds.verdict(value, range));
  }

  static Stream<Arguments> descriptions() {
    return Stream.of(
        Arguments.of(LOW_ERRORS, "<= 0.01"),
        Arguments.of(BAND, "[0.5, 2]"),
        Arguments.of(AT_LEAST, ">= 100"),
        Arguments.of(null, "any"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("descriptions")
  void describe(ThresholdRange range, String expected) {
    assertEquals(expected, Thresholds.describe(range));
  }
}
