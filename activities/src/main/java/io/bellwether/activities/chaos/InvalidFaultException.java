package io.bellwether.activities.chaos;

/**
 * The fault request cannot be carried out as given: a bad fault id, no or malformed targets, a
 * magnitude out of range. Not retryable: the same request gets the same answer (an {@code
 * InvalidSpec}).
 */
public class InvalidFaultException extends RuntimeException {
  public InvalidFaultException(String message) {
    super(message);
  }
}
