package io.bellwether.activities;

import io.bellwether.activities.haproxy.HaproxyPoolSwitch;
import io.bellwether.activities.router.PoolSwitch;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.contracts.canary.SegmentRoute;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SwitchActivities} over the configured routers' {@link PoolSwitch}es. Unknown router,
 * pool, backend or server: non-retryable {@code UnknownTarget}. Unreachable router, or a file that
 * could not be written: retryable {@code RouterUnavailable}. A change the router refuses, or a
 * promotion that is not safe from the pool's current state: non-retryable {@code
 * RouterUnavailable} with the reason.
 */
public class SwitchActivitiesImpl implements SwitchActivities {
  private final AdapterRegistry registry;

  public SwitchActivitiesImpl(AdapterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public PoolState poolState(String router, String pool) {
    PoolSwitch s = poolSwitch(router);
    return Failures.router(router, () -> s.state(pool));
  }

  /** A percentage outside 0 to 100 is a non-retryable {@code InvalidSpec}. */
  @Override
  public PoolState setCandidatePercent(String router, String pool, int percent) {
    if (percent < 0 || percent > 100) {
      throw ApplicationFailure.newNonRetryableFailure(
          "candidate percent must be 0 to 100, got " + percent, FailureTypes.INVALID_SPEC);
    }
    PoolSwitch s = poolSwitch(router);
    return Failures.router(router, () -> s.setCandidatePercent(pool, percent));
  }

  @Override
  public PoolState promoteCandidate(String router, String pool, String expectedLive) {
    PoolSwitch s = poolSwitch(router);
    return Failures.router(router, () -> s.promoteCandidate(pool, expectedLive));
  }

  @Override
  public PoolState setPreview(String router, String pool, boolean on) {
    PoolSwitch s = poolSwitch(router);
    return Failures.router(router, () -> s.setPreview(pool, on));
  }

  /**
   * A null route clears the segments. A value the router cannot hold as a map key (see {@link
   * HaproxyPoolSwitch#SEGMENT_VALUE}) is a non-retryable {@code InvalidSpec}, refused before any
   * change; a pool whose frontend has no segment maps is a non-retryable {@code RouterUnavailable}.
   */
  @Override
  public PoolState setSegments(String router, String pool, SegmentRoute route) {
    SegmentRoute wanted = route == null ? SegmentRoute.none() : route;
    List<String> bad = new ArrayList<>();
    for (List<String> values : List.of(wanted.headerValues(), wanted.cookieValues(), wanted.users())) {
      for (String v : values) {
        if (v == null || !HaproxyPoolSwitch.SEGMENT_VALUE.matcher(v).matches()) {
          bad.add(v == null ? "null" : "'" + v + "'");
        }
      }
    }
    if (!bad.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "segment values must be 1 to 200 of letters, digits and . _ : @ + = / ~ -, got "
              + String.join(", ", bad),
          FailureTypes.INVALID_SPEC);
    }
    PoolSwitch s = poolSwitch(router);
    return Failures.router(router, () -> s.setSegments(pool, wanted));
  }

  @Override
  public ServerInfo assignSlot(String router, String backend, String server, String address) {
    PoolSwitch s = poolSwitch(router);
    return Failures.router(router, () -> s.assignSlot(backend, server, address));
  }

  private PoolSwitch poolSwitch(String name) {
    return Failures.configuredRouter(registry.poolSwitch(name), name);
  }
}
