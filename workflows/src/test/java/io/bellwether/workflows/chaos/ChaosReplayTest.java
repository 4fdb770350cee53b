package io.bellwether.workflows.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.workflows.RunTestSupport;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every stored chaos history against the current workflow code, so that a change that
 * would break experiments in flight (a new activity call, a different order, a removed timer)
 * fails the build. The histories live in their own folder ({@value #DIR}) and are written by
 * {@link ChaosExperimentWorkflowTest} with {@code -Dbellwether.recordHistories=true}.
 */
class ChaosReplayTest {
  /** The folder under the stored histories that holds the chaos ones. */
  static final String DIR = "chaos";

  private static final Path HISTORIES = Path.of(RunTestSupport.HISTORIES, DIR);

  @Test
  void theSuccessHistoryIsStored() {
    assertTrue(
        Files.isRegularFile(HISTORIES.resolve("chaos-success.json")),
        "record it with -Dbellwether.recordHistories=true");
  }

  @TestFactory
  Stream<DynamicTest> everyStoredChaosHistoryReplays() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(HISTORIES)) {
      files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> replay(file)));
  }

  private static void replay(Path file) throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      // A cold JVM may take more than the default second to load the classes the first workflow
      // task needs, which the SDK would report as a deadlock: give it room.
      Worker worker =
          env.newWorker(
              "replay", WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
      worker.registerWorkflowImplementationTypes(
          ChaosExperimentWorkflowImpl.class, BlastRadiusWorkflowImpl.class);
      // Fault ids and seeds derive from the workflow id: replay under the one the history was
      // recorded with.
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(Files.readString(file), ChaosExperimentWorkflowTest.ID),
          worker);
    }
  }
}
