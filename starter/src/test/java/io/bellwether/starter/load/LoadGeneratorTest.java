package io.bellwether.starter.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
  private HttpServer server;
  private final AtomicInteger gets = new AtomicInteger();
  private final AtomicInteger posts = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicInteger postBodies = new AtomicInteger();
  private final AtomicReference<String> version = new AtomicReference<>("1.0.0");
  private final AtomicInteger failEvery = new AtomicInteger(0);
  private final AtomicInteger seen = new AtomicInteger();

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      if ("POST".equals(exchange.getRequestMethod())) {
        posts.incrementAndGet();
        if (in.length > 0) {
          postBodies.incrementAndGet();
        }
      } else {
        gets.incrementAndGet();
      }
      int n = seen.incrementAndGet();
      boolean fail = failEvery.get() > 0 && n % failEvery.get() == 0;
      if (fail) {
        errors.incrementAndGet();
      }
      byte[] body = ("demo-app web-1 " + version.get()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(fail ? 500 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private static void awaitSent(LoadGenerator lg, long n) throws InterruptedException {
    for (int i = 0; i < 200 && lg.snapshot().sent() < n; i++) {
      Thread.sleep(25);
    }
  }

  @Test
  void countsWhatTheServerAnsweredByVersionAndFailure() throws Exception {
    failEvery.set(5);
    try (LoadGenerator lg = new LoadGenerator(base(), 200, 0.3)) {
      lg.start();
      awaitSent(lg, 60);
      LoadGenerator.Counts mid = lg.snapshot();
      version.set("2.0.0");
      awaitSent(lg, mid.sent() + 60);
      lg.stop();
      LoadGenerator.Counts end = lg.snapshot();

      int answered = gets.get() + posts.get();
      assertEquals(answered, end.sent(), "every request sent reached the server once stop() returned");
      assertEquals(errors.get(), end.failed());
      assertEquals(answered - errors.get(), end.ok());
      assertTrue(end.okByVersion().get("1.0.0") > 0);
      assertTrue(end.okByVersion().get("2.0.0") > 0);
      assertFalse(end.sampleErrors().isEmpty());
      assertTrue(end.sampleErrors().get(0).contains("HTTP 500"), end.sampleErrors().toString());
      assertEquals(posts.get(), postBodies.get(), "every POST carries a body");
      // The POST share is exact by construction: floor(n * 0.3) of n requests.
      assertEquals((int) Math.floor(answered * 0.3), posts.get());

      LoadGenerator.Counts delta = end.minus(mid);
      assertEquals(end.sent() - mid.sent(), delta.sent());
      assertEquals(end.failed() - mid.failed(), delta.failed());
      assertEquals(end.okByVersion().get("2.0.0"), delta.okByVersion().get("2.0.0"));

      long after = lg.snapshot().sent();
      Thread.sleep(100);
      assertEquals(after, lg.snapshot().sent(), "nothing is sent after stop()");
    }
  }

  @Test
  void anUnreachableTargetCountsAsFailed() throws Exception {
    int port = server.getAddress().getPort();
    server.stop(0);
    try (LoadGenerator lg = new LoadGenerator(URI.create("http://127.0.0.1:" + port + "/"), 50, 0.0)) {
      lg.start();
      awaitSent(lg, 5);
      lg.stop();
      LoadGenerator.Counts c = lg.snapshot();
      assertTrue(c.sent() >= 5);
      assertEquals(c.sent(), c.failed());
      assertEquals(0, c.ok());
      assertTrue(c.sampleErrors().get(0).contains("GET"), c.sampleErrors().toString());
    }
  }

  @Test
  void minusDropsUnchangedVersionsAndOldErrors() {
    var earlier = new LoadGenerator.Counts(10, 1, Map.of("1.0.0", 9L), List.of("e1"));
    var later = new LoadGenerator.Counts(25, 2, Map.of("1.0.0", 9L, "2.0.0", 14L), List.of("e1", "e2"));
    var d = later.minus(earlier);
    assertEquals(15, d.sent());
    assertEquals(1, d.failed());
    assertEquals(Map.of("2.0.0", 14L), d.okByVersion());
    assertEquals(List.of("e2"), d.sampleErrors());
  }

  @Test
  void readsTheVersionFromTheBody() {
    assertEquals("2.0.0", LoadGenerator.versionOf("demo-app web-3 2.0.0\n"));
    assertEquals("unknown", LoadGenerator.versionOf("hello"));
    assertEquals("unknown", LoadGenerator.versionOf(null));
  }

  @Test
  void postShareIsSpreadExactly() {
    int posts = 0;
    for (int i = 0; i < 1000; i++) {
      posts += LoadGenerator.isPost(i, 0.3) ? 1 : 0;
    }
    assertEquals(300, posts);
    assertFalse(LoadGenerator.isPost(0, 0.0));
    assertTrue(LoadGenerator.isPost(0, 1.0));
  }

  @Test
  void rejectsNonsenseSettings() {
    assertThrows(IllegalArgumentException.class, () -> new LoadGenerator(base(), 0, 0.3));
    assertThrows(IllegalArgumentException.class, () -> new LoadGenerator(base(), 10, 1.5));
  }
}
