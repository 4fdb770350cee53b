package io.bellwether.contracts.metrics;

import io.temporal.activity.ActivityInterface;

/**
 * Reads numbers from a metrics provider named in the worker configuration ({@code
 * bellwether.metrics.<name>}). Read-only and idempotent. Adapters return facts, never verdicts:
 * no data, NaN and an unreachable provider come back as a {@link MetricStatus}, not as an
 * exception, so that the workflow can call them inconclusive. Only a provider name the
 * configuration lacks fails (non-retryable {@code UnknownTarget}).
 */
@ActivityInterface
public interface MetricsActivities {
  /** Whether the provider answers now (Prometheus: {@code /-/ready} and a trivial query). */
  boolean isOnline(String provider);

  /**
   * One instant query: the single value of its result (a scalar, or a vector of exactly one
   * series). More than one series is {@link MetricStatus#ERROR} with a reason; an empty vector is
   * {@link MetricStatus#EMPTY}; NaN or infinity is {@link MetricStatus#NAN}.
   */
  MetricValue query(String provider, String query);

  /**
   * A range query over the last {@code windowSeconds} up to now, one point per {@code
   * stepSeconds}: the values of its single series, oldest first, with NaN points dropped and
   * counted. Status as for {@link #query}; {@link MetricStatus#OK} with at least one value.
   */
  MetricSeries queryRange(String provider, String query, int windowSeconds, int stepSeconds);

  /**
   * Several instant queries in one call, each answered as {@link #query} would, in order: one
   * activity per read of an A/B test's counts and guardrails keeps its history small.
   */
  java.util.List<MetricValue> queryAll(String provider, java.util.List<String> queries);
}
