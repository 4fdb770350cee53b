package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Who goes to the canary whatever the weight. The router's pool configuration names the header,
 * the cookie and the user-id header that are matched (defaults {@code x-bellwether-segment},
 * {@code bellwether_segment}, {@code x-user-id}); a spec only lists values. Empty lists (or all
 * null) clear the route.
 *
 * @param headerValues values of the segment header that go to the canary (e.g. {@code beta})
 * @param cookieValues values of the segment cookie that go to the canary
 * @param users user ids (the user-id header) that go to the canary
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SegmentRoute(
    List<String> headerValues,
    List<String> cookieValues,
    List<String> users,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public SegmentRoute {
    headerValues = headerValues == null ? List.of() : List.copyOf(headerValues);
    cookieValues = cookieValues == null ? List.of() : List.copyOf(cookieValues);
    users = users == null ? List.of() : List.copyOf(users);
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public SegmentRoute(List<String> headerValues, List<String> cookieValues, List<String> users) {
    this(headerValues, cookieValues, users, Map.of());
  }

  public static SegmentRoute none() {
    return new SegmentRoute(List.of(), List.of(), List.of());
  }

  @JsonIgnore
  public boolean isEmpty() {
    return headerValues.isEmpty() && cookieValues.isEmpty() && users.isEmpty();
  }
}
