package io.bellwether.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoOptionsTest {
  @Test
  void parsesTheLaunchCommandLine() {
    DemoOptions o = DemoOptions.parse("--port", "18081", "--version", "2.0.0", "--instance", "web-1");
    assertEquals("127.0.0.1", o.host());
    assertEquals(18081, o.port());
    assertEquals("2.0.0", o.version());
    assertEquals("web-1", o.instance());
    assertNull(o.errorRate());
    assertNull(o.latencyMs());
    assertNull(o.seed());
  }

  @Test
  void parsesOverridesInBothForms() {
    DemoOptions o =
        DemoOptions.parse(
            "--host=127.0.0.2", "--error-rate=0.25", "--latency-ms", "300", "--unhealthy", "--seed", "3");
    assertEquals("127.0.0.2", o.host());
    assertEquals(0.25, o.errorRate());
    assertEquals(300, o.latencyMs());
    assertTrue(o.unhealthy());
    assertEquals(3L, o.seed());
    assertNull(o.conversionRate());
    assertEquals(0.25, DemoOptions.parse("--conversion-rate=0.25").conversionRate());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--port|70000",
        "--port|abc",
        "--error-rate|1.5",
        "--latency-ms|-1",
        "--version|' '",
        "--colour|red",
        "--threads|0",
        "--conversion-rate|1.5",
        "--conversion-rate|lots",
      })
  void rejectsBadArguments(String name, String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(name, value));
    assertTrue(e.getMessage().contains(name), e.getMessage());
  }

  @Test
  void theChaosMonkeyModeIsOptIn() {
    assertFalse(DemoOptions.parse("--port", "1").chaosMonkey());
    assertFalse(DemoOptions.defaults().chaosMonkey());
    assertTrue(DemoOptions.parse("--chaos-monkey", "--port", "1").chaosMonkey());
    assertFalse(DemoOptions.parse("--chaos-monkey=false").chaosMonkey());
    assertTrue(DemoOptions.USAGE.contains("--chaos-monkey"));
  }

  @Test
  void anUnknownFlagIsNamedAsUnknown() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--bogus"));
    assertEquals("unknown argument --bogus", e.getMessage());
  }

  @Test
  void aFlagWithoutItsValueIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--port"));
  }
}
