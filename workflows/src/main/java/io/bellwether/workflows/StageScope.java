package io.bellwether.workflows;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cancellation scope of the stage a run is in now (provisioning and verifying, say), which a
 * rollback cancels so that long waits in it stop at once. Workflow state: use from workflow code
 * only; creating and cancelling a scope issues no command of its own.
 */
public final class StageScope {
  private CancellationScope current;

  /**
   * Runs {@code body} in a new cancellation scope that {@link #cancel} can cut short, and returns
   * its answer; null when the body gave none.
   */
  public <T> T run(Supplier<T> body) {
    List<T> out = new ArrayList<>(1);
    CancellationScope scope = Workflow.newCancellationScope(() -> out.add(body.get()));
    current = scope;
    try {
      scope.run();
    } finally {
      current = null;
    }
    return out.isEmpty() ? null : out.get(0);
  }

  /** Cancels the stage running now with {@code reason}; does nothing between stages. */
  public void cancel(String reason) {
    if (current != null) {
      current.cancel(reason);
    }
  }
}
