package io.bellwether.workflows.chaos;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.chaos.ChaosActivities;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.FaultActivities;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.LeaseActivities;
import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.ProbeReading;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.SloReading;
import io.bellwether.contracts.spec.Violation;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Fake activities for the chaos workflow: the service {@code web} with servers web-1..web-4
 * (zone a: web-1, web-2; zone b: web-3, web-4) behind router {@code edge}, an injector that
 * records which faults are in force, a blast-radius coordinator that grants unless told not to,
 * probes answered by a script, and SLO counters that grow with every reading. Every call is
 * recorded in order in {@link #calls}: {@code check}, {@code candidates <injector>}, {@code read
 * <round> [fault]}, {@code slo}, {@code inject <faultId> <targets>}, {@code restore <faultId>},
 * {@code probe <faultId>}, {@code lease <leaseId> <servers>}, {@code release <leaseId>}.
 * Activities run on worker threads, hence the synchronized model.
 */
final class FakeChaosWorld {
  static final String SERVICE = "web";
  static final String ROUTER = "edge";

  /** Answers one probe of round {@code round} (from 1); {@code inForce} while a fault is. */
  interface Script {
    ProbeReading read(int round, ProbeSpec probe, boolean inForce);
  }

  /** The SLO counters at reading {@code n} (from 1); {@code inForce} while a fault is. */
  interface SloScript {
    SloReading read(int n, boolean inForce);
  }

  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<Violation> unknownNames = new CopyOnWriteArrayList<>();
  final List<FaultRequest> injected = new CopyOnWriteArrayList<>();
  final List<LeaseRequest> leaseRequests = new CopyOnWriteArrayList<>();

  /** The servers {@code candidates} answers with at its {@code n}th call (from 1). */
  volatile IntFunction<List<FaultTarget>> servers = n -> fleet(4);

  volatile Script script = FakeChaosWorld::healthy;
  volatile SloScript slo = FakeChaosWorld::steadyCounters;

  /** When set, inject puts the fault half in force, then fails non-retryably with this message. */
  volatile String injectFails;

  /** How many restores miss the fault: they answer that it is gone but leave it in force. */
  volatile int restoresThatMissIt;

  /** When set, restore fails non-retryably with this message. */
  volatile String restoreFails;

  /** When set, the coordinator refuses the lease of the step whose id ends with it. */
  volatile String refuseLeaseOf;

  /** Rounds read while a fault is in force, from this one on, block until {@link #release}. */
  volatile int hangFromFaultRound = Integer.MAX_VALUE;

  private final CountDownLatch hung = new CountDownLatch(1);
  private final Map<String, List<String>> inForce = new LinkedHashMap<>();
  private final List<String> leasesHeld = new ArrayList<>();
  private int rounds;
  private int faultRounds;
  private int sloReads;
  private int candidateCalls;

  final ChaosActivities chaos = new Chaos();
  final FaultActivities faults = new Faults();
  final LeaseActivities leases = new Leases();

  /** Servers web-1..web-n; the first half in zone a, the rest in zone b. */
  static List<FaultTarget> fleet(int n) {
    List<FaultTarget> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(server("web-" + i, i <= n / 2 ? "a" : "b"));
    }
    return out;
  }

  static FaultTarget server(String name, String zone) {
    return new FaultTarget(name, ROUTER, SERVICE, name, zone);
  }

  /** Every probe well within the tolerances the tests use. */
  static ProbeReading healthy(int round, ProbeSpec probe, boolean inForce) {
    return switch (probe.name()) {
      case "success" -> new ProbeReading("success", 1.0, 0, "1 of 1");
      case "shop" -> new ProbeReading("shop", 120.0, 200, "GET 200 in 120 ms");
      default -> new ProbeReading(probe.name(), 0.0, 0, "0");
    };
  }

  /**
   * Objective 0.99 over 1h; 100000 requests in the window of which 100 failed (900 remain); the
   * counters grow by 100 requests and no failure per reading; 100 requests a second.
   */
  static SloReading steadyCounters(int n, boolean inForce) {
    return counters(n, 0);
  }

  /** {@link #steadyCounters} with {@code failedNow} failed requests at reading n. */
  static SloReading counters(int n, double failedNow) {
    return new SloReading(0.99, "1h", 100_000.0, 100.0, 10_000.0 + 100 * n, 50 + failedNow, 100.0, "");
  }

  synchronized boolean anyInForce() {
    return !inForce.isEmpty();
  }

  synchronized Map<String, List<String>> inForce() {
    return new LinkedHashMap<>(inForce);
  }

  synchronized List<String> leasesHeld() {
    return List.copyOf(leasesHeld);
  }

  synchronized int rounds() {
    return rounds;
  }

  synchronized int faultRounds() {
    return faultRounds;
  }

  /** Lets every blocked reading go. */
  void release() {
    hung.countDown();
  }

  List<String> callsStartingWith(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  int firstIndexOf(String prefix) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  int lastIndexOf(String prefix) {
    for (int i = calls.size() - 1; i >= 0; i--) {
      if (calls.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static String names(List<FaultTarget> targets) {
    return String.join(",", targets.stream().map(FaultTarget::name).toList());
  }

  private final class Chaos implements ChaosActivities {
    @Override
    public List<Violation> checkExperiment(ChaosExperimentSpec spec) {
      calls.add("check");
      return List.copyOf(unknownNames);
    }

    @Override
    public List<FaultTarget> candidates(String service, String injector) {
      int n;
      synchronized (FakeChaosWorld.this) {
        n = ++candidateCalls;
      }
      calls.add("candidates " + injector);
      if (!SERVICE.equals(service)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "no service '" + service + "'", FailureTypes.UNKNOWN_TARGET);
      }
      return servers.apply(n);
    }

    @Override
    public List<ProbeReading> readProbes(String service, List<ProbeSpec> probes) {
      int round;
      int faultRound = 0;
      boolean active;
      synchronized (FakeChaosWorld.this) {
        round = ++rounds;
        active = !inForce.isEmpty();
        if (active) {
          faultRound = ++faultRounds;
        }
      }
      calls.add("read " + round + (active ? " fault" : ""));
      if (active && faultRound >= hangFromFaultRound) {
        try {
          // Bounded in real time so that a test that forgets to release cannot hang the build.
          hung.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      List<ProbeReading> out = new ArrayList<>();
      for (ProbeSpec p : probes) {
        out.add(script.read(round, p, active));
      }
      return out;
    }

    @Override
    public SloReading readSlo(String service) {
      int n;
      boolean active;
      synchronized (FakeChaosWorld.this) {
        n = ++sloReads;
        active = !inForce.isEmpty();
      }
      calls.add("slo");
      return slo.read(n, active);
    }

    @Override
    public double maxImpairedShare(String service) {
      return 0.5;
    }
  }

  private final class Faults implements FaultActivities {
    @Override
    public FaultState inject(FaultRequest request) {
      calls.add("inject " + request.faultId() + " " + names(request.targets()));
      injected.add(request);
      List<String> affected = request.targets().stream().map(FaultTarget::name).toList();
      synchronized (FakeChaosWorld.this) {
        inForce.put(request.faultId(), affected);
      }
      if (injectFails != null) {
        throw ApplicationFailure.newNonRetryableFailure(injectFails, "InvalidFault");
      }
      return new FaultState(request.faultId(), true, affected, "delay 300 ms on " + affected);
    }

    @Override
    public FaultState restore(FaultRequest request) {
      calls.add("restore " + request.faultId());
      if (restoreFails != null) {
        throw ApplicationFailure.newNonRetryableFailure(restoreFails, "InvalidFault");
      }
      synchronized (FakeChaosWorld.this) {
        if (restoresThatMissIt > 0) {
          restoresThatMissIt--;
          return new FaultState(request.faultId(), false, List.of(), "delay removed (not really)");
        }
        inForce.remove(request.faultId());
      }
      return new FaultState(request.faultId(), false, List.of(), "delay removed");
    }

    @Override
    public FaultState probe(FaultRequest request) {
      calls.add("probe " + request.faultId());
      synchronized (FakeChaosWorld.this) {
        List<String> still = inForce.get(request.faultId());
        return new FaultState(
            request.faultId(), still != null, still, still == null ? "gone" : "in force");
      }
    }
  }

  private final class Leases implements LeaseActivities {
    @Override
    public LeaseDecision acquire(LeaseRequest request) {
      calls.add("lease " + request.leaseId() + " " + String.join(",", request.servers()));
      leaseRequests.add(request);
      String refuse = refuseLeaseOf;
      if (refuse != null && request.leaseId().endsWith(refuse)) {
        return new LeaseDecision(
            false, "would impair 3 of 4 servers of web at once, more than 50%; held by chaos-web-other (web-3, web-4)");
      }
      synchronized (FakeChaosWorld.this) {
        leasesHeld.add(request.leaseId());
      }
      return new LeaseDecision(true, "granted: 1 of 4 servers of web impaired at once (at most 50%)");
    }

    @Override
    public void release(String leaseId) {
      calls.add("release " + leaseId);
      synchronized (FakeChaosWorld.this) {
        leasesHeld.remove(leaseId);
      }
    }

    @Override
    public boolean isOpen(String workflowId) {
      return true;
    }
  }
}
