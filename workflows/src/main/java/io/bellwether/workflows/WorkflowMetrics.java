package io.bellwether.workflows;

import com.uber.m3.tally.Scope;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * Meter names every Bellwether workflow reports through {@link Workflow#getMetricsScope()}. That
 * scope is replay-safe (nothing is emitted while history is replayed), and the worker bridges it to
 * Micrometer, so these names are what dashboards and alerts query.
 */
public final class WorkflowMetrics {
  /** Counter: one per run that got past its first workflow task. */
  public static final String RUNS_STARTED = "bellwether_runs_started";

  /** Counter tagged {@code outcome}: succeeded, rolled_back, failed or canceled. */
  public static final String RUNS_FINISHED = "bellwether_runs_finished";

  /** Timer tagged {@code step}: drain, upgrade, verify, smoke, ready, bake, approval, rollback. */
  public static final String STEP_DURATION = "bellwether_step_duration";

  public static final String TAG_OUTCOME = "outcome";
  public static final String TAG_STEP = "step";

  private WorkflowMetrics() {}

  /** Counts a started run. Call from workflow code only. */
  public static void runStarted() {
    Workflow.getMetricsScope().counter(RUNS_STARTED).inc(1);
  }

  /** Counts a finished run under its outcome tag. Call from workflow code only. */
  public static void runFinished(String outcome) {
    Workflow.getMetricsScope().tagged(Map.of(TAG_OUTCOME, outcome)).counter(RUNS_FINISHED).inc(1);
  }

  /**
   * Records how long a step took, measured on the workflow clock so that the value is the same on
   * every replay. Call from workflow code only.
   */
  public static void stepTook(String step, long startedAtMillis) {
    long millis = Math.max(0, Workflow.currentTimeMillis() - startedAtMillis);
    Scope scope = Workflow.getMetricsScope().tagged(Map.of(TAG_STEP, step));
    scope.timer(STEP_DURATION).record(com.uber.m3.util.Duration.ofMillis(millis));
  }
}
