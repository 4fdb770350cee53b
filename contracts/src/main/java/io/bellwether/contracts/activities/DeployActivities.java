package io.bellwether.contracts.activities;

import io.temporal.activity.ActivityInterface;

/**
 * The deployer port, as activities. {@code deployer} is a configured name; {@code address} comes
 * from the router, never from a spec.
 */
@ActivityInterface
public interface DeployActivities {
  /**
   * The version the instance runs now, or an empty string when the deployer cannot tell.
   * Read-only.
   */
  String currentVersion(String deployer, String instance, String address);

  /**
   * Puts {@code version} on the instance. Idempotent: an instance already at the version is left
   * alone ({@code changed=false}). A failed deployment returns {@code ok=false}; only an unusable
   * configuration is a non-retryable failure.
   */
  DeployResult deploy(String deployer, String instance, String address, String version);

  /**
   * Starts a new instance named {@code instance} at {@code version} and returns its address
   * (host:port), for pools that are created rather than upgraded (blue-green's green). Idempotent:
   * an instance of that name already running the version is returned as it is. A failed start is
   * {@code ok=false} with the output; the address is then empty.
   */
  ProvisionResult provision(String deployer, String instance, String version);

  /** Stops and removes the instance. Idempotent: an instance that is not there is fine. */
  DeployResult decommission(String deployer, String instance);
}
