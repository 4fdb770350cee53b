package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.starter.load.LoadGenerator;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh sandbox per test (embedded Temporal server, worker, operator API, HAProxy, demo-app
 * processes, all on free ports in a temporary directory), a Temporal client, and steady load
 * through one of its frontends: GETs and 30% POSTs, which HAProxy does not retry, so a dropped
 * request shows. A class that runs {@code @TestInstance(PER_CLASS)} and answers {@link
 * #sharedSandbox()} true gets one sandbox for all its tests and takes it down with {@link
 * #downSandbox()} in its {@code @AfterAll}.
 */
abstract class SandboxE2E {
  static final int RATE = 60;

  // Not @TempDir: under PER_CLASS JUnit gives each test method a fresh one and deletes the last,
  // which would pull a shared sandbox's directory from under its running processes.
  Path tmp;
  Sandbox sandbox;
  WorkflowServiceStubs service;
  WorkflowClient client;
  LoadGenerator load;

  /** The frontend the load goes through; null for no load. */
  abstract URI loadTarget(Sandbox sandbox);

  /** The sandbox to build, from the fixture's defaults (temporary directory, free port). */
  SandboxOptions sandboxOptions(SandboxOptions defaults) {
    return defaults;
  }

  /** Whether one sandbox serves every test of the class; see the class comment. */
  boolean sharedSandbox() {
    return false;
  }

  @BeforeEach
  void upSandbox() throws Exception {
    if (sandbox != null) {
      return;
    }
    if (tmp == null) {
      tmp = Files.createTempDirectory("bellwether-e2e-");
    }
    sandbox =
        Sandbox.up(
            sandboxOptions(
                SandboxOptions.defaults()
                    .withDir(Files.createDirectories(tmp.resolve("sandbox")))
                    .withTemporalPort(freePort())));
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(sandbox.temporalTarget()).build());
    client = WorkflowClient.newInstance(service);
    URI target = loadTarget(sandbox);
    if (target != null) {
      load = new LoadGenerator(target, RATE, 0.3);
      load.start();
    }
  }

  @AfterEach
  void downAfterEach() {
    if (!sharedSandbox()) {
      downSandbox();
    }
  }

  /** Stops the load, the client and the sandbox; idempotent. */
  void downSandbox() {
    if (load != null) {
      load.stop();
      load = null;
    }
    if (service != null) {
      service.shutdownNow();
      service = null;
    }
    if (sandbox != null) {
      Sandbox s = sandbox;
      sandbox = null;
      keepLogs(s);
      s.down();
    }
    if (tmp != null) {
      deleteTree(tmp);
      tmp = null;
    }
  }

  /** Copies the processes' logs to {@code target/e2e-logs/<class>-<time>/}, to read after a failure. */
  private void keepLogs(Sandbox s) {
    try {
      Path to = Files.createDirectories(
          Path.of("target", "e2e-logs", getClass().getSimpleName() + "-" + System.currentTimeMillis()));
      for (String log : new String[] {"worker.log", "api.log", "temporal.log"}) {
        Path from = s.dir().resolve(log);
        if (Files.isRegularFile(from)) {
          Files.copy(from, to.resolve(log));
        }
      }
    } catch (IOException e) {
      System.err.println("[e2e] could not keep the logs: " + e);
    }
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("[e2e] could not remove " + root + ": " + e);
    }
  }

  /**
   * Rolls back every run of {@code ids} that is still running and waits up to 90 s for it to end,
   * cancelling it when that fails; then forgets them all. A run a failed test left open would hold
   * the router for the next test.
   */
  void rollBackOpenRuns(List<String> ids) {
    for (String id : ids) {
      WorkflowStub run = client.newUntypedWorkflowStub(id);
      try {
        if (run.describe().getWorkflowExecutionInfo().getStatus()
            != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          continue;
        }
        run.signal("rollback", new OperatorRequest("e2e", "the test ended"));
        run.getResult(90, TimeUnit.SECONDS, JsonNode.class);
      } catch (Exception e) {
        System.err.println("[e2e] could not end " + id + " cleanly: " + e);
        try {
          run.cancel();
        } catch (RuntimeException ignored) {
          // Already closed.
        }
      }
    }
    ids.clear();
  }

  /** For a moment after a run, the load sees only {@code version}. */
  void assertAllTrafficFrom(String version) throws InterruptedException {
    var before = load.snapshot();
    Thread.sleep(1500);
    var after = load.snapshot().minus(before);
    assertTrue(after.sent() > 0);
    assertEquals(Map.of(version, after.ok()), after.okByVersion(), after.toString());
  }

  static void report(String what, LoadGenerator.Counts c) {
    System.out.printf("[e2e] %s: %d requests sent, %d failed%n", what, c.sent(), c.failed());
  }

  static int freePort() throws IOException {
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
