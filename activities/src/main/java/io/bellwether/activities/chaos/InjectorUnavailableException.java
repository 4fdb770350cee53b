package io.bellwether.activities.chaos;

/**
 * Something on the host the injector acts through failed: a command it runs exited badly or timed
 * out, a process it starts or restarts did not come up, a file could not be written. Retryable: the
 * calls are idempotent, and what failed (a slow restart, a busy port, a filesystem not mounted yet)
 * may work on the next attempt.
 */
public class InjectorUnavailableException extends RuntimeException {
  public InjectorUnavailableException(String message) {
    super(message);
  }

  public InjectorUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
