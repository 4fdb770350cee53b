package io.bellwether.contracts.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks a fault step's targets from the candidates (the servers of the service's backend as the
 * router has them now), deterministically: the same candidates, selector and seed give the same
 * targets, in the workflow and on replay. Pure.
 */
public final class TargetSelection {
  private TargetSelection() {}

  /**
   * The targets: candidates narrowed by {@code names} and {@code zone}, sorted by name, then
   * {@code count} of them, or {@code percent} (rounded up, at least one), drawn with a {@link
   * SplittableRandom} seeded with {@code seed}. Throws {@link IllegalArgumentException} naming the
   * problem when a named server is not a candidate or nothing is left to pick from.
   */
  public static List<FaultTarget> select(
      List<FaultTarget> candidates, TargetSelector selector, long seed) {
    List<FaultTarget> pool = new ArrayList<>(candidates);
    pool.sort(Comparator.comparing(FaultTarget::name));
    if (selector == null) {
      return pool;
    }
    if (selector.names() != null && !selector.names().isEmpty()) {
      List<String> missing = new ArrayList<>();
      for (String n : selector.names()) {
        if (pool.stream().noneMatch(t -> t.name().equals(n))) {
          missing.add(n);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("no server " + missing + " among " + names(pool));
      }
      pool.removeIf(t -> !selector.names().contains(t.name()));
    }
    if (selector.zone() != null) {
      pool.removeIf(t -> !selector.zone().equals(t.zone()));
      if (pool.isEmpty()) {
        throw new IllegalArgumentException("no server in zone '" + selector.zone() + "'");
      }
    }
    if (pool.isEmpty()) {
      throw new IllegalArgumentException("no server to pick from");
    }
    int n = pool.size();
    if (selector.count() != null) {
      n = Math.min(selector.count(), pool.size());
    } else if (selector.percent() != null) {
      n = Math.max(1, (int) Math.ceil(pool.size() * selector.percent() / 100.0));
    }
    if (n >= pool.size()) {
      return pool;
    }
    // A partial Fisher-Yates shuffle; the picked ones are returned in name order.
    SplittableRandom random = new SplittableRandom(seed);
    List<FaultTarget> shuffled = new ArrayList<>(pool);
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(shuffled.size() - i);
      FaultTarget tmp = shuffled.get(i);
      shuffled.set(i, shuffled.get(j));
      shuffled.set(j, tmp);
    }
    List<FaultTarget> picked = new ArrayList<>(shuffled.subList(0, n));
    picked.sort(Comparator.comparing(FaultTarget::name));
    return picked;
  }

  private static List<String> names(List<FaultTarget> targets) {
    return targets.stream().map(FaultTarget::name).toList();
  }
}
