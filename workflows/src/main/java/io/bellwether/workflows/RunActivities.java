package io.bellwether.workflows;

import io.bellwether.contracts.abtest.SplitActivities;
import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.metrics.MetricsActivities;
import io.bellwether.workflows.ActivityOptionsCatalog.Retries;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * The activity stubs of a run that adds instances of its own beside a backend and measures them (a
 * canary, an A/B test), with the timeouts and retries of {@link ActivityOptionsCatalog}: the
 * forward path gives up fairly soon, the restore path (traffic back to stable, teardown) is
 * patient. Router calls (the pool switch and the experiment split) are router commands; metrics
 * calls are short with two attempts on both paths: the adapter turns an outage into a value, and
 * the workflow decides what no data means.
 *
 * <p>Building stubs issues no command, so a run may build more stubs than it uses.
 */
public final class RunActivities {
  public final SwitchActivities pool;
  public final SplitActivities split;
  public final DeployActivities deploy;
  public final HealthActivities health;
  public final ConfigActivities config;
  public final GateActivities gate;
  public final MetricsActivities metrics;

  private RunActivities(
      SwitchActivities pool,
      SplitActivities split,
      DeployActivities deploy,
      HealthActivities health,
      ConfigActivities config,
      GateActivities gate,
      MetricsActivities metrics) {
    this.pool = pool;
    this.split = split;
    this.deploy = deploy;
    this.health = health;
    this.config = config;
    this.gate = gate;
    this.metrics = metrics;
  }

  /** Stubs for checking a spec: only read-only calls are made, so spec timings do not matter. */
  public static RunActivities forValidation() {
    return forward(Duration.ofSeconds(60));
  }

  /** The forward path: {@link Retries#forward()}. */
  public static RunActivities forward(Duration healthTimeout) {
    return build(Retries.forward(), healthTimeout);
  }

  /** The restore path: the same timeouts, {@link Retries#patient()} retries. */
  public static RunActivities patient(Duration healthTimeout) {
    return build(Retries.patient(), healthTimeout);
  }

  private static RunActivities build(Retries retries, Duration healthTimeout) {
    ActivityOptions routerCall = ActivityOptionsCatalog.routerCall(retries);
    ActivityOptions readCall = ActivityOptionsCatalog.readCall(retries);
    return new RunActivities(
        Workflow.newActivityStub(SwitchActivities.class, routerCall),
        Workflow.newActivityStub(SplitActivities.class, routerCall),
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
