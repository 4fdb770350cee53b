package io.bellwether.contracts.chaos;

import java.util.List;
import java.util.Map;

/**
 * One fault step as planned and as it went.
 *
 * @param faultId the idempotency key: {@code <workflowId>/<fault id>/<step>} (step from 1)
 * @param fault the spec's fault id
 * @param step 1-based step of that fault
 * @param injector the configured injector
 * @param selector the step's selector in words
 * @param seed the seed the targets were drawn with
 * @param targets the targets as resolved at that step
 * @param magnitude the injector's settings
 * @param durationMillis planned duration
 * @param state PLANNED, INJECTING, ACTIVE, RESTORED or FAILED
 * @param injectedAt ISO instant the injection was done (null before)
 * @param deadline ISO instant of the dead-man switch (injection + duration + grace)
 * @param restoredAt ISO instant restoration was done (null before)
 * @param endedBy why the fault ended: {@code duration}, {@code guardrail <name>}, {@code budget},
 *     {@code rollback by <who>}, {@code cancel}, {@code dead-man switch}
 */
public record FaultRecord(
    String faultId,
    String fault,
    int step,
    String injector,
    String selector,
    long seed,
    List<FaultTarget> targets,
    Map<String, String> magnitude,
    long durationMillis,
    String state,
    String injectedAt,
    String deadline,
    String restoredAt,
    String endedBy) {
  public static final String PLANNED = "PLANNED";
  public static final String INJECTING = "INJECTING";
  public static final String ACTIVE = "ACTIVE";
  public static final String RESTORED = "RESTORED";
  public static final String FAILED = "FAILED";

  public FaultRecord {
    targets = targets == null ? List.of() : List.copyOf(targets);
    magnitude = magnitude == null ? Map.of() : Map.copyOf(magnitude);
  }

  /** The same step in another state. */
  public FaultRecord with(String newState, String injected, String dead, String restored, String by) {
    return new FaultRecord(faultId, fault, step, injector, selector, seed, targets, magnitude,
        durationMillis, newState, injected, dead, restored, by);
  }

  /** The request the injector gets for this step. */
  public FaultRequest request() {
    return new FaultRequest(faultId, injector, targets, magnitude, durationMillis);
  }
}
