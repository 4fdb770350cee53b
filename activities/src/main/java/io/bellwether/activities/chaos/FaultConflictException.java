package io.bellwether.activities.chaos;

/**
 * Another fault of the same injector already holds a target. Not retryable while that fault is in
 * force; nothing was changed. Faults of one family do not stack: restoring one would undo the
 * other's effect.
 */
public class FaultConflictException extends RuntimeException {
  public FaultConflictException(String message) {
    super(message);
  }
}
