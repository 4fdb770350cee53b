package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole rolling deployments as a user runs them: a real HAProxy, four demo-app processes, the
 * embedded Temporal server and the worker as separate processes, under steady load through HAProxy
 * with GETs and POSTs (POSTs are not retried by HAProxy, so a dropped request shows as a failure).
 */
class RollingDeploymentE2ETest extends SandboxE2E {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HaproxyRouter router;

  @Override
  URI loadTarget(Sandbox sandbox) {
    return sandbox.frontendUrl();
  }

  @BeforeEach
  void connectRouter() {
    router = new HaproxyRouter(new HaproxyRuntimeApi(sandbox.routerRuntimeApi(), Duration.ofSeconds(5)));
  }

  @Test
  void upgradeStartedByTypeNameWithPlainJsonLosesNoRequest() throws Exception {
    // Started the way `temporal workflow start --type RollingDeployment --input '<json>'` does it:
    // by type name, with the JSON text as the input and no Java type involved.
    String input =
        """
        {"service":"web","version":"2.0.0",
         "target":{"router":"edge","backend":"web","deployer":"demo"},
         "strategy":{"maxUnavailable":1,"bakeTime":"500ms"},
         "healthCheck":{"path":"/health","successThreshold":2,"period":"200ms","timeout":"30s"},
         "smokeCheck":{"path":"/version","expectBodyContains":"${version}"},
         "requestedBy":"e2e"}
        """;
    var before = load.snapshot();
    WorkflowStub run =
        client.newUntypedWorkflowStub(
            "RollingDeployment",
            WorkflowOptions.newBuilder()
                .setWorkflowId("rolling-web-2.0.0")
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build());
    run.start(JSON.readValue(input, JsonNode.class));
    JsonNode result = run.getResult(4, TimeUnit.MINUTES, JsonNode.class);
    var during = load.snapshot().minus(before);

    assertEquals("SUCCEEDED", result.get("phase").asText(), result.toString());
    assertPool("2.0.0");
    report("upgrade 1.0.0 -> 2.0.0", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertTrue(during.sent() > 50, "the load ran: " + during.sent());
    assertAllTrafficFrom("2.0.0");
  }

  @Test
  void versionFailingItsHealthCheckRollsBackWithNoFailedRequest() throws Exception {
    var before = load.snapshot();
    RollingResult result =
        typedRun("3.0.0").run(spec("3.0.0", "\"maxUnavailable\":2", "\"timeout\":\"4s\""));
    var during = load.snapshot().minus(before);

    assertEquals(Phase.ROLLED_BACK, result.phase(), result.message());
    assertPool("1.0.0");
    report("bad 3.0.0, rolled back", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertAllTrafficFrom("1.0.0");
  }

  @Test
  void workerKilledMidRolloutFinishesAfterRestart() throws Exception {
    var before = load.snapshot();
    RollingDeploymentWorkflow run = typedRun("2.0.0");
    WorkflowClient.start(run::run, spec("2.0.0", null, null));
    RollingDeploymentWorkflow stub =
        client.newWorkflowStub(RollingDeploymentWorkflow.class, "rolling-web-2.0.0");
    // Kill the worker in the middle of the second batch, with instances drained or upgrading.
    awaitStatus(stub, s -> s.batch() >= 2 && !s.step().isEmpty(), Duration.ofSeconds(90));
    sandbox.killWorker();
    Thread.sleep(1500);
    sandbox.startWorker();
    RollingResult result =
        WorkflowStub.fromTyped(stub).getResult(4, TimeUnit.MINUTES, RollingResult.class);
    var during = load.snapshot().minus(before);

    assertEquals(Phase.SUCCEEDED, result.phase(), result.message());
    assertPool("2.0.0");
    report("upgrade with the worker killed mid-rollout", during);
    assertEquals(0, during.failed(), () -> "failed requests: " + during.sampleErrors());
    assertTrue(
        stub.status().events().stream().anyMatch(e -> e.action().contains("batch")),
        "the run's history carried on across the restart");
  }

  // ---- helpers ----

  private static RollingDeploymentSpec spec(String version, String strategyExtra, String healthExtra) {
    return SpecLoader.rolling(specJson(version, strategyExtra, healthExtra));
  }

  private static String specJson(String version, String strategyExtra, String healthExtra) {
    return "{\"service\":\"web\",\"version\":\""
        + version
        + "\",\"target\":{\"router\":\"edge\",\"backend\":\"web\",\"deployer\":\"demo\"},"
        + "\"strategy\":{"
        + (strategyExtra == null ? "\"maxUnavailable\":1" : strategyExtra)
        + ",\"bakeTime\":\"500ms\"},"
        + "\"healthCheck\":{\"path\":\"/health\",\"successThreshold\":2,\"period\":\"200ms\","
        + (healthExtra == null ? "\"timeout\":\"30s\"" : healthExtra)
        + "},\"requestedBy\":\"e2e\"}";
  }

  private RollingDeploymentWorkflow typedRun(String version) {
    return client.newWorkflowStub(
        RollingDeploymentWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId("rolling-web-" + version)
            .setTaskQueue(TaskQueues.BELLWETHER)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build());
  }

  private RollingStatus awaitStatus(
      RollingDeploymentWorkflow stub, java.util.function.Predicate<RollingStatus> ready, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    RollingStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = stub.status();
        if (ready.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        // the run may not have had its first task yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("status never matched; last: " + last);
  }

  /** Every instance answers the version itself, and HAProxy has every server READY at weight 1. */
  private void assertPool(String version) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (Map.Entry<String, String> e : sandbox.instances().entrySet()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + e.getValue() + "/version")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(version, r.body().trim(), e.getKey());
    }
    List<ServerInfo> servers = router.servers(sandbox.backend());
    assertEquals(sandbox.instances().size(), servers.size());
    for (ServerInfo s : servers) {
      assertEquals(ServerState.READY, s.state(), s.toString());
      assertEquals(1, s.weight(), s.toString());
    }
  }

  /** After the run, the load only sees the expected version. */
}
