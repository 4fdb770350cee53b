package io.bellwether.activities;

import io.bellwether.activities.config.BellwetherConfig;
import java.util.List;

/** The one seam between the worker and the activities module. */
public final class BellwetherActivities {
  private BellwetherActivities() {}

  /**
   * Builds every adapter the configuration names and returns the activity implementations to
   * register on the worker, in this order: {@link TrafficActivitiesImpl}, {@link
   * DeployActivitiesImpl}, {@link HealthActivitiesImpl}, {@link ConfigActivitiesImpl}, {@link
   * SwitchActivitiesImpl}, {@link GateActivitiesImpl}, {@link NotifyActivitiesImpl}, {@link
   * MetricsActivitiesImpl}, {@link SplitActivitiesImpl}, {@link ChaosActivitiesImpl}, {@link
   * FaultActivitiesImpl}. The chaos experiments' lease activities need the Temporal client and are
   * the worker's own. Throws {@link IllegalStateException} listing every problem when a named
   * entry has a missing or unknown type or lacks a required setting (metrics providers, services
   * and fault injectors included), or a notify route names an unconfigured notifier: a
   * misconfigured worker must not start. Connects to nothing: a router that is down fails
   * activities (retryably), not startup.
   */
  public static List<Object> create(BellwetherConfig config) {
    return create(AdapterRegistry.fromConfig(config));
  }

  /** The eleven activity implementations over an existing registry, in the order above. */
  public static List<Object> create(AdapterRegistry registry) {
    return List.of(
        new TrafficActivitiesImpl(registry),
        new DeployActivitiesImpl(registry),
        new HealthActivitiesImpl(registry),
        new ConfigActivitiesImpl(registry),
        new SwitchActivitiesImpl(registry),
        new GateActivitiesImpl(registry),
        new NotifyActivitiesImpl(registry),
        new MetricsActivitiesImpl(registry),
        new SplitActivitiesImpl(registry),
        new ChaosActivitiesImpl(registry),
        new FaultActivitiesImpl(registry));
  }
}
