package io.bellwether.workflows;

import io.bellwether.contracts.FailureTypes;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * The timeouts and retry policies every Bellwether workflow gives its activity stubs. Two sets of
 * retries exist: the forward path gives up fairly soon, so that a broken instance is reported while
 * someone is still watching; the restore path is patient, because leaving the pool changed (traffic
 * split, an instance drained or half torn down) is worse than waiting for a router to come back.
 *
 * <p>Every option built here waits for an activity to acknowledge cancellation ({@code
 * WAIT_CANCELLATION_COMPLETED}): when a rollback or cancel interrupts a step, nothing may still be
 * changing an instance while the restore starts working on it. The one exception is a chaos
 * experiment's probe round ({@link #probeRoundCall}), which changes nothing and must never hold a
 * restoration back.
 *
 * <p>Changing a value here changes what new runs schedule; runs in flight keep what their history
 * says.
 */
public final class ActivityOptionsCatalog {
  /** A router command takes milliseconds; 10s means the router is stuck, not busy. */
  public static final Duration ROUTER_CALL = Duration.ofSeconds(10);

  /** Reading a version or the configuration is one short request. */
  public static final Duration READ_CALL = Duration.ofSeconds(30);

  /**
   * Room for the activity to report and heartbeat after its own wait has ended (a drain wait, or a
   * probe after its own timeout has passed).
   */
  public static final Duration WAIT_MARGIN = Duration.ofSeconds(30);

  /**
   * A waiting activity (a drain wait, a probe) heartbeats every few seconds; 10s of silence means
   * its worker is gone.
   */
  public static final Duration WAIT_HEARTBEAT = Duration.ofSeconds(10);

  /**
   * Telling people about a run is one HTTP request to a chat or webhook endpoint; 10s means the
   * endpoint is stuck.
   */
  public static final Duration NOTIFY_CALL = Duration.ofSeconds(10);

  /**
   * A read-only check that a caller waits for (the TargetCheck run an API answers from): a few
   * seconds each, because the caller gives up after 20s in all.
   */
  public static final Duration CHECK_CALL = Duration.ofSeconds(5);

  /** Activity type names of the deployer calls that add and remove instances. */
  public static final String PROVISION = "Provision";

  public static final String DECOMMISSION = "Decommission";

  /** Starting an instance may pull an artifact and wait for it to answer. */
  public static final Duration PROVISION_CALL = Duration.ofMinutes(10);

  /**
   * Deployers report progress about every second while they start an instance, so 10s of silence
   * means the worker is gone and the retry (idempotent by instance name) can start elsewhere.
   */
  public static final Duration PROVISION_HEARTBEAT = Duration.ofSeconds(10);

  /**
   * Stopping is bounded (a polite stop, then a forced one after about 10s); two minutes covers a
   * slow host. No heartbeat timeout: a deployer need not report progress while it stops one
   * process.
   */
  public static final Duration DECOMMISSION_CALL = Duration.ofMinutes(2);

  /**
   * One metrics query. The adapter answers an unreachable provider with UNAVAILABLE within its own
   * timeout (5s by default), so 10s means the worker is stuck, not the provider.
   */
  public static final Duration METRICS_CALL = Duration.ofSeconds(10);

  private ActivityOptionsCatalog() {}

  // ---------------------------------------------------------------------------------------------
  // Chaos experiments

  /** Failure type of a fault an injector cannot carry out (a bad magnitude, no targets). */
  public static final String INVALID_FAULT = "InvalidFault";

  /** Failure type of a target another fault already holds. */
  public static final String FAULT_CONFLICT = "FaultConflict";

  /**
   * One round of probe readings. The adapter reads every probe in parallel, each bounded by about
   * 5s, and answers a probe it cannot read with no value; 20s means the worker is stuck, and a
   * round that late is no use to a guardrail anyway.
   */
  public static final Duration PROBE_ROUND_CALL = Duration.ofSeconds(20);

  /**
   * Putting a fault in force: a router command, a process killed, a file allocated, a load
   * generator started. The adapter heartbeats every 2s while it works.
   */
  public static final Duration INJECT_CALL = Duration.ofMinutes(2);

  /**
   * Taking a fault away may restart a killed process and wait until it answers; the adapter
   * heartbeats every 2s meanwhile, so the long bound only covers a slow start.
   */
  public static final Duration RESTORE_CALL = Duration.ofMinutes(5);

  /**
   * Inject and restore heartbeat every 2s; 10s of silence means the worker is gone and the
   * (idempotent) retry may start on another one.
   */
  public static final Duration FAULT_HEARTBEAT = Duration.ofSeconds(10);

  /**
   * Asking the blast-radius coordinator for a lease: one update, which also starts the coordinator
   * the first time.
   */
  public static final Duration LEASE_CALL = Duration.ofSeconds(30);

  /**
   * What an experiment reads before it injects (its names against the configuration, the targets
   * the router has now, the most of a service it may impair): {@link #READ_CALL} with the forward
   * router retries, about half a minute, because the router may be reloading. A name the
   * configuration lacks never heals.
   */
  public static ActivityOptions chaosReadCall() {
    return options(READ_CALL, null, Retries.forward().router());
  }

  /**
   * A round of probe or SLO readings: {@link #PROBE_ROUND_CALL}, 2 attempts. A second attempt only
   * covers a lost worker: a late reading is worth less than the next one. Cancellation does not
   * wait (TRY_CANCEL): a reading changes nothing, and a fault's monitoring that is cut short (a
   * breach elsewhere, rollback, the dead-man switch) must restore at once, not after a stuck read.
   */
  public static ActivityOptions probeRoundCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setMaximumAttempts(2)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.INVALID_SPEC)
            .build();
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(PROBE_ROUND_CALL)
        .setRetryOptions(retry)
        .setCancellationType(ActivityCancellationType.TRY_CANCEL)
        .build();
  }

  /**
   * Putting a fault in force: {@link #INJECT_CALL}, {@link #FAULT_HEARTBEAT}, 3 attempts from 1s
   * apart (doubling). Few, because an injection that keeps failing is a finding to report, not a
   * reason to keep a run waiting; the restore that follows is patient. A fault the injector cannot
   * carry out, a target another fault holds, or an injector name the configuration lacks never
   * heals.
   */
  public static ActivityOptions injectCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumAttempts(3)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, INVALID_FAULT, FAULT_CONFLICT)
            .build();
    return options(INJECT_CALL, FAULT_HEARTBEAT, retry);
  }

  /**
   * Taking a fault away: {@link #RESTORE_CALL}, {@link #FAULT_HEARTBEAT}, and the most patient
   * retries in Bellwether: 1s doubling to 30s, 40 attempts (about a quarter of an hour of waiting),
   * because a fault left in force is the one thing an experiment must never do. Only a request the
   * injector can never carry out (an unknown injector, an invalid fault) stops it early.
   */
  public static ActivityOptions restoreCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofSeconds(30))
            .setMaximumAttempts(40)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, INVALID_FAULT)
            .build();
    return options(RESTORE_CALL, FAULT_HEARTBEAT, retry);
  }

  /**
   * Asking an injector whether a fault is still in force (read-only): {@link #READ_CALL}, 3
   * attempts from 2s apart; the verification after restoration decides what no answer means.
   */
  public static ActivityOptions faultProbeCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(2))
            .setBackoffCoefficient(2)
            .setMaximumAttempts(3)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, INVALID_FAULT)
            .build();
    return options(READ_CALL, null, retry);
  }

  /**
   * Asking the blast-radius coordinator for a lease: {@link #LEASE_CALL}, 5 attempts from 1s apart
   * (doubling, about half a minute). No lease means no injection, so giving up only stops the
   * experiment safely.
   */
  public static ActivityOptions leaseCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofSeconds(10))
            .setMaximumAttempts(5)
            .build();
    return options(LEASE_CALL, null, retry);
  }

  /**
   * Returning a lease (one signal): {@link #LEASE_CALL}, retried for about five minutes (1s
   * doubling to 30s, 15 attempts). A lease that cannot be returned is not lost: the coordinator
   * takes it back when it expires or its holder's run closes.
   */
  public static ActivityOptions leaseReleaseCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofSeconds(30))
            .setMaximumAttempts(15)
            .build();
    return options(LEASE_CALL, null, retry);
  }

  /**
   * The coordinator's check that a lease holder's run is still open: {@link #READ_CALL}, 2
   * attempts. When it cannot tell, the lease is kept until the next check or its expiry.
   */
  public static ActivityOptions leaseHolderCheckCall() {
    RetryOptions retry =
        RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1)).setMaximumAttempts(2).build();
    return options(READ_CALL, null, retry);
  }


  /** The retry policies of one path: router calls, deployer calls and health probes. */
  public record Retries(RetryOptions router, RetryOptions deploy, RetryOptions probe) {
    /**
     * The forward path. Router calls retry for about half a minute (0.5s doubling to 5s, 10
     * attempts): long enough to ride out a router reload, short enough to notice a dead one. A
     * wrong name never heals, so UnknownTarget and InvalidSpec are not retried.
     */
    public static Retries forward() {
      RetryOptions router =
          RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofMillis(500))
              .setBackoffCoefficient(2)
              .setMaximumInterval(Duration.ofSeconds(5))
              .setMaximumAttempts(10)
              .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.INVALID_SPEC)
              .build();
      // A failed deployment (or start) is reported as ok=false and judged here; only errors
      // (worker lost, command could not start or run) are retried, and three tries are enough to
      // tell a flake from a broken release.
      RetryOptions deploy =
          RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(2))
              .setBackoffCoefficient(2)
              .setMaximumInterval(Duration.ofSeconds(30))
              .setMaximumAttempts(3)
              .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.DEPLOY_FAILED)
              .build();
      // A probe that ran to its timeout has answered; a second attempt only covers a lost worker.
      RetryOptions probe =
          RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(1))
              .setMaximumAttempts(2)
              .setDoNotRetry(FailureTypes.UNKNOWN_TARGET)
              .build();
      return new Retries(router, deploy, probe);
    }

    /**
     * The restore path: the same timeouts, but retries go on for about a quarter of an hour (1s
     * doubling to 30s, 40 attempts on the router), because giving up leaves the pool changed:
     * traffic or instances where they should not be.
     */
    public static Retries patient() {
      RetryOptions router =
          RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(1))
              .setBackoffCoefficient(2)
              .setMaximumInterval(Duration.ofSeconds(30))
              .setMaximumAttempts(40)
              .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.INVALID_SPEC)
              .build();
      RetryOptions deploy =
          RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(5))
              .setBackoffCoefficient(2)
              .setMaximumInterval(Duration.ofMinutes(1))
              .setMaximumAttempts(6)
              .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.DEPLOY_FAILED)
              .build();
      RetryOptions probe =
          RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(5))
              .setMaximumAttempts(3)
              .setDoNotRetry(FailureTypes.UNKNOWN_TARGET)
              .build();
      return new Retries(router, deploy, probe);
    }
  }

  /** A router command: {@link #ROUTER_CALL}, router retries, no heartbeat. */
  public static ActivityOptions routerCall(Retries retries) {
    return options(ROUTER_CALL, null, retries.router());
  }

  /** A short read (version, configuration, gate lookups): {@link #READ_CALL}, router retries. */
  public static ActivityOptions readCall(Retries retries) {
    return options(READ_CALL, null, retries.router());
  }

  /** Starting an instance through the deployer: {@link #PROVISION_CALL}, heartbeat, deploy retries. */
  public static ActivityOptions provisionCall(Retries retries) {
    return options(PROVISION_CALL, PROVISION_HEARTBEAT, retries.deploy());
  }

  /** Stopping an instance: {@link #DECOMMISSION_CALL}, deploy retries, no heartbeat. */
  public static ActivityOptions decommissionCall(Retries retries) {
    return options(DECOMMISSION_CALL, null, retries.deploy());
  }

  /**
   * A metrics query: {@link #METRICS_CALL}, 2 attempts. The adapter already turns an outage into a
   * value (UNAVAILABLE), so a failed call only means a lost worker; retrying longer would only
   * delay the verdict. A provider name the configuration lacks never heals.
   */
  public static ActivityOptions metricsCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setMaximumAttempts(2)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET)
            .build();
    return options(METRICS_CALL, null, retry);
  }

  /**
   * A notification: {@link #NOTIFY_CALL}, 3 attempts from 1s apart (doubling). A notification never
   * holds a release back, so it gives up soon; a name the configuration lacks never heals.
   */
  public static ActivityOptions notifyCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumAttempts(3)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET)
            .build();
    return options(NOTIFY_CALL, null, retry);
  }

  /**
   * A read-only configuration check a caller waits for: {@link #CHECK_CALL}, 3 attempts from 0.5s
   * apart, about 16s at worst so that the answer comes within a 20s run.
   */
  public static ActivityOptions checkCall() {
    RetryOptions retry =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofMillis(500))
            .setBackoffCoefficient(2)
            .setMaximumAttempts(3)
            .setDoNotRetry(FailureTypes.UNKNOWN_TARGET, FailureTypes.INVALID_SPEC)
            .build();
    return options(CHECK_CALL, null, retry);
  }

  /**
   * An activity that waits up to {@code wait} on its own and heartbeats meanwhile: {@code wait}
   * plus {@link #WAIT_MARGIN}, with a {@link #WAIT_HEARTBEAT} heartbeat timeout.
   */
  public static ActivityOptions waitCall(Duration wait, RetryOptions retry) {
    return options(wait.plus(WAIT_MARGIN), WAIT_HEARTBEAT, retry);
  }

  /** A health or smoke probe bounded by {@code healthTimeout}, with probe retries. */
  public static ActivityOptions probeCall(Retries retries, Duration healthTimeout) {
    return waitCall(healthTimeout, retries.probe());
  }

  /**
   * Options with a start-to-close timeout, a retry policy and, when {@code heartbeat} is not null,
   * a heartbeat timeout; cancellation always waits for the activity to acknowledge it.
   */
  public static ActivityOptions options(
      Duration startToClose, Duration heartbeat, RetryOptions retry) {
    ActivityOptions.Builder b =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(startToClose)
            .setRetryOptions(retry)
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    if (heartbeat != null) {
      b.setHeartbeatTimeout(heartbeat);
    }
    return b.build();
  }
}
