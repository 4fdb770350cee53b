package io.bellwether.workflows;

import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Cancellation and concurrency patterns the workflows share. Deterministic: call from workflow code
 * only; each method issues exactly the commands its body issues, in the same order.
 */
public final class WorkflowScopes {
  private WorkflowScopes() {}

  /**
   * Runs {@code body} in a detached cancellation scope, so that a cancel of the run cannot cut it
   * short (a half-done restore is what cancel promises never to leave), and returns its result.
   */
  public static <T> T outsideCancel(Supplier<T> body) {
    List<T> out = new ArrayList<>(1);
    Workflow.newDetachedCancellationScope(() -> out.add(body.get())).run();
    return out.get(0);
  }

  /** Throws {@link CanceledFailure} ("the run was canceled") once a cancel was requested. */
  public static void throwIfCanceled() {
    throwIfCanceled("the run was canceled");
  }

  /**
   * Throws {@link CanceledFailure} with {@code message} (such as "the run was canceled while
   * checking the spec") once a cancel was requested.
   */
  public static void throwIfCanceled(String message) {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure(message);
    }
  }

  /**
   * Runs {@code body} for every member at once (one workflow thread each, started in iteration
   * order), waits for all, and returns the non-null answers in member order: by convention the
   * problems met, so an empty list means all went well.
   */
  public static <T> List<String> concurrently(Collection<T> members, Function<T, String> body) {
    List<Promise<String>> running = new ArrayList<>();
    for (T m : members) {
      running.add(Async.function(body::apply, m));
    }
    Promise.allOf(running).get();
    List<String> out = new ArrayList<>();
    for (Promise<String> p : running) {
      if (p.get() != null) {
        out.add(p.get());
      }
    }
    return out;
  }
}
