package io.bellwether.activities;

import io.bellwether.activities.deploy.Deployer;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ProvisionResult;
import io.temporal.failure.ApplicationFailure;

/** {@link DeployActivities} over the configured {@link Deployer}s. */
public class DeployActivitiesImpl implements DeployActivities {
  private final AdapterRegistry registry;
  private final Heartbeat heartbeat;

  /** Heartbeats through Temporal when running as an activity. */
  public DeployActivitiesImpl(AdapterRegistry registry) {
    this(registry, Heartbeat.temporal());
  }

  /** With an explicit heartbeat, for tests and for running outside a Temporal worker. */
  public DeployActivitiesImpl(AdapterRegistry registry, Heartbeat heartbeat) {
    this.registry = registry;
    this.heartbeat = heartbeat;
  }

  @Override
  public String currentVersion(String deployer, String instance, String address) {
    Deployer d = deployer(deployer);
    try {
      return d.currentVersion(instance, address);
    } catch (IllegalArgumentException e) {
      throw unusable(deployer, e);
    }
  }

  /**
   * Heartbeats the instance name while the deployer works. A deployer's refusal of the instance or
   * address (such as a process deployer given a remote address) is a non-retryable {@code
   * DeployFailed}: no retry can change it.
   */
  @Override
  public DeployResult deploy(String deployer, String instance, String address, String version) {
    Deployer d = deployer(deployer);
    try {
      return d.deploy(instance, address, version, () -> heartbeat.beat(instance));
    } catch (IllegalArgumentException e) {
      throw unusable(deployer, e);
    }
  }

  /**
   * Heartbeats the instance name while the instance starts. A deployer that cannot provision (a
   * command deployer without {@code provision-command}) or refuses the name is a non-retryable
   * {@code DeployFailed}.
   */
  @Override
  public ProvisionResult provision(String deployer, String instance, String version) {
    Deployer d = deployer(deployer);
    try {
      return d.provision(instance, version, () -> heartbeat.beat(instance));
    } catch (IllegalArgumentException e) {
      throw unusable(deployer, e);
    }
  }

  /** Heartbeats while the instance stops; errors as for {@link #provision}. */
  @Override
  public DeployResult decommission(String deployer, String instance) {
    Deployer d = deployer(deployer);
    try {
      return d.decommission(instance, () -> heartbeat.beat(instance));
    } catch (IllegalArgumentException e) {
      throw unusable(deployer, e);
    }
  }

  private static ApplicationFailure unusable(String deployer, IllegalArgumentException e) {
    return ApplicationFailure.newNonRetryableFailure(
        "deployer '" + deployer + "': " + e.getMessage(), FailureTypes.DEPLOY_FAILED);
  }

  private Deployer deployer(String name) {
    return registry
        .deployer(name)
        .orElseThrow(
            () -> Failures.unknownTarget("no deployer named '" + name + "' is configured"));
  }
}
