package io.bellwether.workflows.notify;

import io.bellwether.contracts.notify.NotifyActivities;
import io.bellwether.contracts.notify.RunNotification;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A NotifyActivities that records instead of sending: routes per service like the worker
 * configuration, destinations that are "down" (every attempt fails the way an unreachable endpoint
 * does, with the URL in the message, which a run must not copy), and every attempt and delivery in
 * order. Activities run on worker threads, hence the concurrent collections.
 */
public final class RecordingNotify implements NotifyActivities {
  /** One delivered notification. */
  public record Delivery(String destination, RunNotification notification) {}

  /** A URL of the kind a webhook has; it must never reach the audit trail. */
  public static final String SECRET_URL = "https://hooks.example/T0/B0/secret-token";

  /** Service to destination names; services not listed get none. */
  public final Map<String, List<String>> routes = new ConcurrentHashMap<>();

  /** Destinations that fail every attempt. */
  public final Set<String> down = ConcurrentHashMap.newKeySet();

  /** Every destinationsFor call, by service. */
  public final List<String> lookups = new CopyOnWriteArrayList<>();

  /** Every deliver attempt as "destination kind", failed ones included. */
  public final List<String> attempts = new CopyOnWriteArrayList<>();

  /** Successful deliveries in the order they arrived. */
  public final List<Delivery> delivered = new CopyOnWriteArrayList<>();

  /** Routes {@code service} to {@code destinations}; returns this. */
  public RecordingNotify route(String service, String... destinations) {
    routes.put(service, List.of(destinations));
    return this;
  }

  @Override
  public List<String> destinationsFor(String service) {
    lookups.add(service);
    return routes.getOrDefault(service, List.of());
  }

  @Override
  public void deliver(String destination, RunNotification notification) {
    attempts.add(destination + " " + notification.kind());
    if (down.contains(destination)) {
      throw ApplicationFailure.newFailure(
          "POST " + SECRET_URL + " failed: connection refused", "DestinationUnreachable");
    }
    delivered.add(new Delivery(destination, notification));
  }

  /** What reached {@code destination}, in order. */
  public List<RunNotification> to(String destination) {
    return delivered.stream()
        .filter(d -> d.destination().equals(destination))
        .map(Delivery::notification)
        .toList();
  }

  /** The kinds that reached {@code destination}, in order. */
  public List<String> kinds(String destination) {
    return to(destination).stream().map(RunNotification::kind).toList();
  }
}
