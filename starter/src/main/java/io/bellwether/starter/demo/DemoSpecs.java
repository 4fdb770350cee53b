package io.bellwether.starter.demo;

import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.sandbox.Sandbox;

/** The demo's runs, written as a user would write them and loaded through SpecLoader. */
public final class DemoSpecs {
  public static final String GOOD_VERSION = "2.0.0";
  /** In the demo-app catalog, 3.0.0 never passes its health check. */
  public static final String BAD_VERSION = "3.0.0";

  private DemoSpecs() {}

  /** 1.0.0 -> 2.0.0, one instance at a time. */
  public static RollingDeploymentSpec good() {
    return SpecLoader.rolling(yaml(GOOD_VERSION, "30s"));
  }

  /** 2.0.0 -> 3.0.0, which fails its health check within 6 s and must roll back. */
  public static RollingDeploymentSpec bad() {
    return SpecLoader.rolling(yaml(BAD_VERSION, "6s"));
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
