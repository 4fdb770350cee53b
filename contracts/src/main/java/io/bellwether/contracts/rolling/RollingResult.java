package io.bellwether.contracts.rolling;

import java.util.List;

/**
 * What a finished {@code RollingDeployment} returns.
 *
 * @param phase SUCCEEDED or ROLLED_BACK (a run that could not restore fails instead)
 * @param message why it ended so
 * @param upgraded instances now at the new version
 * @param failed instances whose upgrade failed (restored to their recorded state)
 * @param instances final state of every instance
 */
public record RollingResult(
    Phase phase,
    String message,
    List<String> upgraded,
    List<String> failed,
    List<InstanceStatus> instances) {}
