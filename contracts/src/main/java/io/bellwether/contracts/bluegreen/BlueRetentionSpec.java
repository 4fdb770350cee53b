package io.bellwether.contracts.bluegreen;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * What happens to blue once green has all traffic and passed its watch window.
 *
 * @param mode {@code scaleDown} (default): keep blue for {@code scaleDownDelay}, then decommission
 *     it through the deployer; {@code keepIdle}: keep blue running as the idle pool, so the next
 *     release lands there and the roles swap
 * @param scaleDownDelay how long blue stays for an instant switch-back; default 30s
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
public record BlueRetentionSpec(
    String mode, String scaleDownDelay, @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String SCALE_DOWN = "scaleDown";
  public static final String KEEP_IDLE = "keepIdle";

  public BlueRetentionSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public BlueRetentionSpec(String mode, String scaleDownDelay) {
    this(mode, scaleDownDelay, Map.of());
  }

  public String modeOrDefault() {
    return mode == null ? SCALE_DOWN : mode;
  }
}
