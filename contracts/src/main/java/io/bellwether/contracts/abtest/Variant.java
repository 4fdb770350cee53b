package io.bellwether.contracts.abtest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One arm of the test. A feature variant is a build of the service with the feature on, named by
 * its version.
 *
 * @param name unique in the test; labels its counters ({@code variant}) and names it in the report
 * @param version what its instances run
 * @param share percent of users assigned to it, 0 to 100 (the shares together at most 100; users
 *     left over stay on the stable backend, outside the experiment)
 * @param replicas instances of its own, 1 to 10; default 1
 * @param users user ids (the user-id header) forced into this variant: internal users, testers.
 *     Forced users are marked and left out of the analysis
 * @param headerValues values of the segment header that put a request in this variant (also
 *     marked and left out of the analysis)
 * @param cookieValues values of the segment cookie that do the same
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Variant(
    String name,
    String version,
    Integer share,
    Integer replicas,
    List<String> users,
    List<String> headerValues,
    List<String> cookieValues,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public Variant {
    users = users == null ? List.of() : List.copyOf(users);
    headerValues = headerValues == null ? List.of() : List.copyOf(headerValues);
    cookieValues = cookieValues == null ? List.of() : List.copyOf(cookieValues);
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public Variant(String name, String version, Integer share) {
    this(name, version, share, null, null, null, null, Map.of());
  }

  public int shareOrZero() {
    return share == null ? 0 : share;
  }

  public int replicasOrDefault() {
    return replicas == null ? 1 : replicas;
  }
}
