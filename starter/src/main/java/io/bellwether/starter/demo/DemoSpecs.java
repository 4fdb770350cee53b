package io.bellwether.starter.demo;

import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.sandbox.Sandbox;

/** The demo's two runs, written as a user would write them and loaded through SpecLoader. */
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
