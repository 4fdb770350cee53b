package io.bellwether.workflows.rolling;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.activities.TrafficActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * The activity stubs one rolling run uses, with their timeouts and retries. Two sets exist: the
 * forward path gives up fairly soon so that a broken instance is reported while the operator is
 * still watching, and the restore path is patient because putting the pool back must happen.
 *
 * <p>Every stub waits for an activity to acknowledge cancellation ({@code
 * WAIT_CANCELLATION_COMPLETED}): when a rollback interrupts a batch, nothing may still be changing
 * an instance while the restore starts working on it.
 */
final class RollingActivities {
  /** Activity type names, as Temporal derives them from the method names. */
  static final String AWAIT_DRAINED = "AwaitDrained";

  static final String DEPLOY = "Deploy";

  /** A router command takes milliseconds; 10s means the router is stuck, not busy. */
  static final Duration ROUTER_CALL = Duration.ofSeconds(10);

  /** Reading a version or the configuration is one short request. */
  static final Duration READ_CALL = Duration.ofSeconds(30);

  /** Room for the activity to report and heartbeat after its own wait has ended. */
  static final Duration WAIT_MARGIN = Duration.ofSeconds(30);

  /** A waiting activity heartbeats every few seconds; 10s of silence means its worker is gone. */
  static final Duration WAIT_HEARTBEAT = Duration.ofSeconds(10);

  /** Installing a version may restart a process or pull an artifact. */
  static final Duration DEPLOY_CALL = Duration.ofMinutes(10);

  /**
   * Deployers report progress about every second while they work, so 10s of silence means the
   * worker running the deploy is gone; the retry then starts on a live worker without waiting out
   * the whole deploy timeout.
   */
  static final Duration DEPLOY_HEARTBEAT = Duration.ofSeconds(10);

  final TrafficActivities traffic;
  final DeployActivities deploy;
  final HealthActivities health;
  final ConfigActivities config;

  private RollingActivities(
      TrafficActivities traffic,
      DeployActivities deploy,
      HealthActivities health,
      ConfigActivities config) {
    this.traffic = traffic;
    this.deploy = deploy;
    this.health = health;
    this.config = config;
  }

  /**
   * Stubs for checking a spec before anything is known about its timings: only the read-only calls
   * are used, so the timings do not depend on the spec.
   */
  static RollingActivities forValidation() {
    return forward(Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  /**
   * The forward path. Router calls retry for about half a minute (0.5s doubling to 5s, 10
   * attempts): long enough to ride out a router reload, short enough to notice a dead one. A wrong
   * name never heals, so UnknownTarget and InvalidSpec are not retried.
   */
  static RollingActivities forward(Duration drainTimeout, Duration healthTimeout) {
    RetryOptions router =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofMillis(500))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofSeconds(5))
            .setMaximumAttempts(10)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.INVALID_SPEC)
            .build();
    // A failed deployment is reported as ok=false and judged here; only errors (worker lost,
    // command could not start) are retried, and three tries are enough to tell a flake from a
    // broken release.
    RetryOptions deploy =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(2))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofSeconds(30))
            .setMaximumAttempts(3)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.DEPLOY_FAILED)
            .build();
    // A probe that ran to its timeout has answered; a second attempt only covers a lost worker.
    RetryOptions probe =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setMaximumAttempts(2)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET)
            .build();
    return build(router, deploy, probe, drainTimeout, healthTimeout);
  }

  /**
   * The restore path: the same timeouts, but retries go on for about a quarter of an hour (1s
   * doubling to 30s, 40 attempts on the router), because giving up leaves the pool changed.
   */
  static RollingActivities patient(Duration drainTimeout, Duration healthTimeout) {
    RetryOptions router =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofSeconds(30))
            .setMaximumAttempts(40)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.INVALID_SPEC)
            .build();
    RetryOptions deploy =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(5))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofMinutes(1))
            .setMaximumAttempts(6)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.DEPLOY_FAILED)
            .build();
    RetryOptions probe =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(5))
            .setMaximumAttempts(3)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET)
            .build();
    return build(router, deploy, probe, drainTimeout, healthTimeout);
  }

  private static RollingActivities build(
      RetryOptions router,
      RetryOptions deploy,
      RetryOptions probe,
      Duration drainTimeout,
      Duration healthTimeout) {
    ActivityOptions routerCall = options(ROUTER_CALL, null, router);
    ActivityOptions drainWait = options(drainTimeout.plus(WAIT_MARGIN), WAIT_HEARTBEAT, router);
    ActivityOptions readCall = options(READ_CALL, null, router);
    ActivityOptions deployCall = options(DEPLOY_CALL, DEPLOY_HEARTBEAT, deploy);
    ActivityOptions probeCall = options(healthTimeout.plus(WAIT_MARGIN), WAIT_HEARTBEAT, probe);
    return new RollingActivities(
        Workflow.newActivityStub(
            TrafficActivities.class, routerCall, Map.of(AWAIT_DRAINED, drainWait)),
        Workflow.newActivityStub(DeployActivities.class, readCall, Map.of(DEPLOY, deployCall)),
        Workflow.newActivityStub(HealthActivities.class, probeCall),
        Workflow.newActivityStub(ConfigActivities.class, readCall));
  }

  private static ActivityOptions options(
      Duration startToClose, Duration heartbeat, RetryOptions retry) {
    ActivityOptions.Builder b =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(startToClose)
            .setRetryOptions(retry)
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    if (heartbeat != null) {
      b.setHeartbeatTimeout(heartbeat);
    }
    return b.build();
  }
}
