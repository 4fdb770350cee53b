package io.bellwether.workflows.rolling;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.activities.HealthProbe;
import io.bellwether.contracts.activities.ProbeResult;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.activities.TrafficActivities;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Mockito mocks of the four activity ports backed by a tiny pool model, so that a test checks what
 * the pool looks like after a run (versions, states, weights), not only which calls were made.
 * Activities run on worker threads, hence the synchronized model.
 */
final class FakePool {
  /** Answers an awaitHealthy call in place of the model; return null to fall through to it. */
  interface HealthHook {
    ProbeResult probe(String instance, HealthProbe probe) throws Exception;
  }

  static final class Server {
    final String name;
    final String address;
    String version;
    ServerState state;
    int weight;

    Server(String name, String address, String version, ServerState state, int weight) {
      this.name = name;
      this.address = address;
      this.version = version;
      this.state = state;
      this.weight = weight;
    }

    ServerInfo info() {
      return new ServerInfo(
          name, address, state, weight, 0, state == ServerState.READY ? "UP" : state.name());
    }
  }

  final TrafficActivities traffic =
      mock(TrafficActivities.class, withSettings().withoutAnnotations());
  final DeployActivities deploy = mock(DeployActivities.class, withSettings().withoutAnnotations());
  final HealthActivities health = mock(HealthActivities.class, withSettings().withoutAnnotations());
  final ConfigActivities config = mock(ConfigActivities.class, withSettings().withoutAnnotations());

  private final Map<String, Server> servers = new LinkedHashMap<>();

  /** "name@version" pairs whose health check never passes. */
  final Set<String> unhealthy = ConcurrentHashMap.newKeySet();

  /** "name@version" pairs whose deployment reports ok=false. */
  final Set<String> failingDeploys = ConcurrentHashMap.newKeySet();

  /** Violations checkTarget reports. */
  final List<Violation> unknownNames = new CopyOnWriteArrayList<>();

  /** Every call that touched or read an instance, as "name action [arg]", in order. */
  final List<String> calls = new CopyOnWriteArrayList<>();

  volatile HealthHook healthHook;

  FakePool() {
    doAnswer(inv -> list()).when(traffic).listServers(anyString(), anyString());
    doAnswer(inv -> setState(inv.getArgument(2), inv.getArgument(3)))
        .when(traffic)
        .setServerState(anyString(), anyString(), anyString(), any(ServerState.class));
    doAnswer(inv -> setWeight(inv.getArgument(2), inv.getArgument(3)))
        .when(traffic)
        .setServerWeight(anyString(), anyString(), anyString(), anyInt());
    doAnswer(
            inv -> {
              calls.add(inv.getArgument(2) + " awaitDrained");
              return 0;
            })
        .when(traffic)
        .awaitDrained(anyString(), anyString(), anyString(), anyLong());
    doAnswer(inv -> version(inv.getArgument(1)))
        .when(deploy)
        .currentVersion(anyString(), anyString(), anyString());
    doAnswer(inv -> deploy(inv.getArgument(1), inv.getArgument(3)))
        .when(deploy)
        .deploy(anyString(), anyString(), anyString(), anyString());
    doAnswer(inv -> probe(inv.getArgument(0))).when(health).awaitHealthy(any(HealthProbe.class));
    doAnswer(inv -> List.copyOf(unknownNames)).when(config).checkTarget(any(TargetRef.class));
  }

  FakePool add(String name, String version, ServerState state, int weight) {
    synchronized (this) {
      servers.put(
          name,
          new Server(name, "10.0.0." + (servers.size() + 1) + ":8080", version, state, weight));
    }
    return this;
  }

  /** name -> "version state weight", for comparing the whole pool before and after. */
  synchronized Map<String, String> snapshot() {
    Map<String, String> out = new LinkedHashMap<>();
    servers.values().forEach(s -> out.put(s.name, s.version + " " + s.state + " " + s.weight));
    return out;
  }

  synchronized Server server(String name) {
    return servers.get(name);
  }

  /** The calls about one instance, without its name. */
  List<String> callsFor(String name) {
    List<String> out = new ArrayList<>();
    for (String c : calls) {
      if (c.startsWith(name + " ")) {
        out.add(c.substring(name.length() + 1));
      }
    }
    return out;
  }

  private synchronized List<ServerInfo> list() {
    return servers.values().stream().map(Server::info).toList();
  }

  private synchronized ServerInfo setState(String name, ServerState state) {
    calls.add(name + " " + state);
    Server s = servers.get(name);
    s.state = state;
    return s.info();
  }

  private synchronized ServerInfo setWeight(String name, int weight) {
    calls.add(name + " weight " + weight);
    Server s = servers.get(name);
    s.weight = weight;
    return s.info();
  }

  private synchronized String version(String name) {
    calls.add(name + " currentVersion");
    return servers.get(name).version;
  }

  private synchronized DeployResult deploy(String name, String version) {
    calls.add(name + " deploy " + version);
    Server s = servers.get(name);
    if (failingDeploys.contains(name + "@" + version)) {
      return new DeployResult(false, 3, "artifact " + version + " not found", false);
    }
    boolean changed = !version.equals(s.version);
    s.version = version;
    return new DeployResult(true, 0, "", changed);
  }

  private ProbeResult probe(HealthProbe probe) throws Exception {
    Server s;
    synchronized (this) {
      s =
          servers.values().stream()
              .filter(x -> x.address.equals(probe.address()))
              .findFirst()
              .orElseThrow();
    }
    calls.add(s.name + " health " + probe.path());
    HealthHook hook = healthHook;
    if (hook != null) {
      ProbeResult r = hook.probe(s.name, probe);
      if (r != null) {
        return r;
      }
    }
    synchronized (this) {
      boolean healthy = !unhealthy.contains(s.name + "@" + s.version);
      String body = "version=" + s.version;
      boolean bodyOk =
          probe.expectBodyContains() == null || body.contains(probe.expectBodyContains());
      boolean passed = healthy && bodyOk;
      return new ProbeResult(
          passed,
          probe.successThreshold(),
          passed ? probe.successThreshold() : 0,
          healthy ? 200 : 503,
          healthy ? (bodyOk ? "" : "body lacks " + probe.expectBodyContains()) : "HTTP 503");
    }
  }

  /**
   * Blocks like a long health wait that heartbeats, until the workflow cancels the activity. The
   * cancel arrives as the heartbeat's exception, which is rethrown so the activity ends canceled.
   */
  static ProbeResult heartbeatUntilCanceled(CountDownLatch started, AtomicBoolean sawCancel)
      throws InterruptedException {
    started.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try {
        Activity.getExecutionContext().heartbeat(null);
      } catch (ActivityCompletionException e) {
        sawCancel.set(true);
        throw e;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the activity was never canceled");
  }

  /** Blocks until the gate opens, without heartbeating; fails the activity if it never opens. */
  static void waitFor(CountDownLatch gate) throws InterruptedException {
    if (!gate.await(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the test never opened the gate");
    }
  }
}
