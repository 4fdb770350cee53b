package io.bellwether.bench;

import io.bellwether.activities.metrics.PrometheusProvider;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.load.LoadGenerator;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How fast a canary with errors is caught, and how many requests it fails first, across Prometheus
 * scrape intervals and analysis intervals. One sandbox (real HAProxy, real Prometheus, demo-app
 * processes, the worker on the embedded Temporal server), steady load through the frontend, and
 * per setting {@code rounds} canaries of 2.3.0 (5% of its requests answer 500) at weight 20 with
 * one analysis of the error ratio ({@code failureLimit 0}, no initial delay). Per round:
 *
 * <ul>
 *   <li><b>exposure</b>: from the canary's first traffic to stable-only traffic (the workflow's
 *       {@code firstTrafficMillis} and {@code stableOnlyMillis});
 *   <li><b>reaction</b>: from the failing measurement to stable-only traffic;
 *   <li><b>blast radius</b>: failed requests over all requests sent while the run lasted, and the
 *       failed requests against the floor weight × error rate × rate × exposure.
 * </ul>
 *
 * The query window is the larger of the analysis interval and three scrapes (a rate needs two
 * samples). Every canary is named after its slot ({@code web-web_canary-s1}), so before the next
 * round the bench waits until the last one's series have left the query window: otherwise the new
 * canary's first measurement would see the old one's errors and "detect" at once. Reports medians
 * and ratios against the fastest setting. Run by {@code ./bellwether bench} after {@link
 * RollingBench}.
 */
public final class CanaryBench {
  static final int RATE = 100;
  static final int WEIGHT = 20;
  static final double ERROR_RATE = 0.05;
  static final String VERSION = "2.3.0";
  static final int[] SCRAPE_SECONDS = {1, 2};
  static final int[] INTERVAL_SECONDS = {1, 2, 5};

  /** One setting's results. */
  record Row(int scrapeSeconds, int intervalSeconds, int windowSeconds, List<Sample> samples) {
    double exposure() {
      return RollingBench.median(samples.stream().map(Sample::exposureSeconds).toList());
    }

    double reaction() {
      return RollingBench.median(samples.stream().map(Sample::reactionSeconds).toList());
    }

    double blastRadius() {
      return RollingBench.median(samples.stream().map(Sample::failedShare).toList());
    }

    double failed() {
      return RollingBench.median(samples.stream().map(s -> (double) s.failed()).toList());
    }

    double floor() {
      return RollingBench.median(samples.stream().map(Sample::floor).toList());
    }
  }

  /** One canary. */
  record Sample(double exposureSeconds, double reactionSeconds, long sent, long failed, double floor) {
    double failedShare() {
      return sent == 0 ? 0 : (double) failed / sent;
    }
  }

  private final Sandbox sandbox;
  private final WorkflowClient client;
  private final LoadGenerator load;
  private final PrometheusProvider prometheus;

  private CanaryBench(Sandbox sandbox, WorkflowClient client, LoadGenerator load) {
    this.sandbox = sandbox;
    this.client = client;
    this.load = load;
    this.prometheus = new PrometheusProvider(sandbox.prometheusUrl().toString(), Duration.ofSeconds(5));
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory("bellwether-canary-bench");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Sandbox sandbox = Sandbox.up(SandboxOptions.defaults().withDir(dir).withTemporalPort(port));
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(sandbox.temporalTarget()).build());
    LoadGenerator load = new LoadGenerator(sandbox.frontendUrl(), RATE, 0.3);
    try {
      load.start();
      new CanaryBench(sandbox, WorkflowClient.newInstance(service), load).run(rounds);
    } finally {
      load.close();
      service.shutdownNow();
      sandbox.down();
    }
  }

  private void run(int rounds) throws Exception {
    // Warm-up, not counted: the first canary meets a cold worker and cold code paths.
    sample(1, 1, windowSeconds(1, 1), "warmup");
    List<Row> rows = new ArrayList<>();
    for (int scrape : SCRAPE_SECONDS) {
      if (sandbox.scrapeIntervalSeconds() != scrape) {
        sandbox.restartPrometheus(scrape);
      }
      for (int interval : INTERVAL_SECONDS) {
        int window = windowSeconds(scrape, interval);
        List<Sample> samples = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          Sample s = sample(scrape, interval, window, "r" + (r + 1));
          samples.add(s);
          System.out.printf(
              Locale.ROOT,
              "scrape %ds, interval %ds, round %d: exposure %.1f s, reaction %.1f s, %d of %d failed (floor %.1f)%n",
              scrape, interval, r + 1, s.exposureSeconds(), s.reactionSeconds(), s.failed(), s.sent(), s.floor());
        }
        rows.add(new Row(scrape, interval, window, samples));
      }
    }
    System.out.println();
    System.out.println(table(rows, rounds));
  }

  /** The rate window of the error-ratio query: at least the interval, and at least three scrapes. */
  static int windowSeconds(int scrapeSeconds, int intervalSeconds) {
    return Math.max(intervalSeconds, 3 * scrapeSeconds);
  }

  /** The results as a table, with ratios against the first (fastest) row. */
  static String table(List<Row> rows, int rounds) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(
        Locale.ROOT,
        "== canary %s (%.0f%% errors) at weight %d, %d req/s, error-ratio analysis, failureLimit 0; medians of %d ==%n",
        VERSION, ERROR_RATE * 100, WEIGHT, RATE, rounds));
    String format = "%-7s %-9s %-7s %10s %10s %9s %8s %12s %10s %11s%n";
    b.append(String.format(
        Locale.ROOT, format, "scrape", "interval", "window", "exposure", "reaction", "failed", "floor",
        "blast radius", "x exposure", "x blast"));
    Row base = rows.get(0);
    for (Row r : rows) {
      b.append(String.format(
          Locale.ROOT,
          format,
          r.scrapeSeconds() + "s",
          r.intervalSeconds() + "s",
          r.windowSeconds() + "s",
          String.format(Locale.ROOT, "%.1f s", r.exposure()),
          String.format(Locale.ROOT, "%.1f s", r.reaction()),
          String.format(Locale.ROOT, "%.0f", r.failed()),
          String.format(Locale.ROOT, "%.1f", r.floor()),
          String.format(Locale.ROOT, "%.2f%%", r.blastRadius() * 100),
          String.format(Locale.ROOT, "%.2f", r.exposure() / base.exposure()),
          base.blastRadius() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.blastRadius() / base.blastRadius())));
    }
    b.append("exposure: first traffic to stable-only; reaction: failing measurement to stable-only;\n");
    b.append("blast radius: failed / sent while the run lasted; floor: rate x weight x error rate x exposure");
    return b.toString();
  }

  private Sample sample(int scrape, int interval, int window, String round) throws Exception {
    String id = "canary-web-" + VERSION + "-bench-s" + scrape + "-i" + interval + "-" + round;
    CanaryReleaseWorkflow run =
        client.newWorkflowStub(
            CanaryReleaseWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.BELLWETHER)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build());
    awaitNoCanarySeries(window);
    LoadGenerator.Counts before = load.snapshot();
    WorkflowClient.start(run::run, spec(interval, window));
    CanaryResult result = WorkflowStub.fromTyped(run).getResult(5, TimeUnit.MINUTES, CanaryResult.class);
    LoadGenerator.Counts during = load.snapshot().minus(before);
    if (result.outcome() != Phase.ROLLED_BACK || result.firstTrafficMillis() == 0) {
      throw new IllegalStateException(id + ": expected an automatic rollback, got " + result.outcome() + ": " + result.reason());
    }
    double exposure = (result.stableOnlyMillis() - result.firstTrafficMillis()) / 1000.0;
    long detected =
        result.analyses().stream()
            .flatMap(a -> a.measurements().stream())
            .filter(m -> Measurement.FAILURE.equals(m.verdict()))
            .mapToLong(Measurement::atMillis)
            .min()
            .orElse(result.stableOnlyMillis());
    double floor = RATE * (WEIGHT / 100.0) * ERROR_RATE * exposure;
    return new Sample(exposure, (result.stableOnlyMillis() - detected) / 1000.0, during.sent(), during.failed(), floor);
  }

  /** Waits (up to a minute) until no canary request is left in a {@code window}-second rate. */
  private void awaitNoCanarySeries(int windowSeconds) throws InterruptedException {
    String query =
        "sum(rate(http_server_requests_total{bellwether_instance=~\"web-web_canary-.*\"}[" + windowSeconds + "s]))";
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      MetricValue v = prometheus.query(query);
      if (v.status() == MetricStatus.EMPTY || (v.ok() && v.value() == 0)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the last canary's series did not leave the " + windowSeconds + "s window");
  }

  static CanaryReleaseSpec spec(int intervalSeconds, int windowSeconds) {
    String errorRatio =
        ("(sum(rate(http_server_requests_total{bellwether_instance=~\"{{instances}}\",status=~\"5..\"}[%1$ds]))"
                + " or vector(0)) / sum(rate(http_server_requests_total{bellwether_instance=~\"{{instances}}\"}[%1$ds]))")
            .formatted(windowSeconds);
    return SpecLoader.canary(
        """
        kind: CanaryRelease
        service: web
        version: %s
        requestedBy: bench
        target: {router: edge, backend: web, pool: web, deployer: demo, healthCheck: http, metrics: prom}
        replicas: 1
        healthCheck: {path: /health, successThreshold: 2, period: 200ms, timeout: 30s}
        drainTimeout: 10s
        steps:
          - setWeight: %d
          - analysis:
              interval: %ds
              count: 60
              consecutiveErrorLimit: 30
              metrics:
                - name: error-ratio
                  query: '%s'
                  thresholdRange: {max: 0.02}
        """
            .formatted(VERSION, WEIGHT, intervalSeconds, errorRatio));
  }
}
