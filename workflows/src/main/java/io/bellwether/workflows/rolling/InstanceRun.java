package io.bellwether.workflows.rolling;

import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.rolling.InstanceStatus;

/**
 * What one run knows about one instance: the record taken before it was touched (the undo) and what
 * it looks like now. Workflow state, so only workflow code changes it.
 */
final class InstanceRun {
  static final String PENDING = "PENDING";
  static final String DRAINING = "DRAINING";
  static final String UPGRADING = "UPGRADING";
  static final String VERIFYING = "VERIFYING";
  static final String UPGRADED = "UPGRADED";
  static final String FAILED = "FAILED";
  static final String RESTORED = "RESTORED";

  final String name;
  final int batch;
  String address;

  /** Set once the record is taken; from then on the instance may differ from it. */
  boolean recorded;

  String recordedVersion = "";
  ServerState recordedState;
  int recordedWeight;

  String version = "";
  ServerState state;
  int weight;
  String progress = PENDING;
  String message = "";
  boolean failed;
  /** Why the upgrade failed, kept apart from {@link #message} which later notes the restore. */
  String failure = "";

  InstanceRun(ServerInfo listed, int batch) {
    this.name = listed.name();
    this.batch = batch;
    see(listed);
  }

  void see(ServerInfo info) {
    if (info != null) {
      address = info.address();
      state = info.state();
      weight = info.weight();
    }
  }

  void record(String currentVersion, ServerInfo info) {
    see(info);
    recordedVersion = currentVersion == null ? "" : currentVersion;
    version = recordedVersion;
    recordedState = info.state();
    recordedWeight = info.weight();
    recorded = true;
  }

  boolean matchesRecord(String runningVersion, ServerInfo now) {
    boolean versionOk = recordedVersion.isEmpty() || recordedVersion.equals(runningVersion);
    return versionOk && now.state() == recordedState && now.weight() == recordedWeight;
  }

  InstanceStatus toStatus() {
    return new InstanceStatus(
        name,
        address == null ? "" : address,
        batch,
        recordedVersion,
        version,
        state == null ? "" : state.name(),
        weight,
        progress,
        message);
  }
}
