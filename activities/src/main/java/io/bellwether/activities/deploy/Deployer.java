package io.bellwether.activities.deploy;

import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ProvisionResult;

/** Port to whatever puts a version on an instance. One instance per configured name. */
public interface Deployer {
  /** The version the instance runs, or an empty string when it cannot tell. Read-only. */
  String currentVersion(String instance, String address);

  /**
   * Puts {@code version} on the instance at {@code address} (host:port, from the router).
   * Idempotent: an instance already running the version is left alone. {@code progress} is called
   * now and then while it works, so callers can heartbeat. Failure is {@code ok=false}, not an
   * exception.
   */
  DeployResult deploy(String instance, String address, String version, Runnable progress);

  /**
   * Starts a new instance named {@code instance} at {@code version} and returns where it listens
   * (host:port). Idempotent by name: an instance of that name already running the version is
   * returned as it is ({@code changed=false}). {@code progress} is called now and then. A failed
   * start is {@code ok=false} with an empty address and the output, not an exception; {@link
   * IllegalArgumentException} (not retryable) means the deployer cannot provision at all (not
   * configured for it, or an instance name it refuses).
   */
  ProvisionResult provision(String instance, String version, Runnable progress);

  /**
   * Stops the instance and removes what the deployer kept for it. Idempotent: an instance that is
   * not there is {@code ok=true, changed=false}. Failure is {@code ok=false}, not an exception.
   */
  DeployResult decommission(String instance, Runnable progress);

  /** Whether {@link #provision} can work with this deployer's configuration. */
  default boolean canProvision() {
    return true;
  }
}
