package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** {@code pause: {duration: 30s}}, or {@code pause: {}} to wait for {@code promote}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PauseStep(String duration, @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public PauseStep {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  /** Whether this pause waits for a person rather than a timer. */
  public boolean indefinite() {
    return duration == null || duration.isBlank();
  }
}
