package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.starter.load.LoadGenerator;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh sandbox per test (embedded Temporal server, worker, HAProxy, demo-app processes, all on
 * free ports in a temporary directory), a Temporal client, and steady load through one of its
 * frontends: GETs and 30% POSTs, which HAProxy does not retry, so a dropped request shows.
 */
abstract class SandboxE2E {
  static final int RATE = 60;

  @TempDir Path tmp;
  Sandbox sandbox;
  WorkflowServiceStubs service;
  WorkflowClient client;
  LoadGenerator load;

  /** The frontend the load goes through. */
  abstract URI loadTarget(Sandbox sandbox);

  @BeforeEach
  void upSandbox() throws Exception {
    sandbox =
        Sandbox.up(
            SandboxOptions.defaults()
                .withDir(Files.createDirectories(tmp.resolve("sandbox")))
                .withTemporalPort(freePort()));
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(sandbox.temporalTarget()).build());
    client = WorkflowClient.newInstance(service);
    load = new LoadGenerator(loadTarget(sandbox), RATE, 0.3);
    load.start();
  }

  @AfterEach
  void downSandbox() {
    if (load != null) {
      load.stop();
    }
    if (service != null) {
      service.shutdownNow();
    }
    if (sandbox != null) {
      sandbox.down();
    }
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
