package io.bellwether.demo;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo app's request metrics in the Prometheus text format (0.0.4): a counter of answered
 * requests by status and a latency histogram with fixed buckets, both labelled with the version.
 *
 * <p>Written by hand rather than through a metrics library so that the names, labels and bucket
 * bounds are exactly the ones canary queries are written against, and so that no label is called
 * {@code instance}: Prometheus owns that label for the scrape address, and the instance name comes
 * from the scrape target's {@code bellwether_instance} label instead.
 */
public final class HttpMetrics {
  /** Counter of answered requests; labels {@code version}, {@code status}. */
  public static final String REQUESTS = "http_server_requests_total";

  /**
   * Histogram of answer times in seconds: {@code _bucket{version,le}}, {@code _sum{version}},
   * {@code _count{version}}.
   */
  public static final String DURATION = "http_server_request_duration_seconds";

  /** Upper bounds of the histogram buckets, in seconds; {@code +Inf} follows them. */
  public static final List<Double> BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0);

  private final String version;
  private final ConcurrentMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  // Per-bucket (not cumulative) counts; the last one is the +Inf overflow.
  private final LongAdder[] buckets = new LongAdder[BUCKETS.size() + 1];
  private final DoubleAdder sum = new DoubleAdder();

  public HttpMetrics(String version) {
    this.version = version;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** Counts one answered request. Thread-safe. */
  public void record(int status, long nanos) {
    byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BUCKETS.size() && seconds > BUCKETS.get(i)) {
      i++;
    }
    buckets[i].increment();
    sum.add(seconds);
  }

  /**
   * The exposition text. Under concurrent requests the counter, the buckets and the count may be
   * a request apart from each other, which rate() over a window does not notice.
   */
  public String scrape() {
    String v = "version=\"" + escape(version) + "\"";
    StringBuilder out = new StringBuilder(2048);
    out.append("# HELP ").append(REQUESTS)
        .append(" Requests answered, health and metrics excluded.\n");
    out.append("# TYPE ").append(REQUESTS).append(" counter\n");
    Map<Integer, LongAdder> sorted = new TreeMap<>(byStatus);
    sorted.forEach(
        (status, n) ->
            out.append(REQUESTS).append('{').append(v).append(",status=\"").append(status)
                .append("\"} ").append(n.sum()).append('\n'));
    out.append("# HELP ").append(DURATION)
        .append(" Time to answer a request, health and metrics excluded.\n");
    out.append("# TYPE ").append(DURATION).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < buckets.length; i++) {
      cumulative += buckets[i].sum();
      String le = i < BUCKETS.size() ? format(BUCKETS.get(i)) : "+Inf";
      out.append(DURATION).append("_bucket{").append(v).append(",le=\"").append(le)
          .append("\"} ").append(cumulative).append('\n');
    }
    out.append(DURATION).append("_sum{").append(v).append("} ").append(sum.sum()).append('\n');
    // The +Inf bucket and _count must agree, so both come from the same reading.
    out.append(DURATION).append("_count{").append(v).append("} ").append(cumulative).append('\n');
    return out.toString();
  }

  private static String format(double bound) {
    String s = Double.toString(bound);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
