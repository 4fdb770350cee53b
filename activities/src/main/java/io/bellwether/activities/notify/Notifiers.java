package io.bellwether.activities.notify;

import io.bellwether.activities.config.NotifierConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Builds the configured notifiers, choosing the adapter by {@code type}. */
public final class Notifiers {
  public static final Set<String> TYPES = Set.of("slack", "webhook");

  private Notifiers() {}

  /**
   * One {@link Notifier} per configured name, in name order; empty for a null or empty map. Throws
   * {@link IllegalStateException} listing every problem, one per line as {@code
   * bellwether.notifiers.<name>.<setting>: reason}, for a missing or unknown type, a missing or
   * non-http(s) URL or a negative timeout. There is no default type. No message ever contains a
   * URL.
   */
  public static Map<String, Notifier> fromConfig(Map<String, NotifierConfig> config) {
    List<String> problems = new ArrayList<>();
    Map<String, Notifier> out = build(config, problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Bellwether notifier configuration has "
              + problems.size()
              + " problem(s):\n  "
              + String.join("\n  ", problems));
    }
    return out;
  }

  /**
   * Like {@link #fromConfig}, but adds each problem to {@code problems} instead of throwing, so a
   * caller can report them together with its own; returns the notifiers that are fine, in name
   * order.
   */
  public static Map<String, Notifier> build(
      Map<String, NotifierConfig> config, List<String> problems) {
    if (config == null || config.isEmpty()) {
      return Map.of();
    }
    Map<String, Notifier> out = new TreeMap<>();
    for (Map.Entry<String, NotifierConfig> e : new TreeMap<>(config).entrySet()) {
      String name = e.getKey();
      String at = "bellwether.notifiers." + name;
      NotifierConfig c = e.getValue();
      if (c == null) {
        problems.add(at + ": has no settings");
        continue;
      }
      int before = problems.size();
      String type = c.type() == null ? "" : c.type().trim();
      if (type.isEmpty()) {
        problems.add(at + ".type: missing (one of slack, webhook)");
      } else if (!TYPES.contains(type)) {
        // A URL pasted into the wrong setting must not be echoed either.
        String shown = type.contains("://") ? "<a URL>" : "'" + type + "'";
        problems.add(at + ".type: unknown " + shown + " (one of slack, webhook)");
      }
      try {
        WebhookPost.parse(c.url());
      } catch (IllegalArgumentException bad) {
        problems.add(at + ".url: " + bad.getMessage());
      }
      if (c.timeout() != null && c.timeout().isNegative()) {
        problems.add(at + ".timeout: must not be negative");
      }
      if (problems.size() > before) {
        continue;
      }
      out.put(
          name,
          type.equals("slack")
              ? new SlackWebhookNotifier(name, c)
              : new JsonWebhookNotifier(name, c));
    }
    return Collections.unmodifiableMap(out);
  }
}
