package io.bellwether.contracts.abtest;

import java.util.List;

/**
 * Everything a split routes by, set at once.
 *
 * @param salt mixed into the user-id hash and into the sticky cookie's value; letters and digits
 * @param stickiness {@link Assignment#HASH} or {@link Assignment#COOKIE}
 * @param variants one route per variant, each on its own backend
 */
public record SplitRoutes(String salt, String stickiness, List<VariantRoute> variants) {
  public SplitRoutes {
    variants = variants == null ? List.of() : List.copyOf(variants);
  }

  public static SplitRoutes none() {
    return new SplitRoutes("", Assignment.HASH, List.of());
  }
}
