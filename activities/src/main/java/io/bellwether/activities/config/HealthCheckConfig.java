package io.bellwether.activities.config;

import java.time.Duration;

/**
 * A named health checker.
 *
 * @param type adapter: {@code http}
 * @param scheme {@code http} (default) or {@code https}
 * @param requestTimeout longest wait for one probe's answer; default 2s
 */
public record HealthCheckConfig(String type, String scheme, Duration requestTimeout) {}
