package io.bellwether.activities.router;

import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.canary.SegmentRoute;
import java.util.List;
import java.util.Set;

/**
 * Port to a router's blue-green switch: per pool, which of two backends is live, what share of
 * traffic the other one (the candidate) gets, whether a preview route reaches it, and which
 * segments (header, cookie or user values) reach it whatever the share. A canary route is such a
 * pool whose live backend has fixed servers; it is never promoted. One instance per configured
 * router.
 *
 * <p>Every method throws {@link UnknownBackendException} for an unknown pool, backend or server,
 * {@link RouterUnavailableException} (retryable) when the router cannot be reached, and {@link
 * RouterRejectedException} when it refuses or the pool is not in a state the change is safe from.
 * Every change is idempotent and is written to disk (map file and server-state file) before the
 * method returns, so a reload of the router keeps it.
 */
public interface PoolSwitch {
  /** Names of the configured pools; empty when there are none. */
  Set<String> pools();

  /** The two backends of {@code pool}, in configuration order. */
  List<String> backends(String pool);

  /**
   * The pool as the router has it now. Read-only. A key missing from the map reads as the
   * frontend's default: empty backend names, 0%, preview off.
   */
  PoolState state(String pool);

  /** Sends {@code percent} (0 to 100) of the traffic to the candidate in one atomic change. */
  PoolState setCandidatePercent(String pool, int percent);

  /**
   * Swaps the roles so that {@code expectedLive} is live with 0% to the candidate, every step
   * keeping all traffic on {@code expectedLive}. Safe only from 100% to the candidate; resumes a
   * swap interrupted half-way; does nothing when the pool is already so.
   */
  PoolState promoteCandidate(String pool, String expectedLive);

  /** Opens or closes the preview route to the candidate. */
  PoolState setPreview(String pool, boolean on);

  /**
   * Replaces the pool's segment route: requests whose segment header, segment cookie or user-id
   * header value is listed go to the candidate whatever the percentage. An empty route clears it.
   * Idempotent; values kept from the previous route keep routing while the route changes. Refuses
   * ({@link RouterRejectedException}) a value the router cannot hold as a key, or a pool whose
   * frontend has no segment maps.
   */
  PoolState setSegments(String pool, SegmentRoute route);

  /** The pool's segment route as the router has it now; empty lists when there is none. */
  SegmentRoute segments(String pool);

  /**
   * Points slot {@code server} of {@code backend} at {@code address} (host:port) and makes it
   * READY; an empty address puts it in MAINT (a free slot), keeping its last address.
   */
  ServerInfo assignSlot(String backend, String server, String address);
}
