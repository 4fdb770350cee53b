package io.bellwether.workflows.abtest;

import io.bellwether.analysis.abtest.VariantCounts;
import io.bellwether.contracts.abtest.Guardrail;
import io.bellwether.contracts.abtest.Variant;
import io.bellwether.contracts.abtest.VariantPoint;
import io.bellwether.contracts.abtest.VariantRoute;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.workflows.pool.PoolMember;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One variant of a running A/B test: its instances in its split backend, its route, the counts last
 * read, its points over time and its guardrail streaks. Workflow state, so only workflow code
 * changes it.
 */
final class VariantArm {
  final String name;
  final String version;
  final boolean control;
  final int share;
  final String backend;
  final List<PoolMember> members;

  /** What the split sends it now; {@link VariantRoute#closed()} once stopped. */
  VariantRoute route;

  long exposures;
  long conversions;
  boolean stopped;
  String stopReason;

  private final List<VariantPoint> points = new ArrayList<>();

  /** Guardrail name to breaches in a row (reads without a number leave it as it is). */
  private final Map<String, Integer> streaks = new HashMap<>();

  /** Guardrail name to the last value read. */
  private final Map<String, Double> last = new HashMap<>();

  VariantArm(Variant v, boolean control, String backend, List<PoolMember> members, int bucketFrom) {
    this.name = v.name();
    this.version = v.version();
    this.control = control;
    this.share = v.shareOrZero();
    this.backend = backend;
    this.members = List.copyOf(members);
    this.route =
        new VariantRoute(
            v.name(),
            backend,
            bucketFrom,
            bucketFrom + share,
            v.users(),
            v.headerValues(),
            v.cookieValues());
  }

  /** The instance names, for the {@code {{instances}}} of its queries. */
  List<String> instances() {
    return members.stream().map(m -> m.instance).toList();
  }

  VariantCounts counts() {
    return new VariantCounts(name, exposures, conversions);
  }

  /**
   * Takes a guardrail's value; returns the breaches in a row now. A value inside the bounds ends
   * the streak.
   */
  int see(Guardrail g, double value) {
    last.put(g.name(), value);
    int n = g.breachedBy(value) ? streaks.getOrDefault(g.name(), 0) + 1 : 0;
    streaks.put(g.name(), n);
    return n;
  }

  /** Why {@code g} stops this variant now, or null when it does not. */
  String broken(Guardrail g) {
    int n = streaks.getOrDefault(g.name(), 0);
    if (n < g.failureLimitOrDefault()) {
      return null;
    }
    double v = last.get(g.name());
    String bound =
        g.max() != null && v > g.max() ? "above max " + g.max() : "below min " + g.min();
    return "guardrail " + g.name() + " " + v + " " + bound + " for " + n + " read(s) in a row";
  }

  /**
   * Appends a point; past {@link VariantStatus#MAX_POINTS} every other point is dropped (the
   * newest is kept), so the charts keep the whole test at half the resolution.
   */
  void addPoint(VariantPoint p) {
    points.add(p);
    if (points.size() > VariantStatus.MAX_POINTS) {
      List<VariantPoint> kept = new ArrayList<>();
      int size = points.size();
      for (int i = 0; i < size; i++) {
        if ((size - 1 - i) % 2 == 0) {
          kept.add(points.get(i));
        }
      }
      points.clear();
      points.addAll(kept);
    }
  }

  List<VariantPoint> points() {
    return List.copyOf(points);
  }

  VariantStatus toStatus(long requiredSampleSize) {
    return new VariantStatus(
        name,
        version,
        control,
        share,
        backend,
        members.stream().map(PoolMember::toStatus).toList(),
        exposures,
        conversions,
        requiredSampleSize,
        stopped,
        stopReason,
        List.copyOf(points));
  }
}
