package io.bellwether.workflows.pool;

import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.rolling.InstanceStatus;

/**
 * One instance in a router slot as a run sees it (blue or green of a blue-green pool, a canary or
 * its fresh baseline): the slot it fills and the deployer instance behind it. Workflow state, so
 * only workflow code changes it.
 */
public final class PoolMember {
  public static final String PENDING = "PENDING";
  public static final String PROVISIONING = "PROVISIONING";
  public static final String VERIFYING = "VERIFYING";
  public static final String VERIFIED = "VERIFIED";
  public static final String SERVING = "SERVING";
  public static final String IDLE = "IDLE";
  public static final String FAILED = "FAILED";
  public static final String DECOMMISSIONED = "DECOMMISSIONED";

  public final String slot;
  public final String instance;
  public final int index;
  public String address = "";
  public String recordedVersion = "";
  public String version = "";
  public ServerState state = ServerState.MAINT;
  public int weight;
  public String progress = PENDING;
  public String message = "";

  /**
   * Set just before the instance is first asked for: from then on the teardown must remove it,
   * whatever happened to the request.
   */
  public boolean registered;

  /** Whether the instance runs, as far as the run knows. */
  public boolean running;

  public PoolMember(String slot, String instance, int index) {
    this.slot = slot;
    this.instance = instance;
    this.index = index;
  }

  /** Takes the router's answer about the slot; null changes nothing. */
  public void see(ServerInfo info) {
    if (info != null) {
      address = info.address() == null ? address : info.address();
      state = info.state();
      weight = info.weight();
    }
  }

  /** The member as status shows it. */
  public InstanceStatus toStatus() {
    return new InstanceStatus(
        instance,
        address,
        index,
        recordedVersion,
        version,
        state == null ? "" : state.name(),
        weight,
        progress,
        message);
  }
}
