package io.bellwether.contracts.check;

import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.spec.TargetRef;

/**
 * What to check: exactly one of the two targets is set, the one of the spec's kind.
 *
 * @param rolling a rolling deployment's {@code target}
 * @param blueGreen a blue-green deployment's {@code target}
 */
public record TargetCheckRequest(TargetRef rolling, BlueGreenTarget blueGreen) {
  public static TargetCheckRequest of(TargetRef rolling) {
    return new TargetCheckRequest(rolling, null);
  }

  public static TargetCheckRequest of(BlueGreenTarget blueGreen) {
    return new TargetCheckRequest(null, blueGreen);
  }
}
