package io.bellwether.contracts.chaos;

import java.util.List;

/**
 * What one fault step would impair, for the plan and the lease.
 *
 * @param faultId the step's fault id
 * @param targets the server names it acts on (empty for host resources)
 * @param serviceServers servers the service has now
 * @param share targets over service servers, 0 to 1
 * @param zones the zones the targets are in
 */
public record BlastRadius(
    String faultId, List<String> targets, int serviceServers, double share, List<String> zones) {
  public BlastRadius {
    targets = targets == null ? List.of() : List.copyOf(targets);
    zones = zones == null ? List.of() : List.copyOf(zones);
  }
}
