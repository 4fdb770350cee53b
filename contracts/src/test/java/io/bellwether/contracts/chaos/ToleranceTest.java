package io.bellwether.contracts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What a reading must be within, and why not in words. */
class ToleranceTest {
  static ProbeReading value(Double v) {
    return new ProbeReading("p", v, 0, "read");
  }

  static ProbeReading http(double latency, int status) {
    return new ProbeReading("shop", latency, status, "GET");
  }

  @ParameterizedTest(name = "[{0}, {1}] admits {2}: {3}")
  @CsvSource(
      nullValues = "-",
      value = {
        "0.99, -,    0.99,  -",
        "0.99, -,    0.989, 0.989 < min 0.99",
        "-,    500,  500,   -",
        "-,    500,  501,   501 > max 500",
        "1,    3,    1,     -",
        "1,    3,    3,     -",
        "1,    3,    0,     0 < min 1",
        "1,    3,    4,     4 > max 3",
        "-,    -,    -7.5,  -",
      })
  void boundsAreInclusive(Double min, Double max, double v, String why) {
    Tolerance t = new Tolerance(min, max, null);
    assertEquals(why, t.why(value(v), false));
    assertEquals(why == null, t.admits(value(v), false));
  }

  @Test
  void noValueIsNeverWithinTolerance() {
    Tolerance any = new Tolerance(null, null, null);
    assertEquals("no reading: connection refused", any.why(new ProbeReading("p", null, 0, "connection refused"), false));
    assertEquals("no reading", any.why(null, false));
    assertEquals("NaN", any.why(value(Double.NaN), false));
    assertFalse(any.admits(value(null), true));
  }

  @Test
  void anHttpStatusPassesBelow400UnlessTheStatusesAreListed() {
    Tolerance latency = new Tolerance(null, 500.0, null);
    assertTrue(latency.admits(http(100, 200), true));
    assertTrue(latency.admits(http(100, 302), true));
    assertEquals("status 503 (expected < 400)", latency.why(http(100, 503), true));
    assertEquals("status 0 (expected < 400), 900 > max 500", latency.why(http(900, 0), true), "no answer");
    assertNull(latency.why(http(100, 503), false), "the status only counts for HTTP probes");

    Tolerance only200 = new Tolerance(null, null, List.of(200));
    assertTrue(only200.admits(http(100, 200), true));
    assertEquals("status 302 (expected [200])", only200.why(http(100, 302), true));
  }

  @Test
  void aToleranceInWords() {
    assertEquals(">= 0.99", new Tolerance(0.99, null, null).describe());
    assertEquals("<= 500", new Tolerance(null, 500.0, null).describe());
    assertEquals("1..3", new Tolerance(1.0, 3.0, null).describe());
    assertEquals("status [200, 204], <= 250.5", new Tolerance(null, 250.5, List.of(200, 204)).describe());
    assertEquals("any", new Tolerance(null, null, null).describe());
  }
}
