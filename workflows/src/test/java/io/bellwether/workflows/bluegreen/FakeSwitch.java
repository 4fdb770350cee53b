package io.bellwether.workflows.bluegreen;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.activities.HealthProbe;
import io.bellwether.contracts.activities.ProbeResult;
import io.bellwether.contracts.activities.ProvisionResult;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.gate.ResolvedApprovers;
import io.bellwether.contracts.gate.VerifiedIdentity;
import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.spec.Violation;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Mockito mocks of the activity ports a blue-green run uses, backed by a small model of one pool
 * (router {@code edge}, pool {@code shop}, backends {@code shop_a}/{@code shop_b} of four slots
 * each, the switch's live/candidate/percent/preview) and of a deployer's running instances. Tests
 * assert the END STATE: which backend serves, at what share, which instances run which version.
 * Activities run on worker threads, hence the synchronized model.
 */
final class FakeSwitch {
  static final String ROUTER = "edge";
  static final String POOL = "shop";
  static final String A = "shop_a";
  static final String B = "shop_b";
  static final String EMPTY = "127.0.0.1:1";

  /** Answers an awaitHealthy call in place of the model; return null to fall through to it. */
  interface HealthHook {
    ProbeResult probe(String instance, HealthProbe probe) throws Exception;
  }

  static final class Slot {
    final String name;
    String address = EMPTY;
    ServerState state = ServerState.MAINT;
    int sessions;

    Slot(String name) {
      this.name = name;
    }

    ServerInfo info() {
      return new ServerInfo(
          name, address, state, 1, sessions, state == ServerState.READY ? "UP" : state.name());
    }
  }

  final SwitchActivities pool = mock(SwitchActivities.class, withSettings().withoutAnnotations());
  final DeployActivities deploy = mock(DeployActivities.class, withSettings().withoutAnnotations());
  final HealthActivities health = mock(HealthActivities.class, withSettings().withoutAnnotations());
  final ConfigActivities config = mock(ConfigActivities.class, withSettings().withoutAnnotations());
  final GateActivities gate = mock(GateActivities.class, withSettings().withoutAnnotations());

  private final Map<String, Map<String, Slot>> backends = new LinkedHashMap<>();
  private String live = A;
  private String candidate = B;
  private int percent;
  private boolean preview;

  /** Deployer instances that run: name -> version, and name -> address. */
  private final Map<String, String> running = new LinkedHashMap<>();

  private final Map<String, String> addresses = new LinkedHashMap<>();
  private int nextPort = 9001;

  /** Instance names whose health check never passes. */
  final Set<String> unhealthy = ConcurrentHashMap.newKeySet();

  /** Instance names whose provisioning reports ok=false. */
  final Set<String> failingProvisions = ConcurrentHashMap.newKeySet();

  /** Violations checkBlueGreenTarget reports. */
  final List<Violation> unknownNames = new CopyOnWriteArrayList<>();

  /** Configured approver groups. */
  final Map<String, List<String>> groups =
      new ConcurrentHashMap<>(Map.of("release-managers", List.of("alice", "bob")));

  /** Every call that changed something or probed, in order: "pct 100", "provision x 2.0.0", ... */
  final List<String> calls = new CopyOnWriteArrayList<>();

  volatile HealthHook healthHook;

  FakeSwitch() {
    for (String b : List.of(A, B)) {
      Map<String, Slot> slots = new LinkedHashMap<>();
      for (int i = 1; i <= 4; i++) {
        slots.put("s" + i, new Slot("s" + i));
      }
      backends.put(b, slots);
    }
    doAnswer(inv -> state(inv.getArgument(0), inv.getArgument(1)))
        .when(pool)
        .poolState(anyString(), anyString());
    doAnswer(inv -> setPercent(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2)))
        .when(pool)
        .setCandidatePercent(anyString(), anyString(), anyInt());
    doAnswer(inv -> promote(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2)))
        .when(pool)
        .promoteCandidate(anyString(), anyString(), anyString());
    doAnswer(inv -> setPreview(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2)))
        .when(pool)
        .setPreview(anyString(), anyString(), anyBoolean());
    doAnswer(inv -> assign(inv.getArgument(1), inv.getArgument(2), inv.getArgument(3)))
        .when(pool)
        .assignSlot(anyString(), anyString(), anyString(), anyString());
    doAnswer(inv -> provision(inv.getArgument(1), inv.getArgument(2)))
        .when(deploy)
        .provision(anyString(), anyString(), anyString());
    doAnswer(inv -> decommission(inv.getArgument(1)))
        .when(deploy)
        .decommission(anyString(), anyString());
    doAnswer(inv -> versionOf(inv.getArgument(1)))
        .when(deploy)
        .currentVersion(anyString(), anyString(), anyString());
    doAnswer(inv -> probe(inv.getArgument(0))).when(health).awaitHealthy(any(HealthProbe.class));
    doAnswer(inv -> List.copyOf(unknownNames))
        .when(config)
        .checkBlueGreenTarget(any(BlueGreenTarget.class));
    doAnswer(inv -> resolve(inv.getArgument(0), inv.getArgument(1)))
        .when(gate)
        .resolveApprovers(anyList(), anyList());
    doAnswer(
            inv -> {
              String token = inv.getArgument(0);
              return token.startsWith("good:")
                  ? new VerifiedIdentity(true, token.substring(5), "")
                  : new VerifiedIdentity(false, "", "bad signature");
            })
        .when(gate)
        .verifyAttestation(anyString(), anyString(), anyString());
  }

  /** Blue: {@code count} instances of {@code version} in backend A's first slots, A live. */
  synchronized FakeSwitch blue(String version, int count) {
    for (int i = 1; i <= count; i++) {
      String name = BlueGreenDeploymentWorkflowImpl.instanceName(POOL, A, "s" + i);
      String address = start(name, version);
      Slot s = backends.get(A).get("s" + i);
      s.address = address;
      s.state = ServerState.READY;
    }
    return this;
  }

  synchronized void setPercentDirectly(int p) {
    percent = p;
  }

  synchronized String live() {
    return live;
  }

  synchronized String candidate() {
    return candidate;
  }

  synchronized int percent() {
    return percent;
  }

  synchronized boolean preview() {
    return preview;
  }

  /** name -> version of every running deployer instance. */
  synchronized Map<String, String> running() {
    return new LinkedHashMap<>(running);
  }

  /** backend -> "slot=address STATE" of its filled slots, for comparing before and after. */
  synchronized Map<String, List<String>> slots() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    backends.forEach(
        (b, slots) -> {
          List<String> filled = new ArrayList<>();
          slots.values().stream()
              .filter(s -> s.state != ServerState.MAINT)
              .forEach(s -> filled.add(s.name + "=" + s.address + " " + s.state));
          out.put(b, filled);
        });
    return out;
  }

  /**
   * What a client would see: every request goes to one backend (no split, no preview route), and
   * the versions that answer there, one per ready slot. Fails the test when traffic is split.
   */
  synchronized List<String> servingVersions(String expectedBackend) {
    if (percent != 0 && percent != 100) {
      throw new AssertionError("traffic is split: " + percent + "% to " + candidate);
    }
    if (preview) {
      throw new AssertionError("the preview route is still open");
    }
    String serving = percent == 0 ? live : candidate;
    if (!serving.equals(expectedBackend)) {
      throw new AssertionError("traffic goes to " + serving + ", expected " + expectedBackend);
    }
    List<String> out = new ArrayList<>();
    for (Slot s : backends.get(serving).values()) {
      if (s.state == ServerState.READY) {
        String name = instanceAt(s.address);
        out.add(name == null ? "nothing at " + s.address : running.get(name));
      }
    }
    return out;
  }

  List<String> callsStartingWith(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  private void checkPool(String router, String poolName) {
    if (!ROUTER.equals(router) || !POOL.equals(poolName)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no pool '" + poolName + "' in router '" + router + "'", FailureTypes.UNKNOWN_TARGET);
    }
  }

  private synchronized PoolState state(String router, String poolName) {
    checkPool(router, poolName);
    Map<String, List<ServerInfo>> servers = new LinkedHashMap<>();
    backends.forEach(
        (b, slots) -> servers.put(b, slots.values().stream().map(Slot::info).toList()));
    return new PoolState(POOL, live, candidate, percent, preview, servers);
  }

  private synchronized PoolState setPercent(String router, String poolName, int p) {
    checkPool(router, poolName);
    calls.add("pct " + p);
    percent = p;
    return state(router, poolName);
  }

  private synchronized PoolState promote(String router, String poolName, String expectedLive) {
    checkPool(router, poolName);
    calls.add("promote " + expectedLive);
    if (live.equals(expectedLive)) {
      return state(router, poolName);
    }
    if (!candidate.equals(expectedLive) || percent != 100) {
      throw ApplicationFailure.newNonRetryableFailure(
          "unsafe promotion to " + expectedLive + " at " + percent + "%", "UnsafePromotion");
    }
    candidate = live;
    live = expectedLive;
    percent = 0;
    return state(router, poolName);
  }

  private synchronized PoolState setPreview(String router, String poolName, boolean on) {
    checkPool(router, poolName);
    calls.add("preview " + (on ? "on" : "off"));
    preview = on;
    return state(router, poolName);
  }

  private synchronized ServerInfo assign(String backend, String server, String address) {
    calls.add("assign " + backend + "/" + server + " " + (address.isEmpty() ? "-" : address));
    Slot s = backends.get(backend).get(server);
    s.address = address.isEmpty() ? EMPTY : address;
    s.state = address.isEmpty() ? ServerState.MAINT : ServerState.READY;
    return s.info();
  }

  private synchronized String start(String name, String version) {
    running.put(name, version);
    return addresses.computeIfAbsent(name, n -> "127.0.0.1:" + nextPort++);
  }

  private synchronized ProvisionResult provision(String name, String version) {
    calls.add("provision " + name + " " + version);
    if (failingProvisions.contains(name)) {
      return new ProvisionResult(false, "", "port already in use", false);
    }
    boolean changed = !version.equals(running.get(name));
    return new ProvisionResult(true, start(name, version), "", changed);
  }

  private synchronized DeployResult decommission(String name) {
    calls.add("decommission " + name);
    boolean changed = running.remove(name) != null;
    return new DeployResult(true, 0, "", changed);
  }

  private synchronized String versionOf(String name) {
    return running.getOrDefault(name, "");
  }

  private synchronized String instanceAt(String address) {
    for (var e : addresses.entrySet()) {
      if (e.getValue().equals(address) && running.containsKey(e.getKey())) {
        return e.getKey();
      }
    }
    return null;
  }

  private ProbeResult probe(HealthProbe probe) throws Exception {
    String name = instanceAt(probe.address());
    calls.add("health " + name + " " + probe.path());
    HealthHook hook = healthHook;
    if (hook != null) {
      ProbeResult r = hook.probe(name, probe);
      if (r != null) {
        return r;
      }
    }
    synchronized (this) {
      boolean up = name != null && !unhealthy.contains(name);
      String body = up ? "version=" + running.get(name) : "";
      boolean bodyOk =
          probe.expectBodyContains() == null || body.contains(probe.expectBodyContains());
      boolean passed = up && bodyOk;
      return new ProbeResult(
          passed,
          probe.successThreshold(),
          passed ? probe.successThreshold() : 0,
          up ? 200 : 503,
          up ? (bodyOk ? "" : "body lacks " + probe.expectBodyContains()) : "HTTP 503");
    }
  }

  private ResolvedApprovers resolve(List<String> users, List<String> groupNames) {
    TreeSet<String> all = new TreeSet<>(users);
    List<Violation> problems = new ArrayList<>();
    for (int i = 0; i < groupNames.size(); i++) {
      List<String> members = groups.get(groupNames.get(i));
      if (members == null) {
        problems.add(new Violation("approverGroups[" + i + "]", "no such group"));
      } else {
        all.addAll(members);
      }
    }
    return new ResolvedApprovers(List.copyOf(all), problems);
  }

  static ProbeResult failedProbe() {
    return new ProbeResult(false, 3, 0, 503, "HTTP 503");
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
}
