package io.bellwether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * A chat service's incoming webhook, as far as the worker can tell: a JDK HTTP server on
 * 127.0.0.1 and a free port that records every message POSTed to its one secret path, in arrival
 * order. Anything sent elsewhere is answered 404 and counted as stray.
 */
final class RecordingWebhook implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final String path;
  private final List<String> messages = new ArrayList<>();
  private final List<String> stray = new ArrayList<>();

  RecordingWebhook() throws IOException {
    // The random part plays the webhook URL's secret, which the secret scan looks for.
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    path = "/services/T0SANDBOX/B0E2E/" + HexFormat.of().formatHex(secret);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body;
          try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          boolean ours =
              "POST".equals(exchange.getRequestMethod()) && path.equals(exchange.getRequestURI().getPath());
          synchronized (this) {
            (ours ? messages : stray).add(body);
            notifyAll();
          }
          byte[] answer = (ours ? "ok" : "no_service").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(ours ? 200 : 404, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  /** The full URL the worker is configured with. A secret, like a real webhook URL. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The secret part of the URL: its path. */
  String secretPath() {
    return path;
  }

  /** Every message received so far, raw JSON, in order. */
  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  /** Requests to any other path or method. */
  synchronized List<String> stray() {
    return List.copyOf(stray);
  }

  /** The messages about {@code workflowId} (the context line names the run), parsed, in order. */
  List<JsonNode> messagesAbout(String workflowId) {
    List<JsonNode> out = new ArrayList<>();
    for (String m : messages()) {
      JsonNode n = parse(m);
      if (mentions(n, workflowId)) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Waits until the messages about {@code workflowId} satisfy {@code done} and returns them; an
   * AssertionError listing what came when they do not within {@code max}.
   */
  List<JsonNode> awaitMessagesAbout(String workflowId, Predicate<List<JsonNode>> done, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      List<JsonNode> about = messagesAbout(workflowId);
      if (done.test(about)) {
        return about;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("the webhook did not get the expected messages about " + workflowId
            + " within " + max + "; got: " + texts(about));
      }
      synchronized (this) {
        wait(Math.max(1, Math.min(left / 1_000_000, 250)));
      }
    }
  }

  /** The {@code text} (headline) of each message. */
  static List<String> texts(List<JsonNode> messages) {
    return messages.stream().map(m -> m.path("text").asText()).toList();
  }

  private static boolean mentions(JsonNode message, String workflowId) {
    for (JsonNode block : message.path("blocks")) {
      if ("context".equals(block.path("type").asText())) {
        for (JsonNode e : block.path("elements")) {
          if (e.path("text").asText().contains("Run `" + workflowId + "`")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static JsonNode parse(String m) {
    try {
      return JSON.readTree(m);
    } catch (IOException e) {
      throw new AssertionError("the webhook got a message that is not JSON: " + m, e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
