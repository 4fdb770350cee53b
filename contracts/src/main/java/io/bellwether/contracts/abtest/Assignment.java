package io.bellwether.contracts.abtest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * How users get their share, sticky for the whole test.
 *
 * @param stickiness {@code hash} (default): a request with the user-id header goes to the variant
 *     of {@code hash(salt + user id) mod 100}; one without gets a random draw kept in a cookie the
 *     router sets. {@code cookie}: every new visitor gets a random draw kept in the cookie, user id
 *     or not
 * @param salt mixed into the hash, so that two experiments assign independently; default derived
 *     from the run. Give one to keep assignments across reruns of the same experiment
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Assignment(
    String stickiness, String salt, @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String HASH = "hash";
  public static final String COOKIE = "cookie";

  public Assignment {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public Assignment(String stickiness, String salt) {
    this(stickiness, salt, Map.of());
  }

  public static Assignment defaults() {
    return new Assignment(HASH, null);
  }

  public String stickinessOrDefault() {
    return stickiness == null || stickiness.isBlank() ? HASH : stickiness;
  }
}
