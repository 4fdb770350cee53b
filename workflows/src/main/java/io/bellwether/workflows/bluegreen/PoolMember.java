package io.bellwether.workflows.bluegreen;

import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.rolling.InstanceStatus;

/**
 * One instance of blue or green as the run sees it: the router slot it fills and the deployer
 * instance behind it. Workflow state, so only workflow code changes it.
 */
final class PoolMember {
  static final String PENDING = "PENDING";
  static final String PROVISIONING = "PROVISIONING";
  static final String VERIFYING = "VERIFYING";
  static final String VERIFIED = "VERIFIED";
  static final String SERVING = "SERVING";
  static final String IDLE = "IDLE";
  static final String FAILED = "FAILED";
  static final String DECOMMISSIONED = "DECOMMISSIONED";

  final String slot;
  final String instance;
  final int index;
  String address = "";
  String recordedVersion = "";
  String version = "";
  ServerState state = ServerState.MAINT;
  int weight;
  String progress = PENDING;
  String message = "";

  /**
   * Set just before the instance is first asked for: from then on the teardown must remove it,
   * whatever happened to the request.
   */
  boolean registered;

  /** Whether the instance runs, as far as the run knows. */
  boolean running;

  PoolMember(String slot, String instance, int index) {
    this.slot = slot;
    this.instance = instance;
    this.index = index;
  }

  void see(ServerInfo info) {
    if (info != null) {
      address = info.address() == null ? address : info.address();
      state = info.state();
      weight = info.weight();
    }
  }

  InstanceStatus toStatus() {
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
