package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The CLI sandbox's arrangement: the server runs on its own, the worker is pointed at it by
 * address in another namespace, and a client that only knows the address gets its run done.
 */
class WorkerClusterModeTest {

  @Test
  void aWorkerPointedAtAServerUsesItAndStartsNoServerOfItsOwn() {
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start("127.0.0.1", 0);
        ConfigurableApplicationContext worker =
            new SpringApplicationBuilder(BellwetherWorkerApplication.class)
                .web(WebApplicationType.NONE)
                .properties(
                    "bellwether.temporal.address=" + server.target(),
                    "bellwether.temporal.namespace=sandbox",
                    "bellwether.temporal.sticky-execution=false",
                    "bellwether.deployers.web.type=command",
                    "bellwether.deployers.web.command[0]=/bin/true")
                .run()) {
      TemporalConnection connection = worker.getBean(TemporalConnection.class);
      assertFalse(connection.isEmbedded());
      assertEquals(server.target(), connection.target());
      assertEquals(
          Duration.ZERO,
          worker
              .getBean(WorkerConfiguration.BellwetherWorkerRegistration.class)
              .worker()
              .getWorkerOptions()
              .getStickyQueueScheduleToStartTimeout(),
          "sticky execution off as configured");

      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
      try {
        WorkflowClient client =
            WorkflowClient.newInstance(
                stubs, WorkflowClientOptions.newBuilder().setNamespace("sandbox").build());
        WorkflowStub run =
            client.newUntypedWorkflowStub(
                "RollingDeployment",
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.BELLWETHER)
                    .setWorkflowId("cluster-mode-" + System.nanoTime())
                    .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                    .build());
        run.start(Map.of("service", "web", "version", "1.0.0"));
        WorkflowFailedException e =
            assertThrows(
                WorkflowFailedException.class,
                () -> run.getResult(30, TimeUnit.SECONDS, Object.class));
        ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
        assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
        assertTrue(failure.getOriginalMessage().contains("target: is required"), failure.getMessage());
      } finally {
        stubs.shutdownNow();
      }
    }
  }
}
