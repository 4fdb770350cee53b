package io.bellwether.contracts.spec;

/**
 * How an upgraded instance proves it is healthy before it takes traffic again.
 *
 * @param path HTTP path on the instance, such as {@code /health}
 * @param successThreshold consecutive passes required (Kubernetes' word); default 3
 * @param period time between probes; default 1s
 * @param timeout how long the instance has to reach the threshold; default 60s
 */
public record HealthCheckSpec(String path, Integer successThreshold, String period, String timeout) {
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
