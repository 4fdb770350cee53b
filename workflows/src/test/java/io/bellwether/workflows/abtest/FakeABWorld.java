package io.bellwether.workflows.abtest;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.abtest.ABTestTarget;
import io.bellwether.contracts.abtest.SplitActivities;
import io.bellwether.contracts.abtest.SplitRoutes;
import io.bellwether.contracts.abtest.SplitState;
import io.bellwether.contracts.abtest.VariantRoute;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.metrics.MetricsActivities;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.workflows.FakeFleet;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mockito mocks of every activity port an A/B test and its rolling child use: the {@link
 * FakeFleet} (stable backend {@code web}, deployer, health, gates) with the split {@code web_ab} of
 * router {@code edge} (backends web_ab_v1..v3, slots s1..s2 each; open/closed and its routes), and
 * a metrics provider {@code prom} whose counts are scripted per read. Queries name their metric
 * before the first brace and their variant as {@code variant="<name>"} (see {@link
 * ABTestWorkflowTest}'s templates); by default each read adds the exposures and conversions given
 * by {@link #grow} (fresh counters: the value is the count so far) and every other metric is 0.
 */
final class FakeABWorld {
  static final String ROUTER = FakeFleet.ROUTER;
  static final String STABLE = FakeFleet.STABLE;
  static final String SPLIT = "web_ab";
  static final String PROM = "prom";
  static final List<String> BACKENDS = List.of("web_ab_v1", "web_ab_v2", "web_ab_v3");
  static final ABTestTarget TARGET = new ABTestTarget(ROUTER, STABLE, SPLIT, "local", null, PROM);

  /** Answers one query of read {@code read} (from 1) about {@code variant}. */
  interface Script {
    MetricValue answer(int read, String variant, String metric);
  }

  final FakeFleet fleet = new FakeFleet(BACKENDS, 2);
  final SplitActivities split = mock(SplitActivities.class, withSettings().withoutAnnotations());
  final MetricsActivities metrics = mock(MetricsActivities.class, withSettings().withoutAnnotations());

  /** Every change and every read, in order: "routes ...", "open true", "clear", "read 3", ... */
  final List<String> calls = fleet.calls;

  /** Violations checkABTestTarget reports. */
  final List<Violation> unknownNames = new CopyOnWriteArrayList<>();

  /** Every query of the last read, as rendered. */
  volatile List<String> lastQueries = List.of();

  /** The answers; the default is {@link #model}. */
  volatile Script script = this::model;

  /** When set, clear fails (non-retryable) with this message. */
  volatile String clearFails;

  private final Map<String, long[]> growth = new LinkedHashMap<>();
  private int reads;
  private boolean open;
  private SplitRoutes routes = SplitRoutes.none();

  FakeABWorld() {
    doAnswer(inv -> state(inv.getArgument(0), inv.getArgument(1)))
        .when(split)
        .splitState(anyString(), anyString());
    doAnswer(inv -> setRoutes(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2)))
        .when(split)
        .setRoutes(anyString(), anyString(), any(SplitRoutes.class));
    doAnswer(inv -> setOpen(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2)))
        .when(split)
        .setOpen(anyString(), anyString(), anyBoolean());
    doAnswer(inv -> clear(inv.getArgument(0), inv.getArgument(1)))
        .when(split)
        .clear(anyString(), anyString());
    doAnswer(inv -> List.copyOf(unknownNames))
        .when(fleet.config)
        .checkABTestTarget(any(ABTestTarget.class));
    doAnswer(inv -> queryAll(inv.getArgument(0), inv.getArgument(1)))
        .when(metrics)
        .queryAll(anyString(), anyList());
  }

  /** Each read adds {@code exposures} and {@code conversions} to {@code variant}'s counters. */
  synchronized FakeABWorld grow(String variant, long exposures, long conversions) {
    growth.put(variant, new long[] {exposures, conversions});
    return this;
  }

  /** The default answer: counts from {@link #grow} (0 for a variant not grown), 0 for the rest. */
  synchronized MetricValue model(int read, String variant, String metric) {
    long[] g = growth.getOrDefault(variant, new long[] {0, 0});
    return switch (metric) {
      case "exposures" -> MetricValue.ok((double) read * g[0]);
      case "conversions" -> MetricValue.ok((double) read * g[1]);
      default -> MetricValue.ok(0);
    };
  }

  /** Sets the split as another experiment left it: open with a route of its own. */
  synchronized void inUse() {
    open = true;
    routes =
        new SplitRoutes(
            "other1",
            "hash",
            List.of(new VariantRoute("x", BACKENDS.get(0), 0, 10, List.of(), List.of(), List.of())));
  }

  synchronized int reads() {
    return reads;
  }

  synchronized SplitState state() {
    return new SplitState(ROUTER, SPLIT, BACKENDS, open, routes);
  }

  /** The variant names with a share of new users now (closed routes left out). */
  synchronized List<String> routedVariants() {
    return routes.variants().stream()
        .filter(r -> r.bucketTo() > r.bucketFrom() || !r.users().isEmpty())
        .map(VariantRoute::variant)
        .toList();
  }

  Map<String, String> running() {
    return fleet.running();
  }

  /** Every slot of the split's backends that holds an instance, as backend/slot. */
  List<String> filledSlots() {
    List<String> out = new ArrayList<>();
    for (String b : BACKENDS) {
      for (String s : fleet.filledSlots(b)) {
        out.add(b + "/" + s);
      }
    }
    return out;
  }

  List<String> callsStartingWith(String prefix) {
    return fleet.callsStartingWith(prefix);
  }

  int firstIndexOf(String prefix) {
    return fleet.firstIndexOf(prefix);
  }

  int lastIndexOf(String prefix) {
    for (int i = calls.size() - 1; i >= 0; i--) {
      if (calls.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  static String describe(SplitRoutes r) {
    List<String> parts = new ArrayList<>();
    for (VariantRoute v : r.variants()) {
      parts.add(v.variant() + "@" + v.backend() + ":" + v.bucketFrom() + "-" + v.bucketTo()
          + (v.users().isEmpty() ? "" : "+" + String.join(",", v.users())));
    }
    return String.join(" ", parts);
  }

  private void known(String router, String splitName) {
    if (!ROUTER.equals(router) || !SPLIT.equals(splitName)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no split '" + splitName + "' in router '" + router + "'", FailureTypes.UNKNOWN_TARGET);
    }
  }

  private synchronized SplitState state(String router, String splitName) {
    known(router, splitName);
    return state();
  }

  private synchronized SplitState setRoutes(String router, String splitName, SplitRoutes r) {
    known(router, splitName);
    calls.add("routes " + describe(r));
    routes = r;
    return state();
  }

  private synchronized SplitState setOpen(String router, String splitName, boolean o) {
    known(router, splitName);
    calls.add("open " + o);
    open = o;
    return state();
  }

  private synchronized SplitState clear(String router, String splitName) {
    known(router, splitName);
    calls.add("clear");
    if (clearFails != null) {
      throw ApplicationFailure.newNonRetryableFailure(clearFails, "RouterRejected");
    }
    open = false;
    routes = SplitRoutes.none();
    return state();
  }

  private static final Pattern VARIANT = Pattern.compile("variant=\"([^\"]*)\"");

  private List<MetricValue> queryAll(String provider, List<String> queries) {
    if (!PROM.equals(provider)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no metrics provider named '" + provider + "'", FailureTypes.UNKNOWN_TARGET);
    }
    int read;
    synchronized (this) {
      read = ++reads;
    }
    calls.add("read " + read);
    lastQueries = List.copyOf(queries);
    List<MetricValue> out = new ArrayList<>();
    for (String q : queries) {
      Matcher m = VARIANT.matcher(q);
      String variant = m.find() ? m.group(1) : "";
      String metric = q.contains("{") ? q.substring(0, q.indexOf('{')) : q;
      out.add(script.answer(read, variant, metric));
    }
    return out;
  }
}
