package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import java.util.Map;

/**
 * One step of a canary: exactly one field is set.
 *
 * @param setWeight share of traffic, 0 to 100, the canary backend gets (1% precision)
 * @param pause {@code {duration: 30s}} waits that long; {@code {}} waits for {@code promote} (or
 *     a gate's decision)
 * @param analysis measure, judge, and fail or go on
 * @param approval an approval gate
 * @param setHeaderRoute send a subset of users (by header value, cookie value, user id) to the
 *     canary, before or beside any random share; an empty route clears it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CanaryStep(
    Integer setWeight,
    PauseStep pause,
    AnalysisStep analysis,
    ApprovalGateSpec approval,
    SegmentRoute setHeaderRoute,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public CanaryStep {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public static CanaryStep weight(int percent) {
    return new CanaryStep(percent, null, null, null, null, null);
  }

  public static CanaryStep pause(String duration) {
    return new CanaryStep(null, new PauseStep(duration, null), null, null, null, null);
  }

  public static CanaryStep analysis(AnalysisStep a) {
    return new CanaryStep(null, null, a, null, null, null);
  }

  public static CanaryStep approval(ApprovalGateSpec g) {
    return new CanaryStep(null, null, null, g, null, null);
  }

  public static CanaryStep segment(SegmentRoute r) {
    return new CanaryStep(null, null, null, null, r, null);
  }

  /** The name of the one field set ({@code setWeight}, {@code pause}, ...), or null if none. */
  public String kind() {
    if (setWeight != null) return "setWeight";
    if (pause != null) return "pause";
    if (analysis != null) return "analysis";
    if (approval != null) return "approval";
    if (setHeaderRoute != null) return "setHeaderRoute";
    return null;
  }

  /** How many of the one-of fields are set (a valid step has exactly one). */
  public int kindsSet() {
    int n = 0;
    if (setWeight != null) n++;
    if (pause != null) n++;
    if (analysis != null) n++;
    if (approval != null) n++;
    if (setHeaderRoute != null) n++;
    return n;
  }
}
