package io.bellwether.activities;

import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.RouterUnavailableException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns adapter exceptions into the typed Temporal failures users search for. */
final class Failures {
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
}
