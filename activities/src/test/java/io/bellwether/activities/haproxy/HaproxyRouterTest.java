package io.bellwether.activities.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.activities.testing.TestAgent;
import io.bellwether.activities.testing.TestBackend;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Against a real HAProxy started in a temp dir. */
class HaproxyRouterTest {
  @TempDir Path dir;

  private TestBackend a;
  private TestBackend b;
  private TestAgent agent;
  private HaproxyLauncher haproxy;
  private HaproxyRuntimeApi api;
  private HaproxyRouter router;

  private void start(HaproxyLauncher.Options options) throws Exception {
    a = TestBackend.start("a");
    b = TestBackend.start("b");
    Map<String, String> servers = new LinkedHashMap<>();
    servers.put("web-1", a.address());
    servers.put("web-2", b.address());
    haproxy = HaproxyLauncher.start(dir, HaproxyLauncher.freePort(), "web", servers, options);
    api = new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2));
    router = new HaproxyRouter(api);
  }

  @AfterEach
  void stop() throws Exception {
    if (haproxy != null) haproxy.close();
    if (agent != null) agent.close();
    if (a != null) a.close();
    if (b != null) b.close();
  }

  @Test
  void listsServersInConfigurationOrder() throws Exception {
    start(HaproxyLauncher.Options.defaults());
    List<ServerInfo> servers = router.servers("web");
    assertEquals(2, servers.size());
    assertEquals(
        new ServerInfo("web-1", a.address(), ServerState.READY, 1, 0, "no check"), servers.get(0));
    assertEquals(
        new ServerInfo("web-2", b.address(), ServerState.READY, 1, 0, "no check"), servers.get(1));
  }

  @ParameterizedTest
  @EnumSource(ServerState.class)
  void setStateIsIdempotent(ServerState state) throws Exception {
    start(HaproxyLauncher.Options.defaults());
    ServerInfo first = router.setState("web", "web-2", state);
    ServerInfo second = router.setState("web", "web-2", state);
    assertEquals(state, first.state());
    assertEquals(first, second);
    assertEquals(state, router.servers("web").get(1).state());
    assertEquals(ServerState.READY, router.servers("web").get(0).state(), "other server untouched");
    assertEquals(
        switch (state) {
          case READY -> "no check";
          case DRAIN -> "DRAIN";
          case MAINT -> "MAINT";
        },
        second.status());
  }

  @Test
  void drainThenMaintThenReadyRoundTrip() throws Exception {
    start(HaproxyLauncher.Options.defaults());
    router.setState("web", "web-1", ServerState.DRAIN);
    router.setState("web", "web-1", ServerState.MAINT);
    assertEquals(ServerState.MAINT, router.servers("web").get(0).state());
    ServerInfo ready = router.setState("web", "web-1", ServerState.READY);
    assertEquals(ServerState.READY, ready.state());
  }

  @Test
  void setWeightIsIdempotentAndKeepsState() throws Exception {
    start(HaproxyLauncher.Options.defaults());
    router.setState("web", "web-1", ServerState.DRAIN);
    ServerInfo first = router.setWeight("web", "web-1", 42);
    ServerInfo second = router.setWeight("web", "web-1", 42);
    assertEquals(42, first.weight());
    assertEquals(first, second);
    assertEquals(ServerState.DRAIN, second.state());
    assertEquals(1, router.servers("web").get(1).weight(), "other server untouched");
  }

  @Test
  void aRefusedWeightIsRejectedNotUnavailable() throws Exception {
    start(HaproxyLauncher.Options.defaults());
    RouterRejectedException e =
        assertThrows(RouterRejectedException.class, () -> router.setWeight("web", "web-1", 9999));
    assertTrue(e.getMessage().contains("weight"), e.getMessage());
  }

  @Test
  void unknownBackendAndServerAreUnknown() throws Exception {
    start(HaproxyLauncher.Options.defaults());
    assertThrows(UnknownBackendException.class, () -> router.servers("nope"));
    assertThrows(
        UnknownBackendException.class, () -> router.setState("nope", "web-1", ServerState.DRAIN));
    assertThrows(
        UnknownBackendException.class, () -> router.setState("web", "web-9", ServerState.DRAIN));
    assertThrows(UnknownBackendException.class, () -> router.setWeight("web", "web-9", 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"web;shutdown sessions server web/web-1", "web\nshow info", "", "we b"})
  void namesThatCouldCarryAnotherCommandAreRefusedBeforeSending(String backend) throws Exception {
    start(HaproxyLauncher.Options.defaults());
    assertThrows(UnknownBackendException.class, () -> router.servers(backend));
    assertThrows(
        UnknownBackendException.class, () -> router.setState("web", backend, ServerState.MAINT));
    assertEquals(ServerState.READY, router.servers("web").get(0).state());
  }

  @Test
  void theAgentCannotUndoADrainOrMaintenance() throws Exception {
    agent = new TestAgent("ready");
    start(new HaproxyLauncher.Options(true, Map.of("web-1", agent.port()), false));
    awaitAgentAnswers(2);

    // Control: a drain set behind the router's back is cancelled by the agent's 'ready'. Without
    // this the test below could pass with an agent that never spoke.
    assertEquals("", api.execute("set server web/web-1 state drain").strip());
    awaitState(ServerState.READY, Duration.ofSeconds(3));

    ServerInfo drained = router.setState("web", "web-1", ServerState.DRAIN);
    assertEquals(ServerState.DRAIN, drained.state());
    assertFalse(agentEnabled("web-1"), "agent paused while drained");
    int seen = agent.answered();
    Thread.sleep(1500); // three agent intervals
    assertEquals(ServerState.DRAIN, router.servers("web").get(0).state());
    assertEquals(seen, agent.answered(), "no agent check ran while paused");

    router.setState("web", "web-1", ServerState.MAINT);
    Thread.sleep(1000);
    assertEquals(ServerState.MAINT, router.servers("web").get(0).state());

    ServerInfo ready = router.setState("web", "web-1", ServerState.READY);
    assertEquals(ServerState.READY, ready.state());
    assertTrue(agentEnabled("web-1"), "agent resumed on ready");
    awaitAgentAnswers(agent.answered() + 1);
    // A server without an agent is left alone: no 'enable agent' error for it.
    assertEquals(ServerState.DRAIN, router.setState("web", "web-2", ServerState.DRAIN).state());
    assertEquals(ServerState.READY, router.setState("web", "web-2", ServerState.READY).state());
  }

  private boolean agentEnabled(String server) {
    for (Map<String, String> row :
        HaproxyStatParser.parseServersState(api.execute("show servers state web"))) {
      if (row.get("srv_name").equals(server)) {
        return (Integer.parseInt(row.get("srv_agent_state")) & 0x04) != 0;
      }
    }
    throw new AssertionError("no server " + server);
  }

  private void awaitAgentAnswers(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (agent.answered() < count) {
      assertTrue(System.nanoTime() < deadline, "agent was asked fewer than " + count + " times");
      Thread.sleep(50);
    }
  }

  private void awaitState(ServerState state, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (router.servers("web").get(0).state() != state) {
      assertTrue(System.nanoTime() < deadline, "web-1 never became " + state);
      Thread.sleep(50);
    }
  }
}
