package io.bellwether.workflows.canary;

import io.bellwether.analysis.AnalysisTally;
import io.bellwether.analysis.CanaryJudge;
import io.bellwether.analysis.Thresholds;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.bluegreen.PoolInstances;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.AnalysisStep;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.CanarySpecValidator;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.canary.CanaryStep;
import io.bellwether.contracts.canary.CanaryTarget;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.canary.MetricCheck;
import io.bellwether.contracts.canary.PauseStep;
import io.bellwether.contracts.canary.SegmentRoute;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.workflows.AuditTrail;
import io.bellwether.workflows.Failures;
import io.bellwether.workflows.HealthProbes;
import io.bellwether.workflows.QueryTemplate;
import io.bellwether.workflows.RunActivities;
import io.bellwether.workflows.RunText;
import io.bellwether.workflows.StageScope;
import io.bellwether.workflows.WorkflowMetrics;
import io.bellwether.workflows.WorkflowScopes;
import io.bellwether.workflows.control.ControlDispatch;
import io.bellwether.workflows.control.Controls;
import io.bellwether.workflows.gate.ApprovalGate;
import io.bellwether.workflows.notify.RunNotices;
import io.bellwether.workflows.pool.PoolMember;
import io.bellwether.workflows.pool.SlotInstances;
import io.bellwether.workflows.rolling.RolloutChild;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code CanaryRelease} workflow. Canary instances (and, with {@code freshBaseline}, one
 * instance at the stable version) are provisioned into free slots of the pool's candidate backend
 * and health-checked while they take no traffic; then the steps run in order; after the last one
 * the stable backend is upgraded by a child {@code RollingDeployment} and the canary instances are
 * removed.
 *
 * <p>Two promises hold: whatever ends the run short of a finished promotion (a failed analysis,
 * {@code rollback}, a rejection, cancel, an error after traffic moved), the first thing it does is
 * one router call that sends all random traffic to stable ({@code setCandidatePercent 0}), then it
 * clears the segment route, then it removes the canary instances; and an analysis that cannot
 * decide never lets the run go on by itself: it waits at an automatic gate until a fresh analysis
 * decides or a person does.
 *
 * <p>Deterministic: it only reads the workflow clock, awaits, calls activity stubs and a child, and
 * runs pure analysis code.
 */
public class CanaryReleaseWorkflowImpl extends ControlDispatch implements CanaryReleaseWorkflow {
  /** Who acts when the run acts on its own. */
  public static final String BELLWETHER = "bellwether";

  /** The name of the gate an inconclusive analysis at step {@code i} opens. */
  public static String inconclusiveGateName(int stepIndex) {
    return "inconclusive-" + stepIndex;
  }

  /** The name of the approval gate of step {@code i}. */
  public static String approvalGateName(int stepIndex) {
    return "approval-" + stepIndex;
  }

  private static final String APPROVE = Controls.APPROVE;
  private static final String REJECT = Controls.REJECT;
  private static final String PAUSE = Controls.PAUSE;
  private static final String RESUME = Controls.RESUME;
  private static final String ROLLBACK = Controls.ROLLBACK;
  private static final String PROMOTE = Controls.PROMOTE;

  private CanaryReleaseSpec spec;
  private Phase phase = Phase.VALIDATING;
  private int stepIndex;
  private String step = "validate";
  private String message = "";
  private final AuditTrail trail = new AuditTrail();
  private final Controls controls = new Controls(trail);
  private RunNotices notices;

  private boolean planned;
  private String router = "";
  private String poolName = "";
  private String stableBackend = "";
  private String canaryBackend = "";
  private String stableVersion = "";
  private final List<PoolMember> canaries = new ArrayList<>();
  private PoolMember freshBaseline;
  private final List<String> stableServers = new ArrayList<>();

  private int canaryWeight;
  private SegmentRoute segment = SegmentRoute.none();
  private boolean segmentsTouched;
  private long firstTrafficMillis;
  private long stableOnlyMillis;

  private final List<AnalysisRun> analyses = new ArrayList<>();
  private ApprovalGate approvalGate;
  private InconclusiveGate inconclusiveGate;

  /** The gate status shows: the open one or the last one; null before any. */
  private Supplier<GateStatus> lastGate;

  private boolean paused;

  /** An indefinite pause step is waiting for resume or promote. */
  private boolean pauseStepWaiting;

  private boolean pauseStepReleased;

  private boolean rollbackRequested;
  private String rollbackBy = "";
  private String rollbackReason = "";

  /** promote: the remaining setWeight, pause and setHeaderRoute steps are skipped. */
  private boolean promoted;

  private String promotedBy = "";

  /** promote --full: the remaining analyses are skipped too. */
  private boolean promotedFull;

  private String promotion;
  private boolean promotionStarted;
  private boolean rolloutSucceeded;

  /** Provisioning and verification run here; a rollback cancels it so that long waits stop. */
  private final StageScope stage = new StageScope();
  private final RolloutChild promotionChild = new RolloutChild();

  private RunActivities forward;
  private RunActivities patient;
  private SlotInstances slots;

  @Override
  public CanaryResult run(CanaryReleaseSpec spec) {
    this.spec = spec;
    // First, on every path: the version marker must sit at the same point of every new history.
    notices =
        RunNotices.open(
            TYPE,
            trail,
            spec == null || RunText.isBlank(spec.requestedBy()) ? "unknown" : spec.requestedBy(),
            spec == null ? "no spec" : "canary " + spec.service() + " " + spec.version());
    return RunNotices.thenTellTheEnd(this::release, this::tellTheEnd);
  }

  private CanaryResult release() {
    try {
      PoolState pool = validate();
      plan(pool);
      notices.started(spec.service(), spec.version());
      return deliver();
    } catch (CanceledFailure e) {
      onCancel();
      throw e;
    }
  }

  private void tellTheEnd() {
    notices.end(phase, message, ApprovalGate.endedBy(rollbackBy, approvalGate));
  }

  // ---------------------------------------------------------------------------------------------
  // Validation and plan

  private PoolState validate() {
    List<Violation> problems = new ArrayList<>(CanarySpecValidator.validate(spec));
    List<Violation> unknown = new ArrayList<>();
    PoolState pool = null;
    CanaryTarget t = spec == null ? null : spec.target();
    boolean namesWellFormed =
        t != null && problems.stream().noneMatch(v -> v.field().startsWith("target"));
    if (namesWellFormed) {
      RunActivities check = RunActivities.forValidation();
      try {
        unknown.addAll(check.config.checkCanaryTarget(t));
        boolean poolKnown =
            unknown.stream()
                .noneMatch(
                    v -> v.field().equals("target.router") || v.field().equals("target.pool"));
        if (poolKnown) {
          try {
            pool = check.pool.poolState(t.router(), t.pool());
            problems.addAll(poolProblems(pool));
          } catch (ActivityFailure f) {
            if (!FailureTypes.UNKNOWN_TARGET.equals(Failures.type(f))) {
              throw f;
            }
            unknown.add(new Violation("target.pool", Failures.describe(f)));
          }
        }
        if (spec.steps() != null) {
          unknown.addAll(providerProblems(check));
        }
        if (pool != null && problems.isEmpty() && unknown.isEmpty()) {
          problems.addAll(readStableVersion(check, pool));
        }
      } catch (ActivityFailure f) {
        WorkflowScopes.throwIfCanceled("the run was canceled while checking the spec");
        fail("could not check the target: " + Failures.describe(f));
        throw f;
      }
    }
    if (!problems.isEmpty() || !unknown.isEmpty()) {
      List<Violation> all = new ArrayList<>(problems);
      all.addAll(unknown);
      String text = InvalidSpecException.describe(all);
      fail(text);
      throw Failures.refusedSpec(text, problems.isEmpty(), all);
    }
    return pool;
  }

  /** Analyses that name their own provider: each must be configured (the target's is checked). */
  private List<Violation> providerProblems(RunActivities check) {
    List<Violation> out = new ArrayList<>();
    Set<String> asked = new LinkedHashSet<>();
    for (int i = 0; i < spec.steps().size(); i++) {
      CanaryStep s = spec.steps().get(i);
      AnalysisStep a = s == null ? null : s.analysis();
      if (a == null || RunText.isBlank(a.provider()) || a.provider().equals(spec.target().metrics())) {
        continue;
      }
      if (!asked.add(a.provider())) {
        continue;
      }
      try {
        boolean online = check.metrics.isOnline(a.provider());
        trail.add(BELLWETHER, "provider", a.provider() + (online ? " is online" : " is not answering now"));
      } catch (ActivityFailure f) {
        if (!FailureTypes.UNKNOWN_TARGET.equals(Failures.type(f))) {
          throw f;
        }
        out.add(new Violation("steps[" + i + "].analysis.provider", Failures.describe(f)));
      }
    }
    return out;
  }

  /** Why this pool cannot take a canary now; empty when it can. Touches nothing. */
  private List<Violation> poolProblems(PoolState pool) {
    List<Violation> out = new ArrayList<>();
    CanaryTarget t = spec.target();
    String where = "pool '" + pool.pool() + "' in router '" + t.router() + "'";
    if (!t.backend().equals(pool.liveBackend())) {
      out.add(
          new Violation(
              "target.backend",
              where + " routes to '" + pool.liveBackend() + "', not to '" + t.backend() + "'"));
      return out;
    }
    List<ServerInfo> candidate = pool.servers().get(pool.candidateBackend());
    List<ServerInfo> live = pool.servers().get(pool.liveBackend());
    if (candidate == null || live == null || pool.candidateBackend().equals(pool.liveBackend())) {
      out.add(new Violation("target.pool", where + " has no canary backend with slots"));
      return out;
    }
    if (pool.candidatePercent() != 0) {
      out.add(
          new Violation(
              "target.pool",
              where
                  + " already sends "
                  + pool.candidatePercent()
                  + "% to '"
                  + pool.candidateBackend()
                  + "': another canary may be running; finish or undo it first"));
    }
    if (live.stream().noneMatch(CanaryReleaseWorkflowImpl::occupied)) {
      out.add(new Violation("target.backend", "backend '" + t.backend() + "' has no ready servers"));
    }
    long free = candidate.stream().filter(s -> !occupied(s)).count();
    int wanted = spec.replicasOrDefault() + (spec.freshBaselineOrDefault() ? 1 : 0);
    if (wanted > free) {
      out.add(
          new Violation(
              "replicas",
              wanted
                  + " canary instance(s)"
                  + (spec.freshBaselineOrDefault() ? " (baseline included)" : "")
                  + " do not fit: backend '"
                  + pool.candidateBackend()
                  + "' has "
                  + free
                  + " free slot(s)"));
    }
    return out;
  }

  /** The stable version from the spec, or from the deployer for the first stable server. */
  private List<Violation> readStableVersion(RunActivities check, PoolState pool) {
    if (!RunText.isBlank(spec.stableVersion())) {
      stableVersion = spec.stableVersion();
      return List.of();
    }
    ServerInfo first =
        pool.servers().get(pool.liveBackend()).stream()
            .filter(CanaryReleaseWorkflowImpl::occupied)
            .findFirst()
            .orElseThrow();
    String v = check.deploy.currentVersion(spec.target().deployer(), first.name(), first.address());
    stableVersion = v == null ? "" : v;
    if (stableVersion.isEmpty()) {
      return List.of(
          new Violation(
              "stableVersion",
              "the deployer cannot tell what '"
                  + first.name()
                  + "' runs; set stableVersion in the spec"));
    }
    if (stableVersion.equals(spec.version())) {
      return List.of(
          new Violation("version", "the stable instances already run " + spec.version()));
    }
    return List.of();
  }

  private static boolean occupied(ServerInfo s) {
    return s.state() != ServerState.MAINT && s.address() != null && !s.address().isBlank();
  }

  private void plan(PoolState pool) {
    CanaryTarget t = spec.target();
    router = t.router();
    poolName = t.pool();
    stableBackend = pool.liveBackend();
    canaryBackend = pool.candidateBackend();
    for (ServerInfo s : pool.servers().get(stableBackend)) {
      if (occupied(s)) {
        stableServers.add(s.name());
      }
    }
    List<ServerInfo> free =
        pool.servers().get(canaryBackend).stream().filter(s -> !occupied(s)).toList();
    int n = 0;
    for (; n < spec.replicasOrDefault(); n++) {
      String slot = free.get(n).name();
      canaries.add(new PoolMember(slot, PoolInstances.name(spec.service(), canaryBackend, slot), n + 1));
    }
    if (spec.freshBaselineOrDefault()) {
      String slot = free.get(n).name();
      freshBaseline =
          new PoolMember(slot, PoolInstances.name(spec.service(), canaryBackend, slot), n + 1);
    }
    Duration healthTimeout = HealthProbes.timeout(healthCheck());
    forward = RunActivities.forward(healthTimeout);
    patient = RunActivities.patient(healthTimeout);
    slots = new SlotInstances(trail, router, t.deployer(), this::interrupted);
    planned = true;
    trail.add(
        BELLWETHER,
        "planned",
        canaries.size()
            + " canary instance(s) at "
            + spec.version()
            + (freshBaseline == null ? "" : " and a fresh baseline at " + stableVersion)
            + " into '"
            + canaryBackend
            + "' slots "
            + String.join(", ", members().stream().map(m -> m.slot).toList())
            + "; stable '"
            + stableBackend
            + "' runs "
            + stableVersion
            + " on "
            + String.join(", ", stableServers));
  }

  private List<PoolMember> members() {
    List<PoolMember> all = new ArrayList<>(canaries);
    if (freshBaseline != null) {
      all.add(freshBaseline);
    }
    return all;
  }

  // ---------------------------------------------------------------------------------------------
  // Forward path

  private CanaryResult deliver() {
    if (rollbackRequested) {
      return rollBack("rolled back before anything changed: " + rollbackReason, null);
    }
    String problem = stage.run(this::provisionAndVerify);
    WorkflowScopes.throwIfCanceled();
    if (rollbackRequested) {
      return rollBack("rolled back before the canary took traffic: " + rollbackReason, null);
    }
    if (problem != null) {
      return rollBack("the canary instances did not come up: " + problem, null);
    }
    List<CanaryStep> steps = spec.steps();
    for (stepIndex = 0; stepIndex < steps.size(); stepIndex++) {
      holdWhilePaused();
      if (rollbackRequested) {
        return rollBack(rolledBackAt(), null);
      }
      String why = runStep(steps.get(stepIndex));
      WorkflowScopes.throwIfCanceled();
      if (why != null) {
        return rollBack(why, null);
      }
      if (rollbackRequested) {
        return rollBack(rolledBackAt(), null);
      }
    }
    stepIndex = steps.size();
    holdWhilePaused();
    if (rollbackRequested) {
      return rollBack(rolledBackAt(), null);
    }
    return promote();
  }

  private String rolledBackAt() {
    return "rolled back at step " + (stepIndex + 1) + " (" + step + "): " + rollbackReason;
  }

  private String provisionAndVerify() {
    phase = Phase.PROVISIONING;
    step = "provision";
    long started = Workflow.currentTimeMillis();
    List<String> problems =
        WorkflowScopes.concurrently(
            members(),
            m ->
                slots.provision(
                    forward.pool,
                    forward.deploy,
                    canaryBackend,
                    m,
                    m == freshBaseline ? stableVersion : spec.version()));
    WorkflowMetrics.stepTook("provision", started);
    if (!problems.isEmpty() || interrupted()) {
      return problems.isEmpty() ? null : String.join("; ", problems);
    }
    phase = Phase.VERIFYING;
    step = "verify";
    started = Workflow.currentTimeMillis();
    problems = WorkflowScopes.concurrently(members(), this::verify);
    WorkflowMetrics.stepTook("verify", started);
    if (problems.isEmpty() && !interrupted()) {
      trail.add(
          BELLWETHER,
          "verified",
          members().size() + " instance(s) healthy in '" + canaryBackend + "', no traffic yet");
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private String verify(PoolMember m) {
    SmokeCheckSpec smoke = spec.smokeCheck();
    String version = m == freshBaseline ? stableVersion : spec.version();
    String check = spec.target().healthCheckOrDefault();
    return slots.verify(
        forward.health,
        m,
        HealthProbes.health(check, healthCheck(), m.address),
        smoke == null ? null : HealthProbes.smoke(check, healthCheck(), smoke, version, m.address),
        smoke == null ? null : smoke.path());
  }

  private boolean interrupted() {
    return rollbackRequested || CancellationScope.current().isCancelRequested();
  }

  /** Runs one step; returns null to go on, or why the run must roll back. */
  private String runStep(CanaryStep s) {
    String kind = s.kind();
    step = describe(s);
    boolean skip =
        promotedFull
            ? !"approval".equals(kind)
            : promoted && !"analysis".equals(kind) && !"approval".equals(kind);
    if (skip) {
      trail.add(
          BELLWETHER,
          "skipped",
          "step " + (stepIndex + 1) + " (" + step + "): promote" + (promotedFull ? " --full" : "") + " by " + promotedBy);
      if ("analysis".equals(kind)) {
        AnalysisRun run = new AnalysisRun(stepIndex, Workflow.currentTimeMillis());
        run.end(AnalysisRecord.SKIPPED, "skipped by promote --full (" + promotedBy + ")", Workflow.currentTimeMillis());
        analyses.add(run);
      }
      return null;
    }
    long started = Workflow.currentTimeMillis();
    try {
      return switch (kind) {
        case "setWeight" -> setWeight(s.setWeight());
        case "setHeaderRoute" -> setSegments(s.setHeaderRoute());
        case "pause" -> pause(s.pause());
        case "approval" -> passGate(s.approval());
        default -> analyze(s.analysis());
      };
    } finally {
      WorkflowMetrics.stepTook(kind, started);
    }
  }

  private static String describe(CanaryStep s) {
    return switch (s.kind()) {
      case "setWeight" -> "setWeight " + s.setWeight();
      case "setHeaderRoute" -> "setHeaderRoute";
      case "pause" -> s.pause().indefinite() ? "pause" : "pause " + s.pause().duration();
      case "approval" -> "approval";
      default -> "analysis";
    };
  }

  private String setWeight(int percent) {
    phase = Phase.SWITCHING;
    try {
      PoolState s = forward.pool.setCandidatePercent(router, poolName, percent);
      canaryWeight = s == null ? percent : s.candidatePercent();
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return "setWeight " + percent + " failed: " + Failures.describe(f);
    }
    if (percent > 0) {
      firstTraffic();
    }
    trail.add(BELLWETHER, "traffic", percent + "% to the canary '" + canaryBackend + "'");
    notices.trafficStep(percent);
    return null;
  }

  private String setSegments(SegmentRoute route) {
    phase = Phase.SWITCHING;
    // Registered before the change: a call that timed out may still have reached the router.
    segmentsTouched = true;
    try {
      forward.pool.setSegments(router, poolName, route);
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return "setHeaderRoute failed: " + Failures.describe(f);
    }
    segment = route;
    if (!route.isEmpty()) {
      firstTraffic();
    }
    trail.add(BELLWETHER, "segment", route.isEmpty() ? "cleared" : segmentText(route));
    return null;
  }

  private static String segmentText(SegmentRoute r) {
    List<String> parts = new ArrayList<>();
    if (!r.headerValues().isEmpty()) parts.add("header " + String.join(",", r.headerValues()));
    if (!r.cookieValues().isEmpty()) parts.add("cookie " + String.join(",", r.cookieValues()));
    if (!r.users().isEmpty()) parts.add(r.users().size() + " user(s)");
    return "to the canary: " + String.join("; ", parts);
  }

  private void firstTraffic() {
    if (firstTrafficMillis == 0) {
      firstTrafficMillis = Workflow.currentTimeMillis();
    }
  }

  private String pause(PauseStep p) {
    if (p.indefinite()) {
      phase = Phase.PAUSED;
      pauseStepWaiting = true;
      pauseStepReleased = false;
      trail.add(BELLWETHER, "pause", "step " + (stepIndex + 1) + ": waiting for resume or promote");
      Workflow.await(() -> pauseStepReleased || promoted || rollbackRequested);
      pauseStepWaiting = false;
      return null;
    }
    phase = Phase.BAKING;
    Duration d = Durations.parse(p.duration());
    Workflow.await(d, () -> promoted || rollbackRequested);
    return null;
  }

  /** Returns why the run must not go on, or null. */
  private String passGate(ApprovalGateSpec g) {
    phase = Phase.AWAITING_APPROVAL;
    approvalGate =
        new ApprovalGate(
            approvalGateName(stepIndex),
            g,
            spec.requestedBy(),
            Workflow.getInfo().getWorkflowId(),
            forward.gate,
            trail);
    approvalGate.onOpen(notices::gateWaiting);
    ApprovalGate gate = approvalGate;
    lastGate = gate::status;
    ApprovalGate.Outcome outcome;
    try {
      outcome = gate.await(() -> rollbackRequested);
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return "the gate could not open: " + Failures.describe(f);
    }
    return switch (outcome) {
      case APPROVED, TIMED_OUT_PROCEED -> null;
      case REJECTED -> "rejected at gate '" + gate.name() + "': " + rejection(gate);
      case TIMED_OUT_ABORT -> "gate '" + gate.name() + "' timed out (onTimeout: abort)";
      case INTERRUPTED -> rolledBackAt();
    };
  }

  private static String rejection(ApprovalGate gate) {
    for (GateDecision d : gate.status().decisions()) {
      if (d.accepted() && REJECT.equals(d.action())) {
        return d.by() + (d.reason().isEmpty() ? "" : ": " + d.reason());
      }
    }
    return "rejected";
  }

  // ---------------------------------------------------------------------------------------------
  // Analysis

  /** Returns null to go on, or why the run must roll back. */
  private String analyze(AnalysisStep a) {
    AnalysisRun run = new AnalysisRun(stepIndex, Workflow.currentTimeMillis());
    analyses.add(run);
    phase = Phase.ANALYZING;
    Duration interval = Durations.parse(a.intervalOrDefault());
    Duration delay = Durations.parseOr(a.initialDelayOrDefault(), Duration.ZERO);
    try {
      if (!delay.isZero()) {
        step = "analysis: initial delay " + Durations.format(delay);
        Workflow.await(delay, () -> rollbackRequested || promotedFull);
      }
      while (true) {
        String stop = stopAnalysis(run);
        if (stop != null) {
          return stop.isEmpty() ? null : stop;
        }
        String outcome = attempt(run, a, interval);
        if (outcome == null) {
          continue;
        }
        if (AnalysisRecord.SUCCESSFUL.equals(outcome)) {
          if (inconclusiveGate != null && inconclusiveGate.isOpen()) {
            inconclusiveGate.closeByAnalysis(true, "a fresh analysis passed: " + run.reason);
            trail.add(BELLWETHER, "gate-approved", inconclusiveGate.name + ": the data came back and passed");
          }
          run.end(AnalysisRecord.SUCCESSFUL, run.reason, Workflow.currentTimeMillis());
          trail.add(BELLWETHER, "analysis-passed", "step " + (stepIndex + 1) + ": " + run.reason);
          phase = Phase.PROGRESSING;
          return null;
        }
        if (AnalysisRecord.FAILED.equals(outcome)) {
          if (inconclusiveGate != null && inconclusiveGate.isOpen()) {
            inconclusiveGate.closeByAnalysis(false, "a fresh analysis failed: " + run.reason);
          }
          run.end(AnalysisRecord.FAILED, run.reason, Workflow.currentTimeMillis());
          trail.add(BELLWETHER, "analysis-failed", "step " + (stepIndex + 1) + ": " + run.reason);
          return "analysis at step " + (stepIndex + 1) + " failed: " + run.reason;
        }
        // Inconclusive: never go on without data. Wait for it, or for a person.
        run.state = AnalysisRecord.INCONCLUSIVE;
        if (inconclusiveGate == null || !inconclusiveGate.isOpen()
            || !inconclusiveGate.name.equals(inconclusiveGateName(stepIndex))) {
          openInconclusive(run);
        }
        phase = Phase.INCONCLUSIVE;
        step = "analysis: inconclusive, retrying every " + Durations.format(interval);
        Workflow.await(interval, () -> rollbackRequested || promotedFull || decided());
      }
    } finally {
      if (inconclusiveGate != null && inconclusiveGate.isOpen()) {
        inconclusiveGate.state = InconclusiveGate.INTERRUPTED;
      }
      if (run.endedMillis == 0) {
        run.endedMillis = Workflow.currentTimeMillis();
      }
    }
  }

  private boolean decided() {
    return inconclusiveGate != null && inconclusiveGate.isOpen() && inconclusiveGate.decision != null;
  }

  /**
   * Whether the analysis must stop now: null to go on measuring, empty to go on with the run,
   * else why the run rolls back.
   */
  private String stopAnalysis(AnalysisRun run) {
    long now = Workflow.currentTimeMillis();
    if (rollbackRequested) {
      if (!isFinal(run.state)) {
        // Stopped before it could decide: no verdict, so never SUCCESSFUL.
        run.end(AnalysisRecord.INCONCLUSIVE, "stopped by the rollback (" + rollbackBy + ")", now);
      }
      return rolledBackAt();
    }
    if (promotedFull) {
      if (inconclusiveOpen()) {
        inconclusiveGate.state = InconclusiveGate.APPROVED;
      }
      run.end(AnalysisRecord.SKIPPED, "cut short by promote --full (" + promotedBy + ")", now);
      trail.add(BELLWETHER, "skipped", "analysis at step " + (stepIndex + 1) + ": promote --full by " + promotedBy);
      return "";
    }
    if (decided()) {
      InconclusiveGate g = inconclusiveGate;
      boolean goOn = APPROVE.equals(g.decision) || PROMOTE.equals(g.decision);
      g.state = goOn ? InconclusiveGate.APPROVED : InconclusiveGate.REJECTED;
      trail.add(g.decidedBy, goOn ? "gate-approved" : "gate-rejected",
          g.name + ": " + g.decision + " while the analysis had no data");
      if (goOn) {
        run.end(AnalysisRecord.INCONCLUSIVE,
            run.reason + "; continued without data by " + g.decidedBy + " (" + g.decision + ")", now);
        phase = Phase.PROGRESSING;
        return "";
      }
      run.end(AnalysisRecord.INCONCLUSIVE, run.reason + "; rolled back by " + g.decidedBy, now);
      rollbackBy = g.decidedBy;
      return "rolled back by " + g.decidedBy + " at gate '" + g.name + "': the analysis had no data";
    }
    return null;
  }

  private static boolean isFinal(String state) {
    return AnalysisRecord.SUCCESSFUL.equals(state)
        || AnalysisRecord.FAILED.equals(state)
        || AnalysisRecord.SKIPPED.equals(state);
  }

  private void openInconclusive(AnalysisRun run) {
    inconclusiveGate = new InconclusiveGate(inconclusiveGateName(stepIndex));
    InconclusiveGate g = inconclusiveGate;
    lastGate = g::status;
    trail.add(
        BELLWETHER,
        "gate-open",
        g.name
            + ": the analysis cannot decide ("
            + run.reason
            + "); it retries every interval and never goes on without data: approve or promote to"
            + " go on, reject or rollback to roll back");
    notices.gateWaiting(g.name, List.of());
  }

  /**
   * One full analysis: {@code count} rounds {@code interval} apart, then the judge. Returns
   * SUCCESSFUL, FAILED or INCONCLUSIVE, or null when interrupted (a rollback, promote --full, or a
   * decision at the inconclusive gate; the caller looks).
   */
  private String attempt(AnalysisRun run, AnalysisStep a, Duration interval) {
    run.attempts++;
    int count = a.countOrDefault();
    AnalysisTally tally =
        new AnalysisTally(count, a.failureLimitOrDefault(), a.consecutiveErrorLimitOrDefault());
    String provider = provider(a);
    for (int r = 1; r <= count; r++) {
      if (r > 1) {
        Workflow.await(interval, () -> rollbackRequested || promotedFull || decided());
        holdWhilePaused();
      }
      if (rollbackRequested || promotedFull || decided()) {
        return null;
      }
      if (phase != Phase.INCONCLUSIVE) {
        phase = Phase.ANALYZING;
      }
      step = "analysis " + r + "/" + count + (run.attempts > 1 ? " (attempt " + run.attempts + ")" : "");
      tally.record(measure(run, a, provider, interval));
      run.reason = tally.reason();
      if (!AnalysisRecord.RUNNING.equals(tally.state())) {
        return tally.state();
      }
    }
    String finish = tally.finish();
    run.reason = tally.reason();
    if (!AnalysisRecord.SUCCESSFUL.equals(finish) || a.judge() == null) {
      return finish;
    }
    if (rollbackRequested || promotedFull || decided()) {
      return null;
    }
    step = "analysis: judge";
    Judgement j = judge(a, provider, interval);
    run.judgement = j;
    String score = j.score() == null ? "" : " (score " + Math.round(j.score()) + ")";
    trail.add(BELLWETHER, "judged", "step " + (stepIndex + 1) + ": " + j.verdict() + score + ": " + j.reason());
    switch (j.verdict()) {
      case Judgement.PASS -> {
        run.reason = run.reason + "; judge PASS" + score;
        return AnalysisRecord.SUCCESSFUL;
      }
      case Judgement.MARGINAL -> {
        if (a.judge().marginalPassesOrDefault()) {
          run.reason = run.reason + "; judge MARGINAL" + score + ", accepted (marginalPasses)";
          return AnalysisRecord.SUCCESSFUL;
        }
        run.reason = "judge MARGINAL" + score + ": " + j.reason();
        return AnalysisRecord.FAILED;
      }
      case Judgement.FAIL -> {
        run.reason = "judge FAIL" + score + ": " + j.reason();
        return AnalysisRecord.FAILED;
      }
      default -> {
        run.reason = "judge INCONCLUSIVE: " + j.reason();
        return AnalysisRecord.INCONCLUSIVE;
      }
    }
  }

  private String provider(AnalysisStep a) {
    return RunText.isBlank(a.provider()) ? spec.target().metrics() : a.provider();
  }

  /** One round: every metric for the canary (judged) and the baseline (for charts), at once. */
  private List<String> measure(AnalysisRun run, AnalysisStep a, String provider, Duration interval) {
    run.rounds++;
    Map<String, String> canaryVars = variables(interval, true);
    Map<String, String> baselineVars = variables(interval, false);
    List<Promise<MetricValue>> canary = new ArrayList<>();
    List<Promise<MetricValue>> baseline = new ArrayList<>();
    for (MetricCheck m : a.metrics()) {
      canary.add(
          Async.function(forward.metrics::query, provider, QueryTemplate.render(m.query(), canaryVars)));
      baseline.add(
          Async.function(forward.metrics::query, provider, QueryTemplate.render(m.query(), baselineVars)));
    }
    long at = Workflow.currentTimeMillis();
    List<String> verdicts = new ArrayList<>();
    for (int i = 0; i < a.metrics().size(); i++) {
      MetricCheck m = a.metrics().get(i);
      MetricValue c = valueOf(canary.get(i));
      MetricValue b = valueOf(baseline.get(i));
      String verdict = Thresholds.verdict(c, m.thresholdRange());
      verdicts.add(verdict);
      run.measurements.add(
          new Measurement(
              m.name(),
              run.rounds,
              at,
              c.status(),
              c.ok() && Double.isFinite(c.value()) ? c.value() : null,
              b.ok() && Double.isFinite(b.value()) ? b.value() : null,
              verdict,
              m.thresholdRange()));
    }
    return verdicts;
  }

  /** The value a query promise holds; a failed call counts as no data, never as a number. */
  private static MetricValue valueOf(Promise<MetricValue> p) {
    try {
      MetricValue v = p.get();
      return v == null ? MetricValue.of(MetricStatus.EMPTY, "no answer") : v;
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      MetricStatus s =
          FailureTypes.UNKNOWN_TARGET.equals(Failures.type(f)) ? MetricStatus.ERROR : MetricStatus.UNAVAILABLE;
      return MetricValue.of(s, Failures.describe(f));
    }
  }

  private Judgement judge(AnalysisStep a, String provider, Duration interval) {
    int window = (int) Math.max(1, interval.toSeconds() * a.countOrDefault());
    int stepSeconds = (int) Math.max(1, Durations.parse(a.judge().stepOrDefault()).toSeconds());
    Map<String, String> canaryVars = variables(interval, true);
    Map<String, String> baselineVars = variables(interval, false);
    List<Promise<MetricSeries>> c = new ArrayList<>();
    List<Promise<MetricSeries>> b = new ArrayList<>();
    for (MetricCheck m : a.metrics()) {
      c.add(Async.function(forward.metrics::queryRange, provider,
          QueryTemplate.render(m.query(), canaryVars), window, stepSeconds));
      b.add(Async.function(forward.metrics::queryRange, provider,
          QueryTemplate.render(m.query(), baselineVars), window, stepSeconds));
    }
    Map<String, List<Double>> canary = new HashMap<>();
    Map<String, List<Double>> base = new HashMap<>();
    for (int i = 0; i < a.metrics().size(); i++) {
      String name = a.metrics().get(i).name();
      canary.put(name, samples(c.get(i)));
      base.put(name, samples(b.get(i)));
    }
    return CanaryJudge.judge(a.judge(), a.metrics(), canary, base);
  }

  private static List<Double> samples(Promise<MetricSeries> p) {
    try {
      MetricSeries s = p.get();
      return s == null || s.status() != MetricStatus.OK ? List.of() : s.values();
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return List.of();
    }
  }

  private Map<String, String> variables(Duration interval, boolean canarySide) {
    return QueryTemplate.variables(
        spec.service(),
        spec.version(),
        stableVersion,
        canaries.stream().map(m -> m.instance).toList(),
        baselineInstances(),
        interval,
        canarySide);
  }

  private List<String> baselineInstances() {
    return freshBaseline != null ? List.of(freshBaseline.instance) : List.copyOf(stableServers);
  }

  // ---------------------------------------------------------------------------------------------
  // Promotion

  private CanaryResult promote() {
    phase = Phase.PROMOTING;
    step = "promotion";
    promotionStarted = true;
    promotion = WorkflowIds.canaryRollout(Workflow.getInfo().getWorkflowId());
    trail.add(
        BELLWETHER,
        "promoting",
        "every step passed; upgrading '" + stableBackend + "' to " + spec.version() + " (" + promotion + ")");
    notices.promoted(promotedBy);
    CanaryTarget t = spec.target();
    RollingDeploymentSpec rollout =
        RolloutChild.spec(
            spec.service(),
            spec.version(),
            new TargetRef(t.router(), t.backend(), t.deployer(), t.healthCheck()),
            spec.rolloutOrDefault(),
            spec.drainTimeout(),
            spec.healthCheck(),
            spec.smokeCheck(),
            spec.requestedBy());
    long started = Workflow.currentTimeMillis();
    RolloutChild.Outcome outcome;
    try {
      outcome = promotionChild.run(promotion, rollout, () -> rollbackRequested);
    } finally {
      WorkflowMetrics.stepTook("promotion", started);
    }
    WorkflowScopes.throwIfCanceled();
    if (rollbackRequested) {
      return rollBack(
          "rolled back during the promotion: " + rollbackReason + "; the rollout put '" + stableBackend
              + "' back",
          null);
    }
    if (outcome.failure() != null) {
      return rollBack("the promotion failed: " + outcome.failure(), Phase.FAILED);
    }
    RollingResult r = outcome.result();
    if (r.phase() != Phase.SUCCEEDED) {
      return rollBack("the promotion rolled back: " + r.message(), Phase.FAILED);
    }
    rolloutSucceeded = true;
    trail.add(BELLWETHER, "promoted", "'" + stableBackend + "' runs " + spec.version() + ": " + r.message());
    return WorkflowScopes.outsideCancel(this::finishPromotion);
  }

  /** The canary instances are no longer needed: traffic off them, then they go. */
  private CanaryResult finishPromotion() {
    step = "cleanup";
    List<String> problems = new ArrayList<>();
    try {
      patient.pool.setCandidatePercent(router, poolName, 0);
      canaryWeight = 0;
      if (segmentsTouched) {
        patient.pool.setSegments(router, poolName, SegmentRoute.none());
        segment = SegmentRoute.none();
      }
      problems.addAll(slots.removeRegistered(patient.pool, patient.deploy, canaryBackend, members()));
    } catch (TemporalFailure f) {
      problems.add("could not take traffic off the canary: " + Failures.describe(f));
    }
    String done = "every instance of '" + stableBackend + "' runs " + spec.version();
    if (!problems.isEmpty()) {
      trail.add(BELLWETHER, "cleanup-failed", String.join("; ", problems));
      return succeed(done + "; the canary instances could not all be removed, check: " + String.join("; ", problems));
    }
    return succeed(done + "; canary instances removed");
  }

  private CanaryResult succeed(String why) {
    phase = Phase.SUCCEEDED;
    step = "";
    message = why;
    trail.add(BELLWETHER, "succeeded", why);
    WorkflowMetrics.runFinished("succeeded");
    return result();
  }

  // ---------------------------------------------------------------------------------------------
  // Rollback

  /**
   * Stable only, then the canary removed; ends in {@code outcome}, or, when null, ROLLED_BACK if
   * the canary ever had traffic and ABORTED if not. Runs where a cancel cannot cut it short.
   */
  private CanaryResult rollBack(String why, Phase outcome) {
    return WorkflowScopes.outsideCancel(
        () -> {
          phase = Phase.ROLLING_BACK;
          step = "rollback";
          rollbackReason = why;
          trail.add(BELLWETHER, "rollback", why);
          long started = Workflow.currentTimeMillis();
          List<String> problems = restoreStable();
          WorkflowMetrics.stepTook("rollback", started);
          if (!problems.isEmpty()) {
            throw restoreFailed(why, problems);
          }
          Phase end = outcome != null ? outcome : firstTrafficMillis > 0 ? Phase.ROLLED_BACK : Phase.ABORTED;
          phase = end;
          step = "";
          message = why;
          trail.add(BELLWETHER, end == Phase.FAILED ? "failed" : end == Phase.ABORTED ? "aborted" : "rolled-back", why);
          WorkflowMetrics.runFinished(
              end == Phase.FAILED ? "failed" : end == Phase.ABORTED ? "aborted" : "rolled_back");
          return result();
        });
  }

  /**
   * All random traffic to stable in one call, then the segment route cleared, then the canary
   * instances removed. Returns the problems met; never removes an instance that may still have
   * traffic.
   */
  private List<String> restoreStable() {
    List<String> problems = new ArrayList<>();
    if (!planned) {
      return problems;
    }
    boolean touched = members().stream().anyMatch(m -> m.registered);
    if (!touched && canaryWeight == 0 && !segmentsTouched) {
      return problems;
    }
    try {
      patient.pool.setCandidatePercent(router, poolName, 0);
      canaryWeight = 0;
      if (firstTrafficMillis > 0 && (!segmentsTouched || segment.isEmpty())) {
        stableOnlyMillis = Workflow.currentTimeMillis();
      }
      if (segmentsTouched) {
        patient.pool.setSegments(router, poolName, SegmentRoute.none());
        segment = SegmentRoute.none();
        if (firstTrafficMillis > 0 && stableOnlyMillis == 0) {
          stableOnlyMillis = Workflow.currentTimeMillis();
        }
      }
      trail.add(BELLWETHER, "stable-only", "'" + stableBackend + "' serves all traffic");
    } catch (TemporalFailure f) {
      problems.add("could not put all traffic back on '" + stableBackend + "': " + Failures.describe(f));
      return problems;
    }
    problems.addAll(slots.removeRegistered(patient.pool, patient.deploy, canaryBackend, members()));
    if (problems.isEmpty() && touched) {
      trail.add(BELLWETHER, "torn-down", "canary instances removed from '" + canaryBackend + "'");
    }
    return problems;
  }

  private ApplicationFailure restoreFailed(String why, List<String> problems) {
    phase = Phase.FAILED;
    step = "";
    message = why + "; could not put the pool right, check: " + String.join("; ", problems);
    trail.add(BELLWETHER, "failed", message);
    WorkflowMetrics.runFinished("failed");
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.RESTORE_FAILED);
  }

  /** Cancel rolls the canary back (a finished promotion only loses its cleanup). */
  private void onCancel() {
    paused = false;
    rollbackRequested = true;
    rollbackBy = "temporal";
    rollbackReason = "the run was canceled";
    trail.add("temporal", "cancel", "phase " + phase);
    WorkflowScopes.outsideCancel(
        () -> {
          if (!planned) {
            phase = Phase.ABORTED;
            step = "";
            message = "canceled before anything changed";
            WorkflowMetrics.runFinished("canceled");
            return null;
          }
          if (rolloutSucceeded) {
            finishPromotion();
            message = "canceled during cleanup: " + message;
            return null;
          }
          phase = Phase.ROLLING_BACK;
          List<String> problems = restoreStable();
          if (!problems.isEmpty()) {
            throw restoreFailed("canceled", problems);
          }
          phase = firstTrafficMillis > 0 ? Phase.ROLLED_BACK : Phase.ABORTED;
          step = "";
          message = "canceled: '" + stableBackend + "' serves all traffic; canary instances removed";
          trail.add(BELLWETHER, "canceled", message);
          WorkflowMetrics.runFinished("canceled");
          return null;
        });
  }

  private void fail(String why) {
    phase = Phase.FAILED;
    step = "";
    message = why;
    trail.add(BELLWETHER, "failed", why);
    WorkflowMetrics.runFinished("failed");
  }

  private void holdWhilePaused() {
    if (!paused || rollbackRequested) {
      return;
    }
    Phase before = phase;
    phase = Phase.PAUSED;
    Workflow.await(() -> !paused || rollbackRequested);
    phase = before;
  }

  // ---------------------------------------------------------------------------------------------
  // Operator controls: signals and updates share one rule book

  @Override
  protected void onSignal(String action, OperatorRequest request) {
    signal(action, request);
  }

  @Override
  protected void onValidate(String action, OperatorRequest request) {
    checkControl(action, request);
  }

  @Override
  protected ControlResponse onUpdate(String action, OperatorRequest request) {
    return Controls.APPROVE.equals(action) || Controls.REJECT.equals(action)
        ? decide(action, request)
        : apply(action, request);
  }

  private boolean inconclusiveOpen() {
    return inconclusiveGate != null && inconclusiveGate.isOpen();
  }

  private void signal(String action, OperatorRequest request) {
    if (Controls.isGateAction(action) && !inconclusiveOpen()) {
      controls.gateSignal(approvalGate, action, request, Controls.finished(phase));
    } else if (controls.admitSignal(action, request, runRefusal(action, request))) {
      apply(action, request);
    }
  }

  /** Throwing here rejects the update before it reaches history. */
  private void checkControl(String action, OperatorRequest request) {
    if (Controls.isGateAction(action) && !inconclusiveOpen()) {
      Controls.checkGate(approvalGate, action, request, Controls.finished(phase));
    } else {
      Controls.check(action, request, runRefusal(action, request));
    }
  }

  /** Why a control does not apply now, or null when it does. Deterministic. */
  private String runRefusal(String action, OperatorRequest request) {
    String finished = Controls.finished(phase);
    if (finished != null) {
      return finished;
    }
    if (rollbackRequested) {
      return ROLLBACK.equals(action) ? "already rolling back" : "the run is rolling back";
    }
    boolean full = request != null && request.fullOrDefault();
    return switch (action) {
      case APPROVE, REJECT ->
          inconclusiveGate != null && inconclusiveGate.decision != null
              ? "gate '" + inconclusiveGate.name + "' was already decided by " + inconclusiveGate.decidedBy
              : null;
      case PAUSE ->
          promotionStarted
              ? "the promotion runs as its own workflow (" + promotion + "): pause it there"
              : paused ? "already paused" : null;
      case RESUME -> paused || pauseStepWaiting ? null : "the run is not paused";
      case ROLLBACK ->
          rolloutSucceeded
              ? "the promotion has finished: every instance runs " + spec.version()
              : null;
      case PROMOTE -> {
        if (promotionStarted) {
          yield "the promotion is already under way (" + promotion + ")";
        }
        if (approvalGate != null && approvalGate.isOpen()) {
          yield "a gate is open: approve it instead";
        }
        if (promotedFull) {
          yield "already promoted with --full by " + promotedBy;
        }
        if (promoted && !full && !inconclusiveOpen()) {
          yield "already promoted by " + promotedBy
              + ": the remaining analyses still run; promote --full skips them";
        }
        yield null;
      }
      default -> "unknown action";
    };
  }

  private ControlResponse decide(String action, OperatorRequest request) {
    if (inconclusiveOpen()) {
      return apply(action, request);
    }
    GateDecision d = Controls.gateUpdate(approvalGate, action, request, Controls.finished(phase));
    return new ControlResponse(action, phase, paused, Controls.answer(d, approvalGate));
  }

  private ControlResponse apply(String action, OperatorRequest request) {
    String reason = RunText.isBlank(request.reason()) ? "" : request.reason();
    String by = request.by().strip();
    String answer;
    String event = action;
    switch (action) {
      case APPROVE, REJECT -> {
        inconclusiveGate.decide(action, by, reason, ApprovalGate.CHANNEL_SIGNAL);
        answer =
            APPROVE.equals(action)
                ? "going on without data at gate '" + inconclusiveGate.name + "' (decided by " + by + ")"
                : "rolling back at gate '" + inconclusiveGate.name + "'";
      }
      case PAUSE -> {
        paused = true;
        answer = "paused: the run holds at the next safe point (between steps and between analysis rounds)";
      }
      case RESUME -> {
        paused = false;
        if (pauseStepWaiting) {
          pauseStepReleased = true;
        }
        answer = "resumed";
      }
      case PROMOTE -> {
        boolean full = request.fullOrDefault();
        promoted = true;
        promotedBy = by;
        paused = false;
        if (full) {
          promotedFull = true;
          event = "promote --full";
        }
        if (inconclusiveOpen()) {
          inconclusiveGate.decide(PROMOTE, by, reason, ApprovalGate.CHANNEL_SIGNAL);
        }
        answer =
            full
                ? "promoting: every remaining step but approval gates is skipped, analyses too"
                : "promoting: the remaining setWeight, pause and setHeaderRoute steps are skipped;"
                    + " analyses still run";
      }
      default -> {
        rollbackRequested = true;
        paused = false;
        rollbackBy = by;
        rollbackReason = reason.isEmpty() ? "requested by " + by : reason + " (" + by + ")";
        stage.cancel(rollbackReason);
        promotionChild.cancel(rollbackReason);
        answer = "rolling back: all traffic to '" + stableBackend + "' first, then the canary goes";
      }
    }
    trail.add(by, event, reason);
    return new ControlResponse(action, phase, paused || pauseStepWaiting, answer);
  }

  // ---------------------------------------------------------------------------------------------
  // Status and result

  @Override
  public CanaryStatus status() {
    return new CanaryStatus(
        spec == null || spec.service() == null ? "" : spec.service(),
        spec == null || spec.version() == null ? "" : spec.version(),
        stableVersion,
        phase,
        stepIndex,
        spec == null || spec.steps() == null ? 0 : spec.steps().size(),
        step,
        canaryWeight,
        segment,
        members().stream().map(PoolMember::toStatus).toList(),
        planned ? baselineInstances() : List.of(),
        analyses.stream().map(AnalysisRun::toRecord).toList(),
        lastGate == null ? null : lastGate.get(),
        paused || pauseStepWaiting,
        promotion,
        phase == Phase.SUCCEEDED ? null : RunText.isBlank(message) ? null : message,
        trail.events());
  }

  private CanaryResult result() {
    return new CanaryResult(
        spec.service(),
        spec.version(),
        phase,
        phase == Phase.SUCCEEDED ? null : message,
        analyses.stream().map(AnalysisRun::toRecord).toList(),
        promotion,
        firstTrafficMillis,
        stableOnlyMillis);
  }

  private HealthCheckSpec healthCheck() {
    return spec.healthCheck() == null ? HealthCheckSpec.defaults() : spec.healthCheck();
  }
}
