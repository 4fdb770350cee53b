package io.bellwether.activities.metrics;

import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;

/**
 * Port to a metrics system: one instance per configured {@code bellwether.metrics.<name>}.
 * Read-only, so every call is idempotent and safe to retry. Adapters return facts, never verdicts,
 * and never throw for the ordinary ways a query comes back empty-handed: no data, NaN, a refused
 * query and an unreachable or slow provider are each a {@link MetricStatus}, so that the workflow
 * can call the measurement inconclusive rather than fail. A {@code detail} never holds the
 * provider's address or a credential.
 */
public interface MetricsProvider {
  /** Whether the provider answers a trivial query now. Never throws; false when unsure. */
  boolean isOnline();

  /**
   * One instant query, evaluated now: the single number it yields (a scalar, or a vector of
   * exactly one series). An empty vector is {@link MetricStatus#EMPTY}, NaN or infinity {@link
   * MetricStatus#NAN}, more than one series or a refused query {@link MetricStatus#ERROR} with the
   * provider's reason, an unreachable or timed-out provider {@link MetricStatus#UNAVAILABLE}.
   */
  MetricValue query(String query);

  /**
   * A range query over the last {@code windowSeconds}, one point per {@code stepSeconds}: the
   * values of its single series, oldest first, with NaN and infinite points dropped and counted.
   * {@link MetricStatus#OK} has at least one value; a series whose every point was dropped is
   * {@link MetricStatus#NAN}; no series at all is {@link MetricStatus#EMPTY}; other statuses as
   * for {@link #query}. Non-positive window or step is {@link MetricStatus#ERROR}.
   */
  MetricSeries queryRange(String query, int windowSeconds, int stepSeconds);
}
