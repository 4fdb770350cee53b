package io.bellwether.activities.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server standing in for an experiment variant's instance: every request is answered
 * {@code <name> <x-bellwether-variant> <x-bellwether-assignment>}, each header {@code -} when the
 * request had none, so a test sees what reached the instance.
 */
public final class EchoBackend implements AutoCloseable {
  private final String name;
  private final int port;
  private final HttpServer server;

  private EchoBackend(String name) throws IOException {
    this.name = name;
    this.port = HaproxyLauncher.freePort();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
    server.setExecutor(
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "echo-backend-" + name);
              t.setDaemon(true);
              return t;
            }));
    server.createContext("/", this::answer);
    server.start();
  }

  /** Starts on a free port. */
  public static EchoBackend start(String name) throws IOException {
    return new EchoBackend(name);
  }

  public String name() {
    return name;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  private void answer(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    // All values, comma-joined: a forged header that survived would show as a second value.
    String variant = header(ex, "x-bellwether-variant");
    String how = header(ex, "x-bellwether-assignment");
    byte[] bytes = (name + " " + variant + " " + how).getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String header(HttpExchange ex, String name) {
    java.util.List<String> values = ex.getRequestHeaders().get(name);
    return values == null || values.isEmpty() ? "-" : String.join(",", values);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
