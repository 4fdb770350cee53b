package io.bellwether.contracts.spec;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * What a run acts on, by configured name only. The worker's configuration maps each name to an
 * address, socket or command; a spec can never carry one.
 *
 * @param router name of a configured traffic router (an HAProxy runtime API)
 * @param backend the backend in that router whose servers are the instances
 * @param deployer name of a configured deployer
 * @param healthCheck name of a configured health checker; {@code http} when absent
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
public record TargetRef(
    String router,
    String backend,
    String deployer,
    String healthCheck,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public TargetRef {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public TargetRef(String router, String backend, String deployer, String healthCheck) {
    this(router, backend, deployer, healthCheck, Map.of());
  }

  public static final String DEFAULT_HEALTH_CHECK = "http";

  public String healthCheckOrDefault() {
    return healthCheck == null || healthCheck.isBlank() ? DEFAULT_HEALTH_CHECK : healthCheck;
  }
}
