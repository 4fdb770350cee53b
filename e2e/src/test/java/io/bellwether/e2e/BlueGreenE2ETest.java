package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.haproxy.HaproxyPoolSwitch;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenResult;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.load.LoadGenerator;
import io.bellwether.starter.sandbox.Sandbox;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Blue-green releases as a user runs them: a real HAProxy routing the {@code shop} pool through
 * its map, demo-app processes provisioned by the worker, the embedded Temporal server and the
 * worker as separate processes, and steady GET and POST load through the pool's frontend.
 */
class BlueGreenE2ETest extends SandboxE2E {
  private static final int SWITCH_BACK_TRIES = Integer.getInteger("bellwether.e2e.switchBackTries", 20);

  private HaproxyPoolSwitch pool;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Override
  URI loadTarget(Sandbox sandbox) {
    return sandbox.shopFrontendUrl();
  }

  @BeforeEach
  void connectPool() {
    pool =
        new HaproxyPoolSwitch(
            new HaproxyRuntimeApi(sandbox.routerRuntimeApi(), Duration.ofSeconds(5)),
            Map.of(
                sandbox.pool(),
                new PoolConfig(
                    sandbox.poolBackends(),
                    sandbox.poolMapFile().toString(),
                    sandbox.poolStateFile().toString())));
  }

  @Test
  void instantSwitchLosesNoRequestAndEndsOnGreen() throws Exception {
    // Started as `temporal workflow start --type BlueGreenDeployment --input '<json>'` does it:
    // by type name, with plain JSON and no Java type involved.
    String input = SpecLoader.toJson(spec("2.0.0", "\"watchWindow\":\"2s\"", null));
    var before = load.snapshot();
    WorkflowStub untyped =
        client.newUntypedWorkflowStub(
            "BlueGreenDeployment",
            WorkflowOptions.newBuilder()
                .setWorkflowId("bluegreen-shop-2.0.0")
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build());
    untyped.start(new com.fasterxml.jackson.databind.ObjectMapper().readTree(input));
    BlueGreenResult result = untyped.getResult(4, TimeUnit.MINUTES, BlueGreenResult.class);
    var during = load.snapshot().minus(before);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    report("blue-green 1.0.0 -> 2.0.0, instant switch", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertTrue(during.sent() > 50, "the load ran: " + during.sent());
    assertAllTrafficFrom("2.0.0");
    PoolState state = pool.state(sandbox.pool());
    assertEquals(result.liveBackend(), state.liveBackend());
    assertEquals(0, state.candidatePercent());
  }

  @Test
  void rollbackAfterTheSwitchSendsEveryResponseBackToBlue() throws Exception {
    List<Double> switchLatencies = new ArrayList<>();
    List<Double> switchBackLatencies = new ArrayList<>();
    var before = load.snapshot();
    for (int i = 0; i < SWITCH_BACK_TRIES; i++) {
      BlueGreenDeploymentWorkflow run = stub("2.0.0");
      WorkflowClient.start(
          run::run,
          spec(
              "2.0.0",
              "\"watchWindow\":\"5m\",\"approval\":{\"approvers\":[\"alice\"],\"timeout\":\"10m\"}",
              "\"replicas\":1"));
      awaitStatus(
          run,
          s -> s.gate() != null && "OPEN".equals(s.gate().state()),
          Duration.ofSeconds(60));
      // Switch: from the approval to every response coming from green.
      long approved = System.nanoTime();
      WorkflowStub.fromTyped(run).signal("approve", new OperatorRequest("alice", "try " + (i + 1)));
      switchLatencies.add((awaitResponsesFrom("2.0.0", Duration.ofSeconds(30)) - approved) / 1e6);
      awaitStatus(run, s -> s.phase() == Phase.WATCHING, Duration.ofSeconds(30));
      // Switch-back: from the rollback signal to every response coming from blue again.
      long signalled = System.nanoTime();
      run.rollback(new OperatorRequest("e2e", "measure switch-back, try " + (i + 1)));
      switchBackLatencies.add((awaitResponsesFrom("1.0.0", Duration.ofSeconds(30)) - signalled) / 1e6);
      BlueGreenResult result =
          WorkflowStub.fromTyped(run).getResult(2, TimeUnit.MINUTES, BlueGreenResult.class);
      assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    }
    var during = load.snapshot().minus(before);
    reportLatency("switch after approval", switchLatencies);
    reportLatency("switch-back after rollback signal", switchBackLatencies);
    report("blue-green switch and switch-back x" + SWITCH_BACK_TRIES, during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertAllTrafficFrom("1.0.0");
  }

  private static void reportLatency(String what, List<Double> ms) {
    List<Double> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "[e2e] %s: median %.0f ms over %d tries (min %.0f, max %.0f)%n",
        what,
        sorted.get(sorted.size() / 2),
        sorted.size(),
        sorted.get(0),
        sorted.get(sorted.size() - 1));
  }

  @Test
  void greenFailingVerificationIsTornDownWhileBlueKeepsServing() throws Exception {
    var before = load.snapshot();
    BlueGreenResult result =
        stub("3.0.0")
            .run(
                spec(
                    "3.0.0",
                    "\"watchWindow\":\"2s\"",
                    "\"healthCheck\":{\"path\":\"/health\",\"successThreshold\":2,\"period\":\"200ms\",\"timeout\":\"3s\"}"));
    var during = load.snapshot().minus(before);

    assertEquals(Phase.ABORTED, result.phase(), result.message());
    report("blue-green 3.0.0 failing verification", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertEquals(Map.of("1.0.0", during.ok()), during.okByVersion());
    PoolState state = pool.state(sandbox.pool());
    assertEquals(0, state.candidatePercent());
    assertTrue(
        state.servers().get(state.candidateBackend()).stream()
            .allMatch(s -> s.state() == io.bellwether.contracts.activities.ServerState.MAINT),
        "green's slots are empty again: " + state);
  }

  @Test
  void workerKilledWhileWaitingAtTheGateStillTakesTheApproval() throws Exception {
    var before = load.snapshot();
    BlueGreenDeploymentWorkflow run = stub("2.0.0");
    WorkflowClient.start(
        run::run,
        spec(
            "2.0.0",
            "\"watchWindow\":\"2s\",\"approval\":{\"approverGroups\":[\"release-managers\"],\"timeout\":\"10m\"}",
            null));
    // Waiting for people: the gate is open, its approvers resolved.
    awaitStatus(
        run,
        s -> s.phase() == Phase.AWAITING_APPROVAL && s.gate() != null && "OPEN".equals(s.gate().state()),
        Duration.ofSeconds(60));
    sandbox.killWorker();
    Thread.sleep(1000);
    sandbox.startWorker();
    // The same signal `temporal workflow signal --name approve` sends.
    WorkflowStub.fromTyped(run).signal("approve", new OperatorRequest("alice", "looks good"));
    BlueGreenResult result = WorkflowStub.fromTyped(run).getResult(3, TimeUnit.MINUTES, BlueGreenResult.class);
    var during = load.snapshot().minus(before);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    BlueGreenStatus status = run.status();
    assertTrue(
        status.gate().decisions().stream().anyMatch(d -> d.accepted() && d.by().equals("alice")),
        "alice's approval is in the audit trail: " + status.gate());
    report("blue-green with the worker killed at the gate", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertAllTrafficFrom("2.0.0");
  }

  // ---- helpers ----

  private BlueGreenDeploymentWorkflow stub(String version) {
    return client.newWorkflowStub(
        BlueGreenDeploymentWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId("bluegreen-shop-" + version)
            .setTaskQueue(TaskQueues.BELLWETHER)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
            .build());
  }

  private static BlueGreenDeploymentSpec spec(String version, String extra, String override) {
    String health =
        "\"healthCheck\":{\"path\":\"/health\",\"successThreshold\":2,\"period\":\"200ms\",\"timeout\":\"30s\"}";
    String replicas = "";
    if (override != null && override.startsWith("\"healthCheck\"")) {
      health = override;
    } else if (override != null) {
      replicas = "," + override;
    }
    return SpecLoader.blueGreen(
        "{\"service\":\"shop\",\"version\":\""
            + version
            + "\",\"target\":{\"router\":\"edge\",\"pool\":\"shop\",\"deployer\":\"demo\"},"
            + health
            + ",\"smokeCheck\":{\"path\":\"/version\",\"expectBodyContains\":\"${version}\"},"
            + "\"blueRetention\":{\"mode\":\"keepIdle\"},"
            + extra
            + replicas
            + ",\"requestedBy\":\"e2e\"}");
  }

  private BlueGreenStatus awaitStatus(
      BlueGreenDeploymentWorkflow run, Predicate<BlueGreenStatus> ready, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    BlueGreenStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = run.status();
        if (ready.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        // the run may not have had its first workflow task yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("status never matched; last: " + last);
  }

  /**
   * Polls the pool's frontend until ten responses in a row come from {@code version}; returns
   * when the first of them was sent (System.nanoTime).
   */
  private long awaitResponsesFrom(String version, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    int streak = 0;
    long streakStart = 0;
    while (System.nanoTime() < deadline) {
      long sent = System.nanoTime();
      String body;
      try {
        body =
            http.send(
                    HttpRequest.newBuilder(sandbox.shopFrontendUrl()).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body()
                .trim();
      } catch (java.io.IOException e) {
        body = "";
      }
      if (body.endsWith(" " + version)) {
        if (streak++ == 0) {
          streakStart = sent;
        }
        if (streak == 10) {
          return streakStart;
        }
      } else {
        streak = 0;
      }
      Thread.sleep(2);
    }
    throw new AssertionError("responses never all came from " + version);
  }

}
