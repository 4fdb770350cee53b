package io.bellwether.activities.chaos;

import static io.bellwether.activities.chaos.FaultTesting.BACKEND;
import static io.bellwether.activities.chaos.FaultTesting.ROUTER;
import static io.bellwether.activities.chaos.FaultTesting.call;
import static io.bellwether.activities.chaos.FaultTesting.readMapFile;
import static io.bellwether.activities.chaos.FaultTesting.request;
import static io.bellwether.activities.chaos.FaultTesting.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.chaos.FaultTesting.Answer;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.haproxy.HaproxyStatParser;
import io.bellwether.activities.testing.EchoBackend;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real HAProxy, backend {@code web} of four echo servers: zone {@code a} is {@code
 * web-1}, {@code web-2}; zone {@code b} {@code web-3}, {@code web-4}. The fault cuts zone a.
 * Requests are POSTs, which HAProxy never retries, so a failed request shows.
 */
class HaproxyMaintenanceInjectorTest {
  private static final String INJECTOR = "edge-zone-cut";
  private static final Set<String> ZONE_A = Set.of("web-1", "web-2");

  @TempDir Path dir;

  private List<EchoBackend> echo;
  private HaproxyLauncher haproxy;
  private HaproxyRouter router;
  private FaultInjector injector;
  private Path recordFile;

  @BeforeEach
  void start() throws Exception {
    echo = FaultTesting.echoServers(4);
    haproxy =
        HaproxyLauncher.start(
            dir, HaproxyLauncher.freePort(), BACKEND, FaultTesting.servers(echo));
    router = new HaproxyRouter(new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)));
    recordFile = dir.resolve("faults-maintenance.map");
    injector =
        FaultInjectors.create(
            INJECTOR,
            new FaultInjectorConfig(
                HaproxyMaintenanceInjector.TYPE,
                ROUTER,
                recordFile.toString(),
                haproxy.serverStateFile().toString()),
            Map.of(ROUTER, haproxy.routerConfig()));
  }

  @AfterEach
  void stop() {
    if (haproxy != null) haproxy.close();
    echo.forEach(EchoBackend::close);
  }

  private static FaultRequest zoneCut(String id) {
    return request(id, INJECTOR, List.of(target("web-1", "a"), target("web-2", "a")), Map.of());
  }

  @Test
  void cutsTheZoneUnderLoadAndPutsBackWhatWasThereThreeTimes() throws Exception {
    // web-2 was draining before the experiment: it must come back draining, not READY.
    router.setState(BACKEND, "web-2", ServerState.DRAIN);
    Map<String, ServerState> before = states();
    FaultRequest fault = zoneCut("chaos-zone-a-1/f1");
    int cycles = 0;
    try (Load load = new Load(haproxy, 4)) {
      load.await("warm-up", 40);
      for (int cycle = 1; cycle <= 3; cycle++) {
        load.phase("injecting");
        FaultState cut = injector.inject(fault);
        assertTrue(cut.active());
        assertEquals(List.of("web-1", "web-2"), cut.affected());
        assertEquals(ServerState.MAINT, states().get("web-1"));
        assertEquals(ServerState.MAINT, states().get("web-2"));
        assertEquals(
            Map.of("web/web-1", "READY," + fault.faultId(), "web/web-2", "DRAIN," + fault.faultId()),
            readMapFile(recordFile));
        assertEquals(Set.of("web-1", "web-2"), maintInStateFile());

        Map<String, Integer> during = load.await("cut-" + cycle, 60);
        for (String zoneA : ZONE_A) {
          assertEquals(0, during.getOrDefault(zoneA, 0), "cycle " + cycle + " during the cut: " + during);
        }
        assertTrue(during.getOrDefault("web-3", 0) > 0 && during.getOrDefault("web-4", 0) > 0, "" + during);
        assertEquals(List.of("web-1", "web-2"), injector.probe(fault).affected());

        load.phase("restoring");
        FaultState restored = injector.restore(fault);
        assertFalse(restored.active());
        assertEquals(before, states(), "cycle " + cycle + ": put back as found");
        Map<String, Integer> after = load.await("open-" + cycle, 60);
        assertTrue(after.getOrDefault("web-1", 0) > 0, "web-1 takes traffic again: " + after);
        assertEquals(0, after.getOrDefault("web-2", 0), "web-2 is still draining: " + after);
        assertFalse(injector.probe(fault).active());
        assertEquals(0, leftBehind(before), "cycle " + cycle);
        cycles++;
      }
      load.phase("done");
      System.out.println("ZONE-CUT load: " + load.summary());
      assertEquals(0, load.failed(), "failed requests: " + load.failures());
    }
    report("cutsTheZoneUnderLoadAndPutsBackWhatWasThereThreeTimes", cycles, before);
  }

  @Test
  void aServerFoundInMaintenanceStaysThere() throws Exception {
    router.setState(BACKEND, "web-2", ServerState.DRAIN);
    router.setState(BACKEND, "web-3", ServerState.MAINT);
    Map<String, ServerState> before = states();
    FaultRequest fault =
        request(
            "chaos-zone-x/f1",
            INJECTOR,
            List.of(target("web-1", "a"), target("web-2", "a"), target("web-3", "b")),
            Map.of());
    assertEquals(List.of("web-1", "web-2", "web-3"), injector.inject(fault).affected());
    injector.restore(fault);
    assertEquals(ServerState.READY, states().get("web-1"));
    assertEquals(ServerState.DRAIN, states().get("web-2"));
    assertEquals(ServerState.MAINT, states().get("web-3"));
    assertEquals(0, leftBehind(before));
    report("aServerFoundInMaintenanceStaysThere", 1, before);
  }

  @Test
  void injectAndRestoreAreIdempotent() throws Exception {
    Map<String, ServerState> before = states();
    FaultRequest fault = zoneCut("chaos-zone-a-2/f1");
    FaultRequest never = zoneCut("chaos-never/f9");
    FaultState nothing = injector.restore(never);
    assertFalse(nothing.active());
    assertEquals(before, states(), "restoring a fault never injected changes nothing");

    injector.inject(fault);
    FaultState again = injector.inject(fault);
    assertTrue(again.active());
    assertEquals(
        "READY," + fault.faultId(),
        readMapFile(recordFile).get("web/web-1"),
        "the second inject kept the state found by the first, not the MAINT it made");

    // Another fault may not cut a server this one holds; nothing changes then.
    FaultRequest other =
        request("chaos-zone-b/f1", INJECTOR, List.of(target("web-3", "b"), target("web-2", "a")), Map.of());
    assertThrows(FaultConflictException.class, () -> injector.inject(other));
    assertEquals(ServerState.READY, states().get("web-3"));
    assertFalse(injector.restore(never).active());
    assertTrue(injector.probe(fault).active(), "restoring another fault left this one alone");

    assertFalse(injector.restore(fault).active());
    assertFalse(injector.restore(fault).active(), "a second restore is fine");
    assertEquals(before, states());
    assertThrows(
        InvalidFaultException.class,
        () -> injector.inject(request("chaos-empty/f1", INJECTOR, List.of(), Map.of())));
    assertEquals(0, leftBehind(before));
    report("injectAndRestoreAreIdempotent", 1, before);
  }

  @Test
  void aRestartKeepsTheCutAndARestoreAfterItClearsIt() throws Exception {
    Map<String, ServerState> before = states();
    FaultRequest fault = zoneCut("chaos-zone-a-3/f1");
    injector.inject(fault);
    haproxy.restart();
    assertEquals(ServerState.MAINT, states().get("web-1"), "HAProxy loaded the cut from the state file");
    assertEquals(ServerState.MAINT, states().get("web-2"));
    assertTrue(injector.probe(fault).active());
    Map<String, Integer> served = tally(20);
    assertEquals(Set.of("web-3", "web-4"), served.keySet(), "" + served);

    // A new injector, as after a worker restart: the record on disk is all it has.
    FaultInjector fresh =
        new HaproxyMaintenanceInjector(
            ROUTER,
            new HaproxyRuntimeApi(haproxy.runtimeApi(), null),
            recordFile.toString(),
            haproxy.serverStateFile().toString());
    fresh.restore(fault);
    haproxy.restart();
    assertEquals(before, states(), "the restore is in the state file");
    assertEquals(Set.of("web-1", "web-2", "web-3", "web-4"), tally(20).keySet());
    assertFalse(fresh.probe(fault).active());
    assertEquals(0, leftBehind(before));
    report("aRestartKeepsTheCutAndARestoreAfterItClearsIt", 1, before);
  }

  private Map<String, ServerState> states() {
    Map<String, ServerState> out = new TreeMap<>();
    for (ServerInfo s : router.servers(BACKEND)) {
      out.put(s.name(), s.state());
    }
    return out;
  }

  /** Servers the saved server-state file has in maintenance (forced MAINT, admin bit 0x01). */
  private Set<String> maintInStateFile() throws Exception {
    Set<String> out = new java.util.TreeSet<>();
    for (Map<String, String> row :
        HaproxyStatParser.parseServersState(Files.readString(haproxy.serverStateFile()))) {
      if ((Integer.parseInt(row.get("srv_admin_state")) & 0x01) != 0) {
        out.add(row.get("srv_name"));
      }
    }
    return out;
  }

  /** Record entries, plus servers not in the state found, plus cut servers in the state file. */
  private int leftBehind(Map<String, ServerState> before) throws Exception {
    int n = readMapFile(recordFile).size();
    Map<String, ServerState> now = states();
    for (String s : before.keySet()) {
      if (before.get(s) != now.get(s)) {
        n++;
      }
    }
    Set<String> maintBefore = new java.util.TreeSet<>();
    before.forEach((s, st) -> {
      if (st == ServerState.MAINT) maintBefore.add(s);
    });
    if (Files.exists(haproxy.serverStateFile()) && !maintInStateFile().equals(maintBefore)) {
      n++;
    }
    return n;
  }

  private Map<String, Integer> tally(int n) throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      Answer a = call(haproxy, true);
      assertEquals(200, a.status());
      out.merge(a.server(), 1, Integer::sum);
    }
    return out;
  }

  private void report(String test, int cycles, Map<String, ServerState> before) throws Exception {
    System.out.println(
        "FAULT-CYCLES " + HaproxyMaintenanceInjector.TYPE + " " + cycles + " cycles, "
            + leftBehind(before) + " left behind (" + test + ")");
  }

  /**
   * POSTs from {@code threads} threads without pause, each tallied under the phase in force when it
   * was sent; a failure is anything but a 200 from a server.
   */
  private static final class Load implements AutoCloseable {
    private final AtomicReference<String> phase = new AtomicReference<>("start");
    private final Map<String, Map<String, Integer>> byPhase = new ConcurrentHashMap<>();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger(1);
    private final List<Thread> threads = new ArrayList<>();

    Load(HaproxyLauncher haproxy, int count) {
      for (int i = 0; i < count; i++) {
        Thread t =
            new Thread(
                () -> {
                  while (running.get() == 1) {
                    String p = phase.get();
                    sent.incrementAndGet();
                    try {
                      Answer a = call(haproxy, true);
                      if (a.status() != 200) {
                        failures.add(p + ": HTTP " + a.status());
                      } else {
                        byPhase
                            .computeIfAbsent(p, k -> new ConcurrentHashMap<>())
                            .merge(a.server(), 1, Integer::sum);
                      }
                    } catch (Exception e) {
                      failures.add(p + ": " + e);
                    }
                  }
                },
                "zone-cut-load-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    void phase(String name) {
      phase.set(name);
    }

    /** Switches to phase {@code name} and waits until {@code answers} requests of it came back. */
    Map<String, Integer> await(String name, int answers) throws InterruptedException {
      phase.set(name);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (count(name) < answers) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("load got " + count(name) + " answers in phase " + name);
        }
        Thread.sleep(5);
      }
      return new TreeMap<>(byPhase.get(name));
    }

    private int count(String name) {
      return byPhase.getOrDefault(name, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
    }

    int failed() {
      return failures.size();
    }

    List<String> failures() {
      return failures;
    }

    String summary() {
      Map<String, Map<String, Integer>> sorted = new LinkedHashMap<>();
      new TreeMap<>(byPhase).forEach((k, v) -> sorted.put(k, new TreeMap<>(v)));
      return sent.get() + " POSTs sent, " + failures.size() + " failed; by phase " + sorted;
    }

    @Override
    public void close() throws InterruptedException {
      running.set(0);
      for (Thread t : threads) {
        t.join(5000);
      }
    }
  }
}
