package io.bellwether.activities.config;

import java.util.List;

/**
 * A blue-green pool in a router: two backends that take turns being live, and the files that make
 * the switch survive a reload.
 *
 * @param backends exactly two backend names (such as {@code shop_a}, {@code shop_b})
 * @param mapFile the map file the frontend routes by, as named in the HAProxy configuration; it
 *     holds {@code <pool>.live}, {@code <pool>.candidate}, {@code <pool>.candidate_pct} and {@code
 *     <pool>.preview}, and is rewritten on every change
 * @param stateFile HAProxy's {@code server-state-file}: {@code show servers state} is saved there
 *     on every change, so slots filled at run time come back after a reload
 */
public record PoolConfig(List<String> backends, String mapFile, String stateFile) {
  public PoolConfig {
    backends = backends == null ? List.of() : List.copyOf(backends);
  }
}
