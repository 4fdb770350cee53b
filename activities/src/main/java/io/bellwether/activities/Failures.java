package io.bellwether.activities;

import io.bellwether.activities.chaos.FaultConflictException;
import io.bellwether.activities.chaos.InjectorUnavailableException;
import io.bellwether.activities.chaos.InvalidFaultException;
import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.RouterUnavailableException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns adapter exceptions into the typed Temporal failures users search for. */
final class Failures {
  /**
   * Type of the retryable failure when something on the host a fault injector acts through fails
   * (a command, a process restart, a file).
   */
  static final String INJECTOR_UNAVAILABLE = "InjectorUnavailable";

  private Failures() {}

  static ApplicationFailure unknownTarget(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.UNKNOWN_TARGET);
  }

  /**
   * The adapter of router {@code name} as the registry found it; a non-retryable {@code
   * UnknownTarget} ("no router named ... is configured") when it found none.
   */
  static <A> A configuredRouter(Optional<A> adapter, String name) {
    return adapter.orElseThrow(
        () -> unknownTarget("no router named '" + name + "' is configured"));
  }

  /**
   * Runs a router call. Unknown backend or server: non-retryable {@code UnknownTarget}. Unreachable
   * router: retryable {@code RouterUnavailable}. A refused command: non-retryable {@code
   * RouterUnavailable}, since the same command would be refused again.
   */
  static <T> T router(String router, Supplier<T> call) {
    try {
      return call.get();
    } catch (UnknownBackendException e) {
      throw unknownTarget("router '" + router + "': " + e.getMessage());
    } catch (RouterUnavailableException e) {
      throw ApplicationFailure.newFailureWithCause(
          "router '" + router + "' unavailable: " + e.getMessage(),
          FailureTypes.ROUTER_UNAVAILABLE,
          e.getCause());
    } catch (RouterRejectedException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "router '" + router + "': " + e.getMessage(), FailureTypes.ROUTER_UNAVAILABLE);
    }
  }

  /**
   * Runs a fault injector call. A fault it cannot carry out: non-retryable {@code InvalidFault}. A
   * target another fault holds: non-retryable {@code FaultConflict}. A target not in the router:
   * non-retryable {@code UnknownTarget}. A router (or file) it cannot reach now: retryable {@code
   * RouterUnavailable}; a command the router refuses: non-retryable {@code RouterUnavailable}. A
   * command, process or file on the host that failed: retryable {@code InjectorUnavailable}.
   * Anything else passes through and is retried. Messages name the injector, and its router when
   * it has one.
   */
  static <T> T fault(String injector, String router, Supplier<T> call) {
    String who =
        "fault injector '" + injector + "'" + (router == null ? "" : " (router '" + router + "')");
    try {
      return call.get();
    } catch (InvalidFaultException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          who + ": " + e.getMessage(), FailureTypes.INVALID_FAULT);
    } catch (FaultConflictException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          who + ": " + e.getMessage(), FailureTypes.FAULT_CONFLICT);
    } catch (UnknownBackendException e) {
      throw unknownTarget(who + ": " + e.getMessage());
    } catch (RouterUnavailableException e) {
      throw ApplicationFailure.newFailureWithCause(
          who + " unavailable: " + e.getMessage(), FailureTypes.ROUTER_UNAVAILABLE, e.getCause());
    } catch (RouterRejectedException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          who + ": " + e.getMessage(), FailureTypes.ROUTER_UNAVAILABLE);
    } catch (InjectorUnavailableException e) {
      throw ApplicationFailure.newFailureWithCause(
          who + " could not act: " + e.getMessage(), INJECTOR_UNAVAILABLE, e.getCause());
    }
  }
}
