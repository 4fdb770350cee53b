package io.bellwether.activities.config;

import java.net.URI;
import java.time.Duration;

/**
 * A named notification destination, from {@code bellwether.notifiers.<name>}.
 *
 * @param type adapter: {@code slack} (incoming webhook, Block Kit) or {@code webhook} (plain JSON)
 * @param url where to POST; a secret (a Slack webhook URL is its own credential), so {@link
 *     #toString()} and every message show only {@link #redact(String)} of it
 * @param timeout longest wait for one POST, connect included; default 5s
 */
public record NotifierConfig(String type, String url, Duration timeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The timeout to use: the configured one, or 5s when unset, zero or negative. */
  public Duration effectiveTimeout() {
    return timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
  }

  @Override
  public String toString() {
    // A URL pasted into the type setting is as secret as one in the url setting.
    String shownType = type != null && type.contains("://") ? "<a URL>" : type;
    return "NotifierConfig[type=" + shownType + ", url=" + redact(url) + ", timeout=" + timeout + "]";
  }

  /**
   * Scheme, host and port of {@code url}, without user info, path or query, where the secret part
   * of a webhook URL lives. Returns {@code <none>} for null or blank and {@code <unparseable>} when
   * it is not a URL; never echoes the input.
   */
  public static String redact(String url) {
    if (url == null || url.isBlank()) {
      return "<none>";
    }
    try {
      URI u = new URI(url.trim());
      if (u.getScheme() == null || u.getHost() == null) {
        return "<unparseable>";
      }
      return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
    } catch (java.net.URISyntaxException e) {
      return "<unparseable>";
    }
  }
}
