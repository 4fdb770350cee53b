package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bellwether.activities.config.SplitConfig;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.haproxy.HaproxySplit;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.abtest.Comparison;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.SplitState;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.load.ShopperLoad;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * A/B tests as a user runs them, in one sandbox: the real HAProxy split on the main frontend,
 * demo-app variant instances provisioned by the worker into the split's backends, real Prometheus
 * scraping their shop counters every second, the embedded Temporal server and the worker; steady
 * GET and POST load on {@code /} and simulated shoppers with stable user ids on {@code /shop}.
 *
 * <p>The shoppers decide to buy {@link ShopperLoad.BuyMode#EVEN evenly} (exactly the variant's
 * rate, no sampling noise), so the outcomes do not flake: the statistics themselves are proven by
 * the simulations in the analysis module. What is tested here is the loop: routing, stickiness,
 * the split's accuracy, counting through Prometheus, the decision, rollout and reversion with
 * nothing left behind. The lift test runs last because its rollout changes the stable version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ABTestE2ETest extends SandboxE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  /** Shopper arrivals per second; with a third returning, about 40 new users a second. */
  private static final int SHOPPERS_PER_SECOND = 60;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String> started = new ArrayList<>();
  private HaproxySplit split;
  private HaproxyRouter router;
  private ShopperLoad shoppers;

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

  @BeforeEach
  void connectRouter() {
    HaproxyRuntimeApi api = new HaproxyRuntimeApi(sandbox.routerRuntimeApi(), Duration.ofSeconds(5));
    router = new HaproxyRouter(api);
    split =
        new HaproxySplit(
            Sandbox.ROUTER,
            api,
            Map.of(
                sandbox.split(),
                new SplitConfig(
                    sandbox.splitBackends(),
                    sandbox.splitMapFile().toString(),
                    sandbox.poolStateFile().toString())));
  }

  /** Stops the shoppers, and rolls back (then cancels) any run a test left open. */
  @AfterEach
  void endOpenRuns() {
    if (shoppers != null) {
      shoppers.close();
      shoppers = null;
    }
    rollBackOpenRuns(started);
  }

  @Test
  @Order(1)
  void anAaTestFindsNoDifferenceKeepsUsersStickyAndRevertsCompletely() throws Exception {
    ABTestWorkflow run = start(spec("aa", "4.0.0", "4.0.1", "", true));
    ABTestStatus open = awaitStatus(run, ABTestStatus::splitOpen, Duration.ofSeconds(90));
    startShoppers(11);
    ABTestStatus gate = awaitStatus(run, s -> s.phase() == Phase.AWAITING_APPROVAL, RUN_TIMEOUT);
    ShopperLoad.Snapshot seen = stopShoppers();

    assertEquals(Outcome.NO_DIFFERENCE, gate.outcome(), gate.evaluation() == null ? gate.reason() : gate.evaluation().summary());
    assertSticky(seen);
    assertSplitNear(seen, "control", 0.5);
    Comparison c = gate.evaluation().comparisons().get(0);
    System.out.printf(
        Locale.ROOT,
        "[e2e] A/A: control %.4f vs twin %.4f, p=%.3f, %s; salt %s%n",
        c.controlRate(), c.treatmentRate(), c.pValue(), gate.evaluation().summary(), open.salt());
    assertCountsMatchShoppers(gate, seen);

    run.approve(new OperatorRequest("alice", "no difference, as expected of an A/A test"));
    ABTestResult result = result(run);
    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(ABTestResult.REVERTED, result.decision());
    assertNull(result.promotion(), "nothing is rolled out");
    assertEquals("alice", run.status().confirmedBy());
    assertNothingLeft(run.status(), "1.0.0");
  }

  @Test
  @Order(2)
  void aTreatmentBreakingTheErrorGuardrailIsStoppedEarlyWithZeroRoutesLeft() throws Exception {
    ABTestWorkflow run = start(spec("broken", "4.0.0", "4.2.0", "", false));
    awaitStatus(run, ABTestStatus::splitOpen, Duration.ofSeconds(90));
    startShoppers(12);
    ABTestResult result = result(run);
    stopShoppers();
    ABTestStatus s = run.status();

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.reason());
    assertEquals(Outcome.STOPPED, result.outcome());
    assertTrue(result.reason() != null && result.reason().contains("error-ratio"), result.reason());
    VariantStatus broken = s.variants().get(1);
    assertTrue(broken.stopped(), "the broken treatment is marked stopped: " + broken);
    long required = s.plan().perVariant();
    assertTrue(broken.exposures() < required,
        "stopped early, before the planned sample size: " + broken.exposures() + " of " + required);
    long breach = firstEventMillis(s, e -> e.action().equals("variant-stopped"));
    long closed = firstEventMillis(s, e -> e.action().equals("split-cleared"));
    System.out.printf(
        Locale.ROOT,
        "[e2e] guardrail: treatment 4.2.0 stopped after %d of %d planned exposures; breach -> split closed %d ms%n",
        broken.exposures(), required, closed - breach);
    assertNothingLeft(s, "1.0.0");
  }

  @Test
  @Order(3)
  void anAbTestStartedByTypeNameWithPlainJsonRunsAndRollsBackOnSignal() throws Exception {
    ObjectNode input = (ObjectNode) JSON.readTree(Files.readString(example("ab-web.json")));
    input.put("name", "plain-json");
    String id = "abtest-web-plain-json";
    WorkflowStub run =
        client.newUntypedWorkflowStub(
            ABTestWorkflow.TYPE,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(RUN_TIMEOUT)
                .build());
    run.start(input);
    started.add(id);
    ABTestWorkflow typed = client.newWorkflowStub(ABTestWorkflow.class, id);
    ABTestStatus open = awaitStatus(typed, ABTestStatus::splitOpen, Duration.ofSeconds(90));
    assertEquals(Phase.COLLECTING, open.phase());
    assertEquals(2, open.variants().size());
    // The forced internal tester sees the treatment, whatever the hash says.
    assertEquals("one-page", variantOf("qa-alice"));
    run.signal("rollback", new OperatorRequest("carol", "enough"));
    ABTestResult result = run.getResult(90, TimeUnit.SECONDS, ABTestResult.class);
    assertEquals(Phase.ROLLED_BACK, result.phase(), result.reason());
    assertEquals(Outcome.STOPPED, result.outcome());
    assertTrue(result.reason().contains("carol"), result.reason());
    assertNothingLeft(typed.status(), "1.0.0");
  }

  @Test
  @Order(4)
  void aTestCancelledWhileTheWorkerIsDownRevertsExactlyWhenTheWorkerIsBack() throws Exception {
    ABTestWorkflow run = start(spec("crash", "4.0.0", "4.1.0", "", false));
    ABTestStatus open = awaitStatus(run, ABTestStatus::splitOpen, Duration.ofSeconds(90));
    assertEquals(Phase.COLLECTING, open.phase());
    sandbox.killWorker();
    // Requests still reach the variants: the split is HAProxy's, not the worker's.
    String whileDown = variantOf("u-while-the-worker-is-down");
    assertTrue(whileDown.equals("control") || whileDown.equals("treatment"), whileDown);
    WorkflowStub.fromTyped(run).cancel();
    Thread.sleep(1500);
    sandbox.startWorker();
    // A cancelled run ends CANCELED; its status (queries work on closed runs) says what was undone.
    assertThrows(io.temporal.client.WorkflowFailedException.class, () -> result(run));
    ABTestStatus s = run.status();
    System.out.printf("[e2e] worker killed mid-collection, cancelled while down: %s, %s%n", s.phase(), s.reason());
    assertEquals(Phase.ROLLED_BACK, s.phase(), s.reason());
    assertEquals(Outcome.STOPPED, s.outcome());
    assertTrue(s.events().stream().anyMatch(e -> e.action().equals("split-cleared")), s.events().toString());
    assertNothingLeft(s, "1.0.0");
  }

  @Test
  @Order(5)
  void aTreatmentWithARealLiftIsDeclaredTheWinnerAndRolledOut() throws Exception {
    ABTestWorkflow run = start(spec("lift", "4.0.0", "4.1.0", "", true));
    awaitStatus(run, ABTestStatus::splitOpen, Duration.ofSeconds(90));
    startShoppers(14);
    ABTestStatus gate = awaitStatus(run, s -> s.phase() == Phase.AWAITING_APPROVAL, RUN_TIMEOUT);
    ShopperLoad.Snapshot seen = stopShoppers();

    assertEquals(Outcome.WINNER, gate.outcome(), gate.evaluation() == null ? gate.reason() : gate.evaluation().summary());
    assertEquals("treatment", gate.winner());
    assertSticky(seen);
    assertSplitNear(seen, "control", 0.5);
    assertCountsMatchShoppers(gate, seen);
    Comparison c = gate.evaluation().comparisons().get(0);
    assertTrue(c.significant() && c.difference() > 0 && c.ciLow() > 0, c.toString());
    System.out.printf(
        Locale.ROOT,
        "[e2e] lift: control %.4f vs treatment %.4f, +%.1f%% (CI %.4f..%.4f), p=%.5f%n",
        c.controlRate(), c.treatmentRate(), c.relativeLift() * 100, c.ciLow(), c.ciHigh(), c.pValue());

    run.approve(new OperatorRequest("alice", "roll it out"));
    ABTestResult result = result(run);
    assertEquals(Phase.SUCCEEDED, result.phase(), result.reason());
    assertEquals(ABTestResult.ROLLED_OUT, result.decision());
    assertNotNull(result.promotion());
    assertNothingLeft(run.status(), "4.1.0");
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * An A/B test of the sandbox's web service: control and treatment at 50% each, hashed on the
   * user id, the goal and an error guardrail read every second, a plan of baseline 10% and a
   * relative effect of 50% (686 users per variant), and a confirm gate when {@code gate}.
   */
  static String spec(String name, String control, String treatment, String extra, boolean gate) {
    return """
        kind: ABTest
        service: web
        name: %s
        hypothesis: the treatment sells more
        requestedBy: e2e
        target: {router: edge, backend: web, split: web_ab, deployer: demo, healthCheck: http, metrics: prom}
        variants:
          - {name: control, version: %s, share: 50}
          - {name: treatment, version: %s, share: 50}
        assignment: {stickiness: hash}
        goal:
          name: checkout
          exposures: sum(ab_exposures_total{bellwether_instance=~"{{instances}}",randomized="true"})
          conversions: sum(ab_conversions_total{bellwether_instance=~"{{instances}}",randomized="true"})
        guardrails:
          - name: error-ratio
            query: (sum(rate(http_server_requests_total{bellwether_instance=~"{{instances}}",status=~"5.."}[5s])) or vector(0)) / sum(rate(http_server_requests_total{bellwether_instance=~"{{instances}}"}[5s]))
            max: 0.05
            failureLimit: 2
        plan: {baselineRate: 0.10, minimumDetectableEffect: 0.5, alpha: 0.05, power: 0.8, expectedExposuresPerMinute: 2400}
        interval: 1s
        maxDuration: 4m
        healthCheck: {path: /health, successThreshold: 2, period: 200ms, timeout: 30s}
        rollout: {maxUnavailable: 1, bakeTime: 500ms}
        drainTimeout: 10s
        %s%s"""
        .formatted(
            name,
            control,
            treatment,
            gate ? "confirm: {approvers: [alice, bob], timeout: 10m}\n" : "",
            extra);
  }

  private ABTestWorkflow start(String yaml) {
    ABTestSpec spec = SpecLoader.abTest(yaml);
    String id = "abtest-web-" + spec.name();
    ABTestWorkflow run =
        client.newWorkflowStub(
            ABTestWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(RUN_TIMEOUT.plusMinutes(5))
                .build());
    WorkflowClient.start(run::run, spec);
    started.add(id);
    return run;
  }

  private static ABTestResult result(ABTestWorkflow run) throws Exception {
    return WorkflowStub.fromTyped(run).getResult(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS, ABTestResult.class);
  }

  /** Simulated shoppers from now on, a third of arrivals returning users, buying evenly. */
  private void startShoppers(long seed) {
    shoppers =
        new ShopperLoad(
            ShopperLoad.Settings.of(sandbox.frontendUrl(), 20_000, SHOPPERS_PER_SECOND)
                .withReturningShare(0.33)
                .withBuyMode(ShopperLoad.BuyMode.EVEN)
                .withSeed(seed));
    shoppers.start();
  }

  private ShopperLoad.Snapshot stopShoppers() {
    shoppers.stop();
    ShopperLoad.Snapshot s = shoppers.snapshot();
    System.out.println("[e2e] shoppers: " + ShopperLoad.describe(s));
    shoppers.close();
    shoppers = null;
    return s;
  }

  /** Every simulated user saw one variant only while the split was open. */
  private static void assertSticky(ShopperLoad.Snapshot s) {
    assertTrue(s.users() > 500, "enough users to judge: " + s.users());
    assertEquals(0, s.stickyViolations(), "users who saw two variants: " + s.violationSamples());
    assertEquals(0, s.variant("none").users(), "nobody fell outside a 100% split");
  }

  /** The share of users that {@code variant} got is within 5 points of {@code planned}. */
  private static void assertSplitNear(ShopperLoad.Snapshot s, String variant, double planned) {
    double share = s.userShare(variant);
    System.out.printf(
        Locale.ROOT, "[e2e] split: %s got %.2f%% of %d users (planned %.0f%%)%n",
        variant, share * 100, s.users(), planned * 100);
    assertTrue(Math.abs(share - planned) <= 0.05, variant + " share " + share + " of " + s);
  }

  /**
   * The counts the workflow decided on, read through Prometheus, are the shoppers' own: the
   * workflow's counts can only lag the shoppers' by the reads after the last one.
   */
  private static void assertCountsMatchShoppers(ABTestStatus status, ShopperLoad.Snapshot seen) {
    for (VariantStatus v : status.variants()) {
      ShopperLoad.VariantCounts mine = seen.variant(v.name());
      assertTrue(v.exposures() > 0 && v.exposures() <= mine.users(),
          v.name() + ": workflow counted " + v.exposures() + " exposures, shoppers saw " + mine.users() + " users");
      assertTrue(v.exposures() >= v.requiredSampleSize(), v.name() + " reached the sample size: " + v);
      assertTrue(v.conversions() <= mine.conversions(), v.name() + ": " + v.conversions() + " vs " + mine);
    }
  }

  /**
   * Nothing of the test is left: the split closed and every map empty in the router and on disk,
   * every variant slot empty, every stable server READY at {@code stableVersion}, and plain
   * traffic only from it.
   */
  private void assertNothingLeft(ABTestStatus status, String stableVersion) throws Exception {
    SplitState state = split.state(sandbox.split());
    assertTrue(state.isClear(), "split cleared: " + state);
    for (HaproxySplit.SplitMap m : HaproxySplit.SplitMap.values()) {
      if (m == HaproxySplit.SplitMap.MAIN) {
        continue;
      }
      Path file = m.file(sandbox.splitMapFile(), sandbox.split());
      List<String> entries =
          Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
      assertEquals(List.of(), entries, "map file emptied: " + file);
    }
    for (String backend : sandbox.splitBackends()) {
      for (ServerInfo s : router.servers(backend)) {
        assertEquals(ServerState.MAINT, s.state(), "variant slot emptied: " + s);
      }
    }
    for (VariantStatus v : status.variants()) {
      v.instances().forEach(i -> assertTrue(i.address() == null || i.address().isEmpty(), "instance removed: " + i));
    }
    for (ServerInfo s : router.servers(sandbox.backend())) {
      assertEquals(ServerState.READY, s.state(), s.toString());
    }
    assertEquals("none", variantOf("u-after-the-test"), "users are outside any experiment");
    assertAllTrafficFrom(stableVersion);
  }

  /** The variant the shop page names for one request of {@code user}. */
  private String variantOf(String user) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(sandbox.frontendUrl().resolve("/shop"))
                .header(ShopperLoad.USER_HEADER, user)
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).path("variant").asText();
  }

  private static long firstEventMillis(ABTestStatus s, Predicate<RunEvent> which) {
    return s.events().stream().filter(which).mapToLong(e -> java.time.Instant.parse(e.time()).toEpochMilli()).min()
        .orElseThrow(() -> new AssertionError("no such event in " + s.events()));
  }

  private static Path example(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("examples"))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "examples/ not found above " + Path.of("").toAbsolutePath());
    return dir.resolve("examples").resolve(name);
  }

  private ABTestStatus awaitStatus(ABTestWorkflow run, Predicate<ABTestStatus> ready, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    ABTestStatus last = null;
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
        // No workflow task yet.
      }
      Thread.sleep(200);
    }
    throw new AssertionError("status never matched within " + max.toSeconds() + "s; last: " + last);
  }
}
