package io.bellwether.workflows.rolling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.workflows.RunTestSupport;
import io.bellwether.workflows.abtest.ABTestWorkflowImpl;
import io.bellwether.workflows.bluegreen.BlueGreenDeploymentWorkflowImpl;
import io.bellwether.workflows.canary.CanaryReleaseWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every stored history against the current workflow code. A change that would break runs
 * already in flight (a new activity call, a different order, a removed timer) fails here instead of
 * on a production worker. New histories come from {@link RollingDeploymentWorkflowTest}, the
 * canary and the blue-green workflow tests with {@code -Dbellwether.recordHistories=true}; they are kept in version
 * control on purpose.
 */
class ReplayTest {
  private static final Path HISTORIES = Path.of(RunTestSupport.HISTORIES);

  @Test
  void theSuccessHistoriesAreStored() {
    for (String file :
        List.of(
            "rolling-success.json",
            "bluegreen-success.json",
            "canary-success.json",
            "abtest-success.json")) {
      assertTrue(
          Files.isRegularFile(HISTORIES.resolve(file)),
          file + ": record it with -Dbellwether.recordHistories=true");
    }
  }

  /**
   * The workflow id a history was recorded under, where the code derives names from it (a canary
   * and an A/B test name their rolling child after themselves); others replay under the
   * replayer's placeholder id.
   */
  private static String workflowIdOf(Path file) {
    String name = file.getFileName().toString();
    if (name.startsWith("canary-")) {
      return "canary-web-2.0.0";
    }
    return name.startsWith("abtest-") ? "abtest-web-new-checkout" : "workflow_id_in_replay";
  }

  @TestFactory
  Stream<DynamicTest> everyStoredHistoryReplays() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(HISTORIES)) {
      files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () ->
                        // Each history names its workflow type; the replayer picks the class.
                        WorkflowReplayer.replayWorkflowExecution(
                            WorkflowExecutionHistory.fromJson(
                                Files.readString(file), workflowIdOf(file)),
                            RollingDeploymentWorkflowImpl.class,
                            BlueGreenDeploymentWorkflowImpl.class,
                            CanaryReleaseWorkflowImpl.class,
                            ABTestWorkflowImpl.class)));
  }
}
