package io.bellwether.contracts.abtest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Where an A/B test runs, by configured names only.
 *
 * @param router the router ({@code bellwether.routers.<name>})
 * @param backend the stable backend: users outside the experiment stay there, and a winner is
 *     rolled out to its servers (a child {@code RollingDeployment})
 * @param split the router's split ({@code bellwether.routers.<r>.splits.<s>}): one slot backend per
 *     variant, and the map files that assign users to them
 * @param deployer provisions the variant instances and rolls a winner out
 * @param healthCheck named health check; default {@code http}
 * @param metrics the metrics provider the goal and guardrails query ({@code
 *     bellwether.metrics.<name>})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ABTestTarget(
    String router,
    String backend,
    String split,
    String deployer,
    String healthCheck,
    String metrics,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public ABTestTarget {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public ABTestTarget(
      String router, String backend, String split, String deployer, String healthCheck, String metrics) {
    this(router, backend, split, deployer, healthCheck, metrics, Map.of());
  }

  public String healthCheckOrDefault() {
    return healthCheck == null || healthCheck.isBlank() ? "http" : healthCheck;
  }
}
