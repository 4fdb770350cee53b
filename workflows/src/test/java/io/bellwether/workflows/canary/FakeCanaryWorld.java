package io.bellwether.workflows.canary;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.activities.TrafficActivities;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.contracts.canary.CanaryTarget;
import io.bellwether.contracts.canary.SegmentRoute;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.metrics.MetricsActivities;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.workflows.FakeFleet;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Mockito mocks of every activity port a canary run and its rolling child use: the {@link
 * FakeFleet} (stable backend {@code web}, deployer, health, gates) with the slot backend {@code
 * web_canary} (s1..s4), plus pool {@code web} routing between them (its percentage and segment
 * route) and a scripted metrics provider {@code prom}. Tests assert the END STATE (versions,
 * weights, who runs) and the order of the changes in {@link #calls}.
 */
final class FakeCanaryWorld {
  static final String ROUTER = FakeFleet.ROUTER;
  static final String POOL = "web";
  static final String STABLE = FakeFleet.STABLE;
  static final String CANARY = "web_canary";
  static final String PROM = "prom";
  static final CanaryTarget TARGET = new CanaryTarget(ROUTER, STABLE, POOL, "local", null, PROM);

  final FakeFleet fleet = new FakeFleet(List.of(CANARY), 4);
  final SwitchActivities pool = fleet.pool;
  final TrafficActivities traffic = fleet.traffic;
  final DeployActivities deploy = fleet.deploy;
  final HealthActivities health = fleet.health;
  final ConfigActivities config = fleet.config;
  final GateActivities gate = fleet.gate;
  final MetricsActivities metrics = mock(MetricsActivities.class, withSettings().withoutAnnotations());

  /** Every change and every metrics call, in order: "pct 20", "segments beta", "query ...". */
  final List<String> calls = fleet.calls;

  /** Violations checkCanaryTarget reports. */
  final List<Violation> unknownNames = new CopyOnWriteArrayList<>();

  /** "name@version" pairs whose health check never passes. */
  final Set<String> unhealthy = fleet.unhealthy;

  /** Answers an instant query (the rendered text); the default says every metric is 0. */
  volatile Function<String, MetricValue> query = q -> MetricValue.ok(0);

  /** Answers a range query; the default is the same ten values on every side. */
  volatile Function<String, MetricSeries> range = q -> series(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

  private int percent;
  private SegmentRoute segments = SegmentRoute.none();

  FakeCanaryWorld() {
    doAnswer(inv -> state(inv.getArgument(0), inv.getArgument(1)))
        .when(pool)
        .poolState(anyString(), anyString());
    doAnswer(inv -> setPercent(inv.getArgument(2)))
        .when(pool)
        .setCandidatePercent(anyString(), anyString(), anyInt());
    doAnswer(inv -> setSegments(inv.getArgument(2)))
        .when(pool)
        .setSegments(anyString(), anyString(), any(SegmentRoute.class));
    doAnswer(inv -> List.copyOf(unknownNames)).when(config).checkCanaryTarget(any(CanaryTarget.class));
    doAnswer(inv -> providerKnown(inv.getArgument(0))).when(metrics).isOnline(anyString());
    doAnswer(
            inv -> {
              providerKnown(inv.getArgument(0));
              calls.add("query " + inv.getArgument(1));
              return query.apply(inv.getArgument(1));
            })
        .when(metrics)
        .query(anyString(), anyString());
    doAnswer(
            inv -> {
              providerKnown(inv.getArgument(0));
              calls.add("range " + inv.getArgument(1));
              return range.apply(inv.getArgument(1));
            })
        .when(metrics)
        .queryRange(anyString(), anyString(), anyInt(), anyInt());
  }

  static MetricSeries series(double... values) {
    List<Double> v = new ArrayList<>();
    for (double d : values) {
      v.add(d);
    }
    return new MetricSeries(io.bellwether.contracts.metrics.MetricStatus.OK, v, 0, null);
  }

  /** True for a query about the canary instances (rendered with the canary side). */
  static boolean aboutCanary(String renderedQuery) {
    return renderedQuery.contains("web-web_canary-s1");
  }

  synchronized int percent() {
    return percent;
  }

  synchronized SegmentRoute segments() {
    return segments;
  }

  /** name -> version of every instance the deployer runs (stable ones and added ones). */
  Map<String, String> running() {
    return fleet.running();
  }

  /** The canary backend's slots that hold an instance. */
  List<String> filledSlots() {
    return fleet.filledSlots(CANARY);
  }

  List<String> callsStartingWith(String prefix) {
    return fleet.callsStartingWith(prefix);
  }

  int firstIndexOf(String prefix) {
    return fleet.firstIndexOf(prefix);
  }

  private boolean providerKnown(String provider) {
    if (!PROM.equals(provider)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no metrics provider named '" + provider + "'", FailureTypes.UNKNOWN_TARGET);
    }
    return true;
  }

  private synchronized PoolState state(String router, String poolName) {
    if (!ROUTER.equals(router) || !POOL.equals(poolName)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no pool '" + poolName + "' in router '" + router + "'", FailureTypes.UNKNOWN_TARGET);
    }
    return new PoolState(
        POOL,
        STABLE,
        CANARY,
        percent,
        false,
        Map.of(STABLE, fleet.stableServers(), CANARY, fleet.slots(CANARY)));
  }

  private synchronized PoolState setPercent(int p) {
    calls.add("pct " + p);
    percent = p;
    return state(ROUTER, POOL);
  }

  private synchronized PoolState setSegments(SegmentRoute r) {
    calls.add("segments " + (r.isEmpty() ? "none" : String.join(",", r.headerValues())));
    segments = r;
    return state(ROUTER, POOL);
  }
}
