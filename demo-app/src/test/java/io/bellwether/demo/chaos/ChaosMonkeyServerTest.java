package io.bellwether.demo.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.demo.DemoOptions;
import io.bellwether.demo.DemoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Chaos Monkey mode in-process: the same answers as the plain server on the same paths, and
 * assaults switched through the actuator acting on traffic only. One Spring context for the class
 * (it takes seconds to start); each test leaves Chaos Monkey disabled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosMonkeyServerTest {
  // A delayed answer takes at least DELAY (the assault sleeps it), so "< DELAY" tells an undelayed
  // one exactly; the margin absorbs a busy machine.
  private static final int DELAY = 600;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private ChaosMonkeyServer server;
  private DemoServer plain;

  @BeforeAll
  void start() throws IOException {
    server =
        ChaosMonkeyServer.start(
            DemoOptions.parse(
                "--port", "0", "--version", "4.0.0", "--instance", "web-5", "--chaos-monkey"));
    plain =
        DemoServer.start(
            DemoOptions.parse("--port", "0", "--version", "4.0.0", "--instance", "web-5"));
  }

  @AfterAll
  void stop() {
    if (plain != null) {
      plain.stop();
    }
    if (server != null) {
      server.stop();
    }
  }

  private HttpResponse<String> call(
      int port, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      req.headers(headers);
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return call(server.port(), "GET", path, null);
  }

  private HttpResponse<String> actuator(String path, String json) throws Exception {
    return json == null
        ? call(server.port(), "GET", ChaosMonkeyServer.ENDPOINT + path, null)
        : call(
            server.port(),
            "POST",
            ChaosMonkeyServer.ENDPOINT + path,
            json,
            "Content-Type",
            "application/json");
  }

  private long millis(String path) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = get(path);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static String contentType(HttpResponse<String> r) {
    return r.headers().firstValue("Content-Type").orElse("").toLowerCase().replace(" ", "");
  }

  @Test
  void answersLikeThePlainServer() throws Exception {
    assertEquals("127.0.0.1", server.host());
    assertEquals("4.0.0", server.release().version());
    String[][] requests = {
      {"GET", "/", null},
      {"POST", "/", "payload"},
      {"GET", "/version", null},
      {"GET", "/health", null},
      {"PUT", "/version", null},
    };
    for (String[] r : requests) {
      HttpResponse<String> ours = call(server.port(), r[0], r[1], r[2]);
      HttpResponse<String> theirs = call(plain.port(), r[0], r[1], r[2]);
      assertEquals(theirs.statusCode(), ours.statusCode(), r[0] + " " + r[1]);
      if (theirs.statusCode() == 200) {
        assertEquals(theirs.body(), ours.body(), r[0] + " " + r[1]);
        assertEquals(contentType(theirs), contentType(ours), r[0] + " " + r[1]);
      }
    }
    String[] headers = {"x-bellwether-variant", "v2", "x-bellwether-assignment", "hash"};
    HttpResponse<String> page = call(server.port(), "GET", "/shop", null, headers);
    assertEquals(
        call(plain.port(), "GET", "/shop", null, headers).body(), page.body(), "shop page");
    assertEquals(
        "bw_exposed=v2; Path=/shop; HttpOnly", page.headers().firstValue("Set-Cookie").orElse(""));
    HttpResponse<String> order = call(server.port(), "POST", "/shop/checkout", "", headers);
    assertEquals(200, order.statusCode());
    assertTrue(order.body().contains("\"order\":\"web-5-"), order.body());
    String metrics = get("/metrics").body();
    assertTrue(
        metrics.contains(
            "ab_exposures_total{version=\"4.0.0\",variant=\"v2\",randomized=\"true\"} 1"),
        metrics);
    assertTrue(
        metrics.contains(
            "ab_conversions_total{version=\"4.0.0\",variant=\"v2\",randomized=\"true\"} 1"),
        metrics);
  }

  @Test
  void aLatencyAssaultSlowsTrafficButNotHealthOrVersion() throws Exception {
    millis("/");
    assertEquals(
        200,
        actuator(
                "/assaults",
                "{\"level\":1,\"latencyActive\":true,\"latencyRangeStart\":"
                    + DELAY
                    + ",\"latencyRangeEnd\":"
                    + DELAY
                    + ",\"exceptionsActive\":false}")
            .statusCode());
    assertTrue(millis("/") < DELAY, "assaults wait until Chaos Monkey is enabled");
    assertEquals(200, actuator("/enable", "").statusCode());
    try {
      assertTrue(actuator("/status", null).body().contains("\"enabled\":true"));
      long slow = millis("/");
      assertTrue(slow >= DELAY && slow < 2 * DELAY, "/ took " + slow + " ms");
      long shop = millis("/shop");
      assertTrue(shop >= DELAY, "/shop took " + shop + " ms");
      assertTrue(millis("/health") < DELAY, "health is not watched");
      assertTrue(millis("/version") < DELAY, "version is not watched");
    } finally {
      actuator("/disable", "");
      actuator("/assaults", "{\"latencyActive\":false}");
    }
    assertTrue(millis("/") < DELAY, "fast again once disabled");
  }

  @Test
  void anExceptionAssaultAnswers500AndIsCounted() throws Exception {
    actuator(
        "/assaults",
        "{\"level\":1,\"latencyActive\":false,\"exceptionsActive\":true,\"exception\":"
            + "{\"type\":\"java.lang.IllegalStateException\",\"arguments\":"
            + "[{\"type\":\"java.lang.String\",\"value\":\"assault 7\"}]}}");
    actuator("/enable", "");
    List<Integer> statuses = new ArrayList<>();
    try {
      HttpResponse<String> failed = get("/");
      assertEquals(500, failed.statusCode());
      assertEquals("demo-app web-5 4.0.0 failed: assault 7", failed.body());
      for (int i = 0; i < 4; i++) {
        statuses.add(get("/").statusCode());
      }
      assertEquals(200, get("/health").statusCode());
      assertEquals("4.0.0", get("/version").body());
    } finally {
      actuator("/disable", "");
      actuator("/assaults", "{\"exceptionsActive\":false}");
    }
    assertEquals(List.of(500, 500, 500, 500), statuses);
    assertEquals(200, get("/").statusCode());
    String metrics = get("/metrics").body();
    assertTrue(
        metrics.contains("http_server_requests_total{version=\"4.0.0\",status=\"500\"} 5"),
        metrics);
  }

  @Test
  void onlyTheTrafficControllerIsWatched() throws Exception {
    String watchers = actuator("/watchers", null).body();
    assertTrue(watchers.contains("\"restController\":true"), watchers);
    assertTrue(watchers.contains("\"controller\":false"), watchers);
    assertTrue(watchers.contains(OpsController.class.getName()), watchers);
    assertTrue(actuator("/status", null).body().contains("\"enabled\":false"), "starts disabled");
  }

  @Test
  void stopClosesTheListener() throws Exception {
    ChaosMonkeyServer other =
        ChaosMonkeyServer.start(
            DemoOptions.parse("--port", "0", "--instance", "web-6", "--chaos-monkey"));
    int port = other.port();
    assertEquals(200, call(port, "GET", "/health", null).statusCode());
    other.stop();
    other.stop();
    assertThrows(
        IOException.class,
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
          }
        });
  }
}
