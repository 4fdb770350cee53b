package io.bellwether.activities.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.router.RouterUnavailableException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HaproxyRuntimeApiTest {
  @TempDir Path dir;

  @Test
  void talksToARealHaproxyOverItsUnixSocket() throws Exception {
    try (HaproxyLauncher haproxy =
        HaproxyLauncher.start(dir, HaproxyLauncher.freePort(), "web", Map.of())) {
      HaproxyRuntimeApi api = new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2));
      String info = api.execute("show info");
      assertTrue(info.contains("\nPid: " + haproxy.pid() + "\n"), info);
      // HAProxy reports its own errors as text; the client hands them over as they are.
      assertTrue(api.execute("no such command").contains("Unknown command"));
    }
  }

  @Test
  void sendsOneLineOverTcpAndReadsTheAnswerToTheEnd() throws Exception {
    AtomicReference<String> received = new AtomicReference<>();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                try (Socket s = server.accept();
                    BufferedReader in =
                        new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream()) {
                  received.set(in.readLine());
                  // Larger than one read buffer, so the client must loop until the end of the
                  // stream.
                  out.write(("x".repeat(40_000) + "\nend\n\n").getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                  received.set("error " + e);
                }
              });
      t.start();
      HaproxyRuntimeApi api =
          new HaproxyRuntimeApi("tcp:127.0.0.1:" + server.getLocalPort(), Duration.ofSeconds(2));
      String answer = api.execute("show stat");
      t.join(2000);
      assertEquals("show stat", received.get());
      assertEquals(40_000 + "\nend\n\n".length(), answer.length());
      assertTrue(answer.endsWith("end\n\n"));
    }
  }

  @Test
  void aMissingSocketIsUnavailable() {
    HaproxyRuntimeApi api =
        new HaproxyRuntimeApi("unix:" + dir.resolve("absent.sock"), Duration.ofSeconds(1));
    assertThrows(RouterUnavailableException.class, () -> api.execute("show info"));
  }

  @Test
  void aRefusedTcpConnectionIsUnavailable() {
    HaproxyRuntimeApi api =
        new HaproxyRuntimeApi("tcp:127.0.0.1:" + HaproxyLauncher.freePort(), Duration.ofSeconds(1));
    assertThrows(RouterUnavailableException.class, () -> api.execute("show info"));
  }

  @Test
  void aSilentRouterTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // The kernel completes the handshake from the backlog; nobody ever answers.
      HaproxyRuntimeApi api =
          new HaproxyRuntimeApi("tcp:127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300));
      RouterUnavailableException e =
          assertThrows(RouterUnavailableException.class, () -> api.execute("show info"));
      assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
    }
  }

  @Test
  void aCommandWithALineBreakIsRefused() {
    HaproxyRuntimeApi api = new HaproxyRuntimeApi("unix:/nonexistent.sock", null);
    assertThrows(
        IllegalArgumentException.class, () -> api.execute("show info\nshutdown frontend fe"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/run/haproxy.sock",
        "unix:",
        "tcp:",
        "tcp:127.0.0.1",
        "tcp:host:port",
        "tcp:127.0.0.1:70000",
        "http://127.0.0.1:9999"
      })
  void badEndpointsAreNamed(String endpoint) {
    assertNotNull(HaproxyRuntimeApi.endpointProblem(endpoint));
    assertThrows(IllegalArgumentException.class, () -> new HaproxyRuntimeApi(endpoint, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"unix:/run/haproxy/admin.sock", "tcp:127.0.0.1:9999", "tcp:[::1]:9999"})
  void goodEndpointsAreAccepted(String endpoint) {
    assertNull(HaproxyRuntimeApi.endpointProblem(endpoint));
  }
}
