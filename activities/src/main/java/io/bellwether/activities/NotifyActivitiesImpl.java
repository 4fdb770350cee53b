package io.bellwether.activities;

import io.bellwether.activities.config.NotifyRoutes;
import io.bellwether.activities.notify.Notifier;
import io.bellwether.activities.notify.NotifierUnavailableException;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.notify.NotifyActivities;
import io.bellwether.contracts.notify.RunNotification;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@link NotifyActivities} over the configured notifiers and routes. Workflows only ever see
 * notifier names; the URLs stay inside the adapters, and no failure raised here carries one (its
 * message and details end up in workflow history).
 */
public class NotifyActivitiesImpl implements NotifyActivities {
  /**
   * Type of the retryable failure raised when a destination is unreachable or answers other than
   * 2xx. Retryable, so it has no place among the non-retryable {@link FailureTypes}.
   */
  public static final String NOTIFIER_UNAVAILABLE = "NotifierUnavailable";

  private final Map<String, Notifier> notifiers;
  private final NotifyRoutes routes;

  /** Over the registry's notifiers and routes. */
  public NotifyActivitiesImpl(AdapterRegistry registry) {
    this(Map.copyOf(byName(registry)), registry.notifyRoutes());
  }

  /** Over ready-made notifiers, for tests and embedding; null routes mean nobody is notified. */
  public NotifyActivitiesImpl(Map<String, Notifier> notifiers, NotifyRoutes routes) {
    this.notifiers = Map.copyOf(notifiers);
    this.routes = routes == null ? NotifyRoutes.none() : routes;
  }

  /**
   * The service's own list ({@code bellwether.notify.services.<service>}) when it has one, else
   * {@code bellwether.notify.default}; empty when neither names any. Read-only, never fails.
   */
  @Override
  public List<String> destinationsFor(String service) {
    return List.copyOf(routes.destinationsFor(service));
  }

  /**
   * One delivery through the named notifier, at least once. Non-retryable {@code UnknownTarget}
   * for a name that is not configured; retryable {@link #NOTIFIER_UNAVAILABLE} when the
   * destination cannot be reached or answers other than 2xx, with a message naming the notifier
   * and the destination's scheme and host only.
   */
  @Override
  public void deliver(String destination, RunNotification notification) {
    Notifier notifier = destination == null ? null : notifiers.get(destination);
    if (notifier == null) {
      throw Failures.unknownTarget(
          "no notifier named '"
              + destination
              + "' is configured under bellwether.notifiers; configured: "
              + (notifiers.isEmpty() ? "none" : String.join(", ", new TreeSet<>(notifiers.keySet()))));
    }
    if (notification == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no notification to deliver to '" + destination + "'", "InvalidNotification");
    }
    try {
      notifier.notify(notification);
    } catch (NotifierUnavailableException e) {
      // The exception's message is already redacted; the exception itself is not attached, so
      // nothing else about the request can reach history.
      throw ApplicationFailure.newFailure(e.getMessage(), NOTIFIER_UNAVAILABLE);
    } catch (RuntimeException e) {
      // An unexpected exception's message may quote the URL: keep only its class.
      throw ApplicationFailure.newFailure(
          "notifier '" + destination + "' failed (" + e.getClass().getSimpleName() + ")",
          NOTIFIER_UNAVAILABLE);
    }
  }

  private static Map<String, Notifier> byName(AdapterRegistry registry) {
    Map<String, Notifier> out = new java.util.TreeMap<>();
    for (String name : registry.notifierNames()) {
      registry.notifier(name).ifPresent(n -> out.put(name, n));
    }
    return out;
  }
}
