package io.bellwether.contracts.bluegreen;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import java.util.Map;

/**
 * Input of the {@code BlueGreenDeployment} workflow; its JSON form is the workflow input itself.
 *
 * @param service the service being released
 * @param version the version green runs
 * @param target router, pool, deployer and health check, by configured name
 * @param replicas green instances to provision; default: as many as blue has, at least 1
 * @param healthCheck how each green instance proves it is healthy (as in rolling deployments)
 * @param smokeCheck an optional request each green instance must answer correctly
 * @param preview when true, requests carrying the configured preview header or cookie reach green
 *     before anyone else does, from verification until the switch
 * @param approval an optional gate before the switch
 * @param trafficShift gradual steps; absent means one atomic switch
 * @param watchWindow how long green's health is watched after the switch while blue is kept;
 *     default 30s. A failure or a {@code rollback} switches all traffic back to blue at once.
 * @param blueRetention what happens to blue afterwards
 * @param requestedBy who asked for the run
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenDeploymentSpec(
    String service,
    String version,
    BlueGreenTarget target,
    Integer replicas,
    HealthCheckSpec healthCheck,
    SmokeCheckSpec smokeCheck,
    Boolean preview,
    ApprovalGateSpec approval,
    TrafficShiftSpec trafficShift,
    String watchWindow,
    BlueRetentionSpec blueRetention,
    String requestedBy,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String DEFAULT_WATCH_WINDOW = "30s";

  public BlueGreenDeploymentSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public BlueGreenDeploymentSpec(
      String service,
      String version,
      BlueGreenTarget target,
      Integer replicas,
      HealthCheckSpec healthCheck,
      SmokeCheckSpec smokeCheck,
      Boolean preview,
      ApprovalGateSpec approval,
      TrafficShiftSpec trafficShift,
      String watchWindow,
      BlueRetentionSpec blueRetention,
      String requestedBy) {
    this(
        service, version, target, replicas, healthCheck, smokeCheck, preview, approval,
        trafficShift, watchWindow, blueRetention, requestedBy, Map.of());
  }

  public HealthCheckSpec healthCheckOrDefault() {
    return healthCheck == null ? HealthCheckSpec.defaults() : healthCheck;
  }

  public boolean previewOrDefault() {
    return Boolean.TRUE.equals(preview);
  }

  public BlueRetentionSpec blueRetentionOrDefault() {
    return blueRetention == null ? new BlueRetentionSpec(null, null) : blueRetention;
  }

  public String requestedByOrUnknown() {
    return requestedBy == null || requestedBy.isBlank() ? "unknown" : requestedBy;
  }
}
