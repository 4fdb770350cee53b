package io.bellwether.starter.follow;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenResult;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RollingStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Follows a run live through its {@code status} query until it ends: RollingDeployment,
 * BlueGreenDeployment, CanaryRelease, ABTest and ChaosExperiment alike.
 */
public final class RunWatcher {
  /** How often the status query is asked. */
  public static final Duration POLL = Duration.ofMillis(300);

  private final WorkflowClient client;

  public RunWatcher(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Renders the rolling run into {@code follower} until it is closed, then returns how it ended. A
   * query that fails (no worker yet, a worker restarting) is skipped, not fatal: the run's result
   * decides.
   */
  public RunOutcome follow(String workflowId, RunFollower follower) {
    return watch(
        workflowId,
        RollingDeploymentWorkflow.TYPE,
        RollingStatus.class,
        follower::render,
        RollingResult.class,
        (r, elapsed) ->
            new RunOutcome(workflowId, phaseName(r.phase()), r.message(), r, elapsed, null),
        follower);
  }

  /** {@link #follow} for a BlueGreenDeployment run. */
  public RunOutcome followBlueGreen(String workflowId, RunFollower follower) {
    return watch(
        workflowId,
        BlueGreenDeploymentWorkflow.TYPE,
        BlueGreenStatus.class,
        follower::render,
        BlueGreenResult.class,
        (r, elapsed) ->
            new RunOutcome(workflowId, phaseName(r.phase()), r.message(), null, elapsed, r),
        follower);
  }

  /**
   * {@link #follow} for a CanaryRelease run: steps, weight and each analysis round as they come;
   * the outcome carries the {@link CanaryResult} (reason, analyses, first traffic and stable-only
   * times).
   */
  public RunOutcome followCanary(String workflowId, RunFollower follower) {
    return watch(
        workflowId,
        CanaryReleaseWorkflow.TYPE,
        CanaryStatus.class,
        follower::render,
        CanaryResult.class,
        (r, elapsed) ->
            new RunOutcome(workflowId, phaseName(r.outcome()), r.reason(), null, elapsed, null, r),
        follower);
  }

  /**
   * {@link #follow} for an ABTest run: each read of the counts as it comes, then the deciding
   * evaluation; the outcome carries the {@link ABTestResult} (outcome, winner, decision).
   */
  public RunOutcome followABTest(String workflowId, RunFollower follower) {
    return watch(
        workflowId,
        ABTestWorkflow.TYPE,
        ABTestStatus.class,
        follower::render,
        ABTestResult.class,
        (r, elapsed) ->
            new RunOutcome(workflowId, phaseName(r.phase()), r.reason(), null, elapsed, null, null, r),
        follower);
  }

  /**
   * {@link #follow} for a ChaosExperiment run: each round of probe and guardrail readings as it
   * comes, every action and decision; the outcome carries the {@link ChaosResult} (verdict,
   * faults, budget, breach to restored, findings).
   */
  public RunOutcome followChaos(String workflowId, RunFollower follower) {
    return watch(
        workflowId,
        ChaosExperimentWorkflow.TYPE,
        ChaosStatus.class,
        follower::render,
        ChaosResult.class,
        (r, elapsed) ->
            new RunOutcome(
                workflowId, phaseName(r.outcome()), r.reason(), null, elapsed, null, null, null, r),
        follower);
  }

  /** Follows a run of any type, asking the server which one it is. */
  public RunOutcome followAny(String workflowId, RunFollower follower) {
    return switch (typeOf(client, workflowId)) {
      case BlueGreenDeploymentWorkflow.TYPE -> followBlueGreen(workflowId, follower);
      case CanaryReleaseWorkflow.TYPE -> followCanary(workflowId, follower);
      case ABTestWorkflow.TYPE -> followABTest(workflowId, follower);
      case ChaosExperimentWorkflow.TYPE -> followChaos(workflowId, follower);
      default -> follow(workflowId, follower);
    };
  }

  /**
   * The workflow type of the latest run with this ID, from the server's description of it. Throws
   * {@link io.temporal.client.WorkflowNotFoundException} when there is none.
   */
  public static String typeOf(WorkflowClient client, String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).describe().getWorkflowType();
  }

  private static String phaseName(Phase phase) {
    return phase == null ? RunOutcome.FAILED : phase.name();
  }

  private <S, R> RunOutcome watch(
      String workflowId,
      String type,
      Class<S> statusType,
      Consumer<S> render,
      Class<R> resultType,
      BiFunction<R, Duration, RunOutcome> outcome,
      RunFollower follower) {
    long started = System.nanoTime();
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.of(type));
    CompletableFuture<R> result = stub.getResultAsync(resultType);
    boolean warned = false;
    while (!result.isDone()) {
      try {
        render.accept(stub.query("status", statusType));
        warned = false;
      } catch (RuntimeException e) {
        if (!warned && !result.isDone()) {
          follower.note("(status not available yet: " + rootMessage(e) + "; still waiting)");
          warned = true;
        }
      }
      try {
        result.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Still running, or ended: either way the loop condition decides.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        follower.finish();
        throw new IllegalStateException("interrupted while following " + workflowId);
      }
    }
    try {
      // The closing events (rollback steps, the outcome) arrive with the last answer.
      render.accept(stub.query("status", statusType));
    } catch (RuntimeException e) {
      // A run that failed before its first status has none to show.
    }
    follower.finish();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    try {
      return outcome.apply(result.join(), elapsed);
    } catch (CompletionException e) {
      return failed(workflowId, e.getCause() == null ? e : e.getCause(), elapsed);
    }
  }

  /** Classifies a run's failure: an InvalidSpec anywhere in the cause chain wins. */
  public static RunOutcome failed(String workflowId, Throwable error, Duration elapsed) {
    Throwable t = error instanceof WorkflowFailedException wfe && wfe.getCause() != null ? wfe.getCause() : error;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ApplicationFailure af && FailureTypes.INVALID_SPEC.equals(af.getType())) {
        return new RunOutcome(workflowId, RunOutcome.INVALID_SPEC, af.getOriginalMessage(), null, elapsed);
      }
    }
    String outcome;
    if (t instanceof CanceledFailure) {
      outcome = RunOutcome.CANCELED;
    } else if (t instanceof TerminatedFailure) {
      outcome = "TERMINATED";
    } else if (t instanceof TimeoutFailure) {
      outcome = "TIMED_OUT";
    } else {
      outcome = RunOutcome.FAILED;
    }
    String message =
        t instanceof ApplicationFailure af
            ? af.getType() + ": " + af.getOriginalMessage()
            : rootMessage(t);
    return new RunOutcome(workflowId, outcome, message, null, elapsed);
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }
}
