package io.bellwether.contracts.chaos;

import io.temporal.activity.ActivityInterface;

/**
 * The fault-injector port, as activities: one adapter per kind of fault, chosen by the configured
 * injector's {@code type}. Every call is idempotent by {@link FaultRequest#faultId()}; {@code
 * inject} and {@code restore} return the state they left, and {@code probe} only reads. An unknown
 * injector fails with the non-retryable {@code UnknownTarget}; a target the injector cannot reach
 * fails retryably.
 */
@ActivityInterface
public interface FaultActivities {
  /** Puts the fault in force on every target. */
  FaultState inject(FaultRequest request);

  /** Takes the fault away from every target, whatever part of it is in force. */
  FaultState restore(FaultRequest request);

  /** Whether the fault is in force now, and where. Read-only. */
  FaultState probe(FaultRequest request);
}
