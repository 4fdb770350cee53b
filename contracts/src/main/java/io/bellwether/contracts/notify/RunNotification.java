package io.bellwether.contracts.notify;

import java.util.List;

/**
 * One event of a run, as told to people. Fields that do not apply to {@code kind} are null.
 *
 * @param kind one of the {@code KIND_*} constants
 * @param workflowId the run, as users type it in {@code status}, {@code approve}, {@code reject}
 * @param workflowType short workflow type name, e.g. {@code RollingDeployment}
 * @param service the service being released
 * @param version the version being released
 * @param gate the gate a run waits at ({@code gate-waiting}) or was decided at
 * @param approvers who may open the gate ({@code gate-waiting})
 * @param greenPercent share of traffic on the new version after a {@code traffic-step}
 * @param reason why the run rolled back or failed
 * @param by who did it (an approval, a manual rollback), when a person did
 */
public record RunNotification(
    String kind,
    String workflowId,
    String workflowType,
    String service,
    String version,
    String gate,
    List<String> approvers,
    Integer greenPercent,
    String reason,
    String by) {

  public static final String KIND_STARTED = "started";
  public static final String KIND_GATE_WAITING = "gate-waiting";
  public static final String KIND_TRAFFIC_STEP = "traffic-step";
  public static final String KIND_PROMOTED = "promoted";
  public static final String KIND_ROLLED_BACK = "rolled-back";
  public static final String KIND_FAILED = "failed";
  public static final String KIND_SUCCEEDED = "succeeded";
  /** An A/B test's guardrail stopped one treatment and the test goes on with the rest. */
  public static final String KIND_VARIANT_STOPPED = "variant-stopped";

  public static final List<String> KINDS =
      List.of(
          KIND_STARTED,
          KIND_GATE_WAITING,
          KIND_TRAFFIC_STEP,
          KIND_PROMOTED,
          KIND_ROLLED_BACK,
          KIND_FAILED,
          KIND_SUCCEEDED,
          KIND_VARIANT_STOPPED);

  public RunNotification {
    approvers = approvers == null ? null : List.copyOf(approvers);
  }
}
