package io.bellwether.activities.chaos;

import static io.bellwether.activities.chaos.FaultTesting.BACKEND;
import static io.bellwether.activities.chaos.FaultTesting.ROUTER;
import static io.bellwether.activities.chaos.FaultTesting.request;
import static io.bellwether.activities.chaos.FaultTesting.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.demo.DemoApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against real demo-app processes, started detached through a {@link ProcessDeployer}, behind a
 * real HAProxy that health-checks them ({@code GET /health} every 500 ms, fall 3, rise 2). The
 * fault kills {@code web-2} of three.
 */
class ProcessKillInjectorTest {
  private static final String INJECTOR = "web-kill";
  private static final String VERSION = "2.0.0";

  @TempDir Path dir;

  private Path instancesDir;
  private Path killsDir;
  private DeployerConfig deployerConfig;
  private ProcessDeployer deployer;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private HaproxyLauncher haproxy;
  private HaproxyRouter router;
  private FaultInjector injector;

  @BeforeEach
  void start() throws Exception {
    instancesDir = dir.resolve("instances");
    killsDir = dir.resolve("kills");
    deployerConfig =
        new DeployerConfig("process", demoAppCommand(), null, instancesDir.toString(), Duration.ofSeconds(30));
    deployer = new ProcessDeployer(deployerConfig);
    try {
      for (int i = 1; i <= 3; i++) {
        String address = "127.0.0.1:" + HaproxyLauncher.freePort();
        DeployResult r = deployer.deploy("web-" + i, address, VERSION, () -> {});
        assertTrue(r.ok(), r.output());
        addresses.put("web-" + i, address);
      }
      haproxy =
          HaproxyLauncher.start(
              dir.resolve("haproxy"),
              HaproxyLauncher.freePort(),
              BACKEND,
              addresses,
              new HaproxyLauncher.Options(false, Map.of(), true));
      router = new HaproxyRouter(new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)));
      awaitStatus("web-2", "UP", Duration.ofSeconds(10));
      injector = fromConfig();
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  @AfterEach
  void stop() {
    if (haproxy != null) haproxy.close();
    ProcessDeployer.stopAll(instancesDir);
  }

  /** demo-app on the test class path, as its own JVM (the class path names demo-app's jar too). */
  static List<String> demoAppCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(
        java,
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        System.getProperty("java.class.path"),
        DemoApp.class.getName(),
        "--port",
        "{port}",
        "--version",
        "{version}",
        "--instance",
        "{instance}");
  }

  /** A new injector from configuration, as a restarted worker builds it. */
  private FaultInjector fromConfig() {
    return FaultInjectors.create(
        INJECTOR,
        new FaultInjectorConfig(
            ProcessKillInjector.TYPE, ROUTER, null, null, "local", null, null, null, null, killsDir.toString(), null),
        Map.of(ROUTER, haproxy.routerConfig()),
        Map.of("local", deployerConfig));
  }

  private static FaultRequest kill(String id, String... servers) {
    List<FaultTarget> targets = new ArrayList<>();
    for (String s : servers) {
      targets.add(target(s, null));
    }
    return request(id, INJECTOR, targets, Map.of());
  }

  @Test
  void killsTheProcessHaproxySeesItDownAndRestoreBringsItBackThreeTimes() throws Exception {
    FaultRequest fault = kill("chaos-web-kill-1/f1", "web-2");
    String address = addresses.get("web-2");
    int cycles = 0;
    List<Long> downMillis = new ArrayList<>();
    List<Long> restoreMillis = new ArrayList<>();
    for (int cycle = 1; cycle <= 3; cycle++) {
      long pid = pidOf("web-2");
      long killedAt = System.nanoTime();
      FaultState injected = injector.inject(fault);
      assertTrue(injected.active(), injected.detail());
      assertEquals(List.of("web-2"), injected.affected());
      assertTrue(gone(pid), "cycle " + cycle + ": the process is gone");
      assertEquals(null, version(address), "nothing answers at " + address);
      awaitStatus("web-2", "DOWN", Duration.ofSeconds(10));
      downMillis.add((System.nanoTime() - killedAt) / 1_000_000);
      assertEquals(ServerState.READY, server("web-2").state(), "the kill does not touch the admin state");
      Map<String, Integer> during = tally(12);
      assertEquals(List.of("web-1", "web-3"), List.copyOf(during.keySet()), "cycle " + cycle + ": only the others serve");
      assertEquals(List.of("web-2"), injector.probe(fault).affected());

      long restoring = System.nanoTime();
      FaultState restored = injector.restore(fault);
      restoreMillis.add((System.nanoTime() - restoring) / 1_000_000);
      assertFalse(restored.active(), restored.detail());
      assertEquals(VERSION, version(address), "cycle " + cycle + ": the same address, the same version");
      assertNotEquals(pid, pidOf("web-2"), "a new process");
      ServerInfo back = server("web-2");
      assertEquals(ServerState.READY, back.state());
      assertTrue(back.status().startsWith("UP"), "restore waited for HAProxy: " + back + "; " + restored.detail());
      Map<String, Integer> after = tally(12);
      assertEquals(List.of("web-1", "web-2", "web-3"), List.copyOf(after.keySet()), "cycle " + cycle + " restored: " + after);
      assertFalse(injector.probe(fault).active());
      assertEquals(0, leftBehind(), "cycle " + cycle);
      cycles++;
      System.out.println("PROCESS-KILL cycle " + cycle + ": " + restored.detail());
    }
    System.out.println(
        "PROCESS-KILL HAProxy DOWN after kill (check inter 500ms, fall 3): " + downMillis
            + " ms; restore (restart until /version answers, READY, HAProxy UP): " + restoreMillis + " ms");
    report("killsTheProcessHaproxySeesItDownAndRestoreBringsItBackThreeTimes", cycles);
  }

  @Test
  void injectAndRestoreAreIdempotentAndARestartedInjectorRestores() throws Exception {
    FaultRequest fault = kill("chaos-web-kill-2/f1", "web-2");
    FaultRequest never = kill("chaos-never/f9", "web-2");
    assertFalse(injector.restore(never).active(), "restoring a fault never injected is fine");
    assertFalse(injector.probe(never).active());

    injector.inject(fault);
    FaultState again = injector.inject(fault);
    assertTrue(again.active());
    assertTrue(again.detail().startsWith("nothing left to kill"), again.detail());
    Path record = killsDir.resolve(FaultFiles.fileKey(fault.faultId()) + ".kill");
    assertTrue(
        Files.readString(record).contains("web-2\tweb/web-2\t" + addresses.get("web-2") + "\t" + VERSION + "\tREADY\trunning"),
        Files.readString(record));

    // Another fault may not take web-2; nothing changes then.
    assertThrows(FaultConflictException.class, () -> injector.inject(kill("chaos-other/f1", "web-3", "web-2")));
    assertTrue(deployer.isRunning("web-3"), "the conflict was found before anything was killed");
    assertFalse(injector.restore(never).active());
    assertTrue(injector.probe(fault).active(), "restoring another fault left this one alone");

    assertThrows(UnknownBackendException.class, () -> injector.inject(kill("chaos-bad/f1", "web-9")));
    assertThrows(
        InvalidFaultException.class,
        () -> injector.inject(request("chaos-bad/f2", INJECTOR, List.of(new FaultTarget("host", null, null, null, null)), Map.of())));
    assertThrows(InvalidFaultException.class, () -> injector.inject(kill("bad id;show info", "web-1")));

    // A new injector, as after a worker restart: the record on disk is all it has.
    FaultInjector fresh = fromConfig();
    assertTrue(fresh.probe(fault).active());
    AtomicInteger beats = new AtomicInteger();
    FaultState restored = fresh.restore(fault, beats::incrementAndGet);
    assertFalse(restored.active(), restored.detail());
    assertEquals(VERSION, version(addresses.get("web-2")));
    assertFalse(fresh.restore(fault).active(), "a second restore is fine");
    assertEquals("no instances killed by this fault", fresh.restore(fault).detail());
    assertEquals(0, leftBehind());
    System.out.println("PROCESS-KILL restart progress beats: " + beats.get() + "; " + restored.detail());
    report("injectAndRestoreAreIdempotentAndARestartedInjectorRestores", 1);
  }

  @Test
  void anInstanceFoundDownIsLeftAsFoundAndAServerInMaintenanceStaysThere() throws Exception {
    deployer.stop("web-3");
    router.setState(BACKEND, "web-1", ServerState.MAINT);
    FaultRequest fault = kill("chaos-web-kill-3/f1", "web-1", "web-3");
    FaultState injected = injector.inject(fault);
    assertEquals(List.of("web-1"), injected.affected(), injected.detail());
    assertFalse(deployer.isRunning("web-1"));
    FaultState restored = injector.restore(fault);
    assertTrue(restored.detail().contains("web-3 was not running before the fault"), restored.detail());
    assertTrue(deployer.isRunning("web-1"));
    assertFalse(deployer.isRunning("web-3"), "left down, as found");
    assertEquals(ServerState.MAINT, server("web-1").state(), "put back in maintenance, as found");
    assertEquals(0, FaultFiles.list(killsDir, ".kill").size());
    System.out.println(
        "FAULT-CYCLES " + ProcessKillInjector.TYPE + " 1 cycles, " + FaultFiles.list(killsDir, ".kill").size()
            + " left behind (anInstanceFoundDownIsLeftAsFoundAndAServerInMaintenanceStaysThere)");
  }

  @Test
  void throughStopAndStartCommands() throws Exception {
    // The commands work on the deployer's pid files, as a site's own scripts would on theirs.
    String cp = System.getProperty("java.class.path");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String pidFile = instancesDir + "/{instance}.pid";
    List<String> stop = List.of("sh", "-c", "kill -KILL $(cat " + pidFile + ")");
    List<String> start =
        List.of(
            "sh",
            "-c",
            "setsid " + java + " -Xshare:auto -XX:TieredStopAtLevel=1 -cp '" + cp + "' " + DemoApp.class.getName()
                + " --port {port} --version {version} --instance {instance}"
                + " >> " + instancesDir + "/{instance}.log 2>&1 < /dev/null & echo $! > " + pidFile);
    FaultInjector commands =
        FaultInjectors.create(
            "web-kill-commands",
            new FaultInjectorConfig(
                ProcessKillInjector.TYPE, ROUTER, null, null, null, stop, start, null, null, killsDir.toString(), null),
            Map.of(ROUTER, haproxy.routerConfig()),
            Map.of());
    FaultRequest fault = kill("chaos-web-kill-4/f1", "web-2");
    String address = addresses.get("web-2");
    int cycles = 0;
    for (int cycle = 1; cycle <= 2; cycle++) {
      FaultState injected = commands.inject(fault);
      assertEquals(List.of("web-2"), injected.affected(), injected.detail());
      assertEquals(null, version(address));
      awaitStatus("web-2", "DOWN", Duration.ofSeconds(10));
      FaultState restored = commands.restore(fault);
      assertFalse(restored.active(), restored.detail());
      assertEquals(VERSION, version(address), "started with {version} as GET /version answered it");
      assertTrue(server("web-2").status().startsWith("UP"), restored.detail());
      assertEquals(0, leftBehind());
      cycles++;
    }
    report("throughStopAndStartCommands", cycles);
  }

  private long pidOf(String instance) throws Exception {
    return Long.parseLong(Files.readString(instancesDir.resolve(instance + ".pid")).trim());
  }

  private static boolean gone(long pid) {
    return ProcessHandle.of(pid).map(h -> !h.isAlive() || isZombie(pid)).orElse(true);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (Exception e) {
      return true;
    }
  }

  private ServerInfo server(String name) {
    return router.servers(BACKEND).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private void awaitStatus(String server, String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!server(server).status().startsWith(prefix)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(server + " is " + server(server).status() + ", not " + prefix + " after " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /** The body of {@code GET /version} at the address, or null when nothing answers. */
  private static String version(String address) {
    try {
      HttpResponse<String> r =
          FaultTesting.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://" + address + "/version"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body().trim() : "HTTP " + r.statusCode();
    } catch (Exception e) {
      return null;
    }
  }

  /** Instance to answers over {@code n} GETs through HAProxy; every one must be a 200. */
  private Map<String, Integer> tally(int n) throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r =
          FaultTesting.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      // "demo-app <instance> <version>"
      out.merge(r.body().strip().split(" ")[1], 1, Integer::sum);
    }
    return out;
  }

  /** Records left, plus instances not running, not READY or not UP at HAProxy. */
  private int leftBehind() {
    int n = FaultFiles.list(killsDir, ".kill").size();
    for (String instance : addresses.keySet()) {
      ServerInfo s = server(instance);
      if (version(addresses.get(instance)) == null || s.state() != ServerState.READY || !s.status().startsWith("UP")) {
        n++;
      }
    }
    return n;
  }

  private void report(String test, int cycles) {
    System.out.println(
        "FAULT-CYCLES " + ProcessKillInjector.TYPE + " " + cycles + " cycles, " + leftBehind()
            + " left behind (" + test + ")");
  }
}
