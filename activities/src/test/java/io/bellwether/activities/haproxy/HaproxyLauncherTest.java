package io.bellwether.activities.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.testing.TestBackend;
import io.bellwether.contracts.activities.ServerState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyLauncherTest {
  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @Test
  void startsProxiesAndStopsByPid() throws Exception {
    try (TestBackend a = TestBackend.start("a");
        TestBackend b = TestBackend.start("b")) {
      Map<String, String> servers = new LinkedHashMap<>();
      servers.put("web-1", a.address());
      servers.put("web-2", b.address());
      int port = HaproxyLauncher.freePort();
      long pid;
      try (HaproxyLauncher haproxy = HaproxyLauncher.start(dir, port, "web", servers)) {
        pid = haproxy.pid();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(port, haproxy.frontendPort());
        assertEquals("unix:" + dir.toAbsolutePath().resolve("admin.sock"), haproxy.runtimeApi());
        assertEquals(dir.toAbsolutePath().resolve("haproxy.cfg"), haproxy.configFile());
        String cfg = Files.readString(haproxy.configFile());
        assertTrue(cfg.contains("stats socket " + haproxy.socket() + " mode 600 level admin"), cfg);
        assertTrue(cfg.contains("bind 127.0.0.1:" + port), cfg);
        assertTrue(cfg.indexOf("server web-1 ") < cfg.indexOf("server web-2 "), "order kept");

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          answers.add(get(port, "/"));
        }
        assertEquals(List.of("a", "b", "a", "b"), answers, "round robin over both servers");
      }
      assertTrue(
          ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "haproxy gone after close");
    }
  }

  @Test
  void optionsAddHealthAndAgentChecks() throws Exception {
    Map<String, String> servers = new LinkedHashMap<>();
    servers.put("web-1", "127.0.0.1:1");
    servers.put("web-2", "127.0.0.1:2");
    try (HaproxyLauncher haproxy =
        HaproxyLauncher.start(
            dir,
            HaproxyLauncher.freePort(),
            "web",
            servers,
            new HaproxyLauncher.Options(true, Map.of("web-2", 4444), true))) {
      String cfg = Files.readString(haproxy.configFile());
      assertTrue(cfg.contains("option httpchk GET /health"), cfg);
      assertTrue(cfg.contains("server web-1 127.0.0.1:1 check inter 500ms\n"), cfg);
      assertTrue(cfg.contains("server web-2 127.0.0.1:2 check inter 500ms agent-check"), cfg);
      assertTrue(cfg.contains("agent-port 4444"), cfg);
    }
  }

  @Test
  void aFailedStartSaysWhyAndLeavesNothingRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  HaproxyLauncher.start(
                      dir, taken.getLocalPort(), "web", Map.of("web-1", "127.0.0.1:1")));
      assertTrue(e.getMessage().contains("log tail"), e.getMessage());
      assertTrue(e.getMessage().toLowerCase().contains("bind"), e.getMessage());
      String cfg = dir.toAbsolutePath().resolve("haproxy.cfg").toString();
      assertFalse(
          ProcessHandle.allProcesses()
              .anyMatch(
                  p -> p.info().arguments().map(args -> List.of(args).contains(cfg)).orElse(false)),
          "no haproxy left running on this config");
    }
  }

  /**
   * The recipe the rolling workflow follows, with health checks on: drain, wait for sessions,
   * maintenance, restart, wait for health, ready. Requests keep flowing through HAProxy the whole
   * time and none may fail.
   */
  @Test
  void restartingADrainedServerLosesNoRequests() throws Exception {
    TestBackend a = TestBackend.start("a");
    TestBackend b = TestBackend.start("b");
    Map<String, String> servers = new LinkedHashMap<>();
    servers.put("web-1", a.address());
    servers.put("web-2", b.address());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    Map<String, AtomicInteger> byBody = new ConcurrentHashMap<>();
    List<Thread> load = new ArrayList<>();
    TestBackend restarted = null;
    try (HaproxyLauncher haproxy =
        HaproxyLauncher.start(
            dir,
            HaproxyLauncher.freePort(),
            "web",
            servers,
            new HaproxyLauncher.Options(false, Map.of(), true))) {
      HaproxyRouter router =
          new HaproxyRouter(new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)));
      awaitStatus(router, 0, "UP");
      awaitStatus(router, 1, "UP");
      for (int t = 0; t < 2; t++) {
        Thread th =
            new Thread(
                () -> {
                  while (running.get()) {
                    sent.incrementAndGet();
                    try {
                      // POST: HAProxy does not retry it, so a request sent to a dead server shows.
                      HttpResponse<String> res =
                          http.send(
                              HttpRequest.newBuilder(
                                      URI.create(
                                          "http://127.0.0.1:" + haproxy.frontendPort() + "/"))
                                  .timeout(Duration.ofSeconds(5))
                                  .POST(HttpRequest.BodyPublishers.ofString("x"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      if (res.statusCode() != 200) {
                        synchronized (failures) {
                          failures.add("status " + res.statusCode());
                        }
                      } else {
                        byBody
                            .computeIfAbsent(res.body(), k -> new AtomicInteger())
                            .incrementAndGet();
                      }
                    } catch (Exception e) {
                      synchronized (failures) {
                        failures.add(e.toString());
                      }
                    }
                  }
                });
        th.setDaemon(true);
        th.start();
        load.add(th);
      }
      Thread.sleep(300);

      router.setState("web", "web-1", ServerState.DRAIN);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (router.servers("web").get(0).sessions() > 0) {
        assertTrue(System.nanoTime() < deadline, "web-1 never drained");
        Thread.sleep(20);
      }
      router.setState("web", "web-1", ServerState.MAINT);
      a.close();
      restarted = TestBackend.start("a2", a.port());
      // The orchestrator's own health probe, before READY.
      assertEquals("ok", get(restarted.port(), "/health"));
      router.setState("web", "web-1", ServerState.READY);
      int before = restarted.hits();
      Thread.sleep(700);
      running.set(false);
      for (Thread th : load) {
        th.join(5000);
      }
      assertTrue(sent.get() > 50, "load was running: " + sent.get());
      assertEquals(List.of(), failures, "failed requests out of " + sent.get());
      assertTrue(restarted.hits() > before, "the restarted server takes traffic after READY");
      assertTrue(byBody.containsKey("a2") && byBody.containsKey("b"), byBody.toString());
    } finally {
      running.set(false);
      a.close();
      b.close();
      if (restarted != null) restarted.close();
    }
  }

  private void awaitStatus(HaproxyRouter router, int index, String status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!router.servers("web").get(index).status().equals(status)) {
      assertTrue(System.nanoTime() < deadline, "server " + index + " never " + status);
      Thread.sleep(50);
    }
  }

  private String get(int port, String path) throws Exception {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode());
    return res.body();
  }
}
