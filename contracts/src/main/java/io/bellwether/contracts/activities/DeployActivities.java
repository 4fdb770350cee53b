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
}
