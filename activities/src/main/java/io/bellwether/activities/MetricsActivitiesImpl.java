package io.bellwether.activities;

import io.bellwether.activities.metrics.MetricsProvider;
import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.metrics.MetricsActivities;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@link MetricsActivities} over the providers configured under {@code bellwether.metrics}. Passes
 * the provider's facts through: an outage is a status, not a failure, so Temporal does not retry
 * what the workflow should call inconclusive. Only an unconfigured provider name fails
 * (non-retryable {@code UnknownTarget}).
 */
public class MetricsActivitiesImpl implements MetricsActivities {
  private final AdapterRegistry registry;

  public MetricsActivitiesImpl(AdapterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public boolean isOnline(String provider) {
    return provider(provider).isOnline();
  }

  @Override
  public MetricValue query(String provider, String query) {
    return provider(provider).query(query);
  }

  @Override
  public MetricSeries queryRange(
      String provider, String query, int windowSeconds, int stepSeconds) {
    return provider(provider).queryRange(query, windowSeconds, stepSeconds);
  }

  /**
   * Each query answered as {@link #query} would, in order, from one provider looked up once. A
   * null list is no queries; a null or blank query is {@link MetricStatus#ERROR}, not sent.
   */
  @Override
  public List<MetricValue> queryAll(String provider, List<String> queries) {
    MetricsProvider p = provider(provider);
    if (queries == null) {
      return List.of();
    }
    List<MetricValue> out = new ArrayList<>(queries.size());
    for (String q : queries) {
      out.add(
          q == null || q.isBlank()
              ? MetricValue.of(MetricStatus.ERROR, "empty query")
              : p.query(q));
    }
    return out;
  }

  private MetricsProvider provider(String name) {
    return registry
        .metricsProvider(name)
        .orElseThrow(
            () ->
                Failures.unknownTarget(
                    (name == null || name.isBlank()
                            ? "a metrics provider name is required"
                            : "no metrics provider named '" + name + "' is configured")
                        + " under bellwether.metrics; configured: "
                        + (registry.metricsProviderNames().isEmpty()
                            ? "none"
                            : String.join(", ", new TreeSet<>(registry.metricsProviderNames())))));
  }
}
