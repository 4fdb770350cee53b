package io.bellwether.contracts.rolling;

/**
 * One instance as the run sees it.
 *
 * @param name server name in the backend
 * @param address host:port as the router has it
 * @param batch 1-based batch the instance belongs to
 * @param recordedVersion version before the run touched it (empty when never touched)
 * @param version version it runs now, as far as the run knows
 * @param state router state: READY, DRAIN or MAINT
 * @param weight router weight
 * @param progress PENDING, DRAINING, UPGRADING, VERIFYING, UPGRADED, FAILED, RESTORED
 * @param message last error or note, empty when none
 */
public record InstanceStatus(
    String name,
    String address,
    int batch,
    String recordedVersion,
    String version,
    String state,
    int weight,
    String progress,
    String message) {}
