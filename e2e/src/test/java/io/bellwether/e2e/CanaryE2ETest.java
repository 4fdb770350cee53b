package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.haproxy.HaproxyPoolSwitch;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.client.BellwetherClient;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.starter.sandbox.Sandbox;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Canary releases as a user runs them, in one sandbox: a real HAProxy routing the main frontend by
 * the canary route's map (weights and segments), real Prometheus scraping every demo-app instance
 * every second, demo-app processes provisioned by the worker into {@code web_canary}, the embedded
 * Temporal server and the worker, and steady GET and POST load through the frontend.
 *
 * <p>The tests run in order, because promotions change the stable version: the ones that roll
 * back first (stable stays 1.0.0), then a promotion to 1.1.0, then the good canary 2.0.0.
 * Analyses are short (1 s apart, 6 rounds) so the class stays within a few minutes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CanaryE2ETest extends SandboxE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

  /** Error ratio of the side measured; no 5xx series at all is 0 errors, not "no data". */
  static final String ERROR_RATIO =
      "(sum(rate(http_server_requests_total{bellwether_instance=~\"{{instances}}\",status=~\"5..\"}[5s]))"
          + " or vector(0)) / sum(rate(http_server_requests_total{bellwether_instance=~\"{{instances}}\"}[5s]))";

  /** p99 latency in seconds of the side measured, from the demo-app's own histogram. */
  static final String LATENCY_P99 =
      "histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket"
          + "{bellwether_instance=~\"{{instances}}\"}[5s])))";

  private static final String SEGMENT_HEADER = "x-bellwether-segment";
  private static final String SEGMENT_COOKIE = "bellwether_segment";
  private static final String USER_HEADER = "x-user-id";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  // Runs a test started; one left open by a failed test would hold the pool for the next.
  private final List<String> started = new java.util.ArrayList<>();
  private HaproxyRouter router;
  private HaproxyPoolSwitch route;

  @Override
  URI loadTarget(Sandbox sandbox) {
    return sandbox.frontendUrl();
  }

  @Override
  boolean sharedSandbox() {
    return true;
  }

  @AfterAll
  void downShared() {
    downSandbox();
  }

  /** Rolls back (then cancels) any run a test left open, and brings Prometheus back. */
  @AfterEach
  void endOpenRuns() throws Exception {
    rollBackOpenRuns(started);
    if (sandbox != null) {
      sandbox.startPrometheus();
    }
  }

  @BeforeEach
  void connectRouter() {
    HaproxyRuntimeApi api = new HaproxyRuntimeApi(sandbox.routerRuntimeApi(), Duration.ofSeconds(5));
    router = new HaproxyRouter(api);
    route =
        new HaproxyPoolSwitch(
            api,
            Map.of(
                sandbox.canaryPool(),
                new PoolConfig(
                    sandbox.canaryBackends(),
                    sandbox.canaryMapFile().toString(),
                    sandbox.poolStateFile().toString())));
  }

  @Test
  @Order(1)
  void segmentCanaryGetsOnlyTheBetaTestersUntilTheFirstWeight() throws Exception {
    String steps =
        """
          - setHeaderRoute: {headerValues: [beta], cookieValues: [beta], users: [tester-1]}
          - pause: {duration: 8s}
          - setWeight: 50
          - pause: {}
        """;
    var before = load.snapshot();
    CanaryReleaseWorkflow run = start("canary-web-1.1.0-segment", spec("1.1.0", steps));
    awaitStatus(run, s -> s.stepIndex() == 1 && s.segment() != null && !s.segment().isEmpty(), Duration.ofSeconds(60));
    var segmentOnly = load.snapshot();

    assertEquals(Map.of("1.1.0", 20L), versions(20, SEGMENT_HEADER, "beta"), "the beta header reaches the canary");
    assertEquals(Map.of("1.1.0", 20L), versions(20, "Cookie", SEGMENT_COOKIE + "=beta"), "the beta cookie does too");
    assertEquals(Map.of("1.1.0", 20L), versions(20, USER_HEADER, "tester-1"), "so does the listed user");
    assertEquals(Map.of("1.0.0", 20L), versions(20, USER_HEADER, "someone-else"), "other users stay on stable");
    assertEquals(Map.of("1.0.0", 20L), versions(20, SEGMENT_HEADER, "alpha"), "other segment values stay on stable");
    var segmentTraffic = load.snapshot().minus(segmentOnly);
    CanaryStatus still = run.status();
    assertEquals(1, still.stepIndex(), "still before the first setWeight: " + still.step());
    assertEquals(0, still.canaryWeight());
    assertEquals(Map.of("1.0.0", segmentTraffic.ok()), segmentTraffic.okByVersion(),
        "requests without the header never reach the canary before the first setWeight");

    awaitStatus(run, s -> s.canaryWeight() == 50 && s.stepIndex() == 3, Duration.ofSeconds(30));
    Map<String, Long> split = versions(200, null, null);
    long canary = split.getOrDefault("1.1.0", 0L);
    System.out.printf("[e2e] segment canary: after setWeight 50, %d of 200 plain requests reached the canary%n", canary);
    assertTrue(canary >= 60 && canary <= 140, "about half of plain requests at weight 50: " + split);

    run.rollback(new OperatorRequest("e2e", "segment check done"));
    CanaryResult result = result(run);
    var during = load.snapshot().minus(before);
    assertEquals(Phase.ROLLED_BACK, result.outcome(), result.reason());
    report("segment canary 1.1.0, rolled back by hand", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertStableOnly("1.0.0");
  }

  @Test
  @Order(2)
  void errorCanaryIsRolledBackAutomatically() throws Exception {
    double errorRate = 0.05;
    int weight = 20;
    var before = load.snapshot();
    CanaryReleaseWorkflow run =
        start("canary-web-2.3.0", spec("2.3.0", weightThenAnalysis(weight) + weightThenAnalysis(50)));
    CanaryResult result = result(run);
    var during = load.snapshot().minus(before);

    assertEquals(Phase.ROLLED_BACK, result.outcome(), result.reason());
    assertEquals(AnalysisRecord.FAILED, result.analyses().get(0).state(), result.analyses().toString());
    assertTrue(failedMetrics(result).contains("error-ratio"), "failed on the error ratio: " + result.analyses());
    assertTrue(result.firstTrafficMillis() > 0 && result.stableOnlyMillis() >= result.firstTrafficMillis(),
        "first traffic and stable-only times are recorded: " + result);
    assertNull(result.promotion(), "never promoted");

    double exposedSeconds = (result.stableOnlyMillis() - result.firstTrafficMillis()) / 1000.0;
    long detected = firstFailureMillis(result);
    double floor = RATE * (weight / 100.0) * errorRate * exposedSeconds;
    double share = during.sent() == 0 ? 0 : (double) during.failed() / during.sent();
    double floorShare = during.sent() == 0 ? 0 : floor / during.sent();
    System.out.printf(
        Locale.ROOT,
        "[e2e] error canary 2.3.0: first traffic -> stable only %.1f s (first failed measurement -> stable only %d ms);"
            + " %d of %d requests failed (%.2f%%), floor weight x error rate x time = %.1f requests (%.2f%%)%n",
        exposedSeconds,
        result.stableOnlyMillis() - detected,
        during.failed(),
        during.sent(),
        share * 100,
        floor,
        floorShare * 100);
    // Only the canary fails requests: a leak elsewhere (stable, the rollback itself) would show
    // far above what the canary's share of the traffic can produce.
    assertTrue(during.failed() <= 4 * floor + 10,
        "failed requests stay near the floor: " + during.failed() + " vs " + floor + " " + during.sampleErrors());
    assertTrue(during.sampleErrors().stream().allMatch(e -> e.contains("HTTP 500")),
        "every failure is the canary's 500: " + during.sampleErrors());
    assertStableOnly("1.0.0");
  }

  @Test
  @Order(3)
  void slowCanaryIsRolledBackOnTheLatencyMetric() throws Exception {
    var before = load.snapshot();
    CanaryReleaseWorkflow run =
        start("canary-web-2.4.0", spec("2.4.0", weightThenAnalysis(20) + weightThenAnalysis(50)));
    CanaryResult result = result(run);
    var during = load.snapshot().minus(before);

    assertEquals(Phase.ROLLED_BACK, result.outcome(), result.reason());
    assertEquals(List.of("latency-p99"), failedMetrics(result), "only latency failed: " + result.analyses());
    System.out.printf(
        Locale.ROOT,
        "[e2e] slow canary 2.4.0: first traffic -> stable only %.1f s; canary p99 %s s against baseline %s s%n",
        (result.stableOnlyMillis() - result.firstTrafficMillis()) / 1000.0,
        lastValue(result, "latency-p99", true),
        lastValue(result, "latency-p99", false));
    report("slow canary 2.4.0, rolled back", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertStableOnly("1.0.0");
  }

  @Test
  @Order(4)
  void prometheusStoppedMidAnalysisPausesAsInconclusiveAndGoesOnWhenDataReturns() throws Exception {
    String steps = promDownSteps();
    CanaryReleaseWorkflow run = start("canary-web-1.1.0-data-back", spec("1.1.0", steps));
    try {
      awaitInconclusiveAfterStoppingPrometheus(run);
      // Nothing decides while the data is missing: the run holds, traffic stays where it was.
      Thread.sleep(4_000);
      CanaryStatus held = run.status();
      assertEquals(Phase.INCONCLUSIVE, held.phase(), held.step());
      assertNull(held.promotion());
      assertEquals(1, held.stepIndex());
      assertEquals(20, held.canaryWeight());
    } finally {
      sandbox.startPrometheus();
    }
    // A full fresh analysis with data again: the run goes on to its indefinite pause.
    CanaryStatus after = awaitStatus(run, s -> s.stepIndex() == 2, Duration.ofSeconds(90));
    assertEquals(AnalysisRecord.SUCCESSFUL, lastAnalysis(after).state(), after.analyses().toString());
    assertNull(after.promotion());
    run.rollback(new OperatorRequest("e2e", "data is back; done"));
    CanaryResult result = result(run);
    assertEquals(Phase.ROLLED_BACK, result.outcome(), result.reason());
    assertStableOnly("1.0.0");
  }

  @Test
  @Order(5)
  void prometheusStoppedThenPromoteStartedByTypeNameWithPlainJson() throws Exception {
    // Started as `temporal workflow start --type CanaryRelease --input '<json>'` does it: by type
    // name, with plain JSON and no Java type involved.
    String id = "canary-web-1.1.0";
    JsonNode input = JSON.readTree(SpecLoader.toJson(SpecLoader.canary(spec("1.1.0", promDownSteps()))));
    var before = load.snapshot();
    WorkflowStub untyped =
        client.newUntypedWorkflowStub(
            CanaryReleaseWorkflow.TYPE,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(RUN_TIMEOUT)
                .build());
    untyped.start(input);
    started.add(id);
    CanaryReleaseWorkflow run = client.newWorkflowStub(CanaryReleaseWorkflow.class, id);
    try {
      awaitInconclusiveAfterStoppingPrometheus(run);
      untyped.signal("promote", new OperatorRequest("alice", "metrics are down; the canary looks fine by hand"));
      JsonNode result = untyped.getResult(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS, JsonNode.class);
      var during = load.snapshot().minus(before);
      assertEquals("SUCCEEDED", result.get("outcome").asText(), result.toString());
      CanaryStatus done = run.status();
      assertTrue(
          done.events().stream().anyMatch(e -> "alice".equals(e.by()) && e.action().contains("promote")),
          "alice's promote is in the audit trail: " + done.events());
      report("canary 1.1.0 promoted by hand while Prometheus was down", during);
      assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    } finally {
      sandbox.startPrometheus();
    }
    assertStableOnly("1.1.0");
  }

  @Test
  @Order(6)
  void goodCanaryIsPromotedToEveryInstanceWithNoFailedRequest() throws Exception {
    var before = load.snapshot();
    CanaryReleaseWorkflow run =
        start("canary-web-2.0.0", spec("2.0.0", weightThenAnalysis(20) + weightThenAnalysis(50)));
    CanaryResult result = result(run);
    var during = load.snapshot().minus(before);

    assertEquals(Phase.SUCCEEDED, result.outcome(), result.reason());
    assertNotNull(result.promotion(), "promoted through the child rolling deployment");
    for (AnalysisRecord a : result.analyses()) {
      assertEquals(AnalysisRecord.SUCCESSFUL, a.state(), a.toString());
      assertNotNull(a.judgement(), "the judge ran");
      assertEquals(Judgement.PASS, a.judgement().verdict(), a.judgement().toString());
    }
    report("good canary 2.0.0, promoted", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertTrue(during.sent() > 100, "the load ran: " + during.sent());
    assertStableOnly("2.0.0");
  }

  @Test
  @Order(7)
  void theExamplesPassTheWorkersChecksInTheSandbox() throws Exception {
    Path home = Path.of(System.getProperty("bellwether.home", ".."));
    BellwetherClient bw = BellwetherClient.of(client);
    for (String name : List.of("canary-web.yaml", "canary-web.json")) {
      String text = Files.readString(home.resolve("examples").resolve(name));
      // The spec rules and the worker's target check: router, pool, deployer, metrics provider.
      assertEquals(List.of(), bw.validate(text), name);
      List<Violation> unknown = bw.validate(text.replace("\"prom\"", "\"nope\"").replace("metrics: prom", "metrics: nope"));
      assertTrue(unknown.stream().anyMatch(v -> v.reason().contains("nope") || v.field().contains("metrics")),
          name + " with an unknown metrics provider is refused: " + unknown);
    }
  }

  // ---- helpers ----

  private static String promDownSteps() {
    return """
          - setWeight: 20
          - analysis:
              interval: 1s
              count: 5
              initialDelay: 6s
              consecutiveErrorLimit: 1
              metrics:
                - name: error-ratio
                  query: '%s'
                  thresholdRange: {max: 0.02}
          - pause: {}
        """
        .formatted(ERROR_RATIO);
  }

  /** A {@code setWeight} then a short analysis: thresholds on both metrics, then the judge. */
  static String weightThenAnalysis(int weight) {
    return """
          - setWeight: %d
          - analysis:
              interval: 1s
              count: 6
              initialDelay: 6s
              consecutiveErrorLimit: 4
              metrics:
                - name: error-ratio
                  query: '%s'
                  thresholdRange: {max: 0.02}
                  critical: true
                  absoluteTolerance: 0.01
                - name: latency-p99
                  query: '%s'
                  thresholdRange: {max: 0.15}
                  critical: true
                  absoluteTolerance: 0.05
              judge: {minSamples: 5, step: 1s}
        """
        .formatted(weight, ERROR_RATIO, LATENCY_P99);
  }

  /** A canary spec of service web in the sandbox, with {@code steps} (YAML list items). */
  static String spec(String version, String steps) {
    return """
        kind: CanaryRelease
        service: web
        version: %s
        requestedBy: e2e
        target: {router: edge, backend: web, pool: web, deployer: demo, healthCheck: http, metrics: prom}
        replicas: 1
        healthCheck: {path: /health, successThreshold: 2, period: 200ms, timeout: 30s}
        rollout: {maxUnavailable: 1, bakeTime: 500ms}
        drainTimeout: 10s
        smokeCheck: {path: /version, expectBodyContains: "${version}"}
        steps:
        %s"""
        .formatted(version, steps.stripTrailing().replaceAll("(?m)^  ", ""));
  }

  private CanaryReleaseWorkflow start(String id, String yaml) {
    CanaryReleaseSpec spec = SpecLoader.canary(yaml);
    CanaryReleaseWorkflow run =
        client.newWorkflowStub(
            CanaryReleaseWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(RUN_TIMEOUT)
                .build());
    WorkflowClient.start(run::run, spec);
    started.add(id);
    return run;
  }

  private static CanaryResult result(CanaryReleaseWorkflow run) throws Exception {
    return WorkflowStub.fromTyped(run).getResult(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS, CanaryResult.class);
  }

  /** Waits for the analysis to have measured with data, stops Prometheus, waits for INCONCLUSIVE. */
  private void awaitInconclusiveAfterStoppingPrometheus(CanaryReleaseWorkflow run) throws Exception {
    CanaryStatus measuring =
        awaitStatus(
            run,
            s -> s.stepIndex() == 1
                && s.phase() == Phase.ANALYZING
                && !s.analyses().isEmpty()
                && lastAnalysis(s).measurements().stream().anyMatch(m -> Measurement.SUCCESS.equals(m.verdict())),
            Duration.ofSeconds(60));
    sandbox.stopPrometheus();
    CanaryStatus s =
        awaitStatus(
            run,
            st -> st.phase() == Phase.INCONCLUSIVE
                && st.analyses().stream()
                    .flatMap(a -> a.measurements().stream())
                    .anyMatch(m -> m.status() == MetricStatus.UNAVAILABLE),
            Duration.ofSeconds(30));
    assertEquals(Phase.ANALYZING, measuring.phase(), "it was measuring with data before the outage");
    assertNotNull(s.gate(), "an automatic gate is open: " + s);
    assertEquals("inconclusive-1", s.gate().name());
    assertEquals("OPEN", s.gate().state());
  }

  private static AnalysisRecord lastAnalysis(CanaryStatus s) {
    return s.analyses().get(s.analyses().size() - 1);
  }

  private static List<String> failedMetrics(CanaryResult r) {
    return r.analyses().stream()
        .flatMap(a -> a.measurements().stream())
        .filter(m -> Measurement.FAILURE.equals(m.verdict()))
        .map(Measurement::metric)
        .distinct()
        .sorted()
        .toList();
  }

  private static long firstFailureMillis(CanaryResult r) {
    return r.analyses().stream()
        .flatMap(a -> a.measurements().stream())
        .filter(m -> Measurement.FAILURE.equals(m.verdict()))
        .mapToLong(Measurement::atMillis)
        .min()
        .orElse(r.stableOnlyMillis());
  }

  private static String lastValue(CanaryResult r, String metric, boolean canary) {
    return r.analyses().stream()
        .flatMap(a -> a.measurements().stream())
        .filter(m -> metric.equals(m.metric()) && (canary ? m.canary() : m.baseline()) != null)
        .reduce((a, b) -> b)
        .map(m -> String.format(Locale.ROOT, "%.3f", canary ? m.canary() : m.baseline()))
        .orElse("-");
  }

  private CanaryStatus awaitStatus(CanaryReleaseWorkflow run, Predicate<CanaryStatus> ready, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    CanaryStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = run.status();
        if (ready.test(last)) {
          return last;
        }
        if (last.phase() != null && last.phase().isFinal()) {
          throw new AssertionError("the run ended before the status matched: " + last);
        }
      } catch (RuntimeException e) {
        // The run may not have had its first workflow task yet (an AssertionError is no
        // RuntimeException, so a run that ended still fails the wait).
      }
      Thread.sleep(100);
    }
    throw new AssertionError("status never matched within " + max.toSeconds() + "s; last: " + last);
  }

  /** Sends {@code n} GETs through the frontend, with one header when given; versions that answered. */
  private Map<String, Long> versions(int n, String header, String value) throws Exception {
    Map<String, Long> seen = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(sandbox.frontendUrl()).timeout(Duration.ofSeconds(5));
      if (header != null) {
        b.header(header, value);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      String[] parts = r.body().trim().split("\\s+");
      seen.merge(parts[parts.length - 1], 1L, Long::sum);
    }
    return seen;
  }

  /**
   * The run left nothing behind: 0% to the canary backend, no segment, every canary slot empty,
   * every stable instance at {@code version} and READY, and the load seeing only that version.
   */
  private void assertStableOnly(String version) throws Exception {
    PoolState state = route.state(sandbox.canaryPool());
    assertEquals(0, state.candidatePercent(), state.toString());
    for (ServerInfo s : router.servers(sandbox.canaryBackends().get(1))) {
      assertEquals(ServerState.MAINT, s.state(), "canary slot emptied: " + s);
    }
    for (ServerInfo s : router.servers(sandbox.backend())) {
      assertEquals(ServerState.READY, s.state(), s.toString());
    }
    for (Map.Entry<String, String> e : sandbox.instances().entrySet()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + e.getValue() + "/version")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(version, r.body().trim(), e.getKey());
    }
    assertEquals(Map.of(version, 40L), versions(40, SEGMENT_HEADER, "beta"), "no segment route is left");
    assertAllTrafficFrom(version);
    assertFalse(load.snapshot().sent() == 0);
  }
}
