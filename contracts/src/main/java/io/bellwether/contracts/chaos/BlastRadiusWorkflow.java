package io.bellwether.contracts.chaos;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * The single coordinator of blast-radius leases ({@link #WORKFLOW_ID}): concurrent experiments on
 * the same service cannot together impair more than the configured share of its servers, nor of
 * any zone's. Leases are granted by update (an answer at once), returned by signal, and taken back
 * when they expire or their holder's run is no longer open (checked every minute), so a crashed or
 * terminated experiment cannot keep one. Continues as new to keep its history short.
 */
@WorkflowInterface
public interface BlastRadiusWorkflow {
  String TYPE = "ChaosBlastRadius";
  String WORKFLOW_ID = "bellwether-chaos-blast-radius";

  /** Runs for ever; {@code leases} are those carried over a continue-as-new. */
  @WorkflowMethod(name = TYPE)
  void run(List<LeaseRequest> leases);

  @UpdateMethod(name = "acquire")
  LeaseDecision acquire(LeaseRequest request);

  /** Returns a lease; unknown ids are ignored (idempotent). */
  @SignalMethod(name = "release")
  void release(String leaseId);

  @QueryMethod(name = "leases")
  List<LeaseRequest> leases();
}
