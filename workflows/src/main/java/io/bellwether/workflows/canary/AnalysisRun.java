package io.bellwether.workflows.canary;

import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.Measurement;
import java.util.ArrayList;
import java.util.List;

/**
 * One analysis step as it runs: workflow state, turned into an {@link AnalysisRecord} for status
 * and the result. Measurements of every attempt (the first, and the fresh ones while inconclusive)
 * are kept in order, numbered by round across attempts, so charts show the whole story.
 */
final class AnalysisRun {
  final int stepIndex;
  final long startedMillis;
  String state = AnalysisRecord.RUNNING;
  final List<Measurement> measurements = new ArrayList<>();
  Judgement judgement;
  String reason = "";
  long endedMillis;

  /** Rounds measured so far, over every attempt. */
  int rounds;

  /** Attempts started (1 for an analysis that decided at once). */
  int attempts;

  AnalysisRun(int stepIndex, long startedMillis) {
    this.stepIndex = stepIndex;
    this.startedMillis = startedMillis;
  }

  void end(String newState, String why, long now) {
    state = newState;
    reason = why == null ? "" : why;
    endedMillis = now;
  }

  AnalysisRecord toRecord() {
    return new AnalysisRecord(
        stepIndex, state, measurements, judgement, reason, startedMillis, endedMillis);
  }
}
