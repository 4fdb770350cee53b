package io.bellwether.workflows.canary;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
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
import io.bellwether.contracts.activities.TrafficActivities;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.contracts.canary.CanaryTarget;
import io.bellwether.contracts.canary.SegmentRoute;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.gate.ResolvedApprovers;
import io.bellwether.contracts.gate.VerifiedIdentity;
import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.metrics.MetricsActivities;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Mockito mocks of every activity port a canary run and its rolling child use, backed by one small
 * model: router {@code edge} with pool {@code web} routing between the stable backend {@code web}
 * (servers web-1..4, instance names = server names, all at 1.0.0) and the slot backend {@code
 * web_canary} (s1..s4 in MAINT), the pool's percentage and segment route, a deployer's instances,
 * and a scripted metrics provider {@code prom}. Tests assert the END STATE (versions, weights, who
 * runs) and the order of the changes in {@link #calls}. Activities run on worker threads, hence the
 * synchronized model.
 */
final class FakeCanaryWorld {
  static final String ROUTER = "edge";
  static final String POOL = "web";
  static final String STABLE = "web";
  static final String CANARY = "web_canary";
  static final String PROM = "prom";
  static final CanaryTarget TARGET = new CanaryTarget(ROUTER, STABLE, POOL, "local", null, PROM);

  final SwitchActivities pool = mock(SwitchActivities.class, withSettings().withoutAnnotations());
  final TrafficActivities traffic = mock(TrafficActivities.class, withSettings().withoutAnnotations());
  final DeployActivities deploy = mock(DeployActivities.class, withSettings().withoutAnnotations());
  final HealthActivities health = mock(HealthActivities.class, withSettings().withoutAnnotations());
  final ConfigActivities config = mock(ConfigActivities.class, withSettings().withoutAnnotations());
  final GateActivities gate = mock(GateActivities.class, withSettings().withoutAnnotations());
  final MetricsActivities metrics = mock(MetricsActivities.class, withSettings().withoutAnnotations());

  /** Every change and every metrics call, in order: "pct 20", "segments beta", "query ...". */
  final List<String> calls = new CopyOnWriteArrayList<>();

  /** Violations checkCanaryTarget reports. */
  final List<Violation> unknownNames = new CopyOnWriteArrayList<>();

  /** "name@version" pairs whose health check never passes. */
  final Set<String> unhealthy = ConcurrentHashMap.newKeySet();

  /** Answers an instant query (the rendered text); the default says every metric is 0. */
  volatile Function<String, MetricValue> query = q -> MetricValue.ok(0);

  /** Answers a range query; the default is the same ten values on every side. */
  volatile Function<String, MetricSeries> range = q -> series(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

  private final Map<String, ServerInfo> stable = new LinkedHashMap<>();
  private final Map<String, String> stableVersions = new LinkedHashMap<>();
  private final Map<String, ServerInfo> slots = new LinkedHashMap<>();
  private final Map<String, String> running = new LinkedHashMap<>();
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private int percent;
  private SegmentRoute segments = SegmentRoute.none();
  private int nextPort = 9101;

  FakeCanaryWorld() {
    for (int i = 1; i <= 4; i++) {
      String name = "web-" + i;
      stable.put(name, new ServerInfo(name, "10.0.0." + i + ":8080", ServerState.READY, 1, 0, "UP"));
      stableVersions.put(name, "1.0.0");
      slots.put("s" + i, new ServerInfo("s" + i, "", ServerState.MAINT, 1, 0, "MAINT"));
    }
    doAnswer(inv -> state(inv.getArgument(0), inv.getArgument(1)))
        .when(pool)
        .poolState(anyString(), anyString());
    doAnswer(inv -> setPercent(inv.getArgument(2)))
        .when(pool)
        .setCandidatePercent(anyString(), anyString(), anyInt());
    doAnswer(inv -> setSegments(inv.getArgument(2)))
        .when(pool)
        .setSegments(anyString(), anyString(), any(SegmentRoute.class));
    doAnswer(inv -> assign(inv.getArgument(1), inv.getArgument(2), inv.getArgument(3)))
        .when(pool)
        .assignSlot(anyString(), anyString(), anyString(), anyString());
    doAnswer(inv -> listStable()).when(traffic).listServers(anyString(), anyString());
    doAnswer(inv -> setState(inv.getArgument(2), inv.getArgument(3)))
        .when(traffic)
        .setServerState(anyString(), anyString(), anyString(), any(ServerState.class));
    doAnswer(inv -> stableServer(inv.getArgument(2)))
        .when(traffic)
        .setServerWeight(anyString(), anyString(), anyString(), anyInt());
    doAnswer(inv -> 0).when(traffic).awaitDrained(anyString(), anyString(), anyString(), anyLong());
    doAnswer(inv -> versionOf(inv.getArgument(1)))
        .when(deploy)
        .currentVersion(anyString(), anyString(), anyString());
    doAnswer(inv -> deployStable(inv.getArgument(1), inv.getArgument(3)))
        .when(deploy)
        .deploy(anyString(), anyString(), anyString(), anyString());
    doAnswer(inv -> provision(inv.getArgument(1), inv.getArgument(2)))
        .when(deploy)
        .provision(anyString(), anyString(), anyString());
    doAnswer(inv -> decommission(inv.getArgument(1)))
        .when(deploy)
        .decommission(anyString(), anyString());
    doAnswer(inv -> probe(inv.getArgument(0))).when(health).awaitHealthy(any(HealthProbe.class));
    doAnswer(inv -> List.copyOf(unknownNames)).when(config).checkCanaryTarget(any(CanaryTarget.class));
    doAnswer(inv -> List.of()).when(config).checkTarget(any(TargetRef.class));
    doAnswer(inv -> new ResolvedApprovers(List.copyOf((List<String>) inv.getArgument(0)), List.of()))
        .when(gate)
        .resolveApprovers(anyList(), anyList());
    doAnswer(inv -> new VerifiedIdentity(false, "", "no attestations here"))
        .when(gate)
        .verifyAttestation(anyString(), anyString(), anyString());
    doAnswer(inv -> providerKnown(inv.getArgument(0))).when(metrics).isOnline(anyString());
    doAnswer(
            inv -> {
              providerKnown(inv.getArgument(0));
              calls.add("query " + inv.getArgument(1));
              return query.apply(inv.getArgument(1));
            })
        .when(metrics)
        .query(anyString(), anyString());
    doAnswer(
            inv -> {
              providerKnown(inv.getArgument(0));
              calls.add("range " + inv.getArgument(1));
              return range.apply(inv.getArgument(1));
            })
        .when(metrics)
        .queryRange(anyString(), anyString(), anyInt(), anyInt());
  }

  static MetricSeries series(double... values) {
    List<Double> v = new ArrayList<>();
    for (double d : values) {
      v.add(d);
    }
    return new MetricSeries(io.bellwether.contracts.metrics.MetricStatus.OK, v, 0, null);
  }

  /** True for a query about the canary instances (rendered with the canary side). */
  static boolean aboutCanary(String renderedQuery) {
    return renderedQuery.contains("web-web_canary-s1");
  }

  synchronized int percent() {
    return percent;
  }

  synchronized SegmentRoute segments() {
    return segments;
  }

  /** name -> version of every instance the deployer runs (stable ones and added ones). */
  synchronized Map<String, String> running() {
    Map<String, String> out = new LinkedHashMap<>(stableVersions);
    out.putAll(running);
    return out;
  }

  /** The canary backend's slots that hold an instance. */
  synchronized List<String> filledSlots() {
    return slots.values().stream().filter(s -> s.state() != ServerState.MAINT).map(ServerInfo::name).toList();
  }

  List<String> callsStartingWith(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  int firstIndexOf(String prefix) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private boolean providerKnown(String provider) {
    if (!PROM.equals(provider)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no metrics provider named '" + provider + "'", FailureTypes.UNKNOWN_TARGET);
    }
    return true;
  }

  private synchronized PoolState state(String router, String poolName) {
    if (!ROUTER.equals(router) || !POOL.equals(poolName)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no pool '" + poolName + "' in router '" + router + "'", FailureTypes.UNKNOWN_TARGET);
    }
    return new PoolState(
        POOL,
        STABLE,
        CANARY,
        percent,
        false,
        Map.of(STABLE, List.copyOf(stable.values()), CANARY, List.copyOf(slots.values())));
  }

  private synchronized PoolState setPercent(int p) {
    calls.add("pct " + p);
    percent = p;
    return state(ROUTER, POOL);
  }

  private synchronized PoolState setSegments(SegmentRoute r) {
    calls.add("segments " + (r.isEmpty() ? "none" : String.join(",", r.headerValues())));
    segments = r;
    return state(ROUTER, POOL);
  }

  private synchronized ServerInfo assign(String backend, String slot, String address) {
    calls.add("assign " + backend + "/" + slot + " " + (address.isEmpty() ? "-" : address));
    ServerInfo s =
        new ServerInfo(
            slot,
            address,
            address.isEmpty() ? ServerState.MAINT : ServerState.READY,
            1,
            0,
            address.isEmpty() ? "MAINT" : "UP");
    slots.put(slot, s);
    return s;
  }

  private synchronized List<ServerInfo> listStable() {
    return List.copyOf(stable.values());
  }

  private synchronized ServerInfo stableServer(String name) {
    return stable.get(name);
  }

  private synchronized ServerInfo setState(String name, ServerState state) {
    calls.add(name + " " + state);
    ServerInfo s = stable.get(name);
    ServerInfo n = new ServerInfo(name, s.address(), state, s.weight(), 0, state == ServerState.READY ? "UP" : state.name());
    stable.put(name, n);
    return n;
  }

  private synchronized String versionOf(String name) {
    if (stableVersions.containsKey(name)) {
      return stableVersions.get(name);
    }
    return running.getOrDefault(name, "");
  }

  private synchronized DeployResult deployStable(String name, String version) {
    calls.add("deploy " + name + " " + version);
    boolean changed = !version.equals(stableVersions.get(name));
    stableVersions.put(name, version);
    return new DeployResult(true, 0, "", changed);
  }

  private synchronized ProvisionResult provision(String name, String version) {
    calls.add("provision " + name + " " + version);
    running.put(name, version);
    String address = addresses.computeIfAbsent(name, n -> "127.0.0.1:" + nextPort++);
    return new ProvisionResult(true, address, "", true);
  }

  private synchronized DeployResult decommission(String name) {
    calls.add("decommission " + name);
    boolean changed = running.remove(name) != null;
    return new DeployResult(true, 0, "", changed);
  }

  private synchronized ProbeResult probe(HealthProbe probe) {
    String name = null;
    String version = null;
    for (var e : stable.entrySet()) {
      if (e.getValue().address().equals(probe.address())) {
        name = e.getKey();
        version = stableVersions.get(name);
      }
    }
    for (var e : addresses.entrySet()) {
      if (e.getValue().equals(probe.address()) && running.containsKey(e.getKey())) {
        name = e.getKey();
        version = running.get(name);
      }
    }
    boolean up = name != null && !unhealthy.contains(name + "@" + version);
    return new ProbeResult(up, probe.successThreshold(), up ? probe.successThreshold() : 0, up ? 200 : 503, up ? "" : "HTTP 503");
  }
}
