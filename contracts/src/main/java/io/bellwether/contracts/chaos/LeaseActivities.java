package io.bellwether.contracts.chaos;

import io.temporal.activity.ActivityInterface;

/**
 * The experiment's side of the blast-radius coordinator, and the coordinator's check on holders.
 * Implemented in the worker (it needs the Temporal client). Idempotent.
 */
@ActivityInterface
public interface LeaseActivities {
  /**
   * Asks the coordinator for a lease, starting the coordinator if it is not running
   * (update-with-start). Asking again for a lease already held returns granted.
   */
  LeaseDecision acquire(LeaseRequest request);

  /** Returns a lease (a signal to the coordinator); fine when it is not held. */
  void release(String leaseId);

  /** Whether the workflow {@code workflowId} has an open run. */
  boolean isOpen(String workflowId);
}
