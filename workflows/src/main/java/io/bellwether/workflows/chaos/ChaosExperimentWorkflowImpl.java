package io.bellwether.workflows.chaos;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.chaos.BlastRadius;
import io.bellwether.contracts.chaos.BudgetStatus;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosSpecValidator;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.ErrorBudget;
import io.bellwether.contracts.chaos.ErrorBudgetSpec;
import io.bellwether.contracts.chaos.FaultRecord;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.ProbeReading;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.SloReading;
import io.bellwether.contracts.chaos.Stage;
import io.bellwether.contracts.chaos.StopCondition;
import io.bellwether.contracts.chaos.TargetSelection;
import io.bellwether.contracts.chaos.TargetSelector;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.workflows.AuditTrail;
import io.bellwether.workflows.Failures;
import io.bellwether.workflows.RunText;
import io.bellwether.workflows.WorkflowMetrics;
import io.bellwether.workflows.WorkflowScopes;
import io.bellwether.workflows.control.ControlDispatch;
import io.bellwether.workflows.control.Controls;
import io.bellwether.workflows.gate.ApprovalGate;
import io.bellwether.workflows.notify.RunNotices;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ChaosExperiment} workflow. The spec is checked on its own and against the
 * configuration; every fault step's targets are resolved and drawn with their seeds into a plan
 * (a dry run ends here). Then the service's error budget is checked, the steady-state probes are
 * read over the baseline window (any reading outside its tolerance stops the run with nothing
 * injected), an optional approval gate is passed, and each fault step runs in turn: targets drawn
 * afresh from what the router has now, a blast-radius lease from the coordinator, the step
 * recorded as INJECTING (its compensation) before the injector is called, then probes, guardrails
 * and the error budget read every interval until the duration ends. After the last step, or when
 * one stops the experiment, every fault is checked to be gone and the probes must pass again
 * within the recovery timeout.
 *
 * <p>Restoration always happens: after the duration, on a guardrail or budget breach, on {@code
 * rollback}, on cancel (in a detached scope), and at the latest when the step's dead-man timer
 * fires at injection plus duration plus grace. That timer is durable and races the step's watch,
 * so it restores a fault whose probe reading hangs, one held too long by {@code pause}, and one
 * whose workers were all down past its deadline: the timer has fired by the time a worker is
 * back, and the first thing the run does then is restore. Every restoration runs where a cancel
 * cannot cut it short; a restoration that cannot be done or verified fails the run loudly
 * ({@code RestoreFailed}) and notifies.
 *
 * <p>The journal is complete: every reading is a {@link ProbeSample} (guardrails as {@code
 * guardrail:<name>}, the budget as {@code budget}), every action and decision a line in the audit
 * trail with who and why, and the findings are in words.
 *
 * <p>Deterministic: it only reads the workflow clock, awaits, calls activity stubs and runs pure
 * code (tolerances, target selection with seeds derived from the run, budget arithmetic).
 */
public class ChaosExperimentWorkflowImpl extends ControlDispatch implements ChaosExperimentWorkflow {
  /** Who acts when the run acts on its own. */
  public static final String BELLWETHER = "bellwether";

  /** The name of the approval gate before the first injection. */
  public static final String GATE = "before-injection";

  /** How a fault step ends when its dead-man timer fires. */
  public static final String DEAD_MAN = "dead-man switch";

  /** How a fault step ends when its duration is over. */
  public static final String DURATION = "duration";

  private static final String PAUSE = Controls.PAUSE;
  private static final String RESUME = Controls.RESUME;
  private static final String ROLLBACK = Controls.ROLLBACK;
  private static final String PROMOTE = Controls.PROMOTE;

  /** One fault step of the plan. */
  private record PlannedStep(
      FaultSpec fault, TargetSelector selector, String label, long durationMillis) {}

  /** How a step's time in force ended: by what, and why the experiment stops (null: it goes on). */
  private record StepEnd(String endedBy, String abort) {}

  /** One step in force: its dead-man timer racing its injection and watch. */
  private static final class StepRun {
    final int index;
    final long deadlineMillis;
    Promise<Void> deadMan;
    Promise<StepEnd> body;
    long injectedMillis;

    /** The watch is between readings, in a wait that ends by itself on a control or the timer. */
    boolean waiting;

    StepRun(int index, long deadlineMillis) {
      this.index = index;
      this.deadlineMillis = deadlineMillis;
    }
  }

  private ChaosExperimentSpec spec;
  private String workflowId = "";
  /** What fault ids start with: the workflow id, and for a cron run its run id too. */
  private String faultBase = "";
  private Phase phase = Phase.VALIDATING;
  private Verdict verdict = Verdict.PENDING;
  private String step = "validate";
  private String reason;
  private String startedAt = "";
  private String endedAt;

  private final AuditTrail trail = new AuditTrail();
  private final Controls controls = new Controls(trail);
  private final ChaosJournal journal = new ChaosJournal();
  private RunNotices notices;
  private ChaosStubs act;

  private final List<PlannedStep> steps = new ArrayList<>();
  private final List<FaultRecord> faults = new ArrayList<>();
  private final List<BlastRadius> blast = new ArrayList<>();
  private double maxShare;
  private BudgetStatus budget = BudgetStatus.none();

  /** The SLO counters at the first injection: burn is counted from here. */
  private SloReading sloStart;

  private ApprovalGate gate;

  private boolean paused;
  private boolean rollbackRequested;
  private String rollbackBy = "";
  private String rollbackReason = "";
  private boolean promoteRequested;
  private String promotedBy = "";

  /** Counts applied controls, so that a wait wakes on any of them. */
  private int controlsApplied;

  /** The step in force (injecting, active or restoring), -1 between steps. */
  private int current = -1;

  /** Set when the first injection is about to be made: from then on the run restores and verifies. */
  private boolean injectedAny;

  private boolean deviated;
  private boolean breached;

  /** Why the experiment stopped short of its last step; null while it goes on. */
  private String stopReason;

  /** The faults are over and being restored and verified: controls no longer apply. */
  private boolean concluding;

  private long breachAtMillis;
  private String breachText;
  private long lastRestoredMillis;

  /** Leases asked for and not yet returned (registered before asking). */
  private final Set<String> leases = new LinkedHashSet<>();

  /** Probe and step pairs whose deviation was already told. */
  private final Set<String> deviations = new HashSet<>();

  /** The injection in flight; a restore waits for it to settle. */
  private Promise<FaultState> injectInFlight;

  @Override
  public ChaosResult run(ChaosExperimentSpec spec) {
    this.spec = spec;
    this.startedAt = AuditTrail.now();
    // First, on every path: the version marker must sit at the same point of every new history.
    notices =
        RunNotices.open(
            TYPE,
            trail,
            spec == null || RunText.isBlank(spec.requestedBy()) ? "unknown" : spec.requestedBy(),
            spec == null
                ? "no spec"
                : "chaos experiment " + spec.name() + " on " + spec.service()
                    + (RunText.isBlank(spec.hypothesis()) ? "" : ": " + spec.hypothesis()));
    return RunNotices.thenTellTheEnd(this::experiment, this::tellTheEnd);
  }

  private ChaosResult experiment() {
    try {
      validate();
      plan();
      if (spec.dryRunOrDefault()) {
        return dryRun();
      }
      notices.started(spec.service(), "chaos " + spec.name());
      return conduct();
    } catch (CanceledFailure e) {
      onCancel();
      throw e;
    }
  }

  private void tellTheEnd() {
    notices.end(phase, reason, ApprovalGate.endedBy(rollbackBy, gate));
  }

  // ---------------------------------------------------------------------------------------------
  // Validation and plan

  private void validate() {
    act = ChaosStubs.create();
    List<Violation> problems = new ArrayList<>(ChaosSpecValidator.validate(spec));
    if (problems.isEmpty()) {
      long rounds = ChaosPlan.rounds(spec);
      if (rounds > ChaosPlan.MAX_ROUNDS) {
        problems.add(
            new Violation(
                "interval",
                "the experiment would read its probes up to "
                    + rounds
                    + " times, more than one run's history holds ("
                    + ChaosPlan.MAX_ROUNDS
                    + "): use a longer interval or shorter faults"));
      }
    }
    List<Violation> unknown = new ArrayList<>();
    // Names are only checked against the configuration once the spec holds on its own: a spec that
    // does not is refused without calling anything.
    if (problems.isEmpty()) {
      try {
        List<Violation> missing = act.chaos.checkExperiment(spec);
        if (missing != null) {
          unknown.addAll(missing);
        }
      } catch (ActivityFailure f) {
        WorkflowScopes.throwIfCanceled("the run was canceled while checking the spec");
        fail("could not check the experiment against the configuration: " + Failures.describe(f));
        throw f;
      }
    }
    if (!problems.isEmpty() || !unknown.isEmpty()) {
      refuse(problems, unknown);
    }
  }

  /** Ends the run refused, with every violation in the failure; nothing was changed. */
  private void refuse(List<Violation> problems, List<Violation> unknown) {
    List<Violation> all = new ArrayList<>(problems);
    all.addAll(unknown);
    String text = InvalidSpecException.describe(all);
    verdict = Verdict.NOT_RUN;
    end(Phase.ABORTED, text);
    throw Failures.refusedSpec(text, problems.isEmpty(), all);
  }

  /**
   * Every step's targets as the router has them now, drawn with the step's seed: the plan a dry
   * run shows and the blast radius each step would have. A selector the world cannot satisfy (a
   * named server that is not there, an empty zone) refuses the run as UnknownTarget.
   */
  private void plan() {
    workflowId = Workflow.getInfo().getWorkflowId();
    faultBase = ChaosPlan.faultBase(workflowId, Workflow.getInfo().getCronSchedule(), Workflow.getInfo().getRunId());
    step = "plan";
    List<Violation> problems = new ArrayList<>();
    Map<String, List<FaultTarget>> candidates = new LinkedHashMap<>();
    try {
      maxShare = act.chaos.maxImpairedShare(spec.service());
      for (int i = 0; i < spec.faults().size(); i++) {
        FaultSpec f = spec.faults().get(i);
        String fault = f.idOr(i);
        List<TargetSelector> selectors = f.stepsOrTargets();
        for (int k = 1; k <= selectors.size(); k++) {
          TargetSelector selector = selectors.get(k - 1);
          String id = ChaosPlan.faultId(faultBase, fault, k);
          List<FaultTarget> c = candidates.get(f.injector());
          if (c == null) {
            c = nonNull(act.chaos.candidates(spec.service(), f.injector()));
            candidates.put(f.injector(), c);
          }
          long seed = ChaosPlan.seed(selector, id);
          List<FaultTarget> targets = List.of();
          String field = "faults[" + i + "]" + (f.steps() != null ? ".steps[" + (k - 1) + "]" : ".targets");
          try {
            targets = select(c, selector, seed);
          } catch (IllegalArgumentException e) {
            problems.add(new Violation(field, e.getMessage()));
          }
          long duration = f.durationOrNull().toMillis();
          steps.add(new PlannedStep(f, selector, fault + " step " + k, duration));
          faults.add(
              new FaultRecord(
                  id, fault, k, f.injector(), ChaosPlan.describe(selector), seed, targets,
                  f.magnitude(), duration, FaultRecord.PLANNED, null, null, null, null));
          blast.add(ChaosPlan.radius(id, targets, c));
        }
      }
    } catch (ActivityFailure f) {
      WorkflowScopes.throwIfCanceled("the run was canceled while planning");
      fail("could not resolve the targets: " + Failures.describe(f));
      throw f;
    }
    if (!problems.isEmpty()) {
      refuse(List.of(), problems);
    }
    trail.add(BELLWETHER, "planned", planText());
  }

  /** The targets of one step; throws {@link IllegalArgumentException} when there are none. */
  private static List<FaultTarget> select(
      List<FaultTarget> candidates, TargetSelector selector, long seed) {
    List<FaultTarget> targets = TargetSelection.select(candidates, selector, seed);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no target to act on: the injector has no candidates");
    }
    return targets;
  }

  private String planText() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      FaultRecord r = faults.get(i);
      BlastRadius b = blast.get(i);
      parts.add(
          steps.get(i).label
              + " ("
              + r.injector()
              + ", "
              + r.selector()
              + ", seed "
              + r.seed()
              + ", "
              + Durations.format(Duration.ofMillis(r.durationMillis()))
              + "): "
              + ChaosPlan.targets(r.targets())
              + (b.serviceServers() == 0
                  ? ""
                  : ", " + Math.round(b.share() * 100) + "% of " + b.serviceServers() + " server(s)"));
    }
    return String.join("; ", parts)
        + "; at most "
        + Math.round(maxShare * 100)
        + "% of the service may be impaired at once";
  }

  private ChaosResult dryRun() {
    verdict = Verdict.DRY_RUN;
    journal.finding(
        "dry run: " + steps.size() + " fault step(s) planned, nothing was injected");
    trail.add(BELLWETHER, "dry-run", "the plan is made; nothing was injected");
    return end(Phase.SUCCEEDED, null);
  }

  // ---------------------------------------------------------------------------------------------
  // Before the first injection

  private ChaosResult conduct() {
    if (rollbackRequested) {
      return notRun("rolled back before anything was injected: " + rollbackReason);
    }
    String refused = budgetCheck();
    if (refused != null) {
      return notRun(refused);
    }
    long started = Workflow.currentTimeMillis();
    String unsteady = baseline();
    WorkflowMetrics.stepTook("baseline", started);
    if (rollbackRequested) {
      return notRun("rolled back during the baseline: " + rollbackReason);
    }
    if (unsteady != null) {
      verdict = Verdict.NOT_STEADY;
      journal.finding(unsteady);
      return end(Phase.ABORTED, unsteady);
    }
    if (spec.approval() != null) {
      started = Workflow.currentTimeMillis();
      String no = passGate();
      WorkflowMetrics.stepTook("approval", started);
      if (no != null) {
        return notRun(no);
      }
    }
    String noCounters = startBudget();
    if (noCounters != null) {
      return notRun(noCounters);
    }
    for (int i = 0; i < steps.size() && stopReason == null; i++) {
      WorkflowScopes.throwIfCanceled();
      holdWhilePaused(i);
      if (rollbackRequested) {
        stop("rolled back before " + steps.get(i).label + ": " + rollbackReason);
        break;
      }
      started = Workflow.currentTimeMillis();
      runStep(i);
      WorkflowMetrics.stepTook("fault", started);
    }
    return WorkflowScopes.outsideCancel(this::conclude);
  }

  /** Stopped before anything was injected: nothing to restore. */
  private ChaosResult notRun(String why) {
    verdict = Verdict.NOT_RUN;
    concluding = true;
    releaseAll();
    journal.finding("not run: " + why);
    return end(Phase.ABORTED, why);
  }

  /**
   * The service's error budget before anything is injected: refused (why) when the experiment may
   * burn more than remains, or when it has an error budget that cannot be judged; null to go on.
   */
  private String budgetCheck() {
    step = "error budget";
    ErrorBudgetSpec b = spec.errorBudget();
    SloReading r = null;
    String failure = null;
    try {
      r = act.chaos.readSlo(spec.service());
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      failure = Failures.describe(f);
    }
    if (r == null) {
      if (b == null) {
        if (failure != null) {
          trail.add(BELLWETHER, "slo", "the service's SLO could not be read: " + failure);
        }
        return null;
      }
      String why =
          failure != null
              ? "the service's error budget could not be read: " + failure
              : "the service has no SLO configured, and an error budget needs one";
      trail.add(BELLWETHER, "budget-refused", why);
      return why;
    }
    double planned = ChaosPlan.plannedFaultSeconds(spec);
    Double remaining =
        r.windowTotal() != null && r.windowFailed() != null ? ErrorBudget.remaining(r) : null;
    Double allowance = ErrorBudget.allowance(b, r, planned);
    budget = new BudgetStatus(r.objective(), remaining, allowance, 0, 0);
    if (b == null) {
      trail.add(
          BELLWETHER,
          "budget",
          remaining == null
              ? "no error budget for this experiment; the SLO window has no data ("
                  + r.detail()
                  + ")"
              : "no error budget for this experiment; "
                  + ChaosJournal.count(remaining)
                  + " failed requests remain in the SLO's window");
      return null;
    }
    if (remaining == null || allowance == null) {
      String why =
          "the service's error budget cannot be judged now (no data over the SLO window"
              + (RunText.isBlank(r.detail()) ? "" : ": " + r.detail())
              + ")";
      trail.add(BELLWETHER, "budget-refused", why);
      return why;
    }
    String refusal = ErrorBudget.refusal(b, r, planned);
    if (refusal != null) {
      trail.add(BELLWETHER, "budget-refused", refusal);
      return refusal;
    }
    trail.add(
        BELLWETHER,
        "budget",
        ChaosJournal.count(remaining)
            + " failed requests remain in the SLO's window (objective "
            + r.objective()
            + " over "
            + r.window()
            + "); this experiment may burn "
            + ChaosJournal.count(allowance));
    return null;
  }

  /**
   * Reads the steady-state probes at once and then every interval until the baseline window is
   * over. Returns why the system is not in steady state (every probe outside its tolerance at the
   * first reading that had one), or null; a rollback ends it early (the caller looks).
   */
  private String baseline() {
    phase = Phase.BASELINE;
    long interval = spec.intervalOrDefault().toMillis();
    long start = Workflow.currentTimeMillis();
    long end = start + spec.baselineOrDefault().toMillis();
    trail.add(
        BELLWETHER,
        "baseline",
        spec.probes().size()
            + " probe(s) read every "
            + Durations.format(spec.intervalOrDefault())
            + " for "
            + Durations.format(spec.baselineOrDefault()));
    int reads = 0;
    while (true) {
      reads++;
      step = "baseline: reading " + reads;
      List<String> off = readSteady(Stage.BASELINE);
      if (rollbackRequested) {
        return null;
      }
      if (!off.isEmpty()) {
        String why =
            "not in steady state at "
                + ChaosJournal.clock(Workflow.currentTimeMillis())
                + " (baseline reading "
                + reads
                + "): "
                + String.join("; ", off)
                + "; nothing was injected";
        trail.add(BELLWETHER, "not-steady", why);
        return why;
      }
      // Readings keep their cadence from the start, however long each one took.
      long next = start + reads * interval;
      if (next > end) {
        break;
      }
      Workflow.await(
          Duration.ofMillis(Math.max(1, next - Workflow.currentTimeMillis())),
          () -> rollbackRequested);
      if (rollbackRequested) {
        return null;
      }
    }
    trail.add(
        BELLWETHER,
        "steady",
        "every probe within tolerance in "
            + reads
            + " reading(s) over "
            + Durations.format(Duration.ofMillis(Workflow.currentTimeMillis() - start)));
    return null;
  }

  /** Waits at the approval gate; null to go on, else why nothing is injected. */
  private String passGate() {
    phase = Phase.AWAITING_APPROVAL;
    step = "approval";
    gate = new ApprovalGate(GATE, spec.approval(), spec.requestedBy(), workflowId, act.gate, trail);
    String what =
        "approve injects "
            + steps.size()
            + " fault step(s) into "
            + spec.service()
            + " ("
            + planText()
            + "); reject stops the experiment with nothing injected";
    gate.onOpen((name, approvers) -> notices.gateWaiting(name, approvers, what));
    ApprovalGate g = gate;
    ApprovalGate.Outcome o;
    try {
      o = g.await(() -> rollbackRequested);
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return "the approval gate could not open: " + Failures.describe(f);
    }
    return switch (o) {
      case APPROVED, TIMED_OUT_PROCEED -> null;
      case REJECTED -> "rejected at gate '" + GATE + "' by " + rejection(g);
      case TIMED_OUT_ABORT -> "gate '" + GATE + "' timed out (onTimeout: abort)";
      case INTERRUPTED -> "rolled back at gate '" + GATE + "': " + rollbackReason;
    };
  }

  private static String rejection(ApprovalGate gate) {
    GateDecision d = gate.decisive();
    if (d == null) {
      return "an approver";
    }
    return d.by() + (RunText.isBlank(d.reason()) ? "" : ": " + d.reason());
  }

  /**
   * The SLO counters burn is counted from, read right before the first injection. Returns why the
   * experiment cannot go on (it has an error budget and the counters cannot be read), or null.
   */
  private String startBudget() {
    SloReading r = readSloQuietly();
    if (r != null && r.total() != null && r.failed() != null) {
      sloStart = r;
      trail.add(
          BELLWETHER,
          "slo-start",
          "burn counted from "
              + ChaosJournal.count(r.failed())
              + " failed of "
              + ChaosJournal.count(r.total())
              + " requests");
      return null;
    }
    if (spec.errorBudget() == null) {
      return null;
    }
    String why =
        "the error budget cannot be watched: the service's request counters could not be read"
            + (r == null || RunText.isBlank(r.detail()) ? "" : " (" + r.detail() + ")");
    trail.add(BELLWETHER, "budget-refused", why);
    return why;
  }

  private SloReading readSloQuietly() {
    try {
      return act.chaos.readSlo(spec.service());
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      trail.add(BELLWETHER, "slo", "the service's SLO could not be read: " + Failures.describe(f));
      return null;
    }
  }

  private void holdWhilePaused(int i) {
    if (!paused || rollbackRequested) {
      return;
    }
    Phase before = phase;
    phase = Phase.PAUSED;
    step = "paused before " + steps.get(i).label;
    Workflow.await(() -> !paused || rollbackRequested);
    phase = before;
  }

  // ---------------------------------------------------------------------------------------------
  // One fault step

  private void stop(String why) {
    if (stopReason == null) {
      stopReason = why;
    }
  }

  /** Targets afresh, a lease, the injection raced by the dead-man timer, then restoration. */
  private void runStep(int i) {
    PlannedStep p = steps.get(i);
    FaultRecord planned = faults.get(i);
    promoteRequested = false;
    phase = Phase.INJECTING;
    step = p.label + ": resolving targets";
    List<FaultTarget> candidates;
    List<FaultTarget> targets;
    try {
      candidates = nonNull(act.chaos.candidates(spec.service(), p.fault().injector()));
      targets = select(candidates, p.selector(), planned.seed());
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      stop("could not resolve the targets of " + p.label() + ": " + Failures.describe(f));
      return;
    } catch (IllegalArgumentException e) {
      stop("no targets for " + p.label() + ": " + e.getMessage());
      return;
    }
    FaultRecord rec =
        new FaultRecord(
            planned.faultId(), planned.fault(), planned.step(), planned.injector(),
            planned.selector(), planned.seed(), targets, planned.magnitude(),
            planned.durationMillis(), FaultRecord.PLANNED, null, null, null, null);
    faults.set(i, rec);
    blast.set(i, ChaosPlan.radius(rec.faultId(), targets, candidates));
    trail.add(
        BELLWETHER,
        "targets",
        p.label()
            + ": "
            + ChaosPlan.targets(targets)
            + " ("
            + rec.selector()
            + " of "
            + candidates.size()
            + " candidate(s), seed "
            + rec.seed()
            + ")");
    String refused = acquireLease(p, rec, candidates);
    if (refused != null) {
      stop(refused);
      return;
    }
    if (rollbackRequested) {
      WorkflowScopes.outsideCancel(() -> releaseLease(rec.faultId()));
      stop("rolled back before " + p.label() + ": " + rollbackReason);
      return;
    }
    current = i;
    StepEnd end = inForce(i);
    WorkflowScopes.outsideCancel(
        () -> {
          long started = Workflow.currentTimeMillis();
          String failed = restore(i, end.endedBy());
          WorkflowMetrics.stepTook("restore", started);
          releaseLease(faults.get(i).faultId());
          current = -1;
          if (failed != null) {
            stop(failed);
          }
          return null;
        });
    if (end.abort() != null) {
      stop(end.abort());
    }
  }

  /**
   * Asks the coordinator for the step's lease (registered first, so that an answer lost on the way
   * is still returned); why the step must not run, or null.
   */
  private String acquireLease(PlannedStep p, FaultRecord rec, List<FaultTarget> candidates) {
    step = p.label() + ": blast-radius lease";
    long expires =
        Workflow.currentTimeMillis()
            + p.durationMillis()
            + spec.graceOrDefault().toMillis()
            + spec.recoveryTimeoutOrDefault().toMillis();
    LeaseRequest request =
        ChaosPlan.lease(
            rec.faultId(), workflowId, spec.service(), rec.targets(), candidates, maxShare, expires);
    leases.add(rec.faultId());
    LeaseDecision d;
    try {
      d = act.lease.acquire(request);
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      String why = "could not get a blast-radius lease for " + p.label() + ": " + Failures.describe(f);
      trail.add(BELLWETHER, "lease-failed", why);
      return why;
    }
    if (d == null || !d.granted()) {
      leases.remove(rec.faultId());
      String why =
          "blast-radius lease refused for "
              + p.label()
              + ": "
              + (d == null || RunText.isBlank(d.reason()) ? "no reason given" : d.reason());
      trail.add(BELLWETHER, "lease-refused", why);
      return why;
    }
    trail.add(
        BELLWETHER,
        "lease",
        p.label() + ": " + (RunText.isBlank(d.reason()) ? "granted" : d.reason()));
    return null;
  }

  /**
   * The step in force: recorded as INJECTING (its compensation) before anything is called, then
   * the injection and the watch race the dead-man timer. Returns how the step ended once the
   * injection has settled; the caller restores.
   */
  private StepEnd inForce(int i) {
    PlannedStep p = steps.get(i);
    long start = Workflow.currentTimeMillis();
    // The deadline counts from before the injection: a retried or slow injection cannot stretch
    // the time the fault may be in force.
    long deadline = start + p.durationMillis() + spec.graceOrDefault().toMillis();
    faults.set(
        i,
        faults.get(i).with(FaultRecord.INJECTING, null, ChaosJournal.iso(deadline), null, null));
    injectedAny = true;
    trail.add(
        BELLWETHER,
        "injecting",
        p.label()
            + ": "
            + p.fault().injector()
            + " on "
            + ChaosPlan.targets(faults.get(i).targets())
            + (p.fault().magnitude().isEmpty() ? "" : " " + p.fault().magnitude())
            + " for "
            + Durations.format(Duration.ofMillis(p.durationMillis()))
            + "; dead-man switch at "
            + ChaosJournal.iso(deadline));
    StepRun run = new StepRun(i, deadline);
    // The dead-man timer is never cancelled, not even by a cancel of the run: cancelling a timer
    // at the moment it fires makes the server refuse the workflow task, while one that fires after
    // its step is over changes nothing.
    Workflow.newDetachedCancellationScope(
            () -> run.deadMan = Workflow.newTimer(Duration.ofMillis(deadline - start)))
        .run();
    CancellationScope scope =
        Workflow.newCancellationScope(() -> run.body = Async.function(this::injectAndWatch, run));
    scope.run();
    // Between readings the watch ends by itself on a rollback or the dead-man timer, and nothing
    // of it needs cancelling. It is cut short only while it injects or reads (a hung reading), so
    // that a timer is never cancelled at the moment it fires, which the server would refuse.
    Workflow.await(
        () ->
            run.body.isCompleted()
                || ((run.deadMan.isCompleted() || rollbackRequested) && !run.waiting));
    StepEnd end = endOf(run);
    if (!run.body.isCompleted()) {
      scope.cancel(end.endedBy());
    }
    Promise<FaultState> injecting = injectInFlight;
    if (injecting != null && !injecting.isCompleted()) {
      // Restoring while the injection may still be at work could leave the fault in force; the
      // wait is bounded by the injection's own timeout, and the cancel stops its retries.
      step = p.label() + ": waiting for the injection to settle before restoring";
      Workflow.await(injecting::isCompleted);
    }
    return end;
  }

  private StepEnd endOf(StepRun run) {
    PlannedStep p = steps.get(run.index);
    if (run.body.isCompleted() && run.body.getFailure() == null) {
      return run.body.get();
    }
    if (rollbackRequested) {
      return rolledBack(p);
    }
    if (run.deadMan.isCompleted()) {
      return deadMan(p);
    }
    RuntimeException f = run.body.getFailure();
    String why = f instanceof TemporalFailure t ? Failures.describe(t) : String.valueOf(f);
    return new StepEnd("watch stopped", "the watch of " + p.label() + " stopped: " + why);
  }

  private StepEnd rolledBack(PlannedStep p) {
    return new StepEnd(
        "rollback by " + rollbackBy, "rolled back during " + p.label() + ": " + rollbackReason);
  }

  private StepEnd deadMan(PlannedStep p) {
    String why =
        "the dead-man switch restored "
            + p.label()
            + " at its deadline (duration "
            + Durations.format(Duration.ofMillis(p.durationMillis()))
            + " + grace "
            + Durations.format(spec.graceOrDefault())
            + ")"
            + (paused ? ", held past its duration by pause" : "");
    journal.finding(why);
    trail.add(BELLWETHER, "dead-man", why);
    return new StepEnd(DEAD_MAN, why);
  }

  /** The injection, then the watch until the step ends. Runs in the step's cancellation scope. */
  private StepEnd injectAndWatch(StepRun run) {
    int i = run.index;
    PlannedStep p = steps.get(i);
    step = p.label() + ": injecting";
    FaultState s;
    try {
      injectInFlight = Async.function(act.inject::inject, faults.get(i).request());
      s = injectInFlight.get();
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      String why = "could not inject " + p.label() + ": " + Failures.describe(f);
      trail.add(BELLWETHER, "inject-failed", why);
      journal.finding(why + "; it was restored all the same");
      return new StepEnd("injection failed", why);
    }
    long at = Workflow.currentTimeMillis();
    run.injectedMillis = at;
    FaultRecord rec = faults.get(i);
    faults.set(
        i,
        rec.with(FaultRecord.ACTIVE, ChaosJournal.iso(at), rec.deadline(), null, null));
    phase = Phase.FAULT_ACTIVE;
    long end = Math.min(at + p.durationMillis(), run.deadlineMillis);
    trail.add(
        BELLWETHER,
        "injected",
        p.label()
            + " in force"
            + (s == null || s.affected().isEmpty() ? "" : " on " + String.join(", ", s.affected()))
            + (s == null || RunText.isBlank(s.detail()) ? "" : ": " + s.detail())
            + "; ends at "
            + ChaosJournal.iso(end));
    return watch(run, end);
  }

  /**
   * Reads probes, guardrails and the budget every interval while the step is in force. Ends at
   * {@code end} (later while paused, never past the deadline), on promote, on a breach, or on
   * rollback.
   */
  private StepEnd watch(StepRun run, long end) {
    PlannedStep p = steps.get(run.index);
    long interval = spec.intervalOrDefault().toMillis();
    long nextRead = run.injectedMillis + interval;
    Map<String, Integer> streaks = new HashMap<>();
    while (true) {
      long now = Workflow.currentTimeMillis();
      if (rollbackRequested) {
        return rolledBack(p);
      }
      if (now >= run.deadlineMillis || run.deadMan.isCompleted()) {
        return deadMan(p);
      }
      if (promoteRequested) {
        return new StepEnd("promote by " + promotedBy, null);
      }
      if (now >= end && !paused) {
        return new StepEnd(DURATION, null);
      }
      if (now >= nextRead) {
        StepEnd breach = readInForce(run, streaks);
        while (nextRead <= Workflow.currentTimeMillis()) {
          nextRead += interval;
        }
        if (breach != null) {
          return breach;
        }
        continue;
      }
      step =
          now < end
              ? p.label() + ": in force until " + ChaosJournal.iso(end)
              : p.label() + ": held in force by pause; dead-man switch at "
                  + ChaosJournal.iso(run.deadlineMillis);
      long wakeAt = Math.min(nextRead, now < end ? end : run.deadlineMillis);
      int seen = controlsApplied;
      run.waiting = true;
      try {
        Workflow.await(
            Duration.ofMillis(Math.max(1, wakeAt - now)),
            () -> controlsApplied != seen || run.deadMan.isCompleted());
      } finally {
        run.waiting = false;
      }
    }
  }

  /** One round while a step is in force; the breach that ends it, or null. */
  private StepEnd readInForce(StepRun run, Map<String, Integer> streaks) {
    PlannedStep p = steps.get(run.index);
    List<ProbeSpec> probes = spec.probes();
    List<StopCondition> guards = spec.guardrails();
    List<ProbeSpec> all = new ArrayList<>(probes);
    for (StopCondition g : guards) {
      all.add(g.asProbe());
    }
    Promise<List<ProbeReading>> round =
        Async.function(act.chaos::readProbes, spec.service(), all);
    Promise<SloReading> slo =
        spec.errorBudget() != null && sloStart != null
            ? Async.function(act.chaos::readSlo, spec.service())
            : null;
    List<ProbeReading> readings = readingsOf(round, all);
    long at = Workflow.currentTimeMillis();
    for (int k = 0; k < probes.size(); k++) {
      ProbeSpec ps = probes.get(k);
      String why =
          journal.add(at, Stage.FAULT, ps.name(), ChaosJournal.http(ps), readings.get(k), ps.duringFault());
      if (why != null) {
        deviation(ps, why, at, p);
      }
    }
    StepEnd breach = null;
    for (int g = 0; g < guards.size(); g++) {
      StopCondition sc = guards.get(g);
      ProbeSpec asProbe = all.get(probes.size() + g);
      String why =
          journal.add(
              at,
              Stage.FAULT,
              ChaosJournal.GUARDRAIL + sc.name(),
              false,
              readings.get(probes.size() + g),
              asProbe.tolerance());
      if (why == null) {
        streaks.put(sc.name(), 0);
        continue;
      }
      int streak = streaks.merge(sc.name(), 1, Integer::sum);
      int limit = sc.failureLimitOrDefault();
      if (streak >= limit && breach == null) {
        breach =
            breach(
                at,
                "guardrail " + sc.name(),
                "guardrail "
                    + sc.name()
                    + " breached at "
                    + ChaosJournal.clock(at)
                    + " during "
                    + p.label()
                    + " ("
                    + why
                    + (limit > 1 ? ", " + streak + " reads in a row" : "")
                    + ")");
      }
    }
    if (slo != null) {
      String why = budgetRound(at, sloOf(slo));
      if (why != null && breach == null) {
        breach = breach(at, "budget", why + " at " + ChaosJournal.clock(at) + " during " + p.label());
      }
    }
    return breach;
  }

  private StepEnd breach(long at, String endedBy, String text) {
    breached = true;
    if (breachAtMillis == 0) {
      breachAtMillis = at;
      breachText = text;
    }
    trail.add(BELLWETHER, "breach", text);
    return new StepEnd(endedBy, text);
  }

  private void deviation(ProbeSpec probe, String why, long at, PlannedStep p) {
    deviated = true;
    if (deviations.add(probe.name() + "|" + p.label())) {
      String text =
          "probe "
              + probe.name()
              + " left its during-fault tolerance ("
              + why
              + ") at "
              + ChaosJournal.clock(at)
              + " during "
              + p.label();
      journal.finding(text);
      trail.add(BELLWETHER, "deviation", text);
    }
  }

  /** Records the budget's round; why it is breached, or null. */
  private String budgetRound(long at, SloReading now) {
    if (now == null || now.failed() == null || now.total() == null) {
      journal.add(
          new ProbeSample(
              ChaosJournal.iso(at),
              Stage.FAULT,
              ChaosJournal.BUDGET,
              null,
              0,
              true,
              "no counters: " + (now == null ? "the SLO could not be read" : now.detail())));
      return null;
    }
    double burned = ErrorBudget.burned(sloStart, now);
    double seen = ErrorBudget.seen(sloStart, now);
    budget =
        new BudgetStatus(
            budget.objective(), budget.remainingAtStart(), budget.allowance(), burned, seen);
    String why = ErrorBudget.breach(spec.errorBudget(), burned, seen);
    journal.add(
        new ProbeSample(
            ChaosJournal.iso(at),
            Stage.FAULT,
            ChaosJournal.BUDGET,
            burned,
            0,
            why == null,
            why != null
                ? why
                : ChaosJournal.count(burned)
                    + " failed of "
                    + ChaosJournal.count(seen)
                    + " requests since the first injection"));
    return why;
  }

  /** The round's readings, one per probe in order; a failed round reads as no value for each. */
  private static List<ProbeReading> readingsOf(
      Promise<List<ProbeReading>> round, List<ProbeSpec> probes) {
    String detail;
    try {
      List<ProbeReading> r = round.get();
      if (r != null && r.size() == probes.size()) {
        return r;
      }
      detail = (r == null ? 0 : r.size()) + " readings for " + probes.size() + " probes";
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      detail = "the probes could not be read: " + Failures.describe(f);
    }
    List<ProbeReading> out = new ArrayList<>();
    for (ProbeSpec p : probes) {
      out.add(new ProbeReading(p.name(), null, 0, detail));
    }
    return out;
  }

  private SloReading sloOf(Promise<SloReading> p) {
    try {
      return p.get();
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return null;
    }
  }

  /** One round of the steady-state probes at {@code stage}; each probe outside its tolerance. */
  private List<String> readSteady(Stage stage) {
    List<ProbeSpec> probes = spec.probes();
    List<ProbeReading> readings =
        readingsOf(Async.function(act.chaos::readProbes, spec.service(), probes), probes);
    long at = Workflow.currentTimeMillis();
    List<String> off = new ArrayList<>();
    for (int k = 0; k < probes.size(); k++) {
      ProbeSpec p = probes.get(k);
      String why = journal.add(at, stage, p.name(), ChaosJournal.http(p), readings.get(k), p.tolerance());
      if (why != null) {
        off.add("probe " + p.name() + " " + why);
      }
    }
    return off;
  }

  // ---------------------------------------------------------------------------------------------
  // Restoration and verification (always where a cancel cannot cut them short)

  /**
   * Restores step {@code i}; returns why it could not be (the step is then FAILED), or null. A
   * restore that leaves the fault in force counts as failed.
   */
  private String restore(int i, String endedBy) {
    PlannedStep p = steps.get(i);
    FaultRecord rec = faults.get(i);
    phase = Phase.RESTORING;
    step = p.label() + ": restoring (" + endedBy + ")";
    FaultState s;
    try {
      s = act.restore.restore(rec.request());
    } catch (TemporalFailure f) {
      faults.set(i, rec.with(FaultRecord.FAILED, rec.injectedAt(), rec.deadline(), null, endedBy));
      String why = "could not restore " + p.label() + ": " + Failures.describe(f);
      trail.add(BELLWETHER, "restore-failed", why);
      return why;
    }
    long at = Workflow.currentTimeMillis();
    if (s != null && s.active()) {
      faults.set(i, rec.with(FaultRecord.FAILED, rec.injectedAt(), rec.deadline(), null, endedBy));
      String why =
          p.label()
              + " is still in force on "
              + String.join(", ", s.affected())
              + " after restoring it"
              + (RunText.isBlank(s.detail()) ? "" : ": " + s.detail());
      trail.add(BELLWETHER, "restore-failed", why);
      return why;
    }
    lastRestoredMillis = at;
    faults.set(
        i,
        rec.with(
            FaultRecord.RESTORED, rec.injectedAt(), rec.deadline(), ChaosJournal.iso(at), endedBy));
    trail.add(
        BELLWETHER,
        "restored",
        p.label()
            + " restored (ended by "
            + endedBy
            + ")"
            + (s == null || RunText.isBlank(s.detail()) ? "" : ": " + s.detail()));
    return null;
  }

  /** Restores every step still INJECTING or ACTIVE. */
  private void restoreRemaining(String endedBy) {
    Promise<FaultState> injecting = injectInFlight;
    if (injecting != null && !injecting.isCompleted()) {
      Workflow.await(injecting::isCompleted);
    }
    for (int i = 0; i < faults.size(); i++) {
      String state = faults.get(i).state();
      if (FaultRecord.INJECTING.equals(state) || FaultRecord.ACTIVE.equals(state)) {
        String failed = restore(i, endedBy);
        if (failed != null) {
          stop(failed);
        }
      }
    }
    current = -1;
  }

  private Void releaseLease(String leaseId) {
    if (!leases.contains(leaseId)) {
      return null;
    }
    leases.remove(leaseId);
    try {
      act.release.release(leaseId);
      trail.add(BELLWETHER, "lease-released", leaseId);
    } catch (TemporalFailure f) {
      trail.add(
          BELLWETHER,
          "lease-release-failed",
          leaseId
              + ": "
              + Failures.describe(f)
              + "; the coordinator takes it back when it expires or this run closes");
    }
    return null;
  }

  private void releaseAll() {
    for (String id : List.copyOf(leases)) {
      releaseLease(id);
    }
  }

  /**
   * Every fault that was ever injected is checked to be gone (restored again once when it is
   * not); then the steady-state probes must all pass in one round within the recovery timeout.
   * Returns why restoration is not verified, or null.
   */
  private String verify() {
    phase = Phase.VERIFYING;
    long started = Workflow.currentTimeMillis();
    try {
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < faults.size(); i++) {
        if (FaultRecord.PLANNED.equals(faults.get(i).state())) {
          continue;
        }
        String p = checkGone(i);
        if (p != null) {
          problems.add(p);
        }
      }
      if (!problems.isEmpty()) {
        return "faults left in force: " + String.join("; ", problems);
      }
      return recovered();
    } finally {
      WorkflowMetrics.stepTook("verify", started);
    }
  }

  private String checkGone(int i) {
    PlannedStep p = steps.get(i);
    FaultRecord rec = faults.get(i);
    step = "verifying that " + p.label() + " is gone";
    FaultState s;
    try {
      s = act.restore.probe(rec.request());
    } catch (TemporalFailure f) {
      return p.label() + " could not be checked: " + Failures.describe(f);
    }
    if (s != null && !s.active()) {
      if (!FaultRecord.RESTORED.equals(rec.state())) {
        long at = Workflow.currentTimeMillis();
        lastRestoredMillis = Math.max(lastRestoredMillis, at);
        faults.set(
            i,
            rec.with(
                FaultRecord.RESTORED,
                rec.injectedAt(),
                rec.deadline(),
                ChaosJournal.iso(at),
                rec.endedBy() == null ? "verification" : rec.endedBy()));
        trail.add(BELLWETHER, "verified-gone", p.label() + " is not in force");
      }
      return null;
    }
    trail.add(
        BELLWETHER,
        "still-active",
        p.label()
            + " is still in force"
            + (s == null || s.affected().isEmpty() ? "" : " on " + String.join(", ", s.affected()))
            + ": restoring it again");
    return restore(i, rec.endedBy() == null ? "verification" : rec.endedBy());
  }

  /** Null once one round of the steady-state probes passes within the recovery timeout. */
  private String recovered() {
    Duration timeout = spec.recoveryTimeoutOrDefault();
    long interval = spec.intervalOrDefault().toMillis();
    long start = Workflow.currentTimeMillis();
    long deadline = start + timeout.toMillis();
    int reads = 0;
    List<String> off;
    while (true) {
      reads++;
      step = "verifying recovery: reading " + reads;
      off = readSteady(Stage.RECOVERY);
      if (off.isEmpty()) {
        long after = Math.max(0, Workflow.currentTimeMillis() - lastRestoredMillis);
        String text =
            "recovered: every probe within tolerance "
                + ChaosJournal.seconds(after)
                + " after restoration";
        journal.finding(text);
        trail.add(BELLWETHER, "recovered", text);
        return null;
      }
      long next = start + reads * interval;
      if (next > deadline) {
        break;
      }
      Workflow.sleep(Duration.ofMillis(Math.max(1, next - Workflow.currentTimeMillis())));
    }
    String why =
        "not recovered within "
            + Durations.format(timeout)
            + " of restoration: "
            + String.join("; ", off);
    trail.add(BELLWETHER, "not-recovered", why);
    return why;
  }

  /** The budget burned up to now, read once more at the end. */
  private void finalBudget() {
    if (sloStart == null) {
      return;
    }
    SloReading now = readSloQuietly();
    if (now != null && now.failed() != null && now.total() != null) {
      budget =
          new BudgetStatus(
              budget.objective(),
              budget.remainingAtStart(),
              budget.allowance(),
              ErrorBudget.burned(sloStart, now),
              ErrorBudget.seen(sloStart, now));
    }
    if (budget.allowance() != null) {
      journal.finding(
          "error budget: "
              + ChaosJournal.count(budget.burned())
              + " of "
              + ChaosJournal.count(budget.allowance())
              + " allowed requests burned ("
              + ChaosJournal.count(budget.seen())
              + " requests seen)");
    } else {
      journal.finding(
          "error budget: "
              + ChaosJournal.count(budget.burned())
              + " failed of "
              + ChaosJournal.count(budget.seen())
              + " requests since the first injection");
    }
  }

  /** After the faults: restore what is left, return the leases, verify, and conclude. */
  private ChaosResult conclude() {
    concluding = true;
    paused = false;
    restoreRemaining("experiment over");
    releaseAll();
    String unverified = injectedAny ? verify() : null;
    finalBudget();
    if (unverified != null || anyFailed()) {
      throw restorationFailed(unverified);
    }
    restorationFindings();
    if (stopReason != null) {
      verdict = injectedAny ? Verdict.ABORTED : Verdict.NOT_RUN;
      return end(injectedAny ? Phase.ROLLED_BACK : Phase.ABORTED, stopReason);
    }
    verdict = deviated ? Verdict.DEVIATED : Verdict.HELD;
    journal.finding(
        deviated
            ? "the hypothesis did not hold: a probe left its during-fault tolerance"
            : "the hypothesis held: every probe stayed within its tolerance through "
                + steps.size()
                + " fault step(s)");
    return end(Phase.SUCCEEDED, null);
  }

  private boolean anyFailed() {
    return faults.stream().anyMatch(f -> FaultRecord.FAILED.equals(f.state()));
  }

  private void restorationFindings() {
    if (breachText != null && lastRestoredMillis >= breachAtMillis) {
      journal.finding(
          breachText
              + "; all faults restored "
              + ChaosJournal.seconds(lastRestoredMillis - breachAtMillis)
              + " later");
    } else if (breachAtMillis > 0 && lastRestoredMillis >= breachAtMillis) {
      journal.finding(
          "rollback by "
              + rollbackBy
              + " at "
              + ChaosJournal.clock(breachAtMillis)
              + "; all faults restored "
              + ChaosJournal.seconds(lastRestoredMillis - breachAtMillis)
              + " later");
    }
  }

  /**
   * Ends the run FAILED with verdict RESTORATION_FAILED: the failure (non-retryable, {@code
   * RestoreFailed}) carries the result; status stays queryable and the last notification says
   * why.
   */
  private ApplicationFailure restorationFailed(String unverified) {
    List<String> problems = new ArrayList<>();
    if (unverified != null) {
      problems.add(unverified);
    }
    for (int i = 0; i < faults.size(); i++) {
      if (FaultRecord.FAILED.equals(faults.get(i).state())) {
        String label = steps.get(i).label();
        if (problems.stream().noneMatch(p -> p.contains(label))) {
          problems.add(label + " could not be restored");
        }
      }
    }
    verdict = Verdict.RESTORATION_FAILED;
    String why =
        "restoration failed, check the service now: "
            + String.join("; ", problems)
            + (stopReason == null ? "" : " (the experiment had stopped: " + stopReason + ")");
    journal.finding(why);
    end(Phase.FAILED, why);
    return ApplicationFailure.newNonRetryableFailure(why, FailureTypes.RESTORE_FAILED, result());
  }

  /** Cancel restores and verifies in a detached scope, then the cancel goes on. */
  private void onCancel() {
    paused = false;
    if (current >= 0 && breachAtMillis == 0) {
      breachAtMillis = Workflow.currentTimeMillis();
    }
    rollbackRequested = true;
    rollbackBy = "temporal";
    rollbackReason = "the run was canceled";
    trail.add("temporal", "cancel", "phase " + phase);
    WorkflowScopes.outsideCancel(
        () -> {
          concluding = true;
          if (!injectedAny) {
            releaseAll();
            verdict = Verdict.NOT_RUN;
            end(Phase.ABORTED, "canceled before anything was injected");
            return null;
          }
          restoreRemaining("cancel");
          releaseAll();
          String unverified = verify();
          finalBudget();
          if (unverified != null || anyFailed()) {
            throw restorationFailed(unverified);
          }
          stop("canceled");
          restorationFindings();
          verdict = Verdict.ABORTED;
          end(Phase.ROLLED_BACK, "canceled: every fault restored and verified");
          return null;
        });
  }

  private void fail(String why) {
    verdict = Verdict.NOT_RUN;
    phase = Phase.FAILED;
    step = "";
    reason = why;
    endedAt = AuditTrail.now();
    trail.add(BELLWETHER, "failed", why);
    WorkflowMetrics.runFinished("failed");
  }

  private ChaosResult end(Phase end, String why) {
    phase = end;
    reason = why;
    step = "";
    endedAt = AuditTrail.now();
    String event =
        switch (end) {
          case SUCCEEDED -> "succeeded";
          case ROLLED_BACK -> "rolled-back";
          case ABORTED -> "aborted";
          default -> "failed";
        };
    trail.add(BELLWETHER, event, "verdict " + verdict + (why == null ? "" : ": " + why));
    boolean canceled = "temporal".equals(rollbackBy) && end != Phase.FAILED;
    WorkflowMetrics.runFinished(
        canceled ? "canceled" : end == Phase.ROLLED_BACK ? "rolled_back" : event);
    return result();
  }

  // ---------------------------------------------------------------------------------------------
  // Operator controls: signals and updates share one rule book

  @Override
  protected void onSignal(String action, OperatorRequest request) {
    if (Controls.isGateAction(action)) {
      controls.gateSignal(gate, action, request, Controls.finished(phase));
    } else if (controls.admitSignal(action, request, runRefusal(action))) {
      apply(action, request);
    }
  }

  /** Throwing here rejects the update before it reaches history. */
  @Override
  protected void onValidate(String action, OperatorRequest request) {
    if (Controls.isGateAction(action)) {
      Controls.checkGate(gate, action, request, Controls.finished(phase));
    } else {
      Controls.check(action, request, runRefusal(action));
    }
  }

  @Override
  protected ControlResponse onUpdate(String action, OperatorRequest request) {
    if (Controls.isGateAction(action)) {
      GateDecision d = Controls.gateUpdate(gate, action, request, Controls.finished(phase));
      return new ControlResponse(action, phase, paused, Controls.answer(d, gate));
    }
    return apply(action, request);
  }

  /** Why a control does not apply now, or null when it does. Deterministic. */
  private String runRefusal(String action) {
    String finished = Controls.finished(phase);
    if (finished != null) {
      return finished;
    }
    if (rollbackRequested) {
      return ROLLBACK.equals(action) ? "already rolling back" : "the experiment is stopping";
    }
    if (concluding) {
      return "the experiment is over: its faults are being restored and verified";
    }
    return switch (action) {
      case PAUSE -> paused ? "already paused" : null;
      case RESUME -> paused ? null : "the run is not paused";
      case ROLLBACK -> null;
      case PROMOTE -> {
        if (phase != Phase.FAULT_ACTIVE || current < 0) {
          yield "no fault is in force: promote ends the current fault early";
        }
        yield promoteRequested ? "already promoted by " + promotedBy : null;
      }
      default -> "unknown action";
    };
  }

  private ControlResponse apply(String action, OperatorRequest request) {
    String why = RunText.isBlank(request.reason()) ? "" : request.reason();
    String by = request.by().strip();
    String answer;
    switch (action) {
      case PAUSE -> {
        paused = true;
        answer =
            current >= 0
                ? "paused: the fault stays in force past its duration until resume, never past"
                    + " its dead-man switch at "
                    + faults.get(current).deadline()
                : "paused: nothing more is injected until resume";
      }
      case RESUME -> {
        paused = false;
        answer = "resumed";
      }
      case PROMOTE -> {
        promoteRequested = true;
        promotedBy = by;
        answer = "ending " + steps.get(current).label() + " now: it is restored at once";
      }
      default -> {
        rollbackRequested = true;
        paused = false;
        rollbackBy = by;
        rollbackReason = why.isEmpty() ? "requested by " + by : why + " (" + by + ")";
        if (current >= 0 && breachAtMillis == 0) {
          breachAtMillis = Workflow.currentTimeMillis();
        }
        answer =
            injectedAny
                ? "aborting: every fault in force is restored now, then recovery is verified"
                : "aborting: nothing was injected and nothing will be";
      }
    }
    controlsApplied++;
    trail.add(by, action, why);
    return new ControlResponse(action, phase, paused, answer);
  }

  // ---------------------------------------------------------------------------------------------
  // Status and result

  @Override
  public ChaosStatus status() {
    return new ChaosStatus(
        spec == null || spec.service() == null ? "" : spec.service(),
        spec == null || spec.name() == null ? "" : spec.name(),
        spec == null ? null : spec.hypothesis(),
        phase,
        verdict,
        step,
        List.copyOf(faults),
        List.copyOf(blast),
        journal.samples(),
        budget,
        gate == null ? null : gate.status(),
        paused,
        reason,
        journal.findings(),
        trail.events());
  }

  private ChaosResult result() {
    return new ChaosResult(
        spec == null ? null : spec.service(),
        spec == null ? null : spec.name(),
        phase,
        verdict,
        hypothesisHeld(),
        reason,
        List.copyOf(faults),
        List.copyOf(blast),
        budget,
        breachAtMillis > 0 && lastRestoredMillis >= breachAtMillis
            ? lastRestoredMillis - breachAtMillis
            : 0,
        journal.findings(),
        startedAt,
        endedAt);
  }

  /**
   * False when a probe left its during-fault tolerance, a guardrail or the budget was breached, or
   * the probes did not recover; true when every step ran its course within tolerance; null when no
   * fault ran or the experiment was stopped (rollback, cancel, a failed injection, the dead-man
   * switch) before the hypothesis could be judged.
   */
  private Boolean hypothesisHeld() {
    if (!injectedAny) {
      return null;
    }
    if (deviated || breached || verdict == Verdict.RESTORATION_FAILED) {
      return false;
    }
    return verdict == Verdict.HELD ? Boolean.TRUE : null;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
