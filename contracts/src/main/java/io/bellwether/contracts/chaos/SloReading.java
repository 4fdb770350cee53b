package io.bellwether.contracts.chaos;

/**
 * The service's SLO counters as read now ({@code bellwether.services.<service>.slo}).
 *
 * @param objective the success objective, such as 0.999
 * @param window the SLO window in words, such as {@code 1h}
 * @param windowTotal requests in the window
 * @param windowFailed failed requests in the window
 * @param total the request counter now (summed over series), for burn accounting
 * @param failed the failed-request counter now
 * @param ratePerSecond requests per second now (over the last 5 minutes, or the window when shorter)
 * @param detail what was read or why a value is missing; null values mean no data
 */
public record SloReading(
    double objective,
    String window,
    Double windowTotal,
    Double windowFailed,
    Double total,
    Double failed,
    Double ratePerSecond,
    String detail) {
  /** Whether every number was read. */
  public boolean complete() {
    return windowTotal != null && windowFailed != null && total != null && failed != null
        && ratePerSecond != null;
  }
}
