package io.bellwether.activities;

import io.bellwether.activities.haproxy.HaproxySplit;
import io.bellwether.activities.router.SplitRouter;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.abtest.SplitActivities;
import io.bellwether.contracts.abtest.SplitRoutes;
import io.bellwether.contracts.abtest.SplitState;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/**
 * {@link SplitActivities} over the configured routers' {@link SplitRouter}s. Unknown router or
 * split: non-retryable {@code UnknownTarget}. Unreachable router, or a map file that could not be
 * written: retryable {@code RouterUnavailable}. Routes whose values are not plain tokens: a
 * non-retryable {@code InvalidSpec}, refused before any change. Routes naming a backend the split
 * lacks, or a command the router refuses: non-retryable {@code RouterUnavailable} with the reason.
 */
public class SplitActivitiesImpl implements SplitActivities {
  private final AdapterRegistry registry;

  public SplitActivitiesImpl(AdapterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public SplitState splitState(String router, String split) {
    SplitRouter s = splitRouter(router);
    return Failures.router(router, () -> s.state(split));
  }

  /** A null {@code routes} empties the routes, as {@link SplitRoutes#none()}. */
  @Override
  public SplitState setRoutes(String router, String split, SplitRoutes routes) {
    SplitRoutes wanted = routes == null ? SplitRoutes.none() : routes;
    // The spec was validated, but what reaches the router is checked here again: every value
    // becomes a map key, a file line and part of a runtime API command.
    List<String> problems = HaproxySplit.problems(wanted);
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "split routes refused: " + String.join("; ", problems), FailureTypes.INVALID_SPEC);
    }
    SplitRouter s = splitRouter(router);
    return Failures.router(router, () -> s.setRoutes(split, wanted));
  }

  @Override
  public SplitState setOpen(String router, String split, boolean open) {
    SplitRouter s = splitRouter(router);
    return Failures.router(router, () -> s.setOpen(split, open));
  }

  @Override
  public SplitState clear(String router, String split) {
    SplitRouter s = splitRouter(router);
    return Failures.router(router, () -> s.clear(split));
  }

  private SplitRouter splitRouter(String name) {
    return Failures.configuredRouter(registry.splitRouter(name), name);
  }
}
