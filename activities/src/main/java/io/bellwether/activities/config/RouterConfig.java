package io.bellwether.activities.config;

import java.time.Duration;

/**
 * A named traffic router.
 *
 * @param type adapter: {@code haproxy}
 * @param runtimeApi HAProxy runtime API: {@code unix:/path/to/admin.sock} or {@code
 *     tcp:127.0.0.1:9999}
 * @param commandTimeout longest wait for one runtime API answer; default 5s
 */
public record RouterConfig(String type, String runtimeApi, Duration commandTimeout) {}
