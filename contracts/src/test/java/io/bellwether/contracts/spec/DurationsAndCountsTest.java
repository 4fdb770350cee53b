package io.bellwether.contracts.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsAndCountsTest {
  @ParameterizedTest
  @CsvSource({
    "500ms, 500",
    "30s, 30000",
    "2m, 120000",
    "1h, 3600000",
    "1m30s, 90000",
    "PT5S, 5000",
    "0s, 0"
  })
  void parsesDurations(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    assertEquals(Duration.ofMillis(millis), Durations.parse(Durations.format(Duration.ofMillis(millis))));
  }

  @ParameterizedTest
  @CsvSource({"soon", "5", "s5", "5 s", "5x", "1m30", "-5s"})
  void rejectsNonDurations(String text) {
    assertNull(Durations.parse(text));
  }

  @ParameterizedTest
  @CsvSource({
    "1, 4, 1",
    "2, 4, 2",
    "9, 4, 4",
    "25%, 4, 1",
    "25%, 10, 2",
    "10%, 4, 1",
    "100%, 4, 4",
    "50%, 5, 2"
  })
  void resolvesBatchSizes(String value, int total, int expected) {
    assertEquals(expected, IntOrPercent.of(value).resolve(total));
  }
}
