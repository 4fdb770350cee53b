package io.bellwether.activities.config;

import java.util.List;

/**
 * A pool in a router: a blue-green pool (two slot backends that take turns being live) or a canary
 * route (an existing backend with fixed servers, live, and a slot backend as the candidate, such as
 * {@code [web, web_canary]}; never promoted), and the files that make the switch survive a reload.
 *
 * @param backends exactly two backend names, the first live when the pool is set up (such as
 *     {@code shop_a}, {@code shop_b})
 * @param mapFile the map file the frontend routes by, as named in the HAProxy configuration; it
 *     holds {@code <pool>.live}, {@code <pool>.candidate}, {@code <pool>.candidate_pct} and {@code
 *     <pool>.preview}, and is rewritten on every change. The segment map files {@code
 *     <pool>.seg-header.map}, {@code <pool>.seg-cookie.map} and {@code <pool>.seg-user.map} lie in
 *     the same directory
 * @param stateFile HAProxy's {@code server-state-file}: {@code show servers state} is saved there
 *     on every change, so slots filled at run time come back after a reload
 */
public record PoolConfig(List<String> backends, String mapFile, String stateFile) {
  public PoolConfig {
    backends = backends == null ? List.of() : List.copyOf(backends);
  }
}
