package io.bellwether.starter.demo;

import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.sandbox.Sandbox;

/** The demo's runs, written as a user would write them and loaded through SpecLoader. */
public final class DemoSpecs {
  /** The rolling upgrade's version: 1.0.0 -> 1.1.0. */
  public static final String ROLLING_VERSION = "1.1.0";
  /** The blue-green release's and the promoted canary's version. */
  public static final String GOOD_VERSION = "2.0.0";
  /** In the demo-app catalog, 3.0.0 never passes its health check. */
  public static final String BAD_VERSION = "3.0.0";
  /** In the demo-app catalog, about 5% of 2.3.0's requests answer 500. */
  public static final String ERROR_CANARY_VERSION = "2.3.0";
  /** The error canary's error rate, as the catalog describes it: the floor of its blast radius. */
  public static final double ERROR_CANARY_ERROR_RATE = 0.05;
  /** The canaries' first weight. */
  public static final int CANARY_FIRST_WEIGHT = 20;

  /** The share of 5xx answers among the side's requests; no 5xx series at all is 0, not "no data". */
  public static final String ERROR_RATIO_QUERY =
      "(sum(rate(http_server_requests_total{bellwether_instance=~\"{{instances}}\",status=~\"5..\"}[5s]))"
          + " or vector(0)) / sum(rate(http_server_requests_total{bellwether_instance=~\"{{instances}}\"}[5s]))";

  /** The side's p99 latency in seconds, from the demo-app's own histogram. */
  public static final String LATENCY_P99_QUERY =
      "histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket"
          + "{bellwether_instance=~\"{{instances}}\"}[5s])))";

  private DemoSpecs() {}

  /** 1.0.0 -> 1.1.0, one instance at a time. */
  public static RollingDeploymentSpec good() {
    return SpecLoader.rolling(yaml(ROLLING_VERSION, "30s"));
  }

  /** 1.1.0 -> 3.0.0, which fails its health check within 6 s and must roll back. */
  public static RollingDeploymentSpec bad() {
    return SpecLoader.rolling(yaml(BAD_VERSION, "6s"));
  }

  /**
   * A canary of the good 2.0.0: 20% and an analysis (error ratio and p99 latency against
   * thresholds, then the judge against the stable instances), 50% and another, then promoted to
   * every instance by a rolling upgrade.
   */
  public static CanaryReleaseSpec canaryGood() {
    return SpecLoader.canary(canaryYaml(GOOD_VERSION));
  }

  /** The same canary of 2.3.0, whose 5% errors fail the first analysis: rolled back on its own. */
  public static CanaryReleaseSpec canaryBad() {
    return SpecLoader.canary(canaryYaml(ERROR_CANARY_VERSION));
  }

  static String canaryYaml(String version) {
    return String.join(
        "\n",
        "kind: CanaryRelease",
        "service: web",
        "version: " + version,
        "requestedBy: bellwether-demo",
        "target:",
        "  router: " + Sandbox.ROUTER,
        "  backend: " + Sandbox.BACKEND,
        "  pool: " + Sandbox.CANARY_POOL,
        "  deployer: " + Sandbox.DEPLOYER,
        "  healthCheck: " + Sandbox.HEALTH_CHECK,
        "  metrics: " + Sandbox.METRICS,
        "replicas: 1",
        "healthCheck:",
        "  path: /health",
        "  successThreshold: 2",
        "  period: 300ms",
        "  timeout: 30s",
        "steps:",
        "  - setWeight: " + CANARY_FIRST_WEIGHT,
        // A new instance's first requests are slow (a fresh JVM), and Prometheus needs a few
        // seconds to find it: measure once the 5 s windows no longer hold that start.
        analysisYaml("7s", 4),
        "  - setWeight: 50",
        analysisYaml("2s", 3),
        "rollout:",
        "  maxUnavailable: 1",
        "  bakeTime: 1s",
        "drainTimeout: 10s",
        "smokeCheck:",
        "  path: /version",
        "  expectBodyContains: \"${version}\"",
        "");
  }

  private static String analysisYaml(String initialDelay, int count) {
    return String.join(
        "\n",
        "  - analysis:",
        "      interval: 2s",
        "      count: " + count,
        "      initialDelay: " + initialDelay,
        "      consecutiveErrorLimit: 3",
        "      metrics:",
        "        - name: error-ratio",
        "          query: '" + ERROR_RATIO_QUERY + "'",
        "          thresholdRange: {max: 0.02}",
        "          critical: true",
        "          absoluteTolerance: 0.01",
        "        - name: latency-p99",
        "          query: '" + LATENCY_P99_QUERY + "'",
        "          thresholdRange: {max: 0.25}",
        "          critical: true",
        "          absoluteTolerance: 0.05",
        "      judge: {minSamples: 5, step: 1s}");
  }

  /** The A/B test's control: the demo shop where 10% of shoppers buy. */
  public static final String AB_CONTROL_VERSION = "4.0.0";
  /** The A/B test's treatment: the new checkout, where 15% buy. */
  public static final String AB_TREATMENT_VERSION = "4.1.0";
  /** Shopper arrivals per second during the A/B test. */
  public static final int AB_SHOPPERS_PER_SECOND = 40;

  /**
   * An A/B test of the shop: control 4.0.0 against the new checkout 4.1.0, half of the users
   * each by a hash of their id, the goal read every 2 s with an error guardrail, a plan that can
   * tell 10% from 15% with power 0.9 (917 users per variant), and the winner rolled out to the
   * web backend by a rolling upgrade. The salt is fixed so that the same users land in the same
   * variants every time the demo runs.
   */
  public static ABTestSpec abTest() {
    return SpecLoader.abTest(String.join(
        "\n",
        "kind: ABTest",
        "service: web",
        "name: new-checkout",
        "hypothesis: the one-page checkout makes more shoppers buy (10% -> 15%)",
        "requestedBy: bellwether-demo",
        "target:",
        "  router: " + Sandbox.ROUTER,
        "  backend: " + Sandbox.BACKEND,
        "  split: " + Sandbox.SPLIT,
        "  deployer: " + Sandbox.DEPLOYER,
        "  healthCheck: " + Sandbox.HEALTH_CHECK,
        "  metrics: " + Sandbox.METRICS,
        "variants:",
        "  - {name: control, version: " + AB_CONTROL_VERSION + ", share: 50}",
        "  - {name: one-page, version: " + AB_TREATMENT_VERSION + ", share: 50, users: [qa-alice]}",
        "assignment: {stickiness: hash, salt: demo}",
        "goal:",
        "  name: checkout",
        "  exposures: 'sum(ab_exposures_total{bellwether_instance=~\"{{instances}}\",randomized=\"true\"})'",
        "  conversions: 'sum(ab_conversions_total{bellwether_instance=~\"{{instances}}\",randomized=\"true\"})'",
        "guardrails:",
        "  - name: error-ratio",
        "    query: '" + ERROR_RATIO_QUERY + "'",
        "    max: 0.02",
        "    failureLimit: 3",
        // Half the arrivals counted as new users: a cautious guess (a fifth of them return).
        "plan: {baselineRate: 0.10, minimumDetectableEffect: 0.5, alpha: 0.05, power: 0.9,"
            + " expectedExposuresPerMinute: " + AB_SHOPPERS_PER_SECOND * 60 / 2 + "}",
        "interval: 2s",
        "maxDuration: 5m",
        "onWinner: rollout",
        "healthCheck: {path: /health, successThreshold: 2, period: 300ms, timeout: 30s}",
        "rollout: {maxUnavailable: 1, bakeTime: 1s}",
        "drainTimeout: 10s",
        ""));
  }

  /** Who asks for the blue-green run; four-eyes keeps them from approving it. */
  public static final String BLUE_GREEN_REQUESTER = "demo";
  /** Who approves it: a member of the sandbox's approver group. */
  public static final String BLUE_GREEN_APPROVER = "alice";

  /**
   * Pool {@value Sandbox#POOL} from blue 1.0.0 to green 2.0.0: a gate for the release managers,
   * one instant switch, a short watch window and scale-down delay so the demo stays short.
   */
  public static BlueGreenDeploymentSpec blueGreen() {
    return SpecLoader.blueGreen(String.join(
        "\n",
        "kind: BlueGreenDeployment",
        "service: " + Sandbox.POOL_SERVICE,
        "version: " + GOOD_VERSION,
        "target:",
        "  router: " + Sandbox.ROUTER,
        "  pool: " + Sandbox.POOL,
        "  deployer: " + Sandbox.DEPLOYER,
        "  healthCheck: " + Sandbox.HEALTH_CHECK,
        "replicas: " + Sandbox.POOL_BLUE_INSTANCES,
        "healthCheck:",
        "  path: /health",
        "  successThreshold: 2",
        "  period: 300ms",
        "  timeout: 30s",
        "smokeCheck:",
        "  path: /version",
        "  expectBodyContains: \"${version}\"",
        "approval:",
        "  approverGroups: [" + Sandbox.APPROVER_GROUP + "]",
        "  requiredApprovals: 1",
        "  timeout: 2m",
        "  onTimeout: abort",
        "watchWindow: 3s",
        "blueRetention:",
        "  mode: scaleDown",
        "  scaleDownDelay: 2s",
        "requestedBy: " + BLUE_GREEN_REQUESTER,
        ""));
  }

  /**
   * The share of backend {@value Sandbox#BACKEND}'s answers that were not 5xx over the last 10 s,
   * from HAProxy's exporter; HAProxy's own 503s (no server, queue timeout) are counted there too.
   */
  public static final String SUCCESS_RATE_QUERY =
      "1 - ((sum(rate(" + Sandbox.SLO_ERRORS + "[10s])) or vector(0)) / sum(rate(" + Sandbox.SLO_TOTAL + "[10s])))";
  /** The chaos experiment's seed: which of the four instances it kills, the same every demo. */
  public static final long CHAOS_SEED = 2026;
  /** How long the instance stays down. */
  public static final String CHAOS_FAULT_DURATION = "15s";

  /**
   * An instance-termination experiment on service {@value Sandbox#SERVICE} of {@code instances}
   * instances (all must be in rotation before and after): after a 5 s baseline, one of them (drawn with {@value #CHAOS_SEED}) is SIGKILLed for {@value
   * #CHAOS_FAULT_DURATION}, then restarted at the same address and version and put back at
   * HAProxy. The hypothesis: at least 99% of requests succeed while it is down; the guardrail
   * aborts below 95% two reads in a row; the experiment may burn 1% of the requests it sees, and
   * the SLO's remaining budget must allow that before anything is killed.
   */
  public static ChaosExperimentSpec chaos(int instances) {
    return SpecLoader.chaos(String.join(
        "\n",
        "kind: ChaosExperiment",
        "service: " + Sandbox.SERVICE,
        "name: kill-one",
        "hypothesis: losing one of the four web instances costs users nothing; at least 99% of"
            + " requests succeed while it is down",
        "requestedBy: bellwether-demo",
        "baseline: 5s",
        "interval: 1s",
        "probes:",
        "  - name: success-rate",
        "    type: prometheus",
        "    query: '" + SUCCESS_RATE_QUERY + "'",
        "    tolerance: {min: 0.99}",
        "    duringFault: {min: 0.99}",
        "  - name: frontend",
        "    type: http",
        "    endpoint: web",
        "    tolerance: {status: [200], max: 1000}",
        "  - name: servers-in-rotation",
        "    type: servers",
        "    tolerance: {min: " + instances + "}",
        "faults:",
        "  - id: kill",
        "    injector: " + Sandbox.KILL_INJECTOR,
        "    targets: {count: 1, seed: " + CHAOS_SEED + "}",
        "    duration: " + CHAOS_FAULT_DURATION,
        "guardrails:",
        "  - name: success-floor",
        "    query: '" + SUCCESS_RATE_QUERY + "'",
        "    min: 0.95",
        "    failureLimit: 2",
        "errorBudget: {maxFailedRatio: 0.01}",
        "recoveryTimeout: 45s",
        "grace: 15s",
        ""));
  }

  static String yaml(String version, String healthTimeout) {
    return String.join(
        "\n",
        "kind: RollingDeployment",
        "service: web",
        "version: " + version,
        "target:",
        "  router: " + Sandbox.ROUTER,
        "  backend: " + Sandbox.BACKEND,
        "  deployer: " + Sandbox.DEPLOYER,
        "  healthCheck: " + Sandbox.HEALTH_CHECK,
        "strategy:",
        "  maxUnavailable: 1",
        "  bakeTime: 1s",
        "drainTimeout: 10s",
        "healthCheck:",
        "  path: /health",
        "  successThreshold: 2",
        "  period: 300ms",
        "  timeout: " + healthTimeout,
        "smokeCheck:",
        "  path: /version",
        "  expectBodyContains: \"${version}\"",
        "requestedBy: bellwether-demo",
        "");
  }
}
