package io.bellwether.contracts.bluegreen;

import io.bellwether.contracts.activities.ServerInfo;
import io.temporal.activity.ActivityInterface;

/**
 * A router's blue-green switch, as activities. {@code router} and {@code pool} are configured
 * names. Every change is idempotent, takes effect in one atomic router command where it moves
 * traffic, and is written to disk (map and server-state files) so that a router reload keeps it.
 * Unknown names fail with the non-retryable {@code UnknownTarget}; an unreachable router fails
 * retryably.
 */
@ActivityInterface
public interface SwitchActivities {
  /** The pool as the router has it now. Read-only. */
  PoolState poolState(String router, String pool);

  /** Sends {@code percent} (0 to 100) of traffic to the candidate backend, in one command. */
  PoolState setCandidatePercent(String router, String pool, int percent);

  /**
   * Makes the candidate the live backend and the old live one the candidate, with 0% to it. Safe
   * only when the candidate already has 100%: every intermediate step keeps all traffic where it
   * is. Idempotent: a pool already swapped is left alone ({@code expectedLive} names the backend
   * that must be live afterwards).
   */
  PoolState promoteCandidate(String router, String pool, String expectedLive);

  /** Opens or closes the preview route to the candidate. */
  PoolState setPreview(String router, String pool, boolean on);

  /**
   * Replaces the pool's segment route: requests whose segment header, segment cookie or user-id
   * header (names from the pool's configuration) carry one of the listed values go to the
   * candidate, whatever the percentage. An empty route clears it. One runtime command per map
   * entry changed, written to disk; idempotent.
   */
  PoolState setSegments(String router, String pool, io.bellwether.contracts.canary.SegmentRoute route);

  /**
   * Points a server slot of {@code backend} at {@code address} (host:port; empty to clear it) and
   * sets its state: READY with an address, MAINT without.
   */
  ServerInfo assignSlot(String router, String backend, String server, String address);
}
