package io.bellwether.contracts.activities;

import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Checks a spec's names against the worker's configuration. Read-only. */
@ActivityInterface
public interface ConfigActivities {
  /**
   * Every name in {@code target} that the configuration lacks, or whose kind is wrong, as
   * violations with the field path ({@code target.router}, ...). Empty when all are known.
   */
  List<Violation> checkTarget(TargetRef target);

  /**
   * The same for a blue-green target: router, pool in that router, a deployer that can provision
   * instances, and the health check. Empty when all are known.
   */
  List<Violation> checkBlueGreenTarget(BlueGreenTarget target);

  /**
   * The same for a canary target: router, the stable backend in it, the pool in that router
   * whose live backend is {@code backend}, a deployer that can provision and upgrade, the health
   * check and the metrics provider. Empty when all are known.
   */
  List<Violation> checkCanaryTarget(io.bellwether.contracts.canary.CanaryTarget target);

  /**
   * The same for an A/B test target: router, the stable backend in it, the split in that router,
   * a deployer that can provision and upgrade, the health check and the metrics provider. Empty
   * when all are known.
   */
  List<Violation> checkABTestTarget(io.bellwether.contracts.abtest.ABTestTarget target);
}
