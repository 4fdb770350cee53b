package io.bellwether.workflows.chaos;

import io.bellwether.contracts.chaos.BlastRadius;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.TargetSelector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The arithmetic of planning a chaos experiment's fault steps: seeds, blast radius, lease requests
 * and how many probe rounds a spec asks for. Pure, so the workflow and its tests share it, and
 * replay computes the same values.
 */
public final class ChaosPlan {
  /**
   * The most probe rounds one run may take. A round costs about ten history events (the reads, a
   * timer, a workflow task); 3000 of them keep a run well inside Temporal's history limit.
   */
  public static final long MAX_ROUNDS = 3000;

  private ChaosPlan() {}

  /**
   * What a run's fault ids start with: its workflow id, and for a cron run (every run of which has
   * the same workflow id) {@code @} and the first 8 characters of its run id, so that each
   * recurrence draws its own targets and holds its own fault ids.
   */
  public static String faultBase(String workflowId, String cronSchedule, String runId) {
    if (cronSchedule == null || cronSchedule.isBlank() || runId == null || runId.isBlank()) {
      return workflowId;
    }
    return workflowId + "@" + runId.substring(0, Math.min(8, runId.length()));
  }

  /** {@code <faultBase>/<fault id>/<step>}: the idempotency key of one fault step. */
  public static String faultId(String workflowId, String fault, int step) {
    return workflowId + "/" + fault + "/" + step;
  }

  /**
   * The seed targets are drawn with: the selector's own, else one derived from the step's fault id
   * (so the same run draws the same targets on replay and in its dry run, and another run draws
   * anew).
   */
  public static long seed(TargetSelector selector, String faultId) {
    if (selector != null && selector.seed() != null) {
      return selector.seed();
    }
    // FNV-1a, 64 bits: stable across JVMs, unlike hash codes of objects.
    long h = 0xcbf29ce484222325L;
    for (byte b : faultId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The selector in words; {@code all} when there is none. */
  public static String describe(TargetSelector selector) {
    return selector == null ? "all" : selector.describe();
  }

  /** The candidates that are servers of a router (host resources have no server). */
  public static List<FaultTarget> servers(List<FaultTarget> targets) {
    return targets.stream().filter(ChaosPlan::isServer).toList();
  }

  public static boolean isServer(FaultTarget t) {
    return t.server() != null || t.backend() != null;
  }

  /** What one step impairs: its servers, their share of the service's servers, their zones. */
  public static BlastRadius radius(
      String faultId, List<FaultTarget> targets, List<FaultTarget> candidates) {
    List<String> names = servers(targets).stream().map(FaultTarget::name).toList();
    int serviceServers = servers(candidates).size();
    double share = serviceServers == 0 ? 0 : (double) names.size() / serviceServers;
    TreeSet<String> zones = new TreeSet<>();
    for (FaultTarget t : servers(targets)) {
      if (t.zone() != null) {
        zones.add(t.zone());
      }
    }
    return new BlastRadius(faultId, names, serviceServers, share, List.copyOf(zones));
  }

  /**
   * The lease a step asks for: its servers with their zones, the service's and each zone's server
   * count among the candidates, the share limit, and when the lease lapses on its own.
   */
  public static LeaseRequest lease(
      String faultId,
      String holder,
      String service,
      List<FaultTarget> targets,
      List<FaultTarget> candidates,
      double maxShare,
      long expiresAtMillis) {
    List<String> servers = new ArrayList<>();
    Map<String, String> zones = new LinkedHashMap<>();
    for (FaultTarget t : servers(targets)) {
      servers.add(t.name());
      if (t.zone() != null) {
        zones.put(t.name(), t.zone());
      }
    }
    Map<String, Integer> zoneServers = new TreeMap<>();
    for (FaultTarget c : servers(candidates)) {
      if (c.zone() != null) {
        zoneServers.merge(c.zone(), 1, Integer::sum);
      }
    }
    return new LeaseRequest(
        faultId,
        holder,
        service,
        servers,
        zones,
        servers(candidates).size(),
        zoneServers,
        maxShare,
        expiresAtMillis);
  }

  /** Targets in words: {@code web-2 (zone a), web-3}; {@code none} when empty. */
  public static String targets(List<FaultTarget> targets) {
    if (targets.isEmpty()) {
      return "none";
    }
    List<String> out = new ArrayList<>();
    for (FaultTarget t : targets) {
      out.add(t.name() + (t.zone() == null ? "" : " (zone " + t.zone() + ")"));
    }
    return String.join(", ", out);
  }

  /** The seconds every fault step of the spec is planned to be in force, summed. */
  public static double plannedFaultSeconds(ChaosExperimentSpec spec) {
    double total = 0;
    for (FaultSpec f : spec.faults()) {
      Duration d = f.durationOrNull();
      if (d != null) {
        total += d.toMillis() / 1000.0 * f.stepsOrTargets().size();
      }
    }
    return total;
  }

  /**
   * How many probe rounds the spec asks for at most: the baseline's, every step's until its
   * dead-man switch, and the recovery's.
   */
  public static long rounds(ChaosExperimentSpec spec) {
    long interval = Math.max(1, spec.intervalOrDefault().toMillis());
    long rounds = spec.baselineOrDefault().toMillis() / interval + 1;
    long grace = spec.graceOrDefault().toMillis();
    for (FaultSpec f : spec.faults()) {
      Duration d = f.durationOrNull();
      if (d != null) {
        rounds += ((d.toMillis() + grace) / interval + 1) * f.stepsOrTargets().size();
      }
    }
    rounds += spec.recoveryTimeoutOrDefault().toMillis() / interval + 1;
    return rounds;
  }
}
