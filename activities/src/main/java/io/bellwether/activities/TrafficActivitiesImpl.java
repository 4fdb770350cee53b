package io.bellwether.activities;

import io.bellwether.activities.router.TrafficRouter;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.activities.TrafficActivities;
import java.time.Duration;
import java.util.List;

/** {@link TrafficActivities} over the configured {@link TrafficRouter}s. */
public class TrafficActivitiesImpl implements TrafficActivities {
  static final Duration DRAIN_POLL = Duration.ofMillis(100);

  private final AdapterRegistry registry;
  private final Heartbeat heartbeat;

  /** Heartbeats through Temporal when running as an activity. */
  public TrafficActivitiesImpl(AdapterRegistry registry) {
    this(registry, Heartbeat.temporal());
  }

  /** With an explicit heartbeat, for tests and for running outside a Temporal worker. */
  public TrafficActivitiesImpl(AdapterRegistry registry, Heartbeat heartbeat) {
    this.registry = registry;
    this.heartbeat = heartbeat;
  }

  @Override
  public List<ServerInfo> listServers(String router, String backend) {
    TrafficRouter r = router(router);
    return Failures.router(router, () -> r.servers(backend));
  }

  @Override
  public ServerInfo setServerState(
      String router, String backend, String server, ServerState state) {
    TrafficRouter r = router(router);
    return Failures.router(router, () -> r.setState(backend, server, state));
  }

  @Override
  public ServerInfo setServerWeight(String router, String backend, String server, int weight) {
    TrafficRouter r = router(router);
    return Failures.router(router, () -> r.setWeight(backend, server, weight));
  }

  /**
   * Polls the server's sessions every 100 ms, heartbeating the count, until they reach 0 or the
   * timeout passes; returns what is left. A router that stops answering mid-way fails retryably;
   * the retry simply polls again.
   */
  @Override
  public int awaitDrained(String router, String backend, String server, long timeoutMillis) {
    TrafficRouter r = router(router);
    long deadline = System.nanoTime() + Duration.ofMillis(Math.max(0, timeoutMillis)).toNanos();
    while (true) {
      int sessions = Failures.router(router, () -> sessionsOf(r, backend, server));
      if (sessions == 0 || System.nanoTime() >= deadline) {
        return sessions;
      }
      heartbeat.beat(sessions);
      try {
        Thread.sleep(
            Math.min(
                DRAIN_POLL.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return sessions;
      }
    }
  }

  private static int sessionsOf(TrafficRouter r, String backend, String server) {
    for (ServerInfo s : r.servers(backend)) {
      if (s.name().equals(server)) {
        return s.sessions();
      }
    }
    throw new UnknownBackendException("backend '" + backend + "' has no server '" + server + "'");
  }

  private TrafficRouter router(String name) {
    return Failures.configuredRouter(registry.router(name), name);
  }
}
