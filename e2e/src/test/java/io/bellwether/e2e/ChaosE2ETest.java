package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bellwether.activities.haproxy.HaproxyMaps;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.FaultRecord;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.Stage;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.starter.load.LoadGenerator;
import io.bellwether.starter.report.ChaosReport;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Chaos experiments as a user runs them, in one sandbox under steady load (GETs and 30% POSTs
 * through the main frontend): real instance kills through the process deployer, real latency and
 * maintenance at HAProxy, Prometheus reading HAProxy's exporter every second, the embedded
 * Temporal server and a worker that is SIGKILLed mid-fault. After every experiment the test checks
 * from outside that nothing was left behind: every server READY and UP, every instance process
 * running at its version, the latency map empty in HAProxy and on disk, no maintenance record, no
 * injector record file, no blast-radius lease.
 *
 * <p>The instances run 2.4.0, whose requests take about 150 ms, so that capacity is a real thing:
 * the zone-cut test caps every server at 4 requests at once (runtime API {@code set maxconn
 * server}): 60 req/s of 150 ms keep 9 busy, which four servers (16 slots) carry with room to spare
 * and two (8 slots) do not, so the cut fails requests with HAProxy's queue-timeout 503. It runs last: the requests it
 * fails spend the SLO's error budget, which the experiments before it check before they start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosE2ETest extends SandboxE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERSION = "2.4.0";
  /**
   * How long the test waits for a run. Never a workflow execution timeout: a run the server times
   * out ends without its compensation, and would leave its fault behind.
   */
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
  /** Requests a server of the zone-cut test may handle at once. */
  private static final int ZONE_CUT_MAXCONN = 4;
  /** The guardrail's query: the backend's success ratio over 5 s, HAProxy's own 503s included. */
  private static final String SUCCESS_5S =
      "1 - ((sum(rate(" + Sandbox.SLO_ERRORS + "[5s])) or vector(0)) / sum(rate(" + Sandbox.SLO_TOTAL + "[5s])))";

  private static final String SUCCESS_10S =
      "1 - ((sum(rate(" + Sandbox.SLO_ERRORS + "[10s])) or vector(0)) / sum(rate(" + Sandbox.SLO_TOTAL + "[10s])))";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String> started = new ArrayList<>();
  // Inject/restore cycles per injector type, and how many left anything behind.
  private final Map<String, Integer> cycles = new java.util.TreeMap<>();
  private final Map<String, Integer> leftBehind = new HashMap<>();
  private HaproxyRuntimeApi api;
  private HaproxyRouter router;
  private HaproxyMaps maps;

  @Override
  URI loadTarget(Sandbox sandbox) {
    return sandbox.frontendUrl();
  }

  @Override
  SandboxOptions sandboxOptions(SandboxOptions defaults) {
    return defaults.withVersion(VERSION);
  }

  @Override
  boolean sharedSandbox() {
    return true;
  }

  @AfterAll
  void downShared() {
    cycles.forEach(
        (type, n) -> System.out.printf("FAULT-CYCLES e2e %s %d cycles, %d left behind%n", type, n, leftBehind.getOrDefault(type, 0)));
    downSandbox();
  }

  @BeforeEach
  void connectRouter() {
    api = new HaproxyRuntimeApi(sandbox.routerRuntimeApi(), Duration.ofSeconds(5));
    router = new HaproxyRouter(api);
    maps = new HaproxyMaps(api, "");
  }

  /** Ends any run a failed test left open, and puts the worker and the server limits back. */
  @AfterEach
  void endOpenRuns() throws IOException {
    if (sandbox == null) {
      return;
    }
    if (!io.bellwether.starter.sandbox.Processes.alive(sandbox.workerPid(), sandbox.state().workerStartMillis)) {
      sandbox.startWorker();
    }
    rollBackOpenRuns(started);
    setServerMaxConn(0);
    resetWorld();
  }

  /**
   * The safety net after a failed test: whatever a run left in force (a latency entry, a server in
   * maintenance, a killed instance, an injector record) is undone here, loudly, so the next test
   * starts from a clean world. After a passing test there is nothing to do.
   */
  private void resetWorld() throws IOException {
    if (api == null) {
      return;
    }
    List<String> undone = new ArrayList<>();
    Map<String, String> latency = latencyEntries();
    for (String key : latency.keySet()) {
      api.execute("del map " + sandbox.latencyMapFile() + " " + key);
      undone.add("latency " + key);
    }
    if (!latency.isEmpty() || !entries(sandbox.latencyMapFile()).isEmpty()) {
      Files.writeString(sandbox.latencyMapFile(), "");
    }
    for (ServerInfo s : router.servers(sandbox.backend())) {
      if (s.state() != ServerState.READY) {
        router.setState(sandbox.backend(), s.name(), ServerState.READY);
        undone.add(s.name() + " " + s.state() + " -> READY");
      }
    }
    Files.deleteIfExists(sandbox.maintenanceRecordFile());
    for (Map.Entry<String, String> e : sandbox.instances().entrySet()) {
      if (!listening(e.getValue())) {
        var r = sandbox.deployer().deploy(e.getKey(), e.getValue(), VERSION, () -> {});
        undone.add("restarted " + e.getKey() + (r.ok() ? "" : " (failed: " + r.output() + ")"));
      }
    }
    try (Stream<Path> files = Files.list(sandbox.chaosDir())) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
        undone.add("removed " + f.getFileName());
      }
    }
    if (!undone.isEmpty()) {
      System.out.println("[e2e] LEFT BEHIND by the test, undone by the fixture: " + undone);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * a. and e. Instance termination, started by type name with the plain JSON of {@code
   * examples/chaos-kill-one.json} through the untyped client: one of the four instances is killed
   * (its process is seen gone while the fault is active), the hypothesis "success rate at least 99%
   * while one instance is down" holds, the instance comes back at the same address and version
   * (a new process), and the report, HTML and JSON, says the hypothesis held.
   */
  @Test
  @Order(1)
  void instanceTerminationFromPlainJsonByTypeNameHoldsAndTheReportSaysSo() throws Exception {
    ObjectNode input = (ObjectNode) JSON.readTree(Files.readString(example("chaos-kill-one.json")));
    assertEquals(SpecLoader.KIND_CHAOS, SpecLoader.kindOf(input.toString()));
    String id = WorkflowIds.chaos(SpecLoader.chaos(input.toString()));
    Map<String, Long> pidsBefore = instancePids();
    LoadGenerator.Counts before = load.snapshot();
    long t0 = System.nanoTime();
    WorkflowStub run =
        client.newUntypedWorkflowStub(
            ChaosExperimentWorkflow.TYPE,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .build());
    run.start(input);
    started.add(id);
    ChaosExperimentWorkflow typed = client.newWorkflowStub(ChaosExperimentWorkflow.class, id);

    ChaosStatus active = awaitStatus(typed, s -> activeFault(s) != null, Duration.ofSeconds(60));
    FaultRecord kill = activeFault(active);
    assertEquals(1, kill.targets().size(), kill.toString());
    String victim = kill.targets().get(0).name();
    assertTrue(sandbox.instances().containsKey(victim), victim);
    awaitTrue(() -> !listening(sandbox.instances().get(victim)), Duration.ofSeconds(10),
        "the killed instance " + victim + " stops answering");
    System.out.printf("[e2e] kill: %s killed (%s)%n", victim, kill.selector());

    ChaosResult result = run.getResult(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS, ChaosResult.class);
    long elapsed = (System.nanoTime() - t0) / 1_000_000;
    LoadGenerator.Counts during = load.snapshot().minus(before);
    report("instance termination", during);
    System.out.printf("[e2e] kill: verdict %s in %d ms; findings %s%n", result.verdict(), elapsed, result.findings());

    assertEquals(Verdict.HELD, result.verdict(), result.reason() + " " + result.findings());
    assertEquals(Boolean.TRUE, result.hypothesisHeld());
    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertEquals(1, result.faults().size(), result.faults().toString());
    FaultRecord done = result.faults().get(0);
    assertEquals(FaultRecord.RESTORED, done.state(), done.toString());
    assertEquals(List.of(victim), done.targets().stream().map(FaultTarget::name).toList());
    // HAProxy redispatches refused connections and replays GETs: only a POST that was with the
    // instance when it died may fail.
    assertTrue(during.sampleErrors().stream().noneMatch(e -> e.contains(" GET ")),
        "no GET failed: " + during.sampleErrors());
    assertTrue(during.failed() <= 3, "at most the POSTs in flight on the killed instance: " + during);

    Map<String, Long> pidsAfter = instancePids();
    assertNotEquals(pidsBefore.get(victim), pidsAfter.get(victim), "the killed instance is a new process");
    pidsBefore.forEach((name, pid) -> {
      if (!name.equals(victim)) {
        assertEquals(pid, pidsAfter.get(name), "only " + victim + " was killed; " + name + " kept its process");
      }
    });

    Path html = tmp.resolve("reports").resolve("kill-one.html");
    ChaosReport report = ChaosReport.load(client, id);
    report.writeTo(html);
    String page = Files.readString(html);
    JsonNode journal = JSON.readTree(Files.readString(ChaosReport.jsonFileFor(html)));
    assertEquals(Verdict.HELD, report.verdict());
    assertTrue(page.contains("id=\"hypothesis-held\"") && page.contains(">held</strong>"), "the page says it held");
    assertTrue(page.contains(victim), "the page names the target");
    assertEquals("HELD", journal.path("verdict").asText(), journal.toString());
    assertTrue(journal.path("hypothesisHeld").asBoolean(false), "the JSON says it held");
    assertTrue(journal.path("status").path("samples").size() > 10, "the journal holds every reading");
    System.out.printf("[e2e] kill: report %s (%d bytes), journal %d samples%n",
        html, page.length(), journal.path("status").path("samples").size());
    assertEverythingBack("process-kill", result);
  }

  /**
   * c. Worker crash: the worker is SIGKILLed while a latency fault is active and started again;
   * the run goes on, the fault is restored when its duration ends and recovery is verified: the
   * latency map is empty and requests are fast again.
   */
  @Test
  @Order(2)
  void aLatencyFaultIsRestoredAndVerifiedAfterTheWorkerIsKilledAndStartedAgain() throws Exception {
    // Long enough a deadline for a worker that takes a minute to start on a busy machine.
    ChaosExperimentSpec spec = SpecLoader.chaos(latencySpec("worker-crash", 800, "20s", "60s"));
    ChaosExperimentWorkflow run = start(spec);
    ChaosStatus active = awaitStatus(run, s -> activeFault(s) != null, Duration.ofSeconds(60));
    String server = activeFault(active).targets().get(0).server();
    awaitTrue(() -> latencyEntries().containsKey(Sandbox.BACKEND + "/" + server), Duration.ofSeconds(5),
        "the latency map holds " + server);
    // One server of four is slow; the steady load shares the round robin, so ask until one lands.
    assertTrue(firstSlowWithin(40, 700), "some requests are delayed while the fault is in force");

    sandbox.killWorker();
    long killedAt = System.nanoTime();
    Thread.sleep(2_000);
    assertTrue(latencyEntries().containsKey(Sandbox.BACKEND + "/" + server),
        "the fault stays in force while no worker runs");
    sandbox.startWorker();
    System.out.printf("[e2e] worker crash: worker down and back up in %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);

    ChaosResult result = result(run);
    System.out.printf("[e2e] worker crash: verdict %s, ended by %s, findings %s%n",
        result.verdict(), result.faults().get(0).endedBy(), result.findings());
    FaultRecord f = result.faults().get(0);
    assertEquals(FaultRecord.RESTORED, f.state(), f.toString());
    // Back before the dead-man deadline, the run restores when the duration ends and the verdict
    // is the hypothesis'; a worker slower to start than duration + grace finds the dead-man timer
    // fired, and the run restores at once and ends ABORTED. Either way it was restored and verified.
    if ("duration".equals(f.endedBy())) {
      assertEquals(Verdict.HELD, result.verdict(), result.reason() + " " + result.findings());
    } else {
      assertTrue(f.endedBy() != null && f.endedBy().contains("dead-man"), f.toString());
      assertEquals(Verdict.ABORTED, result.verdict(), result.reason() + " " + result.findings());
    }
    assertRecoveryVerified(run, result);
    assertTrue(latencyEntries().isEmpty(), "latency map empty: " + latencyEntries());
    long slowest = slowestOf(12);
    System.out.printf("[e2e] worker crash: slowest of 12 requests after the run %d ms%n", slowest);
    assertTrue(slowest < 600, "requests are fast again: " + slowest + " ms");
    assertEverythingBack("haproxy-latency", result);
  }

  /**
   * d. Expired duration: the worker is killed while a short latency fault is active and kept down
   * past the fault's duration and grace; when it is back, the dead-man timer has fired and the
   * fault is restored at once. Prints the time from the worker's return to the empty map.
   */
  @Test
  @Order(3)
  void aFaultWhoseDeadlinePassedWhileNoWorkerRanIsRestoredAtOnceWhenTheWorkerIsBack() throws Exception {
    ChaosExperimentSpec spec = SpecLoader.chaos(latencySpec("expired", 800, "5s", "5s"));
    ChaosExperimentWorkflow run = start(spec);
    ChaosStatus active = awaitStatus(run, s -> activeFault(s) != null, Duration.ofSeconds(60));
    sandbox.killWorker();
    FaultRecord f = activeFault(active);
    String key = Sandbox.BACKEND + "/" + f.targets().get(0).server();
    Instant deadline = Instant.parse(f.deadline());
    System.out.printf("[e2e] expired: worker killed; fault injected %s, dead-man deadline %s%n", f.injectedAt(), deadline);
    // Kept down until well past duration + grace: nothing can restore the fault meanwhile.
    long waitMillis = Duration.between(Instant.now(), deadline).toMillis() + 3_000;
    if (waitMillis > 0) {
      Thread.sleep(waitMillis);
    }
    assertTrue(latencyEntries().containsKey(key), "the fault outlived its deadline while no worker ran");

    long launched = System.nanoTime();
    AtomicLong emptyAt = new AtomicLong();
    Thread watcher = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          if (latencyEntries().isEmpty()) {
            emptyAt.set(System.nanoTime());
            return;
          }
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // HAProxy busy for a moment: ask again.
        }
      }
    }, "e2e-map-watch");
    watcher.setDaemon(true);
    watcher.start();
    sandbox.startWorker();
    long up = System.nanoTime();
    watcher.join(60_000);
    watcher.interrupt();
    assertTrue(emptyAt.get() > 0, "the latency map emptied after the worker came back");
    System.out.printf(
        "CHAOS-RESTORE-AT-RETURN %d ms (worker UP -> map empty; %d ms from the worker's launch, %d ms of it start-up)%n",
        (emptyAt.get() - up) / 1_000_000, (emptyAt.get() - launched) / 1_000_000, (up - launched) / 1_000_000);

    ChaosResult result = result(run);
    System.out.printf("[e2e] expired: verdict %s, ended by %s, findings %s%n",
        result.verdict(), result.faults().get(0).endedBy(), result.findings());
    assertRecoveryVerified(run, result);
    FaultRecord done = result.faults().get(0);
    assertEquals(FaultRecord.RESTORED, done.state(), done.toString());
    assertTrue(done.endedBy() != null && done.endedBy().contains("dead-man"), "ended by the dead-man switch: " + done);
    assertEverythingBack("haproxy-latency", result);
  }

  /**
   * b. Zone cut: every server capped at {@value #ZONE_CUT_MAXCONN} requests at once, so that zone b
   * alone cannot carry the load; zone a (half the capacity) is put in maintenance while a guardrail
   * demands 99.9% success. The guardrail breaks, the experiment aborts, and every server is put
   * back. Prints the breach-to-restored time the run measured, and the one seen from outside
   * (first guardrail reading below the bound in Prometheus, to every server READY at HAProxy).
   */
  @Test
  @Order(4)
  void aZoneCutTheOtherZoneCannotCarryIsAbortedByTheGuardrailAndEveryServerRestored() throws Exception {
    setServerMaxConn(ZONE_CUT_MAXCONN);
    // The cap in force for a few scrapes: the baseline must see the capped system steady.
    Thread.sleep(3_000);
    ChaosExperimentSpec spec = SpecLoader.chaos(zoneCutSpec());
    AtomicLong firstBreach = new AtomicLong();
    AtomicLong allReady = new AtomicLong();
    AtomicReference<Double> lowest = new AtomicReference<>(1.0);
    ChaosExperimentWorkflow run = start(spec);
    Thread watcher = new Thread(() -> watchBreach(firstBreach, allReady, lowest), "e2e-breach-watch");
    watcher.setDaemon(true);
    watcher.start();
    ChaosResult result;
    try {
      result = result(run);
    } finally {
      watcher.interrupt();
      watcher.join(5_000);
    }
    System.out.printf("[e2e] zone cut: verdict %s, outcome %s, reason %s; lowest success seen %.4f%n",
        result.verdict(), result.outcome(), result.reason(), lowest.get());
    System.out.printf("CHAOS-BREACH-TO-RESTORED %d ms%n", result.breachToRestoredMillis());
    if (firstBreach.get() > 0 && allReady.get() > firstBreach.get()) {
      System.out.printf("CHAOS-BREACH-TO-RESTORED-OUTSIDE %d ms (first failed guardrail read in Prometheus -> every server READY)%n",
          (allReady.get() - firstBreach.get()) / 1_000_000);
    }

    assertEquals(Verdict.ABORTED, result.verdict(), result.reason() + " " + result.findings());
    assertEquals(Phase.ROLLED_BACK, result.outcome(), result.reason());
    FaultRecord cut = result.faults().get(0);
    assertEquals(FaultRecord.RESTORED, cut.state(), cut.toString());
    assertEquals(sandbox.zones().get(Sandbox.ZONE_A), cut.targets().stream().map(FaultTarget::name).sorted().toList());
    assertTrue(cut.endedBy() != null && cut.endedBy().contains("guardrail"), "ended by the guardrail: " + cut);
    assertTrue(result.breachToRestoredMillis() > 0, "the breach time was recorded");
    assertTrue(result.breachToRestoredMillis() < 5_000, "restored within seconds: " + result.breachToRestoredMillis());
    assertTrue(lowest.get() < 0.999, "the cut really failed requests: lowest " + lowest.get());
    setServerMaxConn(0);
    assertEverythingBack("haproxy-maintenance", result);
  }

  // ---------------------------------------------------------------------------------------------

  /** A latency fault on one server (seeded), with a success probe, the frontend and the servers. */
  private static String latencySpec(String name, int delayMs, String duration, String grace) {
    return """
        kind: ChaosExperiment
        service: web
        name: %s
        hypothesis: one slow instance costs no request
        requestedBy: e2e
        baseline: 5s
        interval: 1s
        probes:
          - name: success-rate
            type: prometheus
            query: '%s'
            tolerance: {min: 0.99}
            duringFault: {min: 0.99}
          - name: frontend
            type: http
            endpoint: web
            tolerance: {status: [200], max: 1000}
          - name: servers-in-rotation
            type: servers
            tolerance: {min: 4}
        faults:
          - id: slow
            injector: %s
            targets: {count: 1, seed: 3}
            magnitude: {delayMs: "%d"}
            duration: %s
        guardrails:
          - name: success-floor
            query: '%s'
            min: 0.95
            failureLimit: 2
        errorBudget: {maxFailedRatio: 0.01}
        recoveryTimeout: 60s
        grace: %s
        """
        .formatted(name, SUCCESS_10S, Sandbox.LATENCY_INJECTOR, delayMs, duration, SUCCESS_5S, grace);
  }

  /** Zone a in maintenance for 20 s, with a guardrail of 99.9% success read every second. */
  private static String zoneCutSpec() {
    return """
        kind: ChaosExperiment
        service: web
        name: zone-cut-a
        hypothesis: zone b alone carries the traffic
        requestedBy: e2e
        baseline: 5s
        interval: 1s
        probes:
          - name: success-rate
            type: prometheus
            query: '%s'
            tolerance: {min: 0.99}
          - name: servers-in-rotation
            type: servers
            tolerance: {min: 4}
        faults:
          - id: cut
            injector: %s
            targets: {zone: %s}
            duration: 20s
        guardrails:
          - name: success-floor
            query: '%s'
            min: 0.999
            failureLimit: 1
        recoveryTimeout: 60s
        grace: 20s
        """
        .formatted(SUCCESS_10S, Sandbox.ZONE_CUT_INJECTOR, Sandbox.ZONE_A, SUCCESS_5S);
  }

  private ChaosExperimentWorkflow start(ChaosExperimentSpec spec) {
    String id = WorkflowIds.chaos(spec);
    ChaosExperimentWorkflow run =
        client.newWorkflowStub(
            ChaosExperimentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .build());
    WorkflowClient.start(run::run, spec);
    started.add(id);
    return run;
  }

  private static ChaosResult result(ChaosExperimentWorkflow run) throws Exception {
    return WorkflowStub.fromTyped(run).getResult(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS, ChaosResult.class);
  }

  /**
   * The run verified its restoration: it did not fail (a recovery that is not verified fails the
   * run, RESTORATION_FAILED), and its journal holds the recovery readings it judged.
   */
  private static void assertRecoveryVerified(ChaosExperimentWorkflow run, ChaosResult result) {
    assertNotEquals(Verdict.RESTORATION_FAILED, result.verdict(), result.reason());
    assertNotEquals(Phase.FAILED, result.outcome(), result.reason());
    List<ProbeSample> recovery =
        run.status().samples().stream().filter(x -> x.stage() == Stage.RECOVERY).toList();
    assertFalse(recovery.isEmpty(), "recovery readings in the journal");
  }

  /** The step in force now, or null. */
  private static FaultRecord activeFault(ChaosStatus s) {
    if (s == null || s.faults() == null) {
      return null;
    }
    return s.faults().stream().filter(f -> FaultRecord.ACTIVE.equals(f.state())).findFirst().orElse(null);
  }

  private static ChaosStatus awaitStatus(ChaosExperimentWorkflow run, Predicate<ChaosStatus> until, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ChaosStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = run.status();
        if (until.test(last)) {
          return last;
        }
        if (last.phase() != null && last.phase().isFinal()) {
          break;
        }
      } catch (RuntimeException e) {
        // No workflow task has run yet, or the worker is restarting: ask again.
      }
      // Each query replays the run's history on the worker (sticky execution is off on the
      // embedded server): ask twice a second, not more.
      Thread.sleep(500);
    }
    throw new AssertionError("status never matched within " + timeout + "; last: "
        + (last == null ? "none" : last.phase() + " " + last.verdict() + " " + last.reason() + " " + last.events()));
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Reads the guardrail's query from Prometheus every 50 ms until the run ends: when it first
   * fell below 0.999, and after that when every server of the backend was READY again.
   */
  private void watchBreach(AtomicLong firstBreach, AtomicLong allReady, AtomicReference<Double> lowest) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Double v = promQuery(SUCCESS_5S);
        if (v != null && v < lowest.get()) {
          lowest.set(v);
        }
        if (firstBreach.get() == 0 && v != null && v < 0.999) {
          firstBreach.set(System.nanoTime());
        }
        if (firstBreach.get() > 0 && allReady.get() == 0
            && router.servers(sandbox.backend()).stream().allMatch(s -> s.state() == ServerState.READY)) {
          allReady.set(System.nanoTime());
        }
        // An instant query costs Prometheus under a millisecond: poll tightly, so that the first
        // failed read is seen within 50 ms of the data showing it.
        Thread.sleep(firstBreach.get() > 0 ? 20 : 50);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // A read failed; the next one will do.
      }
    }
  }

  /** One instant query's single value; null when there is none. */
  private Double promQuery(String query) {
    try {
      URI uri = URI.create(sandbox.prometheusUrl() + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
      JsonNode result = JSON.readTree(r.body()).path("data").path("result");
      if (result.size() != 1) {
        return null;
      }
      double v = Double.parseDouble(result.get(0).path("value").get(1).asText());
      return Double.isNaN(v) ? null : v;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Caps (or with 0 uncaps) every server of the backend at HAProxy. */
  private void setServerMaxConn(int maxconn) {
    if (api == null) {
      return;
    }
    for (String server : sandbox.instances().keySet()) {
      api.execute("set maxconn server " + sandbox.backend() + "/" + server + " " + maxconn);
    }
  }

  /** The latency map as HAProxy holds it now: {@code <backend>/<server>} to its value. */
  private Map<String, String> latencyEntries() {
    return maps.read(sandbox.latencyMapFile().toString());
  }

  /** The slowest of {@code n} GETs through the frontend, in milliseconds. */
  /** Whether one of at most {@code n} requests through the frontend took {@code millis} or more. */
  private boolean firstSlowWithin(int n, long millis) throws Exception {
    for (int i = 0; i < n; i++) {
      if (slowestOf(1) >= millis) {
        return true;
      }
    }
    return false;
  }

  private long slowestOf(int n) throws Exception {
    long slowest = 0;
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(sandbox.frontendUrl()).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      slowest = Math.max(slowest, (System.nanoTime() - t) / 1_000_000);
    }
    return slowest;
  }

  /** Instance name to the PID its deployer recorded. */
  private Map<String, Long> instancePids() throws IOException {
    Map<String, Long> pids = new HashMap<>();
    for (String name : sandbox.instances().keySet()) {
      Path pidFile = sandbox.workDir().resolve(name + ".pid");
      pids.put(name, Long.parseLong(Files.readString(pidFile).trim()));
    }
    return pids;
  }

  private static boolean listening(String address) {
    String[] hp = address.split(":");
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Nothing of any fault is left: every server READY and UP (or unchecked) at HAProxy, every
   * instance's process running and answering its version at its address, the latency map empty in
   * HAProxy and on disk, no maintenance record, no injector record file, no lease held.
   */
  private void assertEverythingBack(String injectorType, ChaosResult result) throws Exception {
    cycles.merge(injectorType, result.faults().size(), Integer::sum);
    try {
      assertEverythingBack();
    } catch (AssertionError | RuntimeException e) {
      leftBehind.merge(injectorType, 1, Integer::sum);
      throw e;
    }
  }

  private void assertEverythingBack() throws Exception {
    for (ServerInfo s : router.servers(sandbox.backend())) {
      assertEquals(ServerState.READY, s.state(), "server READY again: " + s);
      assertTrue(s.status() == null || s.status().startsWith("UP") || s.status().equalsIgnoreCase("no check"),
          "server UP: " + s);
    }
    for (Map.Entry<String, String> e : sandbox.instances().entrySet()) {
      long pid = Long.parseLong(Files.readString(sandbox.workDir().resolve(e.getKey() + ".pid")).trim());
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), e.getKey() + " runs (PID " + pid + ")");
      HttpResponse<String> v =
          http.send(HttpRequest.newBuilder(URI.create("http://" + e.getValue() + "/version")).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, v.statusCode(), e.getKey());
      assertTrue(v.body().contains(VERSION), e.getKey() + " serves " + VERSION + ": " + v.body());
    }
    assertEquals(Map.of(), latencyEntries(), "no latency entry in HAProxy");
    assertEquals(List.of(), entries(sandbox.latencyMapFile()), "no latency entry on disk");
    assertEquals(List.of(), entries(sandbox.maintenanceRecordFile()), "no maintenance record left");
    try (Stream<Path> files = Files.list(sandbox.chaosDir())) {
      List<String> left = files.map(p -> p.getFileName().toString()).toList();
      assertEquals(List.of(), left, "no injector record left in " + sandbox.chaosDir());
    }
    List<LeaseRequest> leases = leases();
    assertEquals(List.of(), leases, "every blast-radius lease returned");
  }

  private List<LeaseRequest> leases() throws InterruptedException {
    // The release is a signal: give it a moment to be processed.
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<LeaseRequest> held = List.of();
    while (System.nanoTime() < deadline) {
      try {
        held = client.newWorkflowStub(BlastRadiusWorkflow.class, BlastRadiusWorkflow.WORKFLOW_ID).leases();
      } catch (RuntimeException e) {
        return List.of(); // never started: no lease was ever held
      }
      if (held.isEmpty()) {
        return held;
      }
      Thread.sleep(200);
    }
    return held;
  }

  /** The non-blank, non-comment lines of a file; none when it does not exist. */
  private static List<String> entries(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static Path example(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("examples"))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "examples/ not found above " + Path.of("").toAbsolutePath());
    return dir.resolve("examples").resolve(name);
  }
}
