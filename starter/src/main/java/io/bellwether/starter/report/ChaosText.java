package io.bellwether.starter.report;

import io.bellwether.client.ChaosRun;
import io.bellwether.contracts.chaos.BlastRadius;
import io.bellwether.contracts.chaos.BudgetStatus;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.FaultRecord;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.Stage;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.starter.follow.ProgressView;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A chaos experiment in the terminal: the progress line, each round of probe readings, the
 * status tables, the dry run's plan, the end-of-run summary and the history rows. Pure, so it is
 * unit-tested without a server; never throws on missing parts.
 */
public final class ChaosText {
  private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private ChaosText() {}

  // --- the verdict in words ---

  /** What a verdict means, in one sentence. */
  public static String verdictWords(Verdict v) {
    if (v == null) {
      return "verdict unknown";
    }
    return switch (v) {
      case PENDING -> "in progress: no verdict yet";
      case DRY_RUN -> "dry run: the targets were resolved and the plan made; nothing was injected";
      case HELD -> "the hypothesis held: every probe stayed within its tolerance and recovery was verified";
      case DEVIATED ->
          "the hypothesis did not hold: a probe left its during-fault tolerance (a weakness found);"
              + " every fault was restored";
      case NOT_STEADY -> "not run: the system was not in steady state at baseline, so nothing was injected";
      case NOT_RUN ->
          "not run: stopped before injecting anything (error budget, blast radius, the gate, or a cancel)";
      case ABORTED ->
          "aborted: a guardrail, the error budget, a rollback or a cancel stopped the experiment;"
              + " every fault was restored";
      case RESTORATION_FAILED ->
          "RESTORATION FAILED: a fault could not be restored or recovery was not verified; look now";
    };
  }

  /** Whether the hypothesis held, in words. */
  public static String hypothesisWords(Verdict v, Boolean held) {
    if (Boolean.TRUE.equals(held) || v == Verdict.HELD) {
      return "held";
    }
    if (Boolean.FALSE.equals(held) || v == Verdict.DEVIATED) {
      return "did not hold";
    }
    if (v == null || v == Verdict.PENDING) {
      return "not decided yet";
    }
    return v == Verdict.DRY_RUN || v == Verdict.NOT_STEADY || v == Verdict.NOT_RUN
        ? "not tested (nothing injected)"
        : "not decided (stopped before the faults ran their course)";
  }

  // --- the progress line and readings, while following ---

  /**
   * One line: {@code FAULT_ACTIVE (f1 step 1/2)  faults [#####-----] 1/2 restored  active f1#1 on
   * web-2  budget 3/200 failed  verdict PENDING}, then an open gate's count and a pause.
   */
  public static String line(ChaosStatus s) {
    StringBuilder b = new StringBuilder();
    b.append(s.phase() == null ? "?" : s.phase().name());
    if (!blank(s.step())) {
      b.append(" (").append(s.step()).append(')');
    }
    List<FaultRecord> faults = nn(s.faults());
    long done = faults.stream().filter(f -> FaultRecord.RESTORED.equals(f.state()) || FaultRecord.FAILED.equals(f.state())).count();
    b.append("  faults ").append(ProgressView.bar(done, faults.size())).append(' ').append(done).append('/')
        .append(faults.size()).append(" restored");
    for (FaultRecord f : faults) {
      if (FaultRecord.ACTIVE.equals(f.state()) || FaultRecord.INJECTING.equals(f.state())) {
        b.append("  ").append(FaultRecord.ACTIVE.equals(f.state()) ? "active " : "injecting ").append(stepName(f))
            .append(" on ").append(targetNames(f.targets()));
      }
    }
    BudgetStatus budget = s.budget();
    if (budget != null && (budget.allowance() != null || budget.burned() > 0)) {
      b.append("  budget ").append(Numbers.fmt(budget.burned())).append('/')
          .append(budget.allowance() == null ? "-" : Numbers.fmt(budget.allowance())).append(" failed");
    }
    b.append("  verdict ").append(s.verdict() == null ? "?" : s.verdict().name());
    GateStatus g = s.gate();
    if (g != null && ProgressView.GATE_OPEN.equals(g.state())) {
      b.append("  gate ").append(g.name()).append(' ').append(g.approvals() == null ? 0 : g.approvals().size())
          .append('/').append(g.requiredApprovals()).append(" approvals");
    }
    if (s.paused()) {
      b.append("  paused");
    }
    return b.toString();
  }

  /**
   * The journal's readings in rounds: consecutive samples of the same time and stage, in order.
   * A round is what one read of every probe (or guardrail) gave.
   */
  public static List<List<ProbeSample>> rounds(List<ProbeSample> samples) {
    List<List<ProbeSample>> out = new ArrayList<>();
    List<ProbeSample> current = null;
    for (ProbeSample p : nn(samples)) {
      if (current == null
          || !Objects.equals(current.get(0).time(), p.time())
          || current.get(0).stage() != p.stage()) {
        current = new ArrayList<>();
        out.add(current);
      }
      current.add(p);
    }
    return out;
  }

  /**
   * One round on one line: {@code FAULT     12:00:07  success 0.993 ok  http-shop 45 (200) ok
   * guardrail:errors 0.2 OUT (0.2 > max 0.1)}.
   */
  public static String round(List<ProbeSample> round, ZoneId zone) {
    if (round.isEmpty()) {
      return "";
    }
    ProbeSample first = round.get(0);
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %s",
        first.stage() == null ? "?" : first.stage().name(), ProgressView.clock(first.time(), zone)));
    for (ProbeSample p : round) {
      b.append("  ").append(nz(p.probe())).append(' ').append(value(p));
      b.append(p.ok() ? " ok" : " OUT" + (blank(p.detail()) ? "" : " (" + p.detail() + ")"));
    }
    return b.toString();
  }

  /** A reading's value: {@code 0.993}, {@code 45 (200)} for an HTTP probe, {@code -} for none. */
  static String value(ProbeSample p) {
    String v = Numbers.fmt(p.value());
    return p.status() > 0 ? v + " (" + p.status() + ")" : v;
  }

  // --- the end of a run ---

  /**
   * The end of a run, a few lines: verdict, faults, budget, breach to restored, findings. The
   * reason it stopped is the run outcome's message, printed by the caller.
   */
  public static List<String> result(ChaosResult r, ZoneId zone) {
    List<String> out = new ArrayList<>();
    out.add("verdict " + (r.verdict() == null ? "?" : r.verdict().name()) + ": " + verdictWords(r.verdict()));
    for (FaultRecord f : nn(r.faults())) {
      out.add("fault " + stepName(f) + " " + nz(f.injector()) + " on " + targetsWithZones(f.targets()) + " for "
          + duration(f.durationMillis()) + ": " + nz(f.state())
          + (blank(f.injectedAt()) ? "" : ", injected " + ProgressView.clock(f.injectedAt(), zone))
          + (blank(f.restoredAt()) ? "" : ", restored " + ProgressView.clock(f.restoredAt(), zone))
          + (blank(f.endedBy()) ? "" : " (" + f.endedBy() + ")"));
    }
    String budget = budget(r.budget());
    if (budget != null) {
      out.add("error budget: " + budget);
    }
    if (r.breachToRestoredMillis() > 0) {
      out.add("breach to restored: " + seconds(r.breachToRestoredMillis()));
    }
    for (String f : nn(r.findings())) {
      out.add("finding: " + f);
    }
    return out;
  }

  /**
   * The plan of a dry run (or of any run, from its fault steps): per step the injector, selector,
   * seed and duration, the targets with their zones, and the share of the service it would
   * impair.
   */
  public static List<String> plan(List<FaultRecord> faults, List<BlastRadius> radius) {
    List<String> out = new ArrayList<>();
    List<FaultRecord> steps = nn(faults);
    if (steps.isEmpty()) {
      out.add("no fault step was planned");
      return out;
    }
    for (int i = 0; i < steps.size(); i++) {
      FaultRecord f = steps.get(i);
      BlastRadius br = radiusOf(f, i, radius);
      out.add(nz(f.fault()) + " step " + f.step() + "/" + stepsOf(steps, f.fault()) + "  " + nz(f.injector()) + "  "
          + (blank(f.selector()) ? "all" : f.selector()) + "  seed " + f.seed() + "  for "
          + duration(f.durationMillis()) + magnitude(f.magnitude()));
      out.add("    targets: " + (f.targets().isEmpty() ? "(the host: this injector acts on a host resource)"
          : targetsWithZones(f.targets())));
      if (br != null) {
        out.add("    blast radius: " + share(br) + (br.zones().isEmpty() ? "" : ", zones " + String.join(", ", br.zones())));
      }
    }
    return out;
  }

  /** {@code 1 of 4 servers (25%)}. */
  static String share(BlastRadius br) {
    return br.targets().size() + " of " + br.serviceServers() + " server" + (br.serviceServers() == 1 ? "" : "s")
        + " (" + Math.round(br.share() * 100) + "%)";
  }

  /** The blast radius of step {@code f}: by its fault id, else the one at the same position. */
  static BlastRadius radiusOf(FaultRecord f, int position, List<BlastRadius> radius) {
    List<BlastRadius> all = nn(radius);
    for (BlastRadius br : all) {
      if (br.faultId() != null && br.faultId().equals(f.faultId())) {
        return br;
      }
    }
    return position < all.size() && all.get(position).faultId() == null ? all.get(position) : null;
  }

  // --- status ---

  /**
   * The body of {@code bellwether status} for a chaos experiment (after its title line): the
   * progress line, hypothesis, verdict, reason, the fault steps, the probes per stage, the error
   * budget and the findings. The gate and the audit trail are printed by the caller.
   */
  public static List<String> status(ChaosStatus s, ZoneId zone) {
    List<String> out = new ArrayList<>();
    out.add(line(s));
    if (!blank(s.hypothesis())) {
      out.add("hypothesis: " + s.hypothesis() + " (" + hypothesisWords(s.verdict(), null) + ")");
    }
    out.add("verdict: " + (s.verdict() == null ? "?" : s.verdict().name()) + ": " + verdictWords(s.verdict()));
    if (!blank(s.reason())) {
      out.add("reason: " + s.reason());
    }
    out.add("");
    out.addAll(faultTable(s.faults(), s.blastRadius(), zone));
    List<String> probes = probeTable(s.samples());
    if (!probes.isEmpty()) {
      out.add("");
      out.addAll(probes);
    }
    String budget = budget(s.budget());
    if (budget != null) {
      out.add("");
      out.add("error budget: " + budget);
    }
    if (!nn(s.findings()).isEmpty()) {
      out.add("");
      out.add("findings:");
      for (String f : s.findings()) {
        out.add("  - " + f);
      }
    }
    return out;
  }

  /** Every fault step in a table: fault, step, injector, selector, seed, targets, share, state, times. */
  public static List<String> faultTable(List<FaultRecord> faults, List<BlastRadius> radius, ZoneId zone) {
    List<String> out = new ArrayList<>();
    List<FaultRecord> steps = nn(faults);
    if (steps.isEmpty()) {
      out.add("no fault step yet");
      return out;
    }
    String format = "%-10s %-5s %-14s %-16s %-20s %-22s %-6s %-9s %-8s %-8s %s";
    out.add(String.format(Locale.ROOT, format, "FAULT", "STEP", "INJECTOR", "SELECTOR", "SEED", "TARGETS", "SHARE",
        "STATE", "INJECTED", "RESTORED", "ENDED BY").stripTrailing());
    for (int i = 0; i < steps.size(); i++) {
      FaultRecord f = steps.get(i);
      BlastRadius br = radiusOf(f, i, radius);
      out.add(String.format(Locale.ROOT, format, nz(f.fault()), f.step() + "/" + stepsOf(steps, f.fault()),
          nz(f.injector()), blank(f.selector()) ? "all" : f.selector(), f.seed(),
          f.targets().isEmpty() ? "(host)" : targetsWithZones(f.targets()),
          br == null ? "-" : Math.round(br.share() * 100) + "%", nz(f.state()),
          blank(f.injectedAt()) ? "-" : ProgressView.clock(f.injectedAt(), zone),
          blank(f.restoredAt()) ? "-" : ProgressView.clock(f.restoredAt(), zone),
          blank(f.endedBy()) ? "-" : f.endedBy()).stripTrailing());
    }
    return out;
  }

  /**
   * Per probe (and guardrail, and the budget), per stage: how many readings, how many were out of
   * the tolerance in force, and the last value.
   */
  public static List<String> probeTable(List<ProbeSample> samples) {
    Map<String, Map<Stage, List<ProbeSample>>> byProbe = new LinkedHashMap<>();
    for (ProbeSample p : nn(samples)) {
      byProbe.computeIfAbsent(nz(p.probe()), k -> new TreeMap<>())
          .computeIfAbsent(p.stage() == null ? Stage.BASELINE : p.stage(), k -> new ArrayList<>())
          .add(p);
    }
    List<String> out = new ArrayList<>();
    if (byProbe.isEmpty()) {
      return out;
    }
    String format = "%-24s %-26s %-26s %s";
    out.add(String.format(Locale.ROOT, format, "PROBE", "BASELINE", "FAULT", "RECOVERY").stripTrailing());
    for (Map.Entry<String, Map<Stage, List<ProbeSample>>> e : byProbe.entrySet()) {
      out.add(String.format(Locale.ROOT, format, e.getKey(), cell(e.getValue().get(Stage.BASELINE)),
          cell(e.getValue().get(Stage.FAULT)), cell(e.getValue().get(Stage.RECOVERY))).stripTrailing());
    }
    return out;
  }

  private static String cell(List<ProbeSample> list) {
    if (list == null || list.isEmpty()) {
      return "-";
    }
    long out = list.stream().filter(p -> !p.ok()).count();
    return "last " + value(list.get(list.size() - 1)) + ", " + (out == 0 ? "all " + list.size() + " ok"
        : out + " of " + list.size() + " out");
  }

  /**
   * The error budget in words: {@code 3 of 200 allowed failed requests burned (1523 requests
   * seen); SLO 0.99, 512 failed requests left in its window at the start}; null when the run had
   * none.
   */
  public static String budget(BudgetStatus b) {
    if (b == null || (b.allowance() == null && b.remainingAtStart() == null && b.burned() == 0 && b.seen() == 0
        && b.objective() == 0)) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    s.append(Numbers.fmt(b.burned()));
    s.append(b.allowance() == null ? " failed requests burned (no limit set)"
        : " of " + Numbers.fmt(b.allowance()) + " allowed failed requests burned");
    s.append(" (").append(Numbers.fmt(b.seen())).append(" requests seen)");
    if (b.objective() > 0) {
      s.append("; SLO ").append(Numbers.fmt(b.objective()));
      if (b.remainingAtStart() != null) {
        s.append(", ").append(Numbers.fmt(Math.max(0, b.remainingAtStart())))
            .append(" failed requests left in its window at the start");
      }
    }
    return s.toString();
  }

  // --- history ---

  private static final String HISTORY = "%-19s  %-20s %-18s %-13s %-30s %-11s %-9s %s";

  /** The history table's header. */
  public static String historyHeader() {
    return String.format(Locale.ROOT, HISTORY, "STARTED", "EXPERIMENT", "VERDICT", "HYPOTHESIS", "FAULTS",
        "BUDGET", "BREACH>OK", "RUN").stripTrailing();
  }

  /**
   * One past run: started, experiment, verdict, whether the hypothesis held, the faults with their
   * targets, the budget burned of what was allowed, the time from breach to restored, and the
   * workflow id with Temporal's status when it is not simply completed.
   */
  public static String historyRow(ChaosRun r, ZoneId zone) {
    String started = r.run().startTime() == null ? "-" : DAY_TIME.format(r.run().startTime().atZone(zone));
    Verdict v = r.verdict();
    BudgetStatus b = r.budget();
    String budget = b == null || (b.allowance() == null && b.burned() == 0) ? "-"
        : Numbers.fmt(b.burned()) + "/" + (b.allowance() == null ? "-" : Numbers.fmt(b.allowance()));
    String run = r.run().workflowId() + ("COMPLETED".equals(r.run().status()) ? "" : " (" + r.run().status() + ")");
    return String.format(Locale.ROOT, HISTORY, started, r.experiment() == null ? "?" : r.experiment(),
        v == null ? "?" : v.name(), hypothesisShort(v, r.hypothesisHeld()), faultsShort(r.faults()), budget,
        r.breachToRestoredMillis() > 0 ? seconds(r.breachToRestoredMillis()) : "-", run).stripTrailing();
  }

  private static String hypothesisShort(Verdict v, Boolean held) {
    if (Boolean.TRUE.equals(held)) {
      return "held";
    }
    if (Boolean.FALSE.equals(held)) {
      return "not held";
    }
    return v == null || v == Verdict.PENDING ? "pending" : "-";
  }

  /** {@code f1=web-2 f2#2=web-1,web-3}: each step with its targets ({@code host} for host faults). */
  static String faultsShort(List<FaultRecord> faults) {
    List<String> parts = new ArrayList<>();
    for (FaultRecord f : nn(faults)) {
      parts.add(nz(f.fault()) + (f.step() > 1 ? "#" + f.step() : "") + "="
          + (f.targets().isEmpty() ? "host" : targetNames(f.targets()).replace(", ", ",")));
    }
    return parts.isEmpty() ? "-" : String.join(" ", parts);
  }

  // --- leases ---

  /** The coordinator's leases as a table; a line saying there are none when empty. */
  public static List<String> leases(List<LeaseRequest> leases, ZoneId zone) {
    List<String> out = new ArrayList<>();
    if (leases == null || leases.isEmpty()) {
      out.add("no blast-radius lease is held");
      return out;
    }
    String format = "%-40s %-10s %-24s %-18s %-10s %s";
    out.add(String.format(Locale.ROOT, format, "LEASE", "SERVICE", "SERVERS", "ZONES", "MAX SHARE", "EXPIRES")
        .stripTrailing());
    for (LeaseRequest l : leases) {
      Set<String> zones = new LinkedHashSet<>(l.zones().values());
      out.add(String.format(Locale.ROOT, format, nz(l.leaseId()), nz(l.service()),
          l.servers().isEmpty() ? "(host)" : String.join(",", l.servers()) + " of " + l.serviceServers(),
          zones.isEmpty() ? "-" : String.join(",", zones), Math.round(l.maxShare() * 100) + "%",
          l.expiresAtMillis() <= 0 ? "-" : DAY_TIME.format(Instant.ofEpochMilli(l.expiresAtMillis()).atZone(zone)))
          .stripTrailing());
      out.add("    held by " + nz(l.holder()));
    }
    return out;
  }

  // --- small pieces ---

  /** {@code f1#2}, or {@code f1} for a first step. */
  static String stepName(FaultRecord f) {
    return nz(f.fault()) + "#" + f.step();
  }

  /** How many steps fault {@code fault} has among {@code steps}. */
  static long stepsOf(List<FaultRecord> steps, String fault) {
    return Math.max(1, steps.stream().filter(x -> Objects.equals(x.fault(), fault)).count());
  }

  /** {@code web-1, web-2}; {@code the host} when there are none. */
  public static String targetNames(List<FaultTarget> targets) {
    if (targets == null || targets.isEmpty()) {
      return "the host";
    }
    return String.join(", ", targets.stream().map(t -> nz(t.name())).toList());
  }

  /** {@code web-1 (zone a), web-3}; {@code the host} when there are none. */
  public static String targetsWithZones(List<FaultTarget> targets) {
    if (targets == null || targets.isEmpty()) {
      return "the host";
    }
    return String.join(", ", targets.stream()
        .map(t -> nz(t.name()) + (blank(t.zone()) ? "" : " (zone " + t.zone() + ")")).toList());
  }

  private static String magnitude(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    new TreeMap<>(m).forEach((k, v) -> parts.add(k + "=" + v));
    return "  " + String.join(" ", parts);
  }

  /** {@code 30s}, {@code 2m}, {@code 1m30s}, {@code 1h}; {@code 1.5s} under a minute with a fraction. */
  public static String duration(long millis) {
    if (millis < 60_000) {
      return millis % 1000 == 0 ? millis / 1000 + "s" : seconds(millis);
    }
    long s = millis / 1000;
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }

  /** {@code 0.4s}, {@code 12.3s}. */
  public static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  private static <T> List<T> nn(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
