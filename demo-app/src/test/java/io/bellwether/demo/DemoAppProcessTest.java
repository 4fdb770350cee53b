package io.bellwether.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app as other modules run it: its own JVM, stopped with SIGTERM; in both modes. */
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
    sigtermFinishesInFlightRequests(List.of());
  }

  @Test
  void theChaosMonkeyModeStartsAndStopsTheSameWay() throws Exception {
    sigtermFinishesInFlightRequests(List.of("--chaos-monkey"));
  }

  /**
   * Nothing of Spring is loaded without {@code --chaos-monkey}, although the jar carries it: the
   * plain mode starts as fast as before.
   */
  @Test
  void thePlainModeLoadsNoSpringClass(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes.log");
    process = start(List.of("-Xlog:class+load=info:file=" + classes), List.of());
    int port = awaitStartLine(process);
    assertEquals(200, get(port, "/health").statusCode());
    process.destroy();
    assertTrue(process.waitFor(10, TimeUnit.SECONDS));
    String loaded = Files.readString(classes);
    assertTrue(loaded.contains(DemoServer.class.getName()), "the log lists loaded classes");
    for (String prefix : List.of("org.springframework.", "de.codecentric.", "org.apache.catalina.")) {
      assertFalse(loaded.contains(prefix), prefix + " classes were loaded in the plain mode");
    }
  }

  /**
   * Starts the app with a slow release, checks the mode by its actuator (only the Chaos Monkey mode
   * has one), then SIGTERMs it mid-request.
   */
  private void sigtermFinishesInFlightRequests(List<String> flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--latency-ms", "2000"));
    args.addAll(flags);
    process = start(List.of(), args);
    int port = awaitStartLine(process);
    assertEquals(
        flags.contains("--chaos-monkey") ? 200 : 404,
        get(port, "/actuator/chaosmonkey/status").statusCode());

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

  private static Process start(List<String> jvmFlags, List<String> args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmFlags);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            DemoApp.class.getName(),
            "--port",
            "0",
            "--version",
            "2.0.0",
            "--instance",
            "web-7"));
    command.addAll(args);
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** Reads the start line (the first line; Spring says nothing before it) and returns the port. */
  private static int awaitStartLine(Process p) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
    Matcher m = READY.matcher(line == null ? "" : line);
    assertTrue(m.matches(), "start line: " + line);
    return Integer.parseInt(m.group(1));
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
