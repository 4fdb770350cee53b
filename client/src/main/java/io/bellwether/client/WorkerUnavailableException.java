package io.bellwether.client;

/**
 * No Bellwether worker answered in time: a check that only the worker can make (its configured
 * names) did not complete. Nothing was started. Retrying is safe once a worker is up.
 */
public class WorkerUnavailableException extends RuntimeException {
  public WorkerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
