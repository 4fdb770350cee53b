package io.bellwether.activities.notify;

import io.bellwether.activities.config.NotifierConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** The one HTTP POST both webhook adapters make, with the URL kept out of every message. */
final class WebhookPost {
  private final String name;
  private final URI uri;
  private final String redacted;
  private final Duration timeout;
  private final HttpClient client;

  /** Throws {@link IllegalArgumentException} (without the URL) when the URL is not http(s). */
  WebhookPost(String name, NotifierConfig config) {
    this.name = name;
    this.redacted = NotifierConfig.redact(config.url());
    this.uri = parse(config.url());
    this.timeout = config.effectiveTimeout();
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            // A redirect could send the body (and a retry storm) somewhere nobody configured.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The URL as a URI, or {@link IllegalArgumentException} naming what is wrong, never the URL. */
  static URI parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("is missing");
    }
    URI u;
    try {
      u = new URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URL");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("must be an http or https URL");
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException("has no host");
    }
    return u;
  }

  /** POSTs {@code json}; returns on 2xx, else {@link NotifierUnavailableException}. */
  void post(String json) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Idempotency-Key", idempotencyKey(json))
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build();
    HttpResponse<Void> res;
    try {
      res = client.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (HttpTimeoutException e) {
      throw unavailable("no answer within " + timeout.toMillis() + " ms", 0);
    } catch (IOException e) {
      // Only the exception type: its message may quote the URL.
      throw unavailable("not reachable (" + e.getClass().getSimpleName() + ")", 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted", 0);
    }
    int status = res.statusCode();
    if (status < 200 || status > 299) {
      throw unavailable("answered HTTP " + status, status);
    }
  }

  private NotifierUnavailableException unavailable(String what, int status) {
    return new NotifierUnavailableException(
        "notifier '" + name + "' at " + redacted + " " + what, status);
  }

  /** Same notification, same key: lets a receiver drop the duplicate a retry may cause. */
  static String idempotencyKey(String body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "webhook '" + name + "' at " + redacted;
  }
}
