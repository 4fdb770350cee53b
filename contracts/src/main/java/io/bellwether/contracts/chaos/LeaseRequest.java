package io.bellwether.contracts.chaos;

import java.util.List;
import java.util.Map;

/**
 * A request for a blast-radius lease: one fault step's servers, held until released or expired.
 *
 * @param leaseId unique: the step's fault id
 * @param holder the experiment's workflow id
 * @param service the service
 * @param servers the server names the step impairs (empty for host resources: granted at once)
 * @param zones each server's zone (absent when it has none)
 * @param serviceServers how many servers the service has now
 * @param zoneServers how many servers of the service each zone has now
 * @param maxShare the most of the service, and of each zone, that may be impaired together
 * @param expiresAtMillis epoch millis after which the lease is returned whatever the holder does
 *     (the step's dead-man deadline plus the recovery timeout)
 */
public record LeaseRequest(
    String leaseId,
    String holder,
    String service,
    List<String> servers,
    Map<String, String> zones,
    int serviceServers,
    Map<String, Integer> zoneServers,
    double maxShare,
    long expiresAtMillis) {
  public LeaseRequest {
    servers = servers == null ? List.of() : List.copyOf(servers);
    zones = zones == null ? Map.of() : Map.copyOf(zones);
    zoneServers = zoneServers == null ? Map.of() : Map.copyOf(zoneServers);
  }
}
