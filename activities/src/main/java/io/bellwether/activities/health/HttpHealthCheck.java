package io.bellwether.activities.health;

import io.bellwether.activities.config.HealthCheckConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** {@link HealthCheck} over HTTP(S) GET ({@code type: http}). */
public final class HttpHealthCheck implements HealthCheck {
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** How much of a body is kept: enough for a version string or a health document. */
  public static final int BODY_LIMIT = 8192;

  private final String scheme;
  private final Duration requestTimeout;
  private final HttpClient client;

  /** Throws {@link IllegalArgumentException} for a scheme other than http or https. */
  public HttpHealthCheck(HealthCheckConfig config) {
    String s = config.scheme() == null || config.scheme().isBlank() ? "http" : config.scheme();
    if (!s.equals("http") && !s.equals("https")) {
      throw new IllegalArgumentException("scheme must be http or https, not '" + s + "'");
    }
    this.scheme = s;
    Duration t = config.requestTimeout();
    this.requestTimeout = t == null || t.isZero() || t.isNegative() ? DEFAULT_REQUEST_TIMEOUT : t;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * One {@code GET scheme://address/path} with the configured timeout (default 2 s). Returns the
   * status and up to the first 8 KB of the body; status 0 with the reason when there was no answer.
   * Never throws for an unhealthy or unreachable instance. Read-only.
   */
  @Override
  public Probe probe(String address, String path) {
    String p = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
    URI uri;
    try {
      uri = URI.create(scheme + "://" + address + p);
    } catch (IllegalArgumentException e) {
      return new Probe(0, "", "bad URL: " + e.getMessage());
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
    try {
      HttpResponse<InputStream> res =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = res.body()) {
        byte[] body = in.readNBytes(BODY_LIMIT);
        return new Probe(res.statusCode(), new String(body, StandardCharsets.UTF_8), "");
      }
    } catch (HttpTimeoutException e) {
      return new Probe(0, "", "no answer within " + requestTimeout.toMillis() + " ms");
    } catch (IOException e) {
      return new Probe(0, "", e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe(0, "", "interrupted");
    }
  }
}
