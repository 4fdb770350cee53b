package io.bellwether.activities.notify;

/**
 * The destination could not be reached, timed out, or answered other than 2xx. Retryable. The
 * message names the notifier and the redacted destination (scheme and host) only, and no cause is
 * attached: an I/O exception's own message may quote the URL, and Temporal writes the whole cause
 * chain into workflow history.
 */
public class NotifierUnavailableException extends RuntimeException {
  private final int status;

  public NotifierUnavailableException(String message, int status) {
    super(message);
    this.status = status;
  }

  /** The HTTP status answered, 0 when there was no answer. */
  public int status() {
    return status;
  }
}
