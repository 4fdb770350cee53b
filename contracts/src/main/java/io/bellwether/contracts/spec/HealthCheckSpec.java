package io.bellwether.contracts.spec;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * How an upgraded instance proves it is healthy before it takes traffic again.
 *
 * @param path HTTP path on the instance, such as {@code /health}
 * @param successThreshold consecutive passes required (Kubernetes' word); default 3
 * @param period time between probes; default 1s
 * @param timeout how long the instance has to reach the threshold; default 60s
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
public record HealthCheckSpec(
    String path,
    Integer successThreshold,
    String period,
    String timeout,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public HealthCheckSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public HealthCheckSpec(String path, Integer successThreshold, String period, String timeout) {
    this(path, successThreshold, period, timeout, Map.of());
  }

  public static final String DEFAULT_PATH = "/health";

  public static HealthCheckSpec defaults() {
    return new HealthCheckSpec(null, null, null, null);
  }

  public String pathOrDefault() {
    return path == null ? DEFAULT_PATH : path;
  }

  public int successThresholdOrDefault() {
    return successThreshold == null ? 3 : successThreshold;
  }
}
