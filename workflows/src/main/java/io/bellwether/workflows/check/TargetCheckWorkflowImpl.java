package io.bellwether.workflows.check;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.check.TargetCheckRequest;
import io.bellwether.contracts.check.TargetCheckWorkflow;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.workflows.ActivityOptionsCatalog;
import io.bellwether.workflows.Failures;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * The {@code TargetCheck} workflow: asks the worker's configuration about a spec's names and
 * returns what it lacks. Read-only, one activity call, so an API can wait for it.
 *
 * <p>A name the configuration rejects outright ({@code UnknownTarget}) comes back as a violation of
 * {@code target}; any other failure (the configuration could not be read) fails the run, so that a
 * caller never mistakes "could not check" for "all known".
 */
public class TargetCheckWorkflowImpl implements TargetCheckWorkflow {
  /** The one violation of a request that does not name exactly one target. */
  public static final Violation EXACTLY_ONE =
      new Violation("target", "exactly one of rolling, blueGreen, canary, abTest");

  @Override
  public List<Violation> check(TargetCheckRequest request) {
    boolean rolling = request != null && request.rolling() != null;
    boolean blueGreen = request != null && request.blueGreen() != null;
    boolean canary = request != null && request.canary() != null;
    boolean abTest = request != null && request.abTest() != null;
    if ((rolling ? 1 : 0) + (blueGreen ? 1 : 0) + (canary ? 1 : 0) + (abTest ? 1 : 0) != 1) {
      return List.of(EXACTLY_ONE);
    }
    ConfigActivities config =
        Workflow.newActivityStub(ConfigActivities.class, ActivityOptionsCatalog.checkCall());
    try {
      List<Violation> found =
          rolling
              ? config.checkTarget(request.rolling())
              : blueGreen
                  ? config.checkBlueGreenTarget(request.blueGreen())
                  : canary
                      ? config.checkCanaryTarget(request.canary())
                      : config.checkABTestTarget(request.abTest());
      return found == null ? List.of() : List.copyOf(found);
    } catch (ActivityFailure f) {
      if (!FailureTypes.UNKNOWN_TARGET.equals(Failures.type(f))) {
        throw f;
      }
      return List.of(new Violation("target", Failures.describe(f)));
    }
  }
}
