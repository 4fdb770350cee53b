package io.bellwether.contracts.notify;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Tells people about a run through the destinations the worker configuration names. Workflows see
 * destination names only; the URLs (credentials in their own right) stay in the worker.
 */
@ActivityInterface
public interface NotifyActivities {
  /**
   * The destination names configured for {@code service} ({@code bellwether.notify.services.<service>},
   * else {@code bellwether.notify.default}), in configured order; empty when none. Read-only.
   */
  List<String> destinationsFor(String service);

  /**
   * Delivers {@code notification} to the destination {@code destination}, once per successful
   * attempt (at least once; each POST carries an {@code Idempotency-Key} derived from the
   * notification so that receivers can deduplicate). Retryable failure when the destination is
   * unreachable or answers other than 2xx; non-retryable {@code UnknownTarget} for a name the
   * configuration lacks. No failure message contains the destination's URL.
   */
  void deliver(String destination, RunNotification notification);
}
