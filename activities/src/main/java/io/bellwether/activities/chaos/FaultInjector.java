package io.bellwether.activities.chaos;

import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.RouterUnavailableException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;

/**
 * Port to one family of faults, such as delayed responses or servers in maintenance at a router.
 * One instance per configured injector ({@code bellwether.fault-injectors.<name>}), chosen by its
 * {@code type} ({@link FaultInjectors}).
 *
 * <p>Every method is idempotent by {@link FaultRequest#faultId()} and keeps on disk what it needs,
 * so a retry after a lost answer or a worker restart changes nothing twice, and a reload of the
 * router keeps the fault. Every method throws {@link InvalidFaultException} (not retryable) for a
 * fault id, target list or magnitude the injector cannot take, {@link UnknownBackendException} (not
 * retryable) for a target that is not in the injector's router, {@link RouterUnavailableException}
 * (retryable) when the router cannot be reached or a file cannot be written, {@link
 * RouterRejectedException} (not retryable) when the router refuses a command, and {@link
 * InjectorUnavailableException} (retryable) when something on the host fails: a command the
 * injector runs, a process it starts or restarts, a file it writes.
 */
public interface FaultInjector {
  /** The configured type this adapter implements, such as {@code haproxy-latency}. */
  String type();

  /**
   * Puts the fault in force on every target of the request. Injecting a fault that is in force
   * already changes nothing (a new magnitude replaces the old one). Throws {@link
   * FaultConflictException} (not retryable), before any change, when another fault holds one of
   * the targets. Returns the fault as left: active, with every target affected.
   */
  FaultState inject(FaultRequest request);

  /**
   * Takes the fault away wherever it is in force, whatever targets the request names, and puts back
   * what the injector found before it. Restoring a fault that is gone, or was never injected, is
   * fine and returns inactive. Returns the fault as left: inactive, nothing affected.
   */
  FaultState restore(FaultRequest request);

  /**
   * {@link #restore(FaultRequest)}, calling {@code progress} now and then (about every second)
   * while it waits, so a caller can heartbeat through a long restore such as a process restart.
   * Injectors whose restore is quick ignore {@code progress}.
   */
  default FaultState restore(FaultRequest request, Runnable progress) {
    return restore(request);
  }

  /**
   * Whether the fault is in force now, and on which targets, read from where it lives (the router,
   * the processes, the filesystem, the kernel's tables). Read-only.
   * Returns inactive with no targets for a fault the router does not hold.
   */
  FaultState probe(FaultRequest request);

  /**
   * Whether the targets are servers of a router's backend (true), or the one host the worker runs
   * on (false: {@code disk-fill}, {@code stress}), whose single candidate target is {@code
   * FaultTarget(<injector name>, null, null, null, null)}.
   */
  default boolean actsOnServers() {
    return true;
  }
}
