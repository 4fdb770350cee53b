package io.bellwether.contracts.abtest;

import io.temporal.activity.ActivityInterface;

/**
 * A router's experiment split, as activities. {@code router} and {@code split} are configured
 * names ({@code bellwether.routers.<r>.splits.<s>}). The split sits in front of the stable
 * backend's routing: while open, a request is matched, in order, by forced user, segment header,
 * segment cookie, the sticky cookie, then its bucket (hash of salt and user id, or a random draw
 * that the router then keeps in the sticky cookie); a request that matches nothing (its bucket is
 * in no share) goes on as if there were no split. Every change is idempotent and written to the
 * map files on disk, so a router reload keeps it. Unknown names fail with the non-retryable
 * {@code UnknownTarget}; an unreachable router fails retryably.
 */
@ActivityInterface
public interface SplitActivities {
  /** The split as the router has it now. Read-only. */
  SplitState splitState(String router, String split);

  /**
   * Writes every route into the split's maps, leaving open/closed as it is (so a closed split can
   * be filled before it takes traffic). Routes for backends the split lacks are refused
   * (non-retryable {@code RouterRejected}).
   */
  SplitState setRoutes(String router, String split, SplitRoutes routes);

  /** Opens or closes the split in one router command: all users move at once. */
  SplitState setOpen(String router, String split, boolean open);

  /**
   * Closes the split (first, in one command), then empties every map: nothing of the experiment is
   * left in the router. Idempotent.
   */
  SplitState clear(String router, String split);
}
