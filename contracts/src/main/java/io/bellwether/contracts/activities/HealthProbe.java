package io.bellwether.contracts.activities;

/**
 * A health or smoke probe of one instance.
 *
 * @param check configured health checker name
 * @param address host:port from the router
 * @param path HTTP path
 * @param successThreshold consecutive passes required
 * @param periodMillis time between probes
 * @param timeoutMillis time allowed to reach the threshold
 * @param expectStatus status that counts as a pass
 * @param expectBodyContains text the body must contain, or null
 */
public record HealthProbe(
    String check,
    String address,
    String path,
    int successThreshold,
    long periodMillis,
    long timeoutMillis,
    int expectStatus,
    String expectBodyContains) {}
