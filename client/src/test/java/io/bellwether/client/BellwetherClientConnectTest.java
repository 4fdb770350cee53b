package io.bellwether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.rolling.RollingStatus;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@link BellwetherClient#connect} over TCP against the port-bound embedded server. */
class BellwetherClientConnectTest {

  @Test
  void connectStartsAndReadsARunOverTcpAndCloseShutsTheConnection() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port)) {
      BellwetherClient bw = BellwetherClient.connect("127.0.0.1:" + port, "default");
      WorkerFactory workers = WorkerFactory.newInstance(bw.workflowClient());
      try {
        workers.newWorker(TaskQueues.BELLWETHER).registerWorkflowImplementationTypes(FakeRollingWorkflow.class);
        workers.start();

        String id = bw.start(BellwetherClientTest.ROLLING_YAML).workflowId();

        assertEquals("rolling-web-2.0.0", id);
        assertEquals("web", assertInstanceOf(RollingStatus.class, bw.status(id)).service());
        assertEquals(1, bw.list(null).size());
      } finally {
        workers.shutdownNow();
        workers.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        bw.close();
      }
      assertTrue(bw.workflowClient().getWorkflowServiceStubs().isShutdown());
      bw.close();
    }
  }
}
