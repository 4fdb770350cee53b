package io.bellwether.activities.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Name;

/**
 * Which notifiers hear about which service's runs, by notifier name ({@code bellwether.notify}).
 *
 * @param defaults {@code bellwether.notify.default}: destinations for services without their own
 *     list; empty means no notifications for them
 * @param services {@code bellwether.notify.services.<service>}: a service's own destinations,
 *     used instead of the defaults (an empty list silences that service)
 */
public record NotifyRoutes(@Name("default") List<String> defaults, Map<String, List<String>> services) {
  public NotifyRoutes {
    defaults = defaults == null ? List.of() : copy(defaults);
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (services != null) {
      services.forEach((k, v) -> m.put(k, v == null ? List.of() : copy(v)));
    }
    services = Map.copyOf(m);
  }

  /** No routes: nobody is notified. */
  public static NotifyRoutes none() {
    return new NotifyRoutes(null, null);
  }

  /** The destinations for {@code service}: its own list when it has one, else the defaults. */
  public List<String> destinationsFor(String service) {
    List<String> own = service == null ? null : services.get(service);
    return own != null ? own : defaults;
  }

  // A webhook URL pasted in place of a notifier name must not reach a log.
  @Override
  public String toString() {
    Map<String, List<String>> shown = new java.util.TreeMap<>();
    services.forEach((k, v) -> shown.put(k, shown(v)));
    return "NotifyRoutes[default=" + shown(defaults) + ", services=" + shown + "]";
  }

  private static List<String> shown(List<String> names) {
    return names.stream().map(n -> n != null && n.contains("://") ? "<a URL>" : n).toList();
  }

  // List.copyOf refuses nulls; a blank or null entry must survive to be reported at startup.
  private static List<String> copy(List<String> in) {
    return java.util.Collections.unmodifiableList(new java.util.ArrayList<>(in));
  }
}
