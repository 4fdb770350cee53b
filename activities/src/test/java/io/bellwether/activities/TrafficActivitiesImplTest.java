package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.testing.TestBackend;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Through the configuration, against a real HAProxy. */
class TrafficActivitiesImplTest {
  @TempDir Path dir;

  private TestBackend backend;
  private HaproxyLauncher haproxy;
  private final List<Object> beats = Collections.synchronizedList(new ArrayList<>());
  private TrafficActivitiesImpl traffic;

  @BeforeEach
  void start() throws Exception {
    backend = TestBackend.start("a");
    haproxy =
        HaproxyLauncher.start(
            dir, HaproxyLauncher.freePort(), "web", Map.of("web-1", backend.address()));
    AdapterRegistry registry =
        AdapterRegistry.fromConfig(
            new BellwetherConfig(
                Map.of(
                    "edge", new RouterConfig("haproxy", haproxy.runtimeApi(), null),
                    "gone",
                        new RouterConfig(
                            "haproxy", "unix:" + dir.resolve("gone.sock"), Duration.ofMillis(500))),
                Map.of(),
                Map.of()));
    traffic = new TrafficActivitiesImpl(registry, beats::add);
  }

  @AfterEach
  void stop() {
    haproxy.close();
    backend.close();
  }

  @Test
  void listsAndChangesServers() {
    assertEquals(
        List.of("web-1"),
        traffic.listServers("edge", "web").stream().map(ServerInfo::name).toList());
    assertEquals(
        ServerState.DRAIN,
        traffic.setServerState("edge", "web", "web-1", ServerState.DRAIN).state());
    assertEquals(
        ServerState.DRAIN,
        traffic.setServerState("edge", "web", "web-1", ServerState.DRAIN).state());
    assertEquals(5, traffic.setServerWeight("edge", "web", "web-1", 5).weight());
    assertEquals(5, traffic.setServerWeight("edge", "web", "web-1", 5).weight());
  }

  @Test
  void awaitDrainedWaitsForTheRequestInFlight() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    CompletableFuture<HttpResponse<String>> slow =
        http.sendAsync(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/slow"))
                .timeout(Duration.ofSeconds(15))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (traffic.listServers("edge", "web").get(0).sessions() == 0) {
      assertTrue(System.nanoTime() < deadline, "the slow request never reached web-1");
      Thread.sleep(20);
    }
    traffic.setServerState("edge", "web", "web-1", ServerState.DRAIN);

    assertEquals(1, traffic.awaitDrained("edge", "web", "web-1", 300), "still busy after 300 ms");
    assertFalse(beats.isEmpty(), "heartbeats while waiting");
    assertEquals(1, beats.get(0), "heartbeat carries the open sessions");
    assertFalse(slow.isDone());

    CompletableFuture<Integer> drained =
        CompletableFuture.supplyAsync(() -> traffic.awaitDrained("edge", "web", "web-1", 10_000));
    Thread.sleep(300);
    assertFalse(drained.isDone(), "does not return while the request is open");
    backend.releaseSlow();
    assertEquals(0, drained.get());
    assertEquals(200, slow.get().statusCode(), "the drained request completed normally");
  }

  @Test
  void awaitDrainedOnAnIdleServerReturnsAtOnce() {
    assertEquals(0, traffic.awaitDrained("edge", "web", "web-1", 0));
    assertTrue(beats.isEmpty());
  }

  @Test
  void unknownNamesAreNonRetryableUnknownTarget() {
    List<Executable> calls =
        List.of(
            () -> traffic.listServers("nope", "web"),
            () -> traffic.listServers("edge", "nope"),
            () -> traffic.setServerState("edge", "web", "web-9", ServerState.DRAIN),
            () -> traffic.setServerState("edge", "nope", "web-1", ServerState.DRAIN),
            () -> traffic.setServerWeight("edge", "web", "web-9", 3),
            () -> traffic.awaitDrained("edge", "web", "web-9", 100),
            () -> traffic.awaitDrained("127.0.0.1:9999", "web", "web-1", 100));
    for (Executable call : calls) {
      ApplicationFailure f = assertThrows(ApplicationFailure.class, call);
      assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType(), f.getOriginalMessage());
      assertTrue(f.isNonRetryable(), f.getOriginalMessage());
    }
  }

  @Test
  void anUnreachableRouterIsRetryable() {
    ApplicationFailure f =
        assertThrows(ApplicationFailure.class, () -> traffic.listServers("gone", "web"));
    assertEquals(FailureTypes.ROUTER_UNAVAILABLE, f.getType());
    assertFalse(f.isNonRetryable());
  }

  @Test
  void aRefusedCommandIsNotRetried() {
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class, () -> traffic.setServerWeight("edge", "web", "web-1", -4));
    assertEquals(FailureTypes.ROUTER_UNAVAILABLE, f.getType());
    assertTrue(f.isNonRetryable());
  }
}
