package io.bellwether.contracts.check;

import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.spec.TargetRef;

/**
 * What to check: exactly one of the targets is set, the one of the spec's kind.
 *
 * @param rolling a rolling deployment's {@code target}
 * @param blueGreen a blue-green deployment's {@code target}
 * @param canary a canary release's {@code target}
 * @param abTest an A/B test's {@code target}
 */
public record TargetCheckRequest(
    TargetRef rolling,
    BlueGreenTarget blueGreen,
    io.bellwether.contracts.canary.CanaryTarget canary,
    io.bellwether.contracts.abtest.ABTestTarget abTest) {
  public TargetCheckRequest(TargetRef rolling, BlueGreenTarget blueGreen) {
    this(rolling, blueGreen, null, null);
  }

  public TargetCheckRequest(
      TargetRef rolling, BlueGreenTarget blueGreen, io.bellwether.contracts.canary.CanaryTarget canary) {
    this(rolling, blueGreen, canary, null);
  }

  public static TargetCheckRequest of(TargetRef rolling) {
    return new TargetCheckRequest(rolling, null, null, null);
  }

  public static TargetCheckRequest of(BlueGreenTarget blueGreen) {
    return new TargetCheckRequest(null, blueGreen, null, null);
  }

  public static TargetCheckRequest of(io.bellwether.contracts.canary.CanaryTarget canary) {
    return new TargetCheckRequest(null, null, canary, null);
  }

  public static TargetCheckRequest of(io.bellwether.contracts.abtest.ABTestTarget abTest) {
    return new TargetCheckRequest(null, null, null, abTest);
  }
}
