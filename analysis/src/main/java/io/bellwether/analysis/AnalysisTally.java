package io.bellwether.analysis;

import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.Measurement;
import java.util.List;

/**
 * Counts the measurement rounds of one analysis and decides its state, as Argo Rollouts does with
 * {@code failureLimit} and {@code consecutiveErrorLimit}. A round is every metric measured once;
 * its verdict is FAILURE when any metric failed, INCONCLUSIVE when none failed but one had no
 * number, else SUCCESS. Deterministic and free of I/O (it lives in workflow state); not thread-safe,
 * which workflow code does not need.
 */
public final class AnalysisTally {
  private final int count;
  private final int failureLimit;
  private final int consecutiveErrorLimit;

  private int rounds;
  private int failedRounds;
  private int inconclusiveRounds;
  private int completeRounds;
  private int consecutiveInconclusive;
  private String decided;
  private String decidedReason;

  /**
   * A tally for an analysis of {@code count} rounds (at least 1), failing once more than {@code
   * failureLimit} rounds failed and inconclusive once more than {@code consecutiveErrorLimit}
   * rounds in a row had no number (both at least 0). Throws IllegalArgumentException otherwise.
   */
  public AnalysisTally(int count, int failureLimit, int consecutiveErrorLimit) {
    if (count < 1 || failureLimit < 0 || consecutiveErrorLimit < 0) {
      throw new IllegalArgumentException(
          "count must be >= 1 and limits >= 0, got count="
              + count
              + " failureLimit="
              + failureLimit
              + " consecutiveErrorLimit="
              + consecutiveErrorLimit);
    }
    this.count = count;
    this.failureLimit = failureLimit;
    this.consecutiveErrorLimit = consecutiveErrorLimit;
  }

  /**
   * The verdict of one round from its metrics' {@link Measurement} verdicts: FAILURE if any failed,
   * else INCONCLUSIVE if any had no number (an empty round too: no data), else SUCCESS.
   */
  public static String roundVerdict(List<String> verdictsOfOneRound) {
    if (verdictsOfOneRound == null || verdictsOfOneRound.isEmpty()) {
      return Measurement.INCONCLUSIVE;
    }
    boolean inconclusive = false;
    for (String v : verdictsOfOneRound) {
      if (Measurement.FAILURE.equals(v)) {
        return Measurement.FAILURE;
      }
      if (!Measurement.SUCCESS.equals(v)) {
        // Anything but an explicit success (INCONCLUSIVE, null, unknown) means no usable number.
        inconclusive = true;
      }
    }
    return inconclusive ? Measurement.INCONCLUSIVE : Measurement.SUCCESS;
  }

  /**
   * Records one round and returns its verdict ({@link #roundVerdict}). Rounds recorded after the
   * state was decided are still counted but never change the decision. Throws
   * IllegalStateException beyond {@code count} rounds: the caller lost track.
   */
  public String record(List<String> verdictsOfOneRound) {
    if (rounds >= count) {
      throw new IllegalStateException("all " + count + " rounds were already recorded");
    }
    String verdict = roundVerdict(verdictsOfOneRound);
    rounds++;
    boolean complete =
        verdictsOfOneRound != null
            && !verdictsOfOneRound.isEmpty()
            && verdictsOfOneRound.stream()
                .allMatch(v -> Measurement.SUCCESS.equals(v) || Measurement.FAILURE.equals(v));
    if (complete) {
      completeRounds++;
    }
    switch (verdict) {
      case Measurement.FAILURE -> {
        failedRounds++;
        consecutiveInconclusive = 0;
      }
      case Measurement.INCONCLUSIVE -> {
        inconclusiveRounds++;
        consecutiveInconclusive++;
      }
      default -> consecutiveInconclusive = 0;
    }
    if (decided == null) {
      if (failedRounds > failureLimit) {
        decided = AnalysisRecord.FAILED;
        decidedReason = failedReason();
      } else if (consecutiveInconclusive > consecutiveErrorLimit) {
        decided = AnalysisRecord.INCONCLUSIVE;
        decidedReason =
            consecutiveInconclusive
                + " measurements in a row without data (limit "
                + consecutiveErrorLimit
                + ")";
      }
    }
    return verdict;
  }

  /**
   * {@link AnalysisRecord#RUNNING} until the outcome is known, then {@link AnalysisRecord#FAILED}
   * (more than {@code failureLimit} failed rounds) or {@link AnalysisRecord#INCONCLUSIVE} (more
   * than {@code consecutiveErrorLimit} inconclusive rounds in a row); the first decision sticks.
   */
  public String state() {
    return decided == null ? AnalysisRecord.RUNNING : decided;
  }

  /**
   * The final state after the last round: the decision if one was made, else FAILED if too many
   * rounds failed, INCONCLUSIVE if fewer than half of the {@code count} rounds had a number for
   * every metric (a round not recorded counts as without data), else SUCCESSFUL. Never RUNNING.
   */
  public String finish() {
    if (decided != null) {
      return decided;
    }
    if (failedRounds > failureLimit) {
      return AnalysisRecord.FAILED;
    }
    int planned = Math.max(count, rounds);
    if (2 * completeRounds < planned) {
      return AnalysisRecord.INCONCLUSIVE;
    }
    return AnalysisRecord.SUCCESSFUL;
  }

  /**
   * One line for people on the current or final state: why it failed or was inconclusive, or how
   * the rounds went. Meant for {@link AnalysisRecord#reason()}.
   */
  public String reason() {
    if (decided != null) {
      return decidedReason;
    }
    String fin = finish();
    if (AnalysisRecord.FAILED.equals(fin)) {
      return failedReason();
    }
    if (AnalysisRecord.INCONCLUSIVE.equals(fin) && rounds >= count) {
      return "only "
          + completeRounds
          + " of "
          + Math.max(count, rounds)
          + " measurements had data for every metric (at least half needed)";
    }
    return rounds
        + " of "
        + count
        + " measurements taken: "
        + failedRounds
        + " failed (limit "
        + failureLimit
        + "), "
        + inconclusiveRounds
        + " without data";
  }

  private String failedReason() {
    return failedRounds + " of " + rounds + " measurements failed (limit " + failureLimit + ")";
  }

  /** Rounds recorded so far. */
  public int rounds() {
    return rounds;
  }

  /** Rounds planned. */
  public int count() {
    return count;
  }

  /** Rounds whose verdict was FAILURE. */
  public int failedRounds() {
    return failedRounds;
  }

  /** Rounds whose verdict was INCONCLUSIVE. */
  public int inconclusiveRounds() {
    return inconclusiveRounds;
  }

  /** Rounds in which every metric had a number (whether in range or not). */
  public int completeRounds() {
    return completeRounds;
  }

  /** Inconclusive rounds in a row at the end of the tally. */
  public int consecutiveInconclusive() {
    return consecutiveInconclusive;
  }

  /** Whether every planned round was recorded. */
  public boolean done() {
    return rounds >= count;
  }
}
