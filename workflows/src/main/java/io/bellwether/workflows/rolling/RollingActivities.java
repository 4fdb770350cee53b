package io.bellwether.workflows.rolling;

import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.activities.TrafficActivities;
import io.bellwether.workflows.ActivityOptionsCatalog;
import io.bellwether.workflows.ActivityOptionsCatalog.Retries;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * The activity stubs one rolling run uses; the timeouts and retries they share with other workflows
 * come from {@link ActivityOptionsCatalog}. Two sets exist: the forward path gives up fairly soon
 * so that a broken instance is reported while the operator is still watching, and the restore path
 * is patient because putting the pool back must happen.
 *
 * <p>Every stub waits for an activity to acknowledge cancellation ({@code
 * WAIT_CANCELLATION_COMPLETED}): when a rollback interrupts a batch, nothing may still be changing
 * an instance while the restore starts working on it.
 */
final class RollingActivities {
  /** Activity type names, as Temporal derives them from the method names. */
  static final String AWAIT_DRAINED = "AwaitDrained";

  static final String DEPLOY = "Deploy";

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

  /** The forward path: {@link Retries#forward()}. */
  static RollingActivities forward(Duration drainTimeout, Duration healthTimeout) {
    return build(Retries.forward(), drainTimeout, healthTimeout);
  }

  /** The restore path: the same timeouts, {@link Retries#patient()} retries. */
  static RollingActivities patient(Duration drainTimeout, Duration healthTimeout) {
    return build(Retries.patient(), drainTimeout, healthTimeout);
  }

  private static RollingActivities build(
      Retries retries, Duration drainTimeout, Duration healthTimeout) {
    ActivityOptions routerCall = ActivityOptionsCatalog.routerCall(retries);
    ActivityOptions drainWait = ActivityOptionsCatalog.waitCall(drainTimeout, retries.router());
    ActivityOptions readCall = ActivityOptionsCatalog.readCall(retries);
    ActivityOptions deployCall =
        ActivityOptionsCatalog.options(DEPLOY_CALL, DEPLOY_HEARTBEAT, retries.deploy());
    ActivityOptions probeCall = ActivityOptionsCatalog.probeCall(retries, healthTimeout);
    return new RollingActivities(
        Workflow.newActivityStub(
            TrafficActivities.class, routerCall, Map.of(AWAIT_DRAINED, drainWait)),
        Workflow.newActivityStub(DeployActivities.class, readCall, Map.of(DEPLOY, deployCall)),
        Workflow.newActivityStub(HealthActivities.class, probeCall),
        Workflow.newActivityStub(ConfigActivities.class, readCall));
  }
}
