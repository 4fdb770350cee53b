package io.bellwether.contracts.chaos;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bellwether.contracts.spec.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One fault of an experiment: a configured injector, what it acts on, how hard and how long.
 * With {@code steps}, the fault is injected progressively: each step selects its targets afresh
 * (re-resolved from the router at that moment), is restored, and the next step follows, each for
 * {@code duration}. Without steps, {@code targets} is the only step.
 *
 * @param id unique among the experiment's faults; letters, digits, {@code . _ -}; default {@code
 *     f1}, {@code f2}, ... by position
 * @param injector a configured fault injector ({@code bellwether.fault-injectors.<name>})
 * @param targets which servers of the service (absent for injectors that act on a host resource,
 *     such as a filesystem or CPU)
 * @param steps progressive steps, such as one server, then 25%, then a zone (instead of targets)
 * @param magnitude the injector's settings, such as {@code delayMs: "300"} or {@code percent:
 *     "90"}
 * @param duration how long each step is in force; the dead-man switch restores at duration plus
 *     the experiment's grace whatever happens
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultSpec(
    String id,
    String injector,
    TargetSelector targets,
    List<TargetSelector> steps,
    Map<String, String> magnitude,
    String duration,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public FaultSpec {
    // Null entries and values are kept for the validator to report; copyOf would throw first.
    steps = steps == null ? null : Collections.unmodifiableList(new ArrayList<>(steps));
    magnitude =
        magnitude == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(magnitude));
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public FaultSpec(
      String id,
      String injector,
      TargetSelector targets,
      List<TargetSelector> steps,
      Map<String, String> magnitude,
      String duration) {
    this(id, injector, targets, steps, magnitude, duration, Map.of());
  }

  /** The id, or {@code f<position+1>} when the spec gives none. */
  public String idOr(int position) {
    return id == null || id.isBlank() ? "f" + (position + 1) : id;
  }

  /** The steps: {@code steps} when given, else one step of {@code targets} (which may be null). */
  @JsonIgnore
  public List<TargetSelector> stepsOrTargets() {
    if (steps != null && !steps.isEmpty()) {
      return steps;
    }
    return java.util.Collections.singletonList(targets);
  }

  public Duration durationOrNull() {
    return Durations.parseOr(duration, null);
  }
}
