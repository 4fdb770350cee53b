package io.bellwether.activities.notify;

import io.bellwether.contracts.notify.RunNotification;

/** Port to a place where people read about runs (a chat channel, a webhook). One per name. */
public interface Notifier {
  /**
   * Delivers {@code n} once. At least once, not exactly once: a retry after a timeout may deliver
   * the same message twice, so each delivery carries an {@code Idempotency-Key} derived from the
   * notification alone for receivers that deduplicate. Throws {@link NotifierUnavailableException}
   * (retryable) when the destination cannot be reached or answers other than 2xx; its message never
   * contains the destination's path or query.
   */
  void notify(RunNotification n);
}
