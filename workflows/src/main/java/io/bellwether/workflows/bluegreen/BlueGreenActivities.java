package io.bellwether.workflows.bluegreen;

import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.workflows.ActivityOptionsCatalog;
import io.bellwether.workflows.ActivityOptionsCatalog.Retries;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * The activity stubs one blue-green run uses; the timeouts and retries they share with other
 * workflows come from {@link ActivityOptionsCatalog}. As in rolling runs, two sets exist: the
 * forward path gives up fairly soon, so that a green that cannot come up is reported while someone
 * is watching; the restore path (switch back, teardown) is patient, because leaving traffic split
 * or a pool half torn down is worse than waiting for a router to come back.
 *
 * <p>Every stub waits for an activity to acknowledge cancellation ({@code
 * WAIT_CANCELLATION_COMPLETED}): when a rollback or cancel interrupts provisioning or verification,
 * nothing may still be starting an instance while the teardown removes it.
 */
final class BlueGreenActivities {
  /** Activity type names, as Temporal derives them from the method names. */
  static final String PROVISION = ActivityOptionsCatalog.PROVISION;

  static final String DECOMMISSION = ActivityOptionsCatalog.DECOMMISSION;

  final SwitchActivities pool;
  final DeployActivities deploy;
  final HealthActivities health;
  final ConfigActivities config;
  final GateActivities gate;

  private BlueGreenActivities(
      SwitchActivities pool,
      DeployActivities deploy,
      HealthActivities health,
      ConfigActivities config,
      GateActivities gate) {
    this.pool = pool;
    this.deploy = deploy;
    this.health = health;
    this.config = config;
    this.gate = gate;
  }

  /** Stubs for checking a spec: only read-only calls are made, so spec timings do not matter. */
  static BlueGreenActivities forValidation() {
    return forward(Duration.ofSeconds(60));
  }

  /** The forward path: {@link Retries#forward()}. */
  static BlueGreenActivities forward(Duration healthTimeout) {
    return build(Retries.forward(), healthTimeout);
  }

  /** The restore path: the same timeouts, {@link Retries#patient()} retries. */
  static BlueGreenActivities patient(Duration healthTimeout) {
    return build(Retries.patient(), healthTimeout);
  }

  private static BlueGreenActivities build(Retries retries, Duration healthTimeout) {
    ActivityOptions routerCall = ActivityOptionsCatalog.routerCall(retries);
    ActivityOptions readCall = ActivityOptionsCatalog.readCall(retries);
    ActivityOptions provisionCall = ActivityOptionsCatalog.provisionCall(retries);
    ActivityOptions decommissionCall = ActivityOptionsCatalog.decommissionCall(retries);
    ActivityOptions probeCall = ActivityOptionsCatalog.probeCall(retries, healthTimeout);
    return new BlueGreenActivities(
        Workflow.newActivityStub(SwitchActivities.class, routerCall),
        Workflow.newActivityStub(
            DeployActivities.class,
            readCall,
            Map.of(PROVISION, provisionCall, DECOMMISSION, decommissionCall)),
        Workflow.newActivityStub(HealthActivities.class, probeCall),
        Workflow.newActivityStub(ConfigActivities.class, readCall),
        Workflow.newActivityStub(GateActivities.class, readCall));
  }
}
