package io.bellwether.workflows.canary;

import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.metrics.MetricsActivities;
import io.bellwether.workflows.ActivityOptionsCatalog;
import io.bellwether.workflows.ActivityOptionsCatalog.Retries;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * The activity stubs one canary run uses, with the timeouts and retries of {@link
 * ActivityOptionsCatalog}: the forward path gives up fairly soon, the restore path (traffic back
 * to stable, canary teardown) is patient. Metrics calls are short with two attempts on both paths:
 * the adapter turns an outage into a value, and the analysis decides what no data means.
 */
final class CanaryActivities {
  final SwitchActivities pool;
  final DeployActivities deploy;
  final HealthActivities health;
  final ConfigActivities config;
  final GateActivities gate;
  final MetricsActivities metrics;

  private CanaryActivities(
      SwitchActivities pool,
      DeployActivities deploy,
      HealthActivities health,
      ConfigActivities config,
      GateActivities gate,
      MetricsActivities metrics) {
    this.pool = pool;
    this.deploy = deploy;
    this.health = health;
    this.config = config;
    this.gate = gate;
    this.metrics = metrics;
  }

  /** Stubs for checking a spec: only read-only calls are made, so spec timings do not matter. */
  static CanaryActivities forValidation() {
    return forward(Duration.ofSeconds(60));
  }

  /** The forward path: {@link Retries#forward()}. */
  static CanaryActivities forward(Duration healthTimeout) {
    return build(Retries.forward(), healthTimeout);
  }

  /** The restore path: the same timeouts, {@link Retries#patient()} retries. */
  static CanaryActivities patient(Duration healthTimeout) {
    return build(Retries.patient(), healthTimeout);
  }

  private static CanaryActivities build(Retries retries, Duration healthTimeout) {
    ActivityOptions routerCall = ActivityOptionsCatalog.routerCall(retries);
    ActivityOptions readCall = ActivityOptionsCatalog.readCall(retries);
    return new CanaryActivities(
        Workflow.newActivityStub(SwitchActivities.class, routerCall),
        Workflow.newActivityStub(
            DeployActivities.class,
            readCall,
            Map.of(
                ActivityOptionsCatalog.PROVISION, ActivityOptionsCatalog.provisionCall(retries),
                ActivityOptionsCatalog.DECOMMISSION, ActivityOptionsCatalog.decommissionCall(retries))),
        Workflow.newActivityStub(
            HealthActivities.class, ActivityOptionsCatalog.probeCall(retries, healthTimeout)),
        Workflow.newActivityStub(ConfigActivities.class, readCall),
        Workflow.newActivityStub(GateActivities.class, readCall),
        Workflow.newActivityStub(MetricsActivities.class, ActivityOptionsCatalog.metricsCall()));
  }
}
