package io.bellwether.starter.api;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Real HTTP calls to the API under test, every answer kept so that it can be searched for secrets. */
final class ApiTestSupport {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private int port;

  void port(int port) {
    this.port = port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    seen.add(r.headers().map() + "\n" + r.body());
    return r;
  }

  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    return send(request(path, token).GET().build());
  }

  HttpResponse<String> post(String path, String token, String contentType, String body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path, token);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    b.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return send(b.build());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  /** Every answer so far, headers and bodies. */
  List<String> seen() {
    return seen;
  }

  /** Fails when any answer so far contains one of {@code secrets}. */
  void assertNoneContains(List<String> secrets) {
    for (String answer : seen) {
      for (String s : secrets) {
        assertFalse(answer.contains(s), "an answer contains a secret: " + answer);
      }
    }
  }

  /** Fails when the answer looks like it carries a stack trace or an exception's class name. */
  static void assertNoTrace(HttpResponse<String> r) {
    String b = r.body();
    assertFalse(b.contains("\tat ") || b.contains("at io.") || b.contains("at org.") || b.contains("at java."),
        "stack trace in " + b);
    assertFalse(b.contains("Exception") || b.contains("jackson") || b.contains("snakeyaml"),
        "exception text in " + b);
  }
}
