package io.bellwether.activities.router;

import io.bellwether.contracts.abtest.SplitRoutes;
import io.bellwether.contracts.abtest.SplitState;
import java.util.List;
import java.util.Set;

/**
 * Port to a router's experiment splits: per split, a set of variant backends and the routes that
 * assign users to them (forced users, segments, sticky cookie, buckets of a hash or a random
 * draw), opened and closed as a whole. One instance per configured router.
 *
 * <p>Every method throws {@link UnknownBackendException} for an unknown split, {@link
 * RouterUnavailableException} (retryable) when the router cannot be reached or a file cannot be
 * written, and {@link RouterRejectedException} when the router refuses a command or a route does
 * not fit the split. Every change is idempotent and written to the map files before the method
 * returns, so a reload of the router keeps it.
 */
public interface SplitRouter {
  /** Names of the configured splits; empty when there are none. */
  Set<String> splits();

  /** The split's variant backends, in configuration order. */
  List<String> backends(String split);

  /** The split as the router holds it now, read back from the router. Read-only. */
  SplitState state(String split);

  /**
   * Replaces every route of the split, leaving it open or closed as it is. Refuses, before any
   * change, routes whose values are not plain tokens, whose buckets overlap, or whose backends are
   * not the split's.
   */
  SplitState setRoutes(String split, SplitRoutes routes);

  /** Opens or closes the split in one router command. */
  SplitState setOpen(String split, boolean open);

  /** Closes the split (one command), then empties every route: as before any experiment. */
  SplitState clear(String split);
}
