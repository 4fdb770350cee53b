package io.bellwether.contracts.activities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * The traffic router port, as activities. {@code router} is a configured name; {@code backend} and
 * {@code server} are names inside it. Unknown names fail with the non-retryable {@code
 * UnknownTarget}; an unreachable router fails retryably.
 */
@ActivityInterface
public interface TrafficActivities {
  /** The servers of a backend, in the router's order. Read-only. */
  List<ServerInfo> listServers(String router, String backend);

  /** Sets the administrative state. Idempotent: setting the current state again changes nothing. */
  ServerInfo setServerState(String router, String backend, String server, ServerState state);

  /** Sets the weight. Idempotent. */
  ServerInfo setServerWeight(String router, String backend, String server, int weight);

  /**
   * Waits, heartbeating, until the server has no current sessions or {@code timeoutMillis} passes.
   * Returns the sessions still open (0 when drained). Read-only, so safe to repeat.
   */
  int awaitDrained(String router, String backend, String server, long timeoutMillis);
}
