package io.bellwether.activities.config;

import java.time.Duration;

/**
 * A named metrics provider, from {@code bellwether.metrics.<name>}. Canary analyses name it; only
 * the worker knows where it is.
 *
 * @param type adapter: {@code prometheus}
 * @param url base URL of the provider's HTTP API, such as {@code http://127.0.0.1:9090} (no path
 *     after the host, or the path Prometheus is served under with {@code --web.route-prefix})
 * @param timeout longest wait for one request, connect included; default 5s
 */
public record MetricsConfig(String type, String url, Duration timeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The timeout to use: the configured one, or 5s when unset. */
  public Duration effectiveTimeout() {
    return timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  // A URL may carry a user and password; printed configuration shows scheme, host and port only.
  @Override
  public String toString() {
    return "MetricsConfig[type="
        + type
        + ", url="
        + NotifierConfig.redact(url)
        + ", timeout="
        + timeout
        + "]";
  }
}
