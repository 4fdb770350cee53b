package io.bellwether.activities.router;

/** The backend or server is not in the router. Not retryable: retrying cannot make it appear. */
public class UnknownBackendException extends RuntimeException {
  public UnknownBackendException(String message) {
    super(message);
  }
}
