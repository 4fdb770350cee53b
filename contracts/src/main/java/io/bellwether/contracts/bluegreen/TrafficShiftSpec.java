package io.bellwether.contracts.bluegreen;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;

/**
 * How traffic moves to green. Absent: one atomic switch of all traffic.
 *
 * @param steps percentages of traffic on green, rising, ending at 100 (such as {@code [10, 50,
 *     100]})
 * @param interval wait between steps, with green's health checked; default 30s
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
public record TrafficShiftSpec(
    List<Integer> steps, String interval, @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public TrafficShiftSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public TrafficShiftSpec(List<Integer> steps, String interval) {
    this(steps, interval, Map.of());
  }
}
