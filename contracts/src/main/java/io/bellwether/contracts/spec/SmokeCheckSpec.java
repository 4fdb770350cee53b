package io.bellwether.contracts.spec;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * One request sent to an upgraded, healthy instance before it is put back in rotation.
 *
 * @param path HTTP path, such as {@code /version}
 * @param expectStatus the status code it must answer; default 200
 * @param expectBodyContains text the body must contain; {@code ${version}} stands for the version
 *     being deployed
 * @param unknownFields fields the model does not know; never serialized, reported by the validator
 */
public record SmokeCheckSpec(
    String path,
    Integer expectStatus,
    String expectBodyContains,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public SmokeCheckSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public SmokeCheckSpec(String path, Integer expectStatus, String expectBodyContains) {
    this(path, expectStatus, expectBodyContains, Map.of());
  }

  public int expectStatusOrDefault() {
    return expectStatus == null ? 200 : expectStatus;
  }

  /** The expected body text with {@code ${version}} filled in, or null when none is expected. */
  public String expectedBodyFor(String version) {
    return expectBodyContains == null ? null : expectBodyContains.replace("${version}", version);
  }
}
