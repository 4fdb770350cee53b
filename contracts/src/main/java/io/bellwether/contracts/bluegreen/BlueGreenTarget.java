package io.bellwether.contracts.bluegreen;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * What a blue-green run acts on, by configured name only.
 *
 * @param router name of a configured traffic router
 * @param pool name of a blue-green pool configured in that router: two backends that take turns
 *     being blue and green, and the switch that picks the live one
 * @param deployer name of a configured deployer that can provision and decommission instances
 * @param healthCheck name of a configured health checker; {@code http} when absent
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
public record BlueGreenTarget(
    String router,
    String pool,
    String deployer,
    String healthCheck,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public BlueGreenTarget {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public BlueGreenTarget(String router, String pool, String deployer, String healthCheck) {
    this(router, pool, deployer, healthCheck, Map.of());
  }

  public String healthCheckOrDefault() {
    return healthCheck == null || healthCheck.isBlank() ? "http" : healthCheck;
  }
}
