package io.bellwether.activities.router;

/** The router could not be reached or did not answer in time. Retryable. */
public class RouterUnavailableException extends RuntimeException {
  public RouterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
