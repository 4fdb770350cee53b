package io.bellwether.analysis;

import static io.bellwether.contracts.canary.Measurement.FAILURE;
import static io.bellwether.contracts.canary.Measurement.INCONCLUSIVE;
import static io.bellwether.contracts.canary.Measurement.SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.canary.AnalysisRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AnalysisTallyTest {

  static Stream<Arguments> rounds() {
    return Stream.of(
        Arguments.of(List.of(SUCCESS, SUCCESS), SUCCESS),
        Arguments.of(List.of(SUCCESS, FAILURE), FAILURE),
        Arguments.of(List.of(INCONCLUSIVE, FAILURE), FAILURE),
        Arguments.of(List.of(SUCCESS, INCONCLUSIVE), INCONCLUSIVE),
        Arguments.of(List.of(INCONCLUSIVE), INCONCLUSIVE),
        Arguments.of(List.of(), INCONCLUSIVE),
        Arguments.of(Arrays.asList(SUCCESS, null), INCONCLUSIVE));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("rounds")
  void roundVerdict(List<String> verdicts, String expected) {
    assertEquals(expected, AnalysisTally.roundVerdict(verdicts));
  }

  /**
   * Each row: count, failureLimit, consecutiveErrorLimit, the round verdicts (S, F, I: one metric
   * each), the state after each round (R = RUNNING, F = FAILED, I = INCONCLUSIVE), finish().
   */
  static Stream<Arguments> tallies() {
    return Stream.of(
        Arguments.of(5, 0, 2, "SSSSS", "RRRRR", AnalysisRecord.SUCCESSFUL),
        Arguments.of(5, 0, 2, "SSF", "RRF", AnalysisRecord.FAILED),
        Arguments.of(5, 1, 2, "SFSSF", "RRRRF", AnalysisRecord.FAILED),
        Arguments.of(5, 1, 2, "SFSSS", "RRRRR", AnalysisRecord.SUCCESSFUL),
        Arguments.of(5, 0, 2, "SIIS", "RRRR", AnalysisRecord.INCONCLUSIVE),
        Arguments.of(5, 0, 2, "SIISS", "RRRRR", AnalysisRecord.SUCCESSFUL),
        Arguments.of(5, 0, 2, "SIII", "RRRI", AnalysisRecord.INCONCLUSIVE),
        Arguments.of(5, 0, 0, "SI", "RI", AnalysisRecord.INCONCLUSIVE),
        // Inconclusive rounds that are not consecutive: no early decision, but too few numbers.
        Arguments.of(5, 0, 1, "ISISI", "RRRRR", AnalysisRecord.INCONCLUSIVE),
        Arguments.of(4, 0, 1, "ISIS", "RRRR", AnalysisRecord.SUCCESSFUL),
        // The first decision sticks: a failure after the tally went inconclusive changes nothing.
        Arguments.of(5, 0, 0, "IF", "II", AnalysisRecord.INCONCLUSIVE),
        Arguments.of(1, 0, 2, "S", "R", AnalysisRecord.SUCCESSFUL),
        Arguments.of(1, 0, 2, "I", "R", AnalysisRecord.INCONCLUSIVE));
  }

  @ParameterizedTest(name = "count={0} failureLimit={1} errorLimit={2} rounds={3}")
  @MethodSource("tallies")
  void tally(int count, int failureLimit, int errorLimit, String rounds, String states, String end) {
    AnalysisTally t = new AnalysisTally(count, failureLimit, errorLimit);
    StringBuilder seen = new StringBuilder();
    for (char r : rounds.toCharArray()) {
      t.record(List.of(verdictOf(r)));
      seen.append(t.state().charAt(0));
    }
    assertEquals(states, seen.toString());
    assertEquals(end, t.finish());
    assertTrue(t.reason() != null && !t.reason().isBlank());
  }

  @Test
  void roundWithSeveralMetricsIsCompleteOnlyWhenEveryMetricHadANumber() {
    AnalysisTally t = new AnalysisTally(4, 3, 3);
    assertEquals(FAILURE, t.record(List.of(FAILURE, INCONCLUSIVE)));
    assertEquals(INCONCLUSIVE, t.record(List.of(SUCCESS, INCONCLUSIVE)));
    assertEquals(FAILURE, t.record(List.of(FAILURE, SUCCESS)));
    assertEquals(SUCCESS, t.record(List.of(SUCCESS, SUCCESS)));
    assertEquals(2, t.failedRounds());
    assertEquals(1, t.inconclusiveRounds());
    assertEquals(2, t.completeRounds());
    assertEquals(AnalysisRecord.SUCCESSFUL, t.finish());
  }

  @Test
  void failureLimitAndReasons() {
    AnalysisTally t = new AnalysisTally(3, 0, 2);
    t.record(List.of(SUCCESS, FAILURE));
    assertEquals(AnalysisRecord.FAILED, t.state());
    assertEquals("1 of 1 measurements failed (limit 0)", t.reason());

    AnalysisTally i = new AnalysisTally(6, 0, 1);
    i.record(List.of(INCONCLUSIVE));
    i.record(List.of(INCONCLUSIVE));
    assertEquals(AnalysisRecord.INCONCLUSIVE, i.state());
    assertEquals("2 measurements in a row without data (limit 1)", i.reason());
  }

  @Test
  void finishBeforeEveryRoundCountsTheMissingOnesAsWithoutData() {
    AnalysisTally t = new AnalysisTally(5, 0, 5);
    t.record(List.of(SUCCESS));
    t.record(List.of(SUCCESS));
    assertEquals(AnalysisRecord.INCONCLUSIVE, t.finish());
    t.record(List.of(SUCCESS));
    assertEquals(AnalysisRecord.SUCCESSFUL, t.finish());
  }

  @Test
  void rejectsMoreRoundsThanPlannedAndBadLimits() {
    AnalysisTally t = new AnalysisTally(1, 0, 0);
    t.record(List.of(SUCCESS));
    assertTrue(t.done());
    assertThrows(IllegalStateException.class, () -> t.record(List.of(SUCCESS)));
    assertThrows(IllegalArgumentException.class, () -> new AnalysisTally(0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AnalysisTally(1, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new AnalysisTally(1, 0, -1));
  }

  @Test
  void recordDoesNotKeepTheCallersList() {
    AnalysisTally t = new AnalysisTally(2, 0, 2);
    List<String> round = new ArrayList<>(List.of(SUCCESS));
    t.record(round);
    round.set(0, FAILURE);
    assertEquals(AnalysisRecord.RUNNING, t.state());
    assertEquals(0, t.failedRounds());
  }

  private static String verdictOf(char c) {
    return switch (c) {
      case 'S' -> SUCCESS;
      case 'F' -> FAILURE;
      case 'I' -> INCONCLUSIVE;
      default -> throw new IllegalArgumentException("unknown round " + c);
    };
  }
}
