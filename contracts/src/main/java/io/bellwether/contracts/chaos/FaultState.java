package io.bellwether.contracts.chaos;

import java.util.List;

/**
 * What an injector found or left.
 *
 * @param faultId the fault
 * @param active whether any part of the fault is in force now
 * @param affected the targets the fault is in force on now (empty once restored)
 * @param detail what was done or seen, in words (recorded in the journal)
 */
public record FaultState(String faultId, boolean active, List<String> affected, String detail) {
  public FaultState {
    affected = affected == null ? List.of() : List.copyOf(affected);
  }
}
