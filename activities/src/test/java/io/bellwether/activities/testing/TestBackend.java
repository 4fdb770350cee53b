package io.bellwether.activities.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP server standing in for a service instance: {@code /} answers its name, {@code
 * /health} 200 (or 503 once made unhealthy), {@code /slow} holds the request until {@link
 * #releaseSlow()}.
 */
public final class TestBackend implements AutoCloseable {
  private final String name;
  private final int port;
  private final HttpServer server;
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicInteger healthChecks = new AtomicInteger();
  private final CountDownLatch slowRelease = new CountDownLatch(1);
  private volatile int healthStatus = 200;
  private volatile String healthBody = "ok";

  private TestBackend(String name, int port) throws IOException {
    this.name = name;
    this.port = port;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "test-backend-" + name);
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/",
        ex -> {
          hits.incrementAndGet();
          respond(ex, 200, name);
        });
    server.createContext(
        "/health",
        ex -> {
          healthChecks.incrementAndGet();
          respond(ex, healthStatus, healthBody);
        });
    server.createContext(
        "/slow",
        ex -> {
          try {
            slowRelease.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          respond(ex, 200, name + " slow");
        });
    server.start();
  }

  /** Starts on a free port. */
  public static TestBackend start(String name) throws IOException {
    return new TestBackend(name, HaproxyLauncher.freePort());
  }

  /** Starts on the given port: a restarted instance keeps its address. */
  public static TestBackend start(String name, int port) throws IOException {
    return new TestBackend(name, port);
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  public int hits() {
    return hits.get();
  }

  public int healthChecks() {
    return healthChecks.get();
  }

  public void health(int status, String body) {
    this.healthStatus = status;
    this.healthBody = body;
  }

  public void releaseSlow() {
    slowRelease.countDown();
  }

  @Override
  public void close() {
    releaseSlow();
    server.stop(0);
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
