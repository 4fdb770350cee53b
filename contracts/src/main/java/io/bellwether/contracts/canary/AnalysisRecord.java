package io.bellwether.contracts.canary;

import java.util.List;

/**
 * One analysis step's record, in {@code status} and the result.
 *
 * @param stepIndex 0-based index of the step in the spec
 * @param state {@code RUNNING}, {@code SUCCESSFUL}, {@code FAILED}, {@code INCONCLUSIVE} or
 *     {@code SKIPPED} ({@code promote --full})
 * @param measurements every measurement, in order
 * @param judgement the judge's verdict (null without a judge or before it ran)
 * @param reason one line: why it failed or was inconclusive
 * @param startedMillis workflow time the analysis began
 * @param endedMillis workflow time it ended (0 while running)
 */
public record AnalysisRecord(
    int stepIndex,
    String state,
    List<Measurement> measurements,
    Judgement judgement,
    String reason,
    long startedMillis,
    long endedMillis) {
  public static final String RUNNING = "RUNNING";
  public static final String SUCCESSFUL = "SUCCESSFUL";
  public static final String FAILED = "FAILED";
  public static final String INCONCLUSIVE = "INCONCLUSIVE";
  public static final String SKIPPED = "SKIPPED";

  public AnalysisRecord {
    measurements = measurements == null ? List.of() : List.copyOf(measurements);
  }
}
