package io.bellwether.activities.config;

import java.time.Duration;

/**
 * A service's availability objective, from {@code bellwether.services.<service>.slo}: what the
 * error budget of chaos experiments is measured against. Both selectors are Prometheus counter
 * selectors on the service's metrics provider.
 *
 * @param objective the share of requests that must succeed over {@code window}, above 0 and below
 *     1, such as {@code 0.99}
 * @param window the SLO window, such as {@code 1h}; positive
 * @param total selector of the counter of every request, such as {@code
 *     haproxy_backend_http_responses_total{proxy="web"}}
 * @param errors selector of the counter of failed requests, such as {@code
 *     haproxy_backend_http_responses_total{proxy="web",code="5xx"}}; no series at all counts as no
 *     failures
 */
public record SloConfig(Double objective, Duration window, String total, String errors) {}
