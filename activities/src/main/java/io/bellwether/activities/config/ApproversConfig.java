package io.bellwether.activities.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may decide at gates, by group. Specs name groups; only the worker knows their members, so a
 * change of staff is a configuration change, not a spec change.
 *
 * @param groups group name to user names, from {@code bellwether.approvers.groups.<group>}
 */
public record ApproversConfig(Map<String, List<String>> groups) {
  public ApproversConfig {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    if (groups != null) {
      groups.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
    }
    groups = Map.copyOf(copy);
  }
}
