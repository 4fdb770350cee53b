package io.bellwether.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The app as other modules run it: its own JVM, stopped with SIGTERM. */
class DemoAppProcessTest {
  private static final Pattern READY =
      Pattern.compile("demo-app web-7 2\\.0\\.0 listening on 127\\.0\\.0\\.1:(\\d+)");

  private Process process;

  @AfterEach
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermFinishesInFlightRequestsAndExitsZero() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    DemoApp.class.getName(),
                    "--port",
                    "0",
                    "--version",
                    "2.0.0",
                    "--instance",
                    "web-7",
                    "--latency-ms",
                    "2000"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(20, TimeUnit.SECONDS);
    Matcher m = READY.matcher(line == null ? "" : line);
    assertTrue(m.matches(), "start line: " + line);
    int port = Integer.parseInt(m.group(1));

    HttpClient http = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("payload"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // Let the request reach the handler before the signal; it sleeps 2 s there.
    Thread.sleep(700);
    process.destroy(); // SIGTERM

    HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertEquals("demo-app web-7 2.0.0", r.body());
    assertTrue(process.waitFor(10, TimeUnit.SECONDS), "still running after SIGTERM");
    assertEquals(0, process.exitValue());
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
