package io.bellwether.activities.router;

import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import java.util.List;

/** Port to a traffic router (a load balancer's runtime control). One instance per configured name. */
public interface TrafficRouter {
  /**
   * Servers of {@code backend}, in the router's order. Throws {@link UnknownBackendException} when
   * the backend does not exist; {@link RouterUnavailableException} (retryable) when unreachable.
   */
  List<ServerInfo> servers(String backend);

  /** Sets a server's administrative state. Idempotent. Returns the server after the change. */
  ServerInfo setState(String backend, String server, ServerState state);

  /** Sets a server's weight. Idempotent. Returns the server after the change. */
  ServerInfo setWeight(String backend, String server, int weight);
}
