package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Where a canary runs, by configured names only.
 *
 * @param router the router ({@code bellwether.routers.<name>})
 * @param backend the stable backend: its servers are the baseline, and the rest upgraded on
 *     promotion (a child {@code RollingDeployment} on this backend)
 * @param pool the router's pool that routes between {@code backend} (live) and the canary backend
 *     (candidate): weights, header/cookie/user segments ({@code bellwether.routers.<r>.pools.<p>})
 * @param deployer provisions the canary instances into the canary backend and upgrades the rest
 * @param healthCheck named health check; default {@code http}
 * @param metrics the metrics provider analyses query by default ({@code bellwether.metrics.<name>})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CanaryTarget(
    String router,
    String backend,
    String pool,
    String deployer,
    String healthCheck,
    String metrics,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public CanaryTarget {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public CanaryTarget(
      String router, String backend, String pool, String deployer, String healthCheck, String metrics) {
    this(router, backend, pool, deployer, healthCheck, metrics, Map.of());
  }

  public String healthCheckOrDefault() {
    return healthCheck == null || healthCheck.isBlank() ? "http" : healthCheck;
  }
}
