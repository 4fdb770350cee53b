package io.bellwether.workflows;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
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
import io.bellwether.contracts.activities.ProvisionResult;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.activities.TrafficActivities;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.gate.ResolvedApprovers;
import io.bellwether.contracts.gate.VerifiedIdentity;
import io.bellwether.contracts.spec.TargetRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The part of the world every run that adds instances beside a stable backend sees (a canary, an
 * A/B test, and the rolling child that promotes them), as Mockito mocks backed by one small model:
 * router {@code edge} with the stable backend {@code web} (servers web-1..4, instance names = server
 * names, all at 1.0.0) and slot backends of MAINT slots s1..sN, a deployer's instances, health
 * checks that pass unless told otherwise, and gates that know every approver. Tests assert the END
 * STATE and the order of changes in {@link #calls}. Activities run on worker threads, hence the
 * synchronized model.
 *
 * <p>{@link #pool} answers {@code assignSlot} only and {@link #config} {@code checkTarget} only; a
 * world adds the answers of its own kind on the same mocks.
 */
public final class FakeFleet {
  public static final String ROUTER = "edge";
  public static final String STABLE = "web";

  public final SwitchActivities pool = mock(SwitchActivities.class, withSettings().withoutAnnotations());
  public final TrafficActivities traffic = mock(TrafficActivities.class, withSettings().withoutAnnotations());
  public final DeployActivities deploy = mock(DeployActivities.class, withSettings().withoutAnnotations());
  public final HealthActivities health = mock(HealthActivities.class, withSettings().withoutAnnotations());
  public final ConfigActivities config = mock(ConfigActivities.class, withSettings().withoutAnnotations());
  public final GateActivities gate = mock(GateActivities.class, withSettings().withoutAnnotations());

  /** Every change, in order: "assign b/s1 127.0.0.1:9101", "provision x 2.0.0", "web-1 DRAIN", ... */
  public final List<String> calls = new CopyOnWriteArrayList<>();

  /** "name@version" pairs whose health check never passes. */
  public final Set<String> unhealthy = ConcurrentHashMap.newKeySet();

  /** "name@version" pairs whose provision fails (ok=false). */
  public final Set<String> failingProvision = ConcurrentHashMap.newKeySet();

  /** Instance names whose decommission fails (ok=false). */
  public final Set<String> failingDecommission = ConcurrentHashMap.newKeySet();

  private final Map<String, ServerInfo> stable = new LinkedHashMap<>();
  private final Map<String, String> stableVersions = new LinkedHashMap<>();
  private final Map<String, Map<String, ServerInfo>> slots = new LinkedHashMap<>();
  private final Map<String, String> running = new LinkedHashMap<>();
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private int nextPort = 9101;

  /** The stable backend of four servers and {@code slotsEach} empty slots in each slot backend. */
  public FakeFleet(List<String> slotBackends, int slotsEach) {
    for (int i = 1; i <= 4; i++) {
      String name = "web-" + i;
      stable.put(name, new ServerInfo(name, "10.0.0." + i + ":8080", ServerState.READY, 1, 0, "UP"));
      stableVersions.put(name, "1.0.0");
    }
    for (String b : slotBackends) {
      Map<String, ServerInfo> s = new LinkedHashMap<>();
      for (int i = 1; i <= slotsEach; i++) {
        s.put("s" + i, new ServerInfo("s" + i, "", ServerState.MAINT, 1, 0, "MAINT"));
      }
      slots.put(b, s);
    }
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
    doAnswer(inv -> List.of()).when(config).checkTarget(any(TargetRef.class));
    doAnswer(inv -> new ResolvedApprovers(List.copyOf((List<String>) inv.getArgument(0)), List.of()))
        .when(gate)
        .resolveApprovers(anyList(), anyList());
    doAnswer(inv -> new VerifiedIdentity(false, "", "no attestations here"))
        .when(gate)
        .verifyAttestation(anyString(), anyString(), anyString());
  }

  /** The stable backend's servers as the router has them. */
  public synchronized List<ServerInfo> stableServers() {
    return List.copyOf(stable.values());
  }

  /** The slots of {@code backend} as the router has them. */
  public synchronized List<ServerInfo> slots(String backend) {
    return List.copyOf(slots.get(backend).values());
  }

  /** name -> version of every instance the deployer runs (stable ones and added ones). */
  public synchronized Map<String, String> running() {
    Map<String, String> out = new LinkedHashMap<>(stableVersions);
    out.putAll(running);
    return out;
  }

  /** The slots of {@code backend} that hold an instance. */
  public synchronized List<String> filledSlots(String backend) {
    return slots.get(backend).values().stream()
        .filter(s -> s.state() != ServerState.MAINT)
        .map(ServerInfo::name)
        .toList();
  }

  public List<String> callsStartingWith(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  public int firstIndexOf(String prefix) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
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
    slots.get(backend).put(slot, s);
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
    ServerInfo n =
        new ServerInfo(
            name, s.address(), state, s.weight(), 0, state == ServerState.READY ? "UP" : state.name());
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
    if (failingProvision.contains(name + "@" + version)) {
      return new ProvisionResult(false, "", "exit 1: no such version " + version, false);
    }
    running.put(name, version);
    String address = addresses.computeIfAbsent(name, n -> "127.0.0.1:" + nextPort++);
    return new ProvisionResult(true, address, "", true);
  }

  private synchronized DeployResult decommission(String name) {
    calls.add("decommission " + name);
    if (failingDecommission.contains(name)) {
      return new DeployResult(false, 1, "permission denied", false);
    }
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
    return new ProbeResult(
        up, probe.successThreshold(), up ? probe.successThreshold() : 0, up ? 200 : 503, up ? "" : "HTTP 503");
  }
}
