package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.metrics.MetricsProvider;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code queryAll}: every query as {@code query} answers it, in order, from one provider. */
class MetricsQueryAllTest {
  /** Answers a query by its text: {@code n:<value>}, {@code empty}, {@code nan}, {@code down}. */
  private static final class FakeProvider implements MetricsProvider {
    final List<String> asked = new ArrayList<>();

    @Override
    public boolean isOnline() {
      return true;
    }

    @Override
    public MetricValue query(String query) {
      asked.add(query);
      if (query.startsWith("n:")) {
        return MetricValue.ok(Double.parseDouble(query.substring(2)));
      }
      return switch (query) {
        case "empty" -> MetricValue.of(MetricStatus.EMPTY, "no series");
        case "nan" -> MetricValue.of(MetricStatus.NAN, "NaN");
        case "down" -> MetricValue.of(MetricStatus.UNAVAILABLE, "connection refused");
        default -> MetricValue.of(MetricStatus.ERROR, "parse error");
      };
    }

    @Override
    public MetricSeries queryRange(String query, int windowSeconds, int stepSeconds) {
      throw new UnsupportedOperationException();
    }
  }

  private final FakeProvider provider = new FakeProvider();

  private MetricsActivitiesImpl activities() {
    return new MetricsActivitiesImpl(
        new AdapterRegistry(
            Map.of(), Map.of(), Map.of(), Map.of(), null, null, Map.of(), null, Map.of("prom", provider)));
  }

  @Test
  void everyQueryIsAnsweredAsQueryWouldInOrder() {
    List<String> queries = List.of("n:120", "empty", "n:0.25", "nan", "down", "bad(", "n:7");
    List<MetricValue> all = activities().queryAll("prom", queries);
    assertEquals(queries, provider.asked);
    List<MetricValue> one = queries.stream().map(q -> activities().query("prom", q)).toList();
    assertEquals(one, all);
    assertEquals(MetricValue.ok(120), all.get(0));
    assertEquals(MetricStatus.EMPTY, all.get(1).status());
    assertEquals(MetricStatus.UNAVAILABLE, all.get(4).status());
    assertEquals(MetricValue.ok(7), all.get(6));
  }

  @Test
  void noQueriesNoAnswersAndABlankQueryIsAnErrorNotSent() {
    assertEquals(List.of(), activities().queryAll("prom", List.of()));
    assertEquals(List.of(), activities().queryAll("prom", null));
    List<MetricValue> v = activities().queryAll("prom", Arrays.asList("n:1", null, " "));
    assertEquals(3, v.size());
    assertEquals(MetricStatus.ERROR, v.get(1).status());
    assertEquals(MetricStatus.ERROR, v.get(2).status());
    assertEquals(List.of("n:1"), provider.asked);
  }

  @Test
  void anUnknownProviderIsAnUnknownTarget() {
    ApplicationFailure f =
        assertThrows(ApplicationFailure.class, () -> activities().queryAll("grafana", List.of("n:1")));
    assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(provider.asked.isEmpty());
  }
}
