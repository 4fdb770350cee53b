package io.bellwether.contracts.abtest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * A split as the router has it now.
 *
 * @param router the router
 * @param split the split
 * @param backends the split's variant backends, in configured order
 * @param open whether requests are routed by it now
 * @param routes the routes in its map files (salt empty and no variants when cleared)
 */
public record SplitState(
    String router, String split, List<String> backends, boolean open, SplitRoutes routes) {
  public SplitState {
    backends = backends == null ? List.of() : List.copyOf(backends);
  }

  /** Nothing routed and nothing in the maps: as before any experiment. */
  @JsonIgnore
  public boolean isClear() {
    return !open && (routes == null || routes.variants().isEmpty());
  }
}
