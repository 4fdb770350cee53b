package io.bellwether.activities.router;

/**
 * The router was reached but refused a command (bad weight, permission, unknown command). Not
 * retryable: the same command gets the same answer.
 */
public class RouterRejectedException extends RuntimeException {
  public RouterRejectedException(String message) {
    super(message);
  }
}
