package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.RollingStrategy;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import java.util.List;
import java.util.Map;

/**
 * Input of {@code CanaryRelease}: canary instances beside the stable ones, an ordered list of
 * steps (Argo Rollouts' words: setWeight, pause, analysis, approval, setHeaderRoute), then the rest
 * upgraded by a child {@code RollingDeployment}. Plain JSON, typed by hand in {@code temporal
 * workflow start --input}.
 *
 * @param service the service released
 * @param version the canary version
 * @param stableVersion the version the stable instances run (used in queries as {@code
 *     {{stableVersion}}}); when null the workflow reads it from the stable instances
 * @param requestedBy who asked (recorded; four-eyes at gates)
 * @param target configured names
 * @param replicas canary instances added through the deployer (default 1, 1 to 10)
 * @param freshBaseline also add one instance at the stable version beside the canary, sharing its
 *     traffic, as the judge's baseline (Kayenta's "baseline cluster"); default false
 * @param steps the strategy, in order; at least one
 * @param rollout how the stable instances are upgraded after the last step (child rolling
 *     deployment; default maxUnavailable 1, no bake)
 * @param drainTimeout for the rolling child and for canary teardown; default 30s
 * @param healthCheck the canary instances must pass it before any traffic (and the rolling child)
 * @param smokeCheck optional, the rolling child's smoke check
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CanaryReleaseSpec(
    String service,
    String version,
    String stableVersion,
    String requestedBy,
    CanaryTarget target,
    Integer replicas,
    Boolean freshBaseline,
    List<CanaryStep> steps,
    RollingStrategy rollout,
    String drainTimeout,
    HealthCheckSpec healthCheck,
    SmokeCheckSpec smokeCheck,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String KIND = "CanaryRelease";

  public CanaryReleaseSpec {
    steps = steps == null ? null : List.copyOf(steps);
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public int replicasOrDefault() {
    return replicas == null ? 1 : replicas;
  }

  public boolean freshBaselineOrDefault() {
    return Boolean.TRUE.equals(freshBaseline);
  }

  public RollingStrategy rolloutOrDefault() {
    return rollout == null ? RollingStrategy.defaults() : rollout;
  }
}
