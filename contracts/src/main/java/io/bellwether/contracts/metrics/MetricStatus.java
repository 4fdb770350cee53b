package io.bellwether.contracts.metrics;

/** What a metrics query found. Only {@link #OK} carries numbers. */
public enum MetricStatus {
  /** A number (or numbers) came back. */
  OK,
  /** The query matched nothing (no series, no points). */
  EMPTY,
  /** The value was NaN or infinite (say, 0/0 with no traffic). */
  NAN,
  /** The provider could not be reached or timed out. */
  UNAVAILABLE,
  /** The provider answered with an error (bad query, more than one series). */
  ERROR
}
