package io.bellwether.activities.deploy;

import io.bellwether.contracts.activities.DeployResult;

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
}
