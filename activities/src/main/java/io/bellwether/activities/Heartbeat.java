package io.bellwether.activities;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;

/**
 * How a long-running activity reports progress. The activity implementations take one so that they
 * run, and can be tested, outside a Temporal worker.
 */
@FunctionalInterface
public interface Heartbeat {
  /**
   * Records progress. May throw Temporal's {@code ActivityCompletionException} when the activity
   * was cancelled or timed out; callers let it propagate so the work stops.
   */
  void beat(Object details);

  /**
   * Heartbeats through the current activity's context; does nothing when not called from an
   * activity method's thread.
   */
  static Heartbeat temporal() {
    return details -> {
      ActivityExecutionContext context;
      try {
        context = Activity.getExecutionContext();
      } catch (IllegalStateException notInAnActivity) {
        return;
      }
      context.heartbeat(details);
    };
  }

  /** Ignores every beat. */
  static Heartbeat none() {
    return details -> {};
  }
}
