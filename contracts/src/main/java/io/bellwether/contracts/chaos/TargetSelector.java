package io.bellwether.contracts.chaos;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Which servers of the service a fault step acts on, chosen from the servers the router has in the
 * service's backend at that moment. {@code names} or {@code zone} narrow the candidates (both may
 * be given); then {@code count} or {@code percent} (rounded up, at least one) picks that many of
 * them at random, reproducibly from {@code seed}. With neither count nor percent every candidate is
 * a target.
 *
 * @param names server names
 * @param zone a zone tag from {@code bellwether.services.<service>.zones}
 * @param count how many to pick
 * @param percent what share to pick, 1 to 100
 * @param seed the random choice's seed; default one derived from the run and the step, recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetSelector(
    java.util.List<String> names,
    String zone,
    Integer count,
    Integer percent,
    Long seed,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public TargetSelector {
    // Null names are kept for the validator to report; List.copyOf would throw first.
    names =
        names == null
            ? null
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(names));
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public TargetSelector(
      java.util.List<String> names, String zone, Integer count, Integer percent, Long seed) {
    this(names, zone, count, percent, seed, Map.of());
  }

  /** The selector in words, such as {@code 1 of zone a} or {@code 25% of all}. */
  public String describe() {
    String from =
        names != null && !names.isEmpty()
            ? (zone != null ? "zone " + zone + " among " + names : String.valueOf(names))
            : zone != null ? "zone " + zone : "all";
    if (count != null) {
      return count + " of " + from;
    }
    if (percent != null) {
      return percent + "% of " + from;
    }
    return from;
  }
}
