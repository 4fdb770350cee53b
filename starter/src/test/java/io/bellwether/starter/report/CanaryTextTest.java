package io.bellwether.starter.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanaryTextTest {
  @Test
  void everyRoundOfEveryMetricIsARowWithCanaryBaselineRangeAndVerdict() {
    List<String> t = CanaryText.table(CanaryFixtures.rolledBack());

    assertEquals("canary web-canary-1 2.4.0 MAINT; baseline web-1, web-2", t.get(0));
    assertTrue(t.contains(CanaryText.ROUND_HEADER), String.join("\n", t));
    assertTrue(t.contains("#2 s4     latency-p99              2  0.45         0.12         <= 0.3         FAILURE"),
        String.join("\n", t));
    assertTrue(t.contains("#2 s4     error-ratio              2  -            -            <= 0.01        INCONCLUSIVE (UNAVAILABLE)"),
        String.join("\n", t));
    assertTrue(t.contains("#2 s4     => FAILED: " + CanaryFixtures.REASON), String.join("\n", t));
    assertTrue(t.contains("#1 s2     => SUCCESSFUL"), String.join("\n", t));
    // Four rounds in the first analysis, six in the second.
    assertEquals(10, t.stream().filter(l -> l.matches("#\\d s\\d +(error-ratio|latency-p99) +\\d .*")).count(),
        String.join("\n", t));
  }

  @Test
  void theJudgeTableHasPValueEffectResultAndTheScore() {
    List<String> t = CanaryText.table(CanaryFixtures.rolledBack());

    assertTrue(t.contains(CanaryText.JUDGE_HEADER));
    assertTrue(t.contains("#2        latency-p99*         <0.0001   +0.152      +127.0%   20/20    HIGH"),
        String.join("\n", t));
    assertTrue(t.contains("#2        => FAIL score 50 (critical metric latency-p99 failed)"), String.join("\n", t));
    assertTrue(t.contains("#1        => PASS score 100 (every metric passed)"), String.join("\n", t));
    // The judge's rows come after every round.
    assertTrue(t.indexOf(CanaryText.JUDGE_HEADER) > t.indexOf("#2 s4     => FAILED: " + CanaryFixtures.REASON));
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
    "0.0012, 0.0012",
    "0.25, 0.25",
    "1250.5, 1251",
    "1234.4, 1234",
    "0.123456, 0.1235",
    "0, 0",
    "-0.5, -0.5",
    "null, -",
  })
  void numbersKeepFourSignificantDigitsWithoutExponents(Double v, String expected) {
    assertEquals(expected, Numbers.fmt(v));
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
    "null, 0.01, <= 0.01",
    "10, null, >= 10",
    "0.5, 1, 0.5 .. 1",
    "null, null, -",
  })
  void rangesReadAsWords(Double min, Double max, String expected) {
    assertEquals(expected, Numbers.range(min, max));
  }

  @Test
  void axesCoverTheirRangeWithRoundTicks() {
    Numbers.Axis a = Numbers.axis(0, 0.47);
    assertEquals(0, a.low());
    assertTrue(a.high() >= 0.47 && a.high() <= 0.6, a.toString());
    assertEquals(List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5), a.ticks());
    Numbers.Axis flat = Numbers.axis(0.2, 0.2);
    assertTrue(flat.low() <= 0.2 && flat.high() > 0.2, flat.toString());
    Numbers.Axis none = Numbers.axis(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    assertEquals(0, none.low());
    assertEquals(1, none.high());
  }
}
