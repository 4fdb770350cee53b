package io.bellwether.activities.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.config.MetricsConfig;
import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link MetricsProvider} over Prometheus' HTTP API ({@code /api/v1/query}, {@code
 * /api/v1/query_range}, {@code /-/ready}), with the JDK's HTTP client. Queries are sent as form
 * POSTs, so a long template (an alternation of many instance names) never meets a URL length
 * limit. Every request has the configured timeout, connect included.
 *
 * <p>How answers map to statuses: a connection failure, a timeout or a 5xx (Prometheus answers 503
 * when a query timed out or was cancelled) is {@link MetricStatus#UNAVAILABLE}; 400 (bad query)
 * and 422 (cannot be executed) are {@link MetricStatus#ERROR} with Prometheus' own error text. No
 * detail ever names the address.
 */
public final class PrometheusProvider implements MetricsProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Prometheus refuses range queries of more than 11,000 points per series.
  private static final int MAX_POINTS = 11_000;
  private static final int MAX_DETAIL = 300;

  private final URI base;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * Throws {@link IllegalArgumentException} when {@code url} is not an absolute http(s) URL with
   * a host, or {@code timeout} is not positive. The message never repeats the URL.
   */
  public PrometheusProvider(String url, Duration timeout) {
    String why = urlProblem(url);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    Duration t = timeout == null ? MetricsConfig.DEFAULT_TIMEOUT : timeout;
    if (t.isZero() || t.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    String trimmed = url.trim();
    this.base = URI.create(trimmed.endsWith("/") ? trimmed : trimmed + "/");
    this.timeout = t;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(t)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** From {@code bellwether.metrics.<name>}; as {@link #PrometheusProvider(String, Duration)}. */
  public PrometheusProvider(MetricsConfig config) {
    this(config.url(), config.effectiveTimeout());
  }

  /**
   * Why {@code url} cannot be a provider's base URL, or null when it can. Never echoes the URL,
   * which may hold a password.
   */
  public static String urlProblem(String url) {
    if (url == null || url.isBlank()) {
      return "required (such as http://127.0.0.1:9090)";
    }
    try {
      URI u = new URI(url.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return "must be an http or https URL";
      }
      if (u.getHost() == null) {
        return "must name a host";
      }
      if (u.getRawQuery() != null || u.getRawFragment() != null) {
        return "must not have a query or fragment";
      }
      return null;
    } catch (java.net.URISyntaxException e) {
      return "is not a valid URL";
    }
  }

  /** The request timeout in force. */
  public Duration timeout() {
    return timeout;
  }

  /** {@code /-/ready} answers 200 and the query {@code 1} answers the number 1. */
  @Override
  public boolean isOnline() {
    try {
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(base.resolve("-/ready")).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (ready.statusCode() != 200) {
        return false;
      }
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    MetricValue one = query("1");
    return one.ok() && one.value() == 1.0;
  }

  @Override
  public MetricValue query(String query) {
    if (query == null || query.isBlank()) {
      return MetricValue.of(MetricStatus.ERROR, "empty query");
    }
    Answer a = post("api/v1/query", "query=" + enc(query));
    if (a.status != MetricStatus.OK) {
      return MetricValue.of(a.status, a.detail);
    }
    JsonNode data = a.data;
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    switch (type) {
      case "scalar":
        return value(result.path(1));
      case "vector":
        if (result.size() == 0) {
          return MetricValue.of(MetricStatus.EMPTY, "no series matched");
        }
        if (result.size() > 1) {
          return MetricValue.of(MetricStatus.ERROR, tooMany(result.size(), result));
        }
        return value(result.get(0).path("value").path(1));
      case "matrix":
        return MetricValue.of(
            MetricStatus.ERROR,
            "the query returns a range vector; an instant query needs one number (wrap it in a"
                + " function such as rate())");
      default:
        return MetricValue.of(
            MetricStatus.ERROR, "the query returns a " + type + ", not a number");
    }
  }

  @Override
  public MetricSeries queryRange(String query, int windowSeconds, int stepSeconds) {
    if (query == null || query.isBlank()) {
      return MetricSeries.of(MetricStatus.ERROR, "empty query");
    }
    if (windowSeconds <= 0 || stepSeconds <= 0) {
      return MetricSeries.of(
          MetricStatus.ERROR,
          "window and step must be positive, got " + windowSeconds + "s and " + stepSeconds + "s");
    }
    if ((long) windowSeconds / stepSeconds + 1 > MAX_POINTS) {
      return MetricSeries.of(
          MetricStatus.ERROR,
          "window "
              + windowSeconds
              + "s at step "
              + stepSeconds
              + "s is more than "
              + MAX_POINTS
              + " points");
    }
    long end = System.currentTimeMillis() / 1000;
    long start = end - windowSeconds;
    Answer a =
        post(
            "api/v1/query_range",
            "query=" + enc(query) + "&start=" + start + "&end=" + end + "&step=" + stepSeconds);
    if (a.status != MetricStatus.OK) {
      return MetricSeries.of(a.status, a.detail);
    }
    JsonNode result = a.data.path("result");
    if (!a.data.path("resultType").asText().equals("matrix")) {
      return MetricSeries.of(MetricStatus.ERROR, "a range query did not return a matrix");
    }
    if (result.size() == 0) {
      return MetricSeries.of(MetricStatus.EMPTY, "no series matched");
    }
    if (result.size() > 1) {
      return MetricSeries.of(MetricStatus.ERROR, tooMany(result.size(), result));
    }
    List<Double> values = new ArrayList<>();
    int dropped = 0;
    for (JsonNode point : result.get(0).path("values")) {
      double v = number(point.path(1).asText());
      if (Double.isFinite(v)) {
        values.add(v);
      } else {
        dropped++;
      }
    }
    if (values.isEmpty()) {
      return dropped > 0
          ? new MetricSeries(MetricStatus.NAN, List.of(), dropped, "every point was NaN")
          : MetricSeries.of(MetricStatus.EMPTY, "the series has no points");
    }
    return new MetricSeries(MetricStatus.OK, values, dropped, null);
  }

  private record Answer(MetricStatus status, JsonNode data, String detail) {}

  private Answer post(String path, String form) {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> res;
    try {
      res = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      return new Answer(
          MetricStatus.UNAVAILABLE, null, "no answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      // The exception's message may name the address; its kind is enough to tell.
      return new Answer(
          MetricStatus.UNAVAILABLE, null, "not reachable (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(MetricStatus.UNAVAILABLE, null, "interrupted");
    }
    int code = res.statusCode();
    JsonNode body;
    try {
      body = JSON.readTree(res.body());
    } catch (IOException e) {
      body = null;
    }
    if (code == 200 && body != null && "success".equals(body.path("status").asText())) {
      return new Answer(MetricStatus.OK, body.path("data"), null);
    }
    String error =
        body != null && body.hasNonNull("error")
            ? body.path("errorType").asText("error") + ": " + body.path("error").asText()
            : "HTTP " + code;
    if (code >= 500) {
      return new Answer(MetricStatus.UNAVAILABLE, null, shorten("provider failed: " + error));
    }
    return new Answer(MetricStatus.ERROR, null, shorten(error));
  }

  private static MetricValue value(JsonNode sample) {
    if (!sample.isTextual()) {
      return MetricValue.of(MetricStatus.ERROR, "the answer holds no sample value");
    }
    double v = number(sample.asText());
    if (Double.isNaN(v)) {
      return MetricValue.of(MetricStatus.NAN, "the value is NaN (no traffic for a ratio?)");
    }
    if (Double.isInfinite(v)) {
      return MetricValue.of(MetricStatus.NAN, "the value is infinite (division by zero?)");
    }
    return MetricValue.ok(v);
  }

  /** Prometheus' sample strings: decimal, {@code NaN}, {@code +Inf}, {@code -Inf}. */
  static double number(String s) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
    }
  }

  private static String tooMany(int n, JsonNode result) {
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < Math.min(3, n); i++) {
      shown.add(result.get(i).path("metric").toString());
    }
    return shorten(
        n
            + " series matched, one is needed (aggregate with sum(...) or sum by (...)): "
            + String.join(", ", shown)
            + (n > 3 ? ", ..." : ""));
  }

  private static String shorten(String s) {
    return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL - 3) + "...";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
