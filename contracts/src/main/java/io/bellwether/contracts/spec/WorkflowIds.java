package io.bellwether.contracts.spec;

/** Workflow IDs derived from what a run changes, so that the same run cannot start twice. */
public final class WorkflowIds {
  private WorkflowIds() {}

  /** {@code rolling-<service>-<version>}, such as {@code rolling-web-2.0.0}. */
  public static String rolling(RollingDeploymentSpec spec) {
    return "rolling-" + spec.service() + "-" + spec.version();
  }

  /** {@code bluegreen-<service>-<version>}, such as {@code bluegreen-shop-2.0.0}. */
  public static String blueGreen(io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec spec) {
    return "bluegreen-" + spec.service() + "-" + spec.version();
  }

  /** {@code canary-<service>-<version>}, such as {@code canary-web-2.0.0}. */
  public static String canary(io.bellwether.contracts.canary.CanaryReleaseSpec spec) {
    return "canary-" + spec.service() + "-" + spec.version();
  }

  /**
   * The child rolling deployment a canary promotes through: {@code canary-<service>-<version>-rollout}.
   */
  public static String canaryRollout(String canaryWorkflowId) {
    return canaryWorkflowId + "-rollout";
  }

  /** {@code abtest-<service>-<name>}, such as {@code abtest-web-checkout-button}. */
  public static String abTest(io.bellwether.contracts.abtest.ABTestSpec spec) {
    return "abtest-" + spec.service() + "-" + spec.name();
  }

  /** The child rolling deployment an A/B test rolls its winner out through: {@code <id>-rollout}. */
  public static String abTestRollout(String abTestWorkflowId) {
    return abTestWorkflowId + "-rollout";
  }

  /** {@code chaos-<service>-<name>}, such as {@code chaos-web-kill-one}. */
  public static String chaos(io.bellwether.contracts.chaos.ChaosExperimentSpec spec) {
    return "chaos-" + spec.service() + "-" + spec.name();
  }

  /** The prefix of every chaos experiment's workflow id on {@code service}: {@code chaos-<service>-}. */
  public static String chaosPrefix(String service) {
    return "chaos-" + service + "-";
  }
}
