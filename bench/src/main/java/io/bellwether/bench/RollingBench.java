package io.bellwether.bench;

import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures, in one run against one sandbox (real HAProxy, demo-app processes, the worker on the
 * embedded Temporal server):
 *
 * <ol>
 *   <li>time per instance of a rolling upgrade with zero bake time, against a plain script that
 *       makes the same HAProxy runtime API calls, deploys and health probes directly, in this
 *       process, with no Temporal involved;
 *   <li>time from a {@code rollback} signal to the pool fully restored (every instance back at the
 *       old version and READY in HAProxy).
 * </ol>
 *
 * Reports medians and the ratio. Usage: {@code ./bellwether bench [rounds]}.
 */
public final class RollingBench {
  private static final String FROM = "1.0.0";
  private static final String TO = "2.0.0";
  private static final int SUCCESS_THRESHOLD = 2;
  private static final Duration PERIOD = Duration.ofMillis(200);

  private final Sandbox sandbox;
  private final WorkflowClient client;
  private final HaproxyRouter router;
  private final ProcessDeployer deployer;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private RollingBench(Sandbox sandbox, WorkflowClient client) {
    this.sandbox = sandbox;
    this.client = client;
    this.router = new HaproxyRouter(new HaproxyRuntimeApi(sandbox.routerRuntimeApi(), Duration.ofSeconds(5)));
    this.deployer = sandbox.deployer();
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path dir = Files.createTempDirectory("bellwether-bench");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Sandbox sandbox = Sandbox.up(SandboxOptions.defaults().withDir(dir).withTemporalPort(port));
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(sandbox.temporalTarget()).build());
    try {
      new RollingBench(sandbox, WorkflowClient.newInstance(service)).run(rounds);
    } finally {
      service.shutdownNow();
      sandbox.down();
    }
  }

  private void run(int rounds) throws Exception {
    int n = sandbox.instances().size();
    List<Double> workflowPerInstance = new ArrayList<>();
    List<Double> scriptPerInstance = new ArrayList<>();
    List<Double> rollbackRestore = new ArrayList<>();
    // Warm-up: one of each, not counted (JIT, first workflow task, first process starts).
    workflowUpgrade(TO);
    scriptUpgrade(FROM);
    for (int r = 0; r < rounds; r++) {
      // Alternate which goes first so neither always meets a freshly started pool.
      if (r % 2 == 0) {
        workflowPerInstance.add(workflowUpgrade(TO) / n);
        scriptPerInstance.add(scriptUpgrade(FROM) / n);
      } else {
        scriptPerInstance.add(scriptUpgrade(TO) / n);
        workflowPerInstance.add(workflowUpgrade(FROM) / n);
      }
      System.out.printf(
          Locale.ROOT,
          "round %d: workflow %.0f ms/instance, script %.0f ms/instance%n",
          r + 1,
          last(workflowPerInstance),
          last(scriptPerInstance));
    }
    String base = currentVersion();
    String other = base.equals(FROM) ? TO : FROM;
    for (int r = 0; r < rounds; r++) {
      rollbackRestore.add(rollbackLatency(base, other, r));
      System.out.printf(Locale.ROOT, "rollback %d: restored %.0f ms after the signal%n", r + 1, last(rollbackRestore));
    }
    double wf = median(workflowPerInstance);
    double script = median(scriptPerInstance);
    System.out.println();
    System.out.println("== rolling upgrade, zero bake time, " + n + " instances, maxUnavailable 1 ==");
    System.out.printf(Locale.ROOT, "workflow median: %.0f ms per instance%n", wf);
    System.out.printf(Locale.ROOT, "plain script median: %.0f ms per instance%n", script);
    System.out.printf(Locale.ROOT, "ratio workflow/script: %.2f%n", wf / script);
    System.out.println("== rollback signal to pool fully restored ==");
    System.out.printf(
        Locale.ROOT,
        "median: %.0f ms (min %.0f, max %.0f, %d runs)%n",
        median(rollbackRestore),
        Collections.min(rollbackRestore),
        Collections.max(rollbackRestore),
        rollbackRestore.size());
  }

  /** Milliseconds for a whole RollingDeployment run to the given version. */
  private double workflowUpgrade(String version) {
    RollingDeploymentWorkflow run = stub("bench-" + version + "-" + System.nanoTime());
    long t0 = System.nanoTime();
    RollingResult result = run.run(spec(version, "0s"));
    double ms = (System.nanoTime() - t0) / 1e6;
    if (result.phase() != Phase.SUCCEEDED) {
      throw new IllegalStateException("workflow run did not succeed: " + result.message());
    }
    return ms;
  }

  /** The same steps as the workflow, called directly, one instance at a time. */
  private double scriptUpgrade(String version) throws Exception {
    long t0 = System.nanoTime();
    for (Map.Entry<String, String> e : sandbox.instances().entrySet()) {
      String name = e.getKey();
      String address = e.getValue();
      router.setState(sandbox.backend(), name, ServerState.DRAIN);
      while (sessions(name) > 0) {
        Thread.sleep(100);
      }
      router.setState(sandbox.backend(), name, ServerState.MAINT);
      DeployResult d = deployer.deploy(name, address, version, () -> {});
      if (!d.ok()) {
        throw new IllegalStateException("deploy failed: " + d.output());
      }
      int passes = 0;
      while (passes < SUCCESS_THRESHOLD) {
        passes = healthy(address) ? passes + 1 : 0;
        if (passes < SUCCESS_THRESHOLD) {
          Thread.sleep(PERIOD.toMillis());
        }
      }
      router.setState(sandbox.backend(), name, ServerState.READY);
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  /**
   * Starts an upgrade with a long bake, waits for the first batch to be upgraded, signals {@code
   * rollback} and measures until every instance runs {@code base} and is READY again.
   */
  private double rollbackLatency(String base, String other, int round) throws Exception {
    RollingDeploymentWorkflow run = stub("bench-rollback-" + round + "-" + System.nanoTime());
    WorkflowClient.start(run::run, spec(other, "60s"));
    RollingStatus s;
    do {
      Thread.sleep(50);
      s = run.status();
    } while (s.phase() != Phase.BAKING);
    long t0 = System.nanoTime();
    run.rollback(new OperatorRequest("bench", "measure restore time"));
    while (!restored(base)) {
      Thread.sleep(20);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    RollingResult result = io.temporal.client.WorkflowStub.fromTyped(run).getResult(RollingResult.class);
    if (result.phase() != Phase.ROLLED_BACK) {
      throw new IllegalStateException("expected a rollback, got " + result.phase());
    }
    return ms;
  }

  private boolean restored(String version) throws Exception {
    for (ServerInfo s : router.servers(sandbox.backend())) {
      if (s.state() != ServerState.READY) {
        return false;
      }
    }
    for (String address : sandbox.instances().values()) {
      if (!version.equals(get(address, "/version"))) {
        return false;
      }
    }
    return true;
  }

  private String currentVersion() throws Exception {
    return get(sandbox.instances().values().iterator().next(), "/version");
  }

  private int sessions(String server) {
    return router.servers(sandbox.backend()).stream()
        .filter(s -> s.name().equals(server))
        .mapToInt(ServerInfo::sessions)
        .sum();
  }

  private boolean healthy(String address) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create("http://" + address + "/health"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private String get(String address, String path) throws Exception {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://" + address + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body()
          .trim();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private RollingDeploymentWorkflow stub(String id) {
    return client.newWorkflowStub(
        RollingDeploymentWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(TaskQueues.BELLWETHER)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
            .build());
  }

  private static RollingDeploymentSpec spec(String version, String bake) {
    return SpecLoader.rolling(
        "{\"service\":\"web\",\"version\":\""
            + version
            + "\",\"target\":{\"router\":\"edge\",\"backend\":\"web\",\"deployer\":\"demo\"},"
            + "\"strategy\":{\"maxUnavailable\":1,\"bakeTime\":\""
            + bake
            + "\"},\"healthCheck\":{\"path\":\"/health\",\"successThreshold\":"
            + SUCCESS_THRESHOLD
            + ",\"period\":\""
            + PERIOD.toMillis()
            + "ms\",\"timeout\":\"30s\"},\"requestedBy\":\"bench\"}");
  }

  private static double last(List<Double> xs) {
    return xs.get(xs.size() - 1);
  }

  static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }
}
