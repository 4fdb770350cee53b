package io.bellwether.workflows.chaos;

import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The blast-radius leases held now, and the rule that grants new ones: with the new lease's
 * servers, the servers impaired on its service together must be at most {@code maxShare} of the
 * service's servers, and, for every zone the new lease touches that another lease already impairs,
 * at most {@code maxShare} of that zone's servers together. One experiment may cut a whole zone
 * (its share of the service still counts); a second one may not pile onto it. A lease without servers (a host resource) is always granted; asking again for a
 * lease already held is granted. Pure; the coordinator workflow keeps one.
 */
public final class LeaseBook {
  /** Room for floating-point error in {@code share * servers} (0.29 * 100 is 28.999...). */
  private static final double EPSILON = 1e-9;

  private final Map<String, LeaseRequest> leases = new LinkedHashMap<>();

  /** A book holding {@code carried} (null for none). */
  public LeaseBook(List<LeaseRequest> carried) {
    if (carried != null) {
      for (LeaseRequest l : carried) {
        if (l != null && l.leaseId() != null) {
          leases.put(l.leaseId(), l);
        }
      }
    }
  }

  /** Grants {@code request} (and holds it) or says why not, naming the holders in the way. */
  public LeaseDecision acquire(LeaseRequest request) {
    if (request == null || request.leaseId() == null || request.leaseId().isBlank()) {
      return new LeaseDecision(false, "a lease needs an id");
    }
    LeaseRequest held = leases.get(request.leaseId());
    if (held != null) {
      return new LeaseDecision(true, "already held by " + held.holder());
    }
    if (request.servers().isEmpty()) {
      leases.put(request.leaseId(), request);
      return new LeaseDecision(true, "granted: no server of " + request.service() + " is impaired");
    }
    List<LeaseRequest> others = sameService(request.service());
    Set<String> impaired = new TreeSet<>(request.servers());
    for (LeaseRequest l : others) {
      impaired.addAll(l.servers());
    }
    double share = request.maxShare();
    if (impaired.size() > share * request.serviceServers() + EPSILON) {
      return new LeaseDecision(
          false,
          "would impair "
              + impaired.size()
              + " of "
              + request.serviceServers()
              + " servers of "
              + request.service()
              + " at once, more than "
              + percent(share)
              + holders(others, null));
    }
    Map<String, String> zoneOf = new LinkedHashMap<>();
    for (LeaseRequest l : others) {
      zoneOf.putAll(l.zones());
    }
    zoneOf.putAll(request.zones());
    for (String zone : new TreeSet<>(request.zones().values())) {
      boolean shared =
          others.stream().anyMatch(l -> l.servers().stream().anyMatch(sv -> zone.equals(l.zones().get(sv))));
      if (!shared) {
        continue;
      }
      long inZone = impaired.stream().filter(s -> zone.equals(zoneOf.get(s))).count();
      Integer total = request.zoneServers().get(zone);
      int servers = total == null ? 0 : total;
      if (inZone > share * servers + EPSILON) {
        return new LeaseDecision(
            false,
            "would impair "
                + inZone
                + " of "
                + servers
                + " servers of zone "
                + zone
                + " of "
                + request.service()
                + " at once, more than "
                + percent(share)
                + holders(others, zone));
      }
    }
    leases.put(request.leaseId(), request);
    return new LeaseDecision(
        true,
        "granted: "
            + impaired.size()
            + " of "
            + request.serviceServers()
            + " servers of "
            + request.service()
            + " impaired at once (at most "
            + percent(share)
            + ")");
  }

  /**
   * Holds {@code lease} without judging it (a lease carried over a continue-as-new was granted
   * already); an id already held is kept as it is.
   */
  public void hold(LeaseRequest lease) {
    if (lease != null && lease.leaseId() != null) {
      leases.putIfAbsent(lease.leaseId(), lease);
    }
  }

  /** Returns a lease; false when it was not held. */
  public boolean release(String leaseId) {
    return leaseId != null && leases.remove(leaseId) != null;
  }

  /** Drops the leases past their expiry at {@code nowMillis}; returns them. */
  public List<LeaseRequest> expire(long nowMillis) {
    List<LeaseRequest> out = new ArrayList<>();
    for (LeaseRequest l : List.copyOf(leases.values())) {
      if (l.expiresAtMillis() > 0 && l.expiresAtMillis() <= nowMillis) {
        leases.remove(l.leaseId());
        out.add(l);
      }
    }
    return out;
  }

  /** Every distinct holder, in the order their leases were granted. */
  public List<String> holders() {
    Set<String> out = new LinkedHashSet<>();
    for (LeaseRequest l : leases.values()) {
      out.add(l.holder());
    }
    return List.copyOf(out);
  }

  /** Drops every lease of {@code holder}; returns them. */
  public List<LeaseRequest> dropHolder(String holder) {
    List<LeaseRequest> out = new ArrayList<>();
    for (LeaseRequest l : List.copyOf(leases.values())) {
      if (l.holder() != null && l.holder().equals(holder)) {
        leases.remove(l.leaseId());
        out.add(l);
      }
    }
    return out;
  }

  public List<LeaseRequest> leases() {
    return List.copyOf(leases.values());
  }

  public boolean isEmpty() {
    return leases.isEmpty();
  }

  private List<LeaseRequest> sameService(String service) {
    List<LeaseRequest> out = new ArrayList<>();
    for (LeaseRequest l : leases.values()) {
      if (l.service() != null && l.service().equals(service)) {
        out.add(l);
      }
    }
    return out;
  }

  /** "; held by chaos-a (web-1), chaos-b (web-3)": the leases in the way (in {@code zone}). */
  private static String holders(List<LeaseRequest> others, String zone) {
    List<String> parts = new ArrayList<>();
    for (LeaseRequest l : others) {
      List<String> servers =
          zone == null
              ? l.servers()
              : l.servers().stream().filter(s -> zone.equals(l.zones().get(s))).toList();
      if (!servers.isEmpty()) {
        parts.add(l.holder() + " (" + String.join(", ", servers) + ")");
      }
    }
    return parts.isEmpty() ? "" : "; held by " + String.join(", ", parts);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }
}
