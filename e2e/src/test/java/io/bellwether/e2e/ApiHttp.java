package io.bellwether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.chat.SlackRequestVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The operator API over real HTTP, as any client would call it. Every answer's body is kept, so
 * that the secret scan can look through everything a caller was ever shown, and every call is
 * timed.
 */
final class ApiHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One answer. */
  record Answer(int status, Map<String, List<String>> headers, String body) {
    Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
          .map(e -> e.getValue().get(0))
          .findFirst();
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NORMAL).build();
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());

  ApiHttp(URI base) {
    this.base = base;
  }

  URI uri(String path) {
    return URI.create(base + path);
  }

  Answer get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  Answer post(String path, String token, String contentType, String body, String... headers) {
    HttpRequest.Builder b = request(path, token).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  /** An operator action; {@code reason} null sends no body. */
  Answer act(String workflowId, String action, String token, String reason) {
    if (reason == null) {
      return send(request("/api/v1/runs/" + workflowId + "/" + action, token)
          .POST(HttpRequest.BodyPublishers.noBody()).build());
    }
    return post("/api/v1/runs/" + workflowId + "/" + action, token, "application/json",
        JSON.createObjectNode().put("reason", reason).toString());
  }

  /**
   * A chat request signed as the chat service signs it, with {@code secret} and {@code timestamp}
   * (epoch seconds); {@code secret} null sends no signature headers at all.
   */
  Answer chat(String path, String formBody, String secret, long timestamp) {
    HttpRequest.Builder b =
        request(path, null)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(formBody));
    if (secret != null) {
      b.header(SlackRequestVerifier.TIMESTAMP_HEADER, Long.toString(timestamp));
      b.header(SlackRequestVerifier.SIGNATURE_HEADER, SlackRequestVerifier.sign(secret, timestamp, formBody));
    }
    return send(b.build());
  }

  /** The same request many times at once; the answers in sending order. */
  List<Answer> burst(String path, String token, int n) {
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(http.sendAsync(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    List<Answer> out = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : futures) {
      HttpResponse<String> r = f.join();
      bodies.add(r.body());
      out.add(new Answer(r.statusCode(), r.headers().map(), r.body()));
    }
    return out;
  }

  /** Form encoding of alternating names and values. */
  static String form(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    });
    return sb.toString();
  }

  /** Every response body seen so far, including the event stream's. */
  List<String> bodies() {
    synchronized (bodies) {
      return List.copyOf(bodies);
    }
  }

  void record(String body) {
    bodies.add(body);
  }

  /** How many calls were timed, and their median and largest latency in ms. */
  String timings() {
    List<Long> l;
    synchronized (latenciesMicros) {
      l = new ArrayList<>(latenciesMicros);
    }
    if (l.isEmpty()) {
      return "no calls";
    }
    Collections.sort(l);
    return String.format(java.util.Locale.ROOT, "%d calls, median %.1f ms, max %.1f ms",
        l.size(), l.get(l.size() / 2) / 1000.0, l.get(l.size() - 1) / 1000.0);
  }

  HttpClient client() {
    return http;
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Answer send(HttpRequest r) {
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
      latenciesMicros.add((System.nanoTime() - t0) / 1000);
      bodies.add(resp.body());
      return new Answer(resp.statusCode(), resp.headers().map(), resp.body());
    } catch (IOException e) {
      throw new UncheckedIOException(r.method() + " " + r.uri().getPath() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
