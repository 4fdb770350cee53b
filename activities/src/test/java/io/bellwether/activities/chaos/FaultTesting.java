package io.bellwether.activities.chaos;

import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.testing.EchoBackend;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the fault injector tests share: echo servers behind a real HAProxy, requests, files. */
final class FaultTesting {
  static final String ROUTER = "edge";
  static final String BACKEND = "web";

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private FaultTesting() {}

  /** {@code count} echo servers {@code web-1..web-<count>}, answering their own name. */
  static List<EchoBackend> echoServers(int count) throws IOException {
    List<EchoBackend> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(EchoBackend.start("web-" + i));
    }
    return out;
  }

  /** Server name to address, in order: the {@code servers} argument of the launcher. */
  static Map<String, String> servers(List<EchoBackend> echo) {
    Map<String, String> out = new LinkedHashMap<>();
    echo.forEach(e -> out.put(e.name(), e.address()));
    return out;
  }

  static FaultTarget target(String server, String zone) {
    return new FaultTarget(server, ROUTER, BACKEND, server, zone);
  }

  static FaultRequest request(
      String faultId, String injector, List<FaultTarget> targets, Map<String, String> magnitude) {
    return new FaultRequest(faultId, injector, targets, magnitude, 60_000);
  }

  /** One answer: which server and how long it took. */
  record Answer(String server, long millis, int status) {}

  /** A GET (or POST) for {@code /} through the frontend; the first word of the body is the server. */
  static Answer call(HaproxyLauncher haproxy, boolean post) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"))
            .timeout(Duration.ofSeconds(10));
    req = post ? req.POST(HttpRequest.BodyPublishers.ofString("x")) : req.GET();
    long start = System.nanoTime();
    HttpResponse<String> res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    String body = res.body().strip();
    String server = body.isEmpty() ? "" : body.split(" ", 2)[0];
    return new Answer(server, millis, res.statusCode());
  }

  /** Key to value as a map or record file on disk holds them, comments and blank lines left out. */
  static Map<String, String> readMapFile(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] kv = line.strip().split("\\s+", 2);
        out.put(kv[0], kv.length == 2 ? kv[1] : "");
      }
    }
    return out;
  }
}
