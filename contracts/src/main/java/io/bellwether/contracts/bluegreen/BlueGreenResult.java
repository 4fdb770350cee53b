package io.bellwether.contracts.bluegreen;

import io.bellwether.contracts.rolling.Phase;

/**
 * What a finished {@code BlueGreenDeployment} returns.
 *
 * @param phase SUCCEEDED (green serves everything), ROLLED_BACK (traffic went back to blue after
 *     the switch), or ABORTED (green never took traffic and was torn down)
 * @param message why it ended so
 * @param liveBackend the backend serving all traffic at the end
 * @param greenTrafficPercent share of traffic on green at the end: 0 or 100
 * @param blueDecommissioned whether blue's instances were decommissioned
 */
public record BlueGreenResult(
    Phase phase,
    String message,
    String liveBackend,
    int greenTrafficPercent,
    boolean blueDecommissioned) {}
