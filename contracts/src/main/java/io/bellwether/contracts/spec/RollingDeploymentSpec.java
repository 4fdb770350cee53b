package io.bellwether.contracts.spec;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import java.util.List;

/**
 * Input of the {@code RollingDeployment} workflow. Its JSON form is the workflow input itself, so
 * it can be typed into {@code temporal workflow start --input}. Optional fields may be left out.
 *
 * @param service the service being released, such as {@code web}
 * @param version the version to put on every instance
 * @param target the configured router, backend, deployer and health check, by name
 * @param instances server names in the backend, in order; all of the backend's servers when absent
 * @param strategy batch size, bake time, pauses, failure limit
 * @param drainTimeout longest wait for in-flight sessions on a drained instance; default 30s
 * @param healthCheck how an upgraded instance proves it is healthy
 * @param smokeCheck an optional request an upgraded instance must answer correctly
 * @param requestedBy who asked for the run, for the audit trail
 * @param approvalAfterFirstBatch an optional gate after the first batch is back in rotation: people
 *     look at the first upgraded instances before the rest follow
 * @param unknownFields fields the model does not know, kept (never serialized) so that the
 *     validator reports them as problems instead of the input failing to load in the worker;
 *     {@code kind: RollingDeployment} is allowed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RollingDeploymentSpec(
    String service,
    String version,
    TargetRef target,
    List<String> instances,
    RollingStrategy strategy,
    String drainTimeout,
    HealthCheckSpec healthCheck,
    SmokeCheckSpec smokeCheck,
    String requestedBy,
    ApprovalGateSpec approvalAfterFirstBatch,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public RollingDeploymentSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public RollingDeploymentSpec(
      String service,
      String version,
      TargetRef target,
      List<String> instances,
      RollingStrategy strategy,
      String drainTimeout,
      HealthCheckSpec healthCheck,
      SmokeCheckSpec smokeCheck,
      String requestedBy) {
    this(
        service, version, target, instances, strategy, drainTimeout, healthCheck, smokeCheck,
        requestedBy, null, Map.of());
  }

  public RollingStrategy strategyOrDefault() {
    return strategy == null ? RollingStrategy.defaults() : strategy;
  }

  public HealthCheckSpec healthCheckOrDefault() {
    return healthCheck == null ? HealthCheckSpec.defaults() : healthCheck;
  }

  public List<String> instancesOrEmpty() {
    return instances == null ? List.of() : instances;
  }

  public String requestedByOrUnknown() {
    return requestedBy == null || requestedBy.isBlank() ? "unknown" : requestedBy;
  }
}
