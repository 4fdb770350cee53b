package io.bellwether.activities.haproxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the tests against a real HAProxy share: an HTTP client, requests, and map files on disk. */
final class HaproxyTesting {
  /** HTTP/1.1, as HAProxy's frontends speak it here; connecting gives up after two seconds. */
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private HaproxyTesting() {}

  /**
   * A request for {@code /} on 127.0.0.1:{@code port} with {@code headers}, timing out after five
   * seconds; the caller picks the method.
   */
  static HttpRequest.Builder request(int port, Map<String, String> headers) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(5));
    headers.forEach(req::header);
    return req;
  }

  /** Key to value as a map file on disk holds them, comments and blank lines left out. */
  static Map<String, String> readMapFile(Path file) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] kv = line.split("\\s+", 2);
        out.put(kv[0], kv[1]);
      }
    }
    return out;
  }
}
