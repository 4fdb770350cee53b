package io.bellwether.contracts.abtest;

import java.util.List;

/**
 * Who a split sends to one variant.
 *
 * @param variant the variant's name (sent to the instances in the {@code x-bellwether-variant}
 *     request header, for their counters)
 * @param backend one of the split's backends
 * @param bucketFrom first hash/random bucket (0 to 99) of its share, inclusive
 * @param bucketTo end of its share, exclusive; equal to bucketFrom for no share
 * @param users user ids forced into it
 * @param headerValues segment header values routed to it
 * @param cookieValues segment cookie values routed to it
 */
public record VariantRoute(
    String variant,
    String backend,
    int bucketFrom,
    int bucketTo,
    List<String> users,
    List<String> headerValues,
    List<String> cookieValues) {
  public VariantRoute {
    users = users == null ? List.of() : List.copyOf(users);
    headerValues = headerValues == null ? List.of() : List.copyOf(headerValues);
    cookieValues = cookieValues == null ? List.of() : List.copyOf(cookieValues);
  }

  /** The same route with no share and no segments: the variant takes no new user. */
  public VariantRoute closed() {
    return new VariantRoute(variant, backend, bucketFrom, bucketFrom, List.of(), List.of(), List.of());
  }
}
