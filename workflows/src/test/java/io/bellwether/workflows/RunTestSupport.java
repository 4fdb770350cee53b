package io.bellwether.workflows;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.rolling.RunEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the workflow tests share: recording histories for the replay test, waiting for a run to get
 * somewhere, refused updates, and questions about a run's audit trail.
 */
public final class RunTestSupport {
  /** Where the stored histories live, relative to the module (Maven runs tests from there). */
  public static final String HISTORIES = "src/test/resources/histories";

  /** Set to true ({@code -Dbellwether.recordHistories=true}) to write histories again. */
  public static final String RECORD_PROPERTY = "bellwether.recordHistories";

  /**
   * A bound on every test run: the time-skipping server can run away on a run that never ends, and
   * a bound turns that into a failure (see STACK-NOTES).
   */
  public static final Duration RUN_TIMEOUT = Duration.ofHours(6);

  private RunTestSupport() {}

  /**
   * A stub that starts a new run of {@code type} with this workflow id on the Bellwether task
   * queue, bounded by {@link #RUN_TIMEOUT}.
   */
  public static <T> T newRun(WorkflowClient client, Class<T> type, String workflowId) {
    return client.newWorkflowStub(
        type,
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(TaskQueues.BELLWETHER)
            .setWorkflowExecutionTimeout(RUN_TIMEOUT)
            .build());
  }

  /**
   * Writes the history of workflow {@code workflowId} to {@code HISTORIES/file} for the replay
   * test, only when asked with -Dbellwether.recordHistories=true; otherwise does nothing, so that a
   * plain test run never changes the stored histories.
   */
  public static void recordHistory(WorkflowClient client, String workflowId, String file)
      throws Exception {
    if (!Boolean.getBoolean(RECORD_PROPERTY)) {
      return;
    }
    Path dir = Path.of(HISTORIES);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(file), client.fetchHistory(workflowId).toJson(true));
  }

  /** Asserts that the update is refused by its validator with a message containing reason. */
  public static void assertRefused(Runnable update, String reason) {
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class, update::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertTrue(cause.getOriginalMessage().contains(reason), cause.getOriginalMessage());
  }

  /** Polls the condition every 20ms for up to 10s of real time; fails with failure after that. */
  public static void waitUntil(BooleanSupplier condition, String failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(failure);
      }
      Thread.sleep(20);
    }
  }

  /** How many events have this action. */
  public static long count(List<RunEvent> events, String action) {
    return events.stream().filter(e -> e.action().equals(action)).count();
  }

  /** Whether an event has this action and a detail containing detailPart. */
  public static boolean has(List<RunEvent> events, String action, String detailPart) {
    return events.stream()
        .anyMatch(e -> e.action().equals(action) && e.detail().contains(detailPart));
  }

  /** Whether an event by this actor has this action and a detail containing detailPart. */
  public static boolean has(List<RunEvent> events, String by, String action, String detailPart) {
    return events.stream()
        .anyMatch(
            e -> e.by().equals(by) && e.action().equals(action) && e.detail().contains(detailPart));
  }

  /** The first event with this action; fails when there is none. */
  public static RunEvent find(List<RunEvent> events, String action) {
    return events.stream()
        .filter(e -> e.action().equals(action))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + action + " in " + events));
  }

  /** The first event with this action by this actor; fails when there is none. */
  public static RunEvent find(List<RunEvent> events, String action, String by) {
    return events.stream()
        .filter(e -> e.action().equals(action) && e.by().equals(by))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + action + " by " + by + " in " + events));
  }

  /** The latest event; fails when there is none. */
  public static RunEvent last(List<RunEvent> events) {
    return events.get(events.size() - 1);
  }
}
