package io.bellwether.activities.chaos;

import static io.bellwether.activities.chaos.FaultTesting.BACKEND;
import static io.bellwether.activities.chaos.FaultTesting.HTTP;
import static io.bellwether.activities.chaos.FaultTesting.ROUTER;
import static io.bellwether.activities.chaos.FaultTesting.request;
import static io.bellwether.activities.chaos.FaultTesting.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against real processes: two demo-app instances started with {@code --chaos-monkey} (Spring Boot
 * with Chaos Monkey for Spring Boot, from the runnable jar {@code demo-app/target/demo-app.jar}),
 * backend {@code web} of a real HAProxy in round robin. The faults go to {@code web-2} or {@code
 * web-1}; every test leaves both instances with Chaos Monkey disabled and no record behind, which
 * {@link #nothingLeftBehind} checks after each one.
 *
 * <p>The instances take seconds to start, so they are started once for the class; they are stopped
 * by PID after the last test, also when a test or the start fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosMonkeyInjectorTest {
  private static final String INJECTOR = "web-chaos-monkey";
  // A delayed answer takes at least DELAY (the assault sleeps it), so "< DELAY" tells an undelayed
  // one exactly; the margin absorbs a busy machine.
  private static final int DELAY = 600;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private final Map<String, Process> instances = new LinkedHashMap<>();
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private HaproxyLauncher haproxy;
  private HaproxyRuntimeApi api;
  private Path workDir;
  private ChaosMonkeyInjector injector;
  private int cycles;
  private int leftBehindTotal;

  @BeforeAll
  void startInstancesAndHaproxy() throws Exception {
    Path jar = demoAppJar();
    for (String name : List.of("web-1", "web-2")) {
      int port = HaproxyLauncher.freePort();
      addresses.put(name, "127.0.0.1:" + port);
      Path log = dir.resolve(name + ".log");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-Xmx160m",
                  "-jar",
                  jar.toString(),
                  "--port",
                  Integer.toString(port),
                  "--version",
                  "2.0.0",
                  "--instance",
                  name,
                  "--chaos-monkey")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      instances.put(name, p);
    }
    // Started side by side; each prints its start line once Spring serves.
    for (String name : instances.keySet()) {
      awaitStartLine(name, instances.get(name), dir.resolve(name + ".log"), Duration.ofSeconds(90));
    }
    haproxy =
        HaproxyLauncher.start(
            dir.resolve("haproxy"), HaproxyLauncher.freePort(), BACKEND, addresses);
    api = new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2));
  }

  @AfterAll
  void stopEverything() {
    if (haproxy != null) {
      haproxy.close();
    }
    for (Process p : instances.values()) {
      p.destroyForcibly();
    }
    for (Process p : instances.values()) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    System.out.println(
        "FAULT-CYCLES "
            + ChaosMonkeyInjector.TYPE
            + " "
            + cycles
            + " cycles, "
            + leftBehindTotal
            + " left behind (all tests)");
  }

  @BeforeEach
  void newInjector(TestInfo test) throws Exception {
    workDir = dir.resolve("work-" + test.getTestMethod().orElseThrow().getName());
    injector = new ChaosMonkeyInjector(ROUTER, api, workDir);
  }

  @AfterEach
  void nothingLeftBehind(TestInfo test) throws Exception {
    int left = leftBehind();
    leftBehindTotal += left;
    if (left > 0) {
      // Cleaned by hand, so that one failure does not fail every later test.
      for (String name : instances.keySet()) {
        post(name, "/disable", null);
        post(name, "/assaults", "{\"latencyActive\":false,\"exceptionsActive\":false,\"level\":1}");
      }
    }
    assertEquals(0, left, test.getDisplayName() + " left something behind");
  }

  private static FaultRequest fault(String id, String server, Map<String, String> magnitude) {
    return request(id, INJECTOR, List.of(target(server, null)), magnitude);
  }

  private static FaultRequest latency(String id, String server, int ms) {
    return fault(id, server, Map.of(ChaosMonkeyInjector.LATENCY_MS, Integer.toString(ms)));
  }

  private static FaultRequest exceptions(String id, String server) {
    return fault(id, server, Map.of(ChaosMonkeyInjector.EXCEPTIONS, "true"));
  }

  @Test
  void latencySlowsOnlyTheTargetAndRestoresCompletelyThreeTimes() throws Exception {
    FaultRequest fault = latency("chaos-web-cm-1/f1", "web-2", DELAY);
    answers(4); // warm both instances' paths before timing them
    for (int cycle = 1; cycle <= 3; cycle++) {
      FaultState injected = injector.inject(fault);
      assertTrue(injected.active(), injected.detail());
      assertEquals(List.of("web-2"), injected.affected());
      assertEquals(List.of("web-2"), injector.probe(fault).affected());
      assertTrue(status("web-2").path("enabled").asBoolean());
      assertFalse(status("web-1").path("enabled").asBoolean(), "the other instance is left alone");

      List<Answer> during = answers(8);
      assertEquals(
          4, during.stream().filter(a -> a.server().equals("web-2")).count(), "round robin");
      for (Answer a : during) {
        assertEquals(200, a.status());
        if (a.server().equals("web-2")) {
          assertTrue(a.millis() >= DELAY, "cycle " + cycle + ": web-2 took " + a.millis() + " ms");
          assertTrue(
              a.millis() < 2 * DELAY, "cycle " + cycle + ": web-2 took " + a.millis() + " ms");
        } else {
          assertTrue(a.millis() < DELAY, "cycle " + cycle + ": " + a + " was delayed");
        }
      }
      // Health and version are not watched: a check on them passes during the assault.
      assertTrue(direct("web-2", "/health").millis() < DELAY);
      assertTrue(direct("web-2", "/version").millis() < DELAY);

      FaultState restored = injector.restore(fault);
      assertFalse(restored.active());
      assertEquals(List.of(), restored.affected());
      for (Answer a : answers(8)) {
        assertEquals(200, a.status());
        assertTrue(a.millis() < DELAY, "cycle " + cycle + " restored: " + a + " still delayed");
      }
      assertFalse(injector.probe(fault).active());
      assertEquals(0, leftBehind(), "cycle " + cycle);
      cycles++;
    }
    report("latencySlowsOnlyTheTargetAndRestoresCompletelyThreeTimes", 3);
  }

  @Test
  void exceptionsFailOnlyTheTargetAndRestoreCompletelyThreeTimes() throws Exception {
    FaultRequest fault = exceptions("chaos-web-cm-2/f1", "web-1");
    for (int cycle = 1; cycle <= 3; cycle++) {
      FaultState injected = injector.inject(fault);
      assertEquals(List.of("web-1"), injected.affected(), injected.detail());
      List<Answer> during = answers(8);
      for (Answer a : during) {
        if (a.server().equals("web-1")) {
          assertEquals(500, a.status(), "cycle " + cycle + ": " + a);
          assertTrue(a.body().contains(ChaosMonkeyInjector.MARK + fault.faultId()), a.body());
        } else {
          assertEquals(200, a.status(), "cycle " + cycle + ": " + a);
        }
      }
      assertEquals(4, during.stream().filter(a -> a.status() == 500).count(), "every web-1 answer");
      assertEquals(200, direct("web-1", "/health").status(), "health is not watched");

      assertFalse(injector.restore(fault).active());
      List<Answer> after = answers(8);
      assertEquals(
          0,
          after.stream().filter(a -> a.status() != 200).count(),
          "cycle " + cycle + ": " + after);
      assertEquals(4, after.stream().filter(a -> a.server().equals("web-1")).count());
      assertEquals(0, leftBehind(), "cycle " + cycle);
      cycles++;
    }
    report("exceptionsFailOnlyTheTargetAndRestoreCompletelyThreeTimes", 3);
  }

  @Test
  void theLevelAttacksEveryNthCall() throws Exception {
    FaultRequest fault =
        fault(
            "chaos-web-cm-3/f1",
            "web-2",
            Map.of(ChaosMonkeyInjector.EXCEPTIONS, "true", ChaosMonkeyInjector.LEVEL, "3"));
    injector.inject(fault);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      statuses.add(direct("web-2", "/").status());
    }
    assertEquals(3, statuses.stream().filter(s -> s == 500).count(), statuses.toString());
    assertEquals(6, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
    injector.restore(fault);
    cycles++;
    report("theLevelAttacksEveryNthCall", 1);
  }

  @Test
  void injectAndRestoreAreIdempotentAndRefuseWhatTheyCannotDo() throws Exception {
    FaultRequest fault = latency("chaos-web-cm-4/f1", "web-2", 200);
    FaultRequest never = latency("chaos-never/f9", "web-2", 200);
    assertFalse(injector.restore(never).active(), "restoring a fault never injected is fine");
    assertFalse(injector.probe(never).active());

    injector.inject(fault);
    FaultState again = injector.inject(fault);
    assertTrue(again.active());
    assertEquals(List.of("web-2"), again.affected());
    assertEquals(200, assaults("web-2").path("latencyRangeStart").asInt());

    // The same fault with a new magnitude replaces it; another fault may not take web-2.
    injector.inject(exceptions(fault.faultId(), "web-2"));
    JsonNode now = assaults("web-2");
    assertFalse(now.path("latencyActive").asBoolean());
    assertTrue(now.path("exceptionsActive").asBoolean());
    assertThrows(
        FaultConflictException.class,
        () -> injector.inject(latency("chaos-other/f1", "web-2", 100)));
    assertTrue(
        assaults("web-2").path("exceptionsActive").asBoolean(), "the conflict changed nothing");
    assertFalse(injector.restore(never).active());
    assertTrue(injector.probe(fault).active(), "restoring another fault left this one alone");

    List<Map<String, String>> bad =
        List.of(
            Map.of(),
            Map.of(ChaosMonkeyInjector.LATENCY_MS, "0"),
            Map.of(ChaosMonkeyInjector.LATENCY_MS, "60001"),
            Map.of(ChaosMonkeyInjector.LATENCY_MS, "abc"),
            Map.of(ChaosMonkeyInjector.EXCEPTIONS, "yes"),
            Map.of(ChaosMonkeyInjector.EXCEPTIONS, "false"),
            Map.of(ChaosMonkeyInjector.EXCEPTIONS, "true", ChaosMonkeyInjector.LEVEL, "0"),
            Map.of(ChaosMonkeyInjector.EXCEPTIONS, "true", ChaosMonkeyInjector.LEVEL, "10001"),
            Map.of("latency", "300"));
    for (Map<String, String> magnitude : bad) {
      assertThrows(
          InvalidFaultException.class,
          () -> injector.inject(fault("chaos-bad/f1", "web-1", magnitude)),
          magnitude.toString());
    }
    assertThrows(
        UnknownBackendException.class, () -> injector.inject(latency("chaos-bad/f2", "web-9", 5)));
    assertThrows(
        InvalidFaultException.class, () -> injector.inject(latency("bad id;x", "web-1", 5)));
    assertFalse(status("web-1").path("enabled").asBoolean(), "refused faults changed nothing");

    assertFalse(injector.restore(fault).active());
    assertFalse(injector.restore(fault).active(), "a second restore is fine");
    cycles++;
    report("injectAndRestoreAreIdempotentAndRefuseWhatTheyCannotDo", 1);
  }

  @Test
  void restoreAfterAWorkerRestartPutsBackWhatTheInstanceHadBefore() throws Exception {
    // web-1 has assault settings of its own before the fault: level 5, a latency range.
    post("web-1", "/assaults", "{\"level\":5,\"latencyRangeStart\":1000,\"latencyRangeEnd\":3000}");
    FaultRequest fault = latency("chaos-web-cm-5/f1", "web-1", DELAY);
    injector.inject(fault);
    assertEquals(1, assaults("web-1").path("level").asInt());

    // A new worker with the same work-dir finds the fault from the record alone.
    ChaosMonkeyInjector restarted = new ChaosMonkeyInjector(ROUTER, api, workDir);
    FaultRequest withoutTargets = request(fault.faultId(), INJECTOR, List.of(), fault.magnitude());
    assertEquals(List.of("web-1"), restarted.probe(withoutTargets).affected());
    assertFalse(restarted.restore(withoutTargets).active());
    JsonNode back = assaults("web-1");
    assertEquals(5, back.path("level").asInt());
    assertEquals(1000, back.path("latencyRangeStart").asInt());
    assertEquals(3000, back.path("latencyRangeEnd").asInt());
    assertFalse(back.path("latencyActive").asBoolean());
    assertFalse(status("web-1").path("enabled").asBoolean());
    post("web-1", "/assaults", "{\"level\":1}");
    cycles++;
    report("restoreAfterAWorkerRestartPutsBackWhatTheInstanceHadBefore", 1);
  }

  @Test
  void restoreWithoutTheRecordFindsTheFaultByItsMark() throws Exception {
    FaultRequest fault = exceptions("chaos-web-cm-6/f1", "web-2");
    injector.inject(fault);
    // A worker on another host: another work-dir, the request's targets only.
    ChaosMonkeyInjector elsewhere = new ChaosMonkeyInjector(ROUTER, api, dir.resolve("elsewhere"));
    assertEquals(List.of("web-2"), elsewhere.probe(fault).affected());
    assertFalse(elsewhere.restore(fault).active());
    assertFalse(status("web-2").path("enabled").asBoolean());
    assertFalse(assaults("web-2").path("exceptionsActive").asBoolean());
    assertFalse(injector.probe(fault).active(), "the first worker's record no longer matters");
    assertFalse(injector.restore(fault).active(), "and its restore finds nothing left to do");
    cycles++;
    report("restoreWithoutTheRecordFindsTheFaultByItsMark", 1);
  }

  @Test
  void chaosMonkeyEnabledByHandIsNotTakenOver() throws Exception {
    post("web-1", "/enable", null);
    try {
      assertThrows(
          FaultConflictException.class,
          () -> injector.inject(latency("chaos-web-cm-7/f1", "web-1", 100)));
      assertFalse(assaults("web-1").path("latencyActive").asBoolean(), "nothing was changed");
      assertFalse(injector.restore(latency("chaos-web-cm-7/f1", "web-1", 100)).active());
      assertTrue(status("web-1").path("enabled").asBoolean(), "a restore leaves it alone too");
    } finally {
      post("web-1", "/disable", null);
    }
    report("chaosMonkeyEnabledByHandIsNotTakenOver", 0);
  }

  @Test
  void aTargetThatIsNotRunningFailsRetryablyAndCountsAsRestored() throws Exception {
    // A router of its own whose only server has nothing listening behind it.
    try (HaproxyLauncher dead =
        HaproxyLauncher.start(
            dir.resolve("haproxy-dead"),
            HaproxyLauncher.freePort(),
            BACKEND,
            Map.of("web-3", "127.0.0.1:" + HaproxyLauncher.freePort()))) {
      ChaosMonkeyInjector deadInjector =
          new ChaosMonkeyInjector(
              ROUTER, new HaproxyRuntimeApi(dead.runtimeApi(), Duration.ofSeconds(2)), workDir);
      FaultRequest fault = latency("chaos-web-cm-8/f1", "web-3", 100);
      assertThrows(InjectorUnavailableException.class, () -> deadInjector.inject(fault));
      assertFalse(deadInjector.probe(fault).active());
      FaultState restored = deadInjector.restore(fault);
      assertFalse(restored.active());
      assertTrue(restored.detail().contains("not running"), restored.detail());
    }
    report("aTargetThatIsNotRunningFailsRetryablyAndCountsAsRestored", 0);
  }

  // ---- helpers

  /** One answer through the frontend: the instance named in the body, time, status, body. */
  record Answer(String server, long millis, int status, String body) {}

  private List<Answer> answers(int n) throws Exception {
    List<Answer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(get("http://127.0.0.1:" + haproxy.frontendPort() + "/"));
    }
    return out;
  }

  private Answer direct(String instance, String path) throws Exception {
    return get("http://" + addresses.get(instance) + path);
  }

  private static Answer get(String url) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
    long start = System.nanoTime();
    HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    // "demo-app web-2 2.0.0", or "demo-app web-2 2.0.0 failed: ..." for an error.
    String[] words = res.body().strip().split(" ");
    return new Answer(words.length > 1 ? words[1] : "", millis, res.statusCode(), res.body());
  }

  private JsonNode status(String instance) throws Exception {
    return JSON.readTree(actuator(instance, "/status", null).body());
  }

  private JsonNode assaults(String instance) throws Exception {
    return JSON.readTree(actuator(instance, "/assaults", null).body());
  }

  private void post(String instance, String path, String json) throws Exception {
    HttpResponse<String> r = actuator(instance, path, json == null ? "" : json);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
  }

  /** GET when {@code json} is null, else POST. */
  private HttpResponse<String> actuator(String instance, String path, String json)
      throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(
                URI.create(
                    "http://" + addresses.get(instance) + ChaosMonkeyInjector.ENDPOINT + path))
            .timeout(Duration.ofSeconds(5));
    req =
        json == null
            ? req.GET()
            : req.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Instances with Chaos Monkey enabled or an assault switched on or a fault's mark, plus records
   * left in the work-dir.
   */
  private int leftBehind() throws Exception {
    int n = 0;
    for (String name : instances.keySet()) {
      JsonNode a = assaults(name);
      if (status(name).path("enabled").asBoolean()
          || a.path("latencyActive").asBoolean()
          || a.path("exceptionsActive").asBoolean()
          || a.path("exception").toString().contains(ChaosMonkeyInjector.MARK)) {
        n++;
      }
    }
    if (Files.isDirectory(workDir)) {
      try (Stream<Path> files = Files.list(workDir)) {
        n += (int) files.count();
      }
    }
    return n;
  }

  private void report(String test, int n) throws Exception {
    System.out.println(
        "FAULT-CYCLES "
            + ChaosMonkeyInjector.TYPE
            + " "
            + n
            + " cycles, "
            + leftBehind()
            + " left behind ("
            + test
            + ")");
  }

  /**
   * The runnable demo-app jar: under {@code bellwether.home} when set, else found upwards from the
   * working directory (the module's, under Maven). The reactor packages demo-app before this
   * module's tests run; alone, {@code mvn install -pl demo-app} builds it.
   */
  private static Path demoAppJar() {
    String home = System.getProperty("bellwether.home");
    List<Path> roots = new ArrayList<>();
    if (home != null && !home.isBlank()) {
      roots.add(Path.of(home));
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      roots.add(p);
    }
    for (Path root : roots) {
      Path jar = root.resolve("demo-app/target/demo-app.jar");
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new IllegalStateException(
        "demo-app/target/demo-app.jar not found above "
            + Path.of("").toAbsolutePath()
            + ": build it first (mvn install -pl demo-app -DskipTests)");
  }

  private static void awaitStartLine(String name, Process p, Path log, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (out.contains("demo-app " + name + " 2.0.0 listening on ")) {
        return;
      }
      if (!p.isAlive()) {
        throw new IOException(name + " exited with " + p.exitValue() + " before serving:\n" + out);
      }
      Thread.sleep(100);
    }
    throw new IOException(
        name
            + " did not start within "
            + timeout
            + ":\n"
            + Files.readString(log, StandardCharsets.UTF_8));
  }
}
