package io.bellwether.workflows.bluegreen;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.HealthProbe;
import io.bellwether.contracts.activities.ProbeResult;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenResult;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.bluegreen.BlueRetentionSpec;
import io.bellwether.contracts.bluegreen.PoolInstances;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.bluegreen.TrafficShiftSpec;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import io.bellwether.contracts.spec.SpecValidator;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.workflows.AuditTrail;
import io.bellwether.workflows.Failures;
import io.bellwether.workflows.HealthProbes;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code BlueGreenDeployment} workflow. Blue is the pool's live backend, green the other one
 * (the candidate). Green is provisioned, verified (health, smoke, optional preview route and gate),
 * given the traffic at once or in steps, watched while blue is kept, and then blue is
 * decommissioned or kept idle.
 *
 * <p>Two promises hold at every point: before the switch completes, blue serves everything it
 * served before and is never touched; whatever ends the run (success, failure, rollback, cancel),
 * exactly one backend serves all traffic and the preview route is closed. Every traffic move goes
 * through {@link #settle}, which reads the router first and so is safe from any intermediate state.
 *
 * <p>Instance names come from the slot they fill ({@link #instanceName}), so the run can name
 * blue's instances for the deployer from the router's facts alone.
 *
 * <p>Deterministic: it only reads the workflow clock, awaits, and calls activity stubs.
 */
public class BlueGreenDeploymentWorkflowImpl extends ControlDispatch implements BlueGreenDeploymentWorkflow {
  /** Who acts when the run acts on its own. */
  public static final String BELLWETHER = "bellwether";

  /** The name of the gate before the switch, as {@code status().gate().name()} shows it. */
  public static final String GATE_NAME = "before-switch";

  static final Duration DEFAULT_WATCH_WINDOW =
      Durations.parse(BlueGreenDeploymentSpec.DEFAULT_WATCH_WINDOW);
  static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofSeconds(30);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  /**
   * How long one watch probe may take to see a pass. Longer would delay noticing a dead green;
   * shorter would count one slow answer as a failure.
   */
  static final Duration WATCH_PROBE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Watch probes per window at most: every round adds events to the run's history, and a 24h window
   * probed every second would outgrow it.
   */
  static final int MAX_WATCH_ROUNDS = 60;

  private static final String APPROVE = "approve";
  private static final String REJECT = "reject";
  private static final String PAUSE = "pause";
  private static final String RESUME = "resume";
  private static final String ROLLBACK = "rollback";
  private static final String PROMOTE = "promote";

  private BlueGreenDeploymentSpec spec;
  private Phase phase = Phase.VALIDATING;
  private String step = "";
  private String message = "";
  private final AuditTrail trail = new AuditTrail();
  private final Controls controls = new Controls(trail);

  /** What people are told; does nothing for runs that began before notifications existed. */
  private RunNotices notices;

  /** Who cut the watch window short with promote; empty when it ran out on its own. */
  private String promotedBy = "";

  private String router = "";
  private String poolName = "";
  private String blueBackend = "";
  private String greenBackend = "";
  private final Map<String, PoolMember> blue = new LinkedHashMap<>();
  private final Map<String, PoolMember> green = new LinkedHashMap<>();
  private final List<PoolMember> idle = new ArrayList<>();

  /** The pool as the router last answered. */
  private String liveBackend = "";

  private String candidateBackend = "";
  private int candidatePercent;
  private boolean previewOn;

  /** Green became the live backend (the promotion finished). */
  private boolean switched;

  /** Traffic is on its way back to blue; a cancel must finish that, never undo it. */
  private boolean switchingBack;

  /** Blue's decommission began: there is nothing left to switch back to. */
  private boolean scaleDownStarted;

  private boolean blueDecommissioned;

  private boolean paused;
  private boolean rollbackRequested;
  private String rollbackBy = "";
  private String rollbackReason = "";
  private boolean promoteRequested;

  /** The wait a promote would skip right now, empty when there is none. */
  private String skippable = "";

  private ApprovalGate gate;

  /** Provisioning and verification run here; a rollback cancels it so that long waits stop. */
  private final StageScope stage = new StageScope();

  private BlueGreenActivities forward;
  private BlueGreenActivities patient;

  /** Provisions, verifies and removes green's (and idle) instances; set in the plan. */
  private SlotInstances slots;

  /**
   * The deployer instance behind slot {@code slot} of {@code backend}: {@code
   * <service>-<backend>-<slot>}, such as {@code shop-shop_b-s1}. Tying the name to the slot lets
   * the run name blue's instances from the router's facts alone (the router knows slots and
   * addresses, not deployer names), makes a repeated provision after a worker crash find the
   * instance it started, and lets the next release retire an idle pool. Whoever fills a pool
   * outside a run (a sandbox) must use the same names.
   */
  public static String instanceName(String service, String backend, String slot) {
    return PoolInstances.name(service, backend, slot);
  }

  @Override
  public BlueGreenResult run(BlueGreenDeploymentSpec spec) {
    this.spec = spec;
    // First, on every path: the version marker must sit at the same point of every new history.
    notices =
        RunNotices.open(
            TYPE,
            trail,
            spec == null ? "unknown" : spec.requestedByOrUnknown(),
            spec == null ? "no spec" : spec.service() + " " + spec.version() + " beside the live pool");
    return RunNotices.thenTellTheEnd(this::release, this::tellTheEnd);
  }

  private BlueGreenResult release() {
    try {
      PoolState pool = validate(spec);
      plan(pool);
      notices.started(spec.service(), spec.version());
      return deliver();
    } catch (CanceledFailure e) {
      onCancel();
      throw e;
    }
  }

  /** The last notification, chosen by the final phase, then a bounded wait for delivery. */
  private void tellTheEnd() {
    notices.end(phase, message, ApprovalGate.endedBy(rollbackBy, gate));
  }

  // ---------------------------------------------------------------------------------------------
  // Validation and plan

  private PoolState validate(BlueGreenDeploymentSpec spec) {
    List<Violation> problems = new ArrayList<>(SpecValidator.validate(spec));
    PoolState pool = null;
    BlueGreenTarget t = spec == null ? null : spec.target();
    boolean namesWellFormed =
        t != null && problems.stream().noneMatch(v -> v.field().startsWith("target"));
    if (namesWellFormed) {
      BlueGreenActivities check = BlueGreenActivities.forValidation();
      try {
        // The configuration first: router, pool, a deployer that can provision, health check.
        List<Violation> unknown = check.config.checkBlueGreenTarget(t);
        problems.addAll(unknown);
        boolean poolKnown =
            unknown.stream()
                .noneMatch(
                    v -> v.field().equals("target.router") || v.field().equals("target.pool"));
        if (poolKnown) {
          try {
            pool = check.pool.poolState(t.router(), t.pool());
            problems.addAll(poolProblems(spec, pool));
          } catch (ActivityFailure f) {
            if (!FailureTypes.UNKNOWN_TARGET.equals(Failures.type(f))) {
              throw f;
            }
            problems.add(new Violation("target.pool", Failures.describe(f)));
          }
        }
      } catch (ActivityFailure f) {
        WorkflowScopes.throwIfCanceled("the run was canceled while checking the spec");
        fail("could not check the target: " + Failures.describe(f));
        throw f;
      }
    }
    if (!problems.isEmpty()) {
      String text = InvalidSpecException.describe(problems);
      fail(text);
      throw Failures.invalidSpec(text, problems);
    }
    return pool;
  }

  /** Why this pool cannot take a release now; empty when it can. Touches nothing. */
  private static List<Violation> poolProblems(BlueGreenDeploymentSpec spec, PoolState pool) {
    List<Violation> out = new ArrayList<>();
    String where = "pool '" + pool.pool() + "' in router '" + spec.target().router() + "'";
    List<ServerInfo> live = pool.servers().get(pool.liveBackend());
    List<ServerInfo> candidate = pool.servers().get(pool.candidateBackend());
    if (pool.liveBackend().equals(pool.candidateBackend())) {
      out.add(
          new Violation(
              "target.pool",
              where
                  + " is in the middle of a promotion (live and candidate are both '"
                  + pool.liveBackend()
                  + "'); finish it first"));
      return out;
    }
    if (live == null || candidate == null) {
      out.add(
          new Violation(
              "target.pool",
              where
                  + " reports no slots for backend '"
                  + (live == null ? pool.liveBackend() : pool.candidateBackend())
                  + "'"));
      return out;
    }
    if (pool.candidatePercent() != 0) {
      out.add(
          new Violation(
              "target.pool",
              where
                  + " is mid-switch: "
                  + pool.candidatePercent()
                  + "% of traffic goes to '"
                  + pool.candidateBackend()
                  + "'; finish or undo that switch first"));
    }
    if (pool.previewOn()) {
      out.add(
          new Violation(
              "target.pool",
              where
                  + " has its preview route to '"
                  + pool.candidateBackend()
                  + "' open: another release may be verifying there"));
    }
    int sessions = candidate.stream().mapToInt(ServerInfo::sessions).sum();
    if (sessions > 0) {
      out.add(
          new Violation(
              "target.pool",
              "candidate backend '"
                  + pool.candidateBackend()
                  + "' still has "
                  + sessions
                  + " open session(s)"));
    }
    int replicas = replicas(spec, live);
    if (replicas > candidate.size()) {
      out.add(
          new Violation(
              "replicas",
              replicas
                  + " green instance(s) do not fit: backend '"
                  + pool.candidateBackend()
                  + "' has "
                  + candidate.size()
                  + " slot(s)"));
    }
    return out;
  }

  private static boolean occupied(ServerInfo s) {
    return s.state() != ServerState.MAINT && s.address() != null && !s.address().isBlank();
  }

  private static int replicas(BlueGreenDeploymentSpec spec, List<ServerInfo> live) {
    if (spec.replicas() != null) {
      return spec.replicas();
    }
    return Math.max(
        1, (int) live.stream().filter(BlueGreenDeploymentWorkflowImpl::occupied).count());
  }

  private void plan(PoolState pool) {
    BlueGreenTarget t = spec.target();
    router = t.router();
    poolName = t.pool();
    blueBackend = pool.liveBackend();
    greenBackend = pool.candidateBackend();
    see(pool);
    List<ServerInfo> live = pool.servers().get(blueBackend);
    int i = 0;
    for (ServerInfo s : live) {
      if (occupied(s)) {
        PoolMember m =
            new PoolMember(s.name(), instanceName(spec.service(), blueBackend, s.name()), ++i);
        m.see(s);
        m.progress = PoolMember.SERVING;
        m.running = true;
        blue.put(m.slot, m);
      }
    }
    List<ServerInfo> slots = pool.servers().get(greenBackend);
    int replicas = replicas(spec, live);
    for (int g = 0; g < replicas; g++) {
      ServerInfo s = slots.get(g);
      green.put(
          s.name(),
          new PoolMember(s.name(), instanceName(spec.service(), greenBackend, s.name()), g + 1));
    }
    int n = 0;
    for (ServerInfo s : slots) {
      if (occupied(s)) {
        PoolMember m =
            new PoolMember(s.name(), instanceName(spec.service(), greenBackend, s.name()), ++n);
        m.see(s);
        m.progress = PoolMember.IDLE;
        m.running = true;
        idle.add(m);
      }
    }
    Duration healthTimeout = healthTimeout();
    forward = BlueGreenActivities.forward(healthTimeout);
    patient = BlueGreenActivities.patient(healthTimeout);
    this.slots = new SlotInstances(trail, router, spec.target().deployer(), this::interrupted);
    if (spec.approval() != null) {
      gate =
          new ApprovalGate(
              GATE_NAME,
              spec.approval(),
              spec.requestedBy(),
              Workflow.getInfo().getWorkflowId(),
              forward.gate,
              trail);
      gate.onOpen(notices::gateWaiting);
    }
    recordBlueVersions();
    trail.add(
        BELLWETHER,
        "planned",
        "blue: "
            + blue.size()
            + " instance(s) in '"
            + blueBackend
            + "'; green: "
            + green.size()
            + " instance(s) into '"
            + greenBackend
            + "' slots "
            + String.join(", ", green.keySet())
            + (blue.isEmpty()
                ? "; blue has no ready servers, so there is nothing to switch back to"
                : ""));
  }

  /** For the audit trail only: what blue runs, as the deployer tells. */
  private void recordBlueVersions() {
    List<Promise<String>> asked = new ArrayList<>();
    for (PoolMember m : blue.values()) {
      asked.add(
          Async.function(
              forward.deploy::currentVersion, spec.target().deployer(), m.instance, m.address));
    }
    int k = 0;
    for (PoolMember m : blue.values()) {
      try {
        String v = asked.get(k++).get();
        m.recordedVersion = v == null ? "" : v;
        m.version = m.recordedVersion;
        if (m.version.isEmpty()) {
          m.message =
              "the deployer does not know " + m.instance + "; decommissioning it will stop nothing";
        }
      } catch (TemporalFailure f) {
        WorkflowScopes.throwIfCanceled();
        m.message = "version unknown: " + Failures.describe(f);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Forward path

  private BlueGreenResult deliver() {
    if (rollbackRequested) {
      return backToBlue("rolled back before anything changed: " + rollbackReason, Phase.ABORTED);
    }
    String problem = stage.run(this::provisionAndVerify);
    WorkflowScopes.throwIfCanceled();
    if (rollbackRequested) {
      return backToBlue("rolled back before the switch: " + rollbackReason, Phase.ABORTED);
    }
    if (problem != null) {
      return backToBlue("green did not come up: " + problem, Phase.ABORTED);
    }
    if (gate != null) {
      String why = passGate();
      if (why != null) {
        return backToBlue(why, Phase.ABORTED);
      }
    }
    holdWhilePaused();
    if (rollbackRequested) {
      return backToBlue("rolled back before the switch: " + rollbackReason, Phase.ABORTED);
    }
    String failure = shift();
    if (!switched) {
      return backToBlue(failure, Phase.ROLLED_BACK);
    }
    failure = watch();
    if (failure != null) {
      return backToBlue(failure, Phase.ROLLED_BACK);
    }
    notices.promoted(promotedBy);
    return retainBlue();
  }

  /** Returns why green is unfit, or null. Stops early (returning null) on a rollback or cancel. */
  private String provisionAndVerify() {
    phase = Phase.PROVISIONING;
    step = "provision";
    long started = Workflow.currentTimeMillis();
    String problem = retireIdle();
    if (problem == null) {
      problem = firstProblem(WorkflowScopes.concurrently(green.values(), this::provision));
    }
    WorkflowMetrics.stepTook("provision", started);
    if (problem != null || interrupted()) {
      return problem;
    }
    phase = Phase.VERIFYING;
    step = "verify";
    if (spec.previewOrDefault()) {
      try {
        see(forward.pool.setPreview(router, poolName, true));
        trail.add(
            BELLWETHER,
            "preview",
            "open: requests with the preview header reach '" + greenBackend + "'");
      } catch (TemporalFailure f) {
        return interrupted() ? null : "could not open the preview route: " + Failures.describe(f);
      }
    }
    started = Workflow.currentTimeMillis();
    problem = firstProblem(WorkflowScopes.concurrently(green.values(), this::verify));
    WorkflowMetrics.stepTook("verify", started);
    if (problem == null && !interrupted()) {
      trail.add(
          BELLWETHER, "verified", green.size() + " green instance(s) healthy at " + spec.version());
    }
    return problem;
  }

  /**
   * An idle pool left by an earlier {@code keepIdle} release sits in green's backend; this release
   * replaces it. Nothing is lost: it takes no traffic (validation checked).
   */
  private String retireIdle() {
    if (idle.isEmpty()) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    for (PoolMember m : idle) {
      problems.addAll(removeInstance(forward, greenBackend, m));
    }
    if (!problems.isEmpty()) {
      return "could not retire the idle pool: " + String.join("; ", problems);
    }
    trail.add(
        BELLWETHER,
        "idle-retired",
        idle.size()
            + " idle instance(s) in '"
            + greenBackend
            + "' make room for "
            + spec.version());
    return null;
  }

  private String provision(PoolMember m) {
    return slots.provision(forward.pool, forward.deploy, greenBackend, m, spec.version());
  }

  private String verify(PoolMember m) {
    SmokeCheckSpec smoke = spec.smokeCheck();
    return slots.verify(
        forward.health,
        m,
        healthProbe(m.address),
        smoke == null ? null : smokeProbe(m.address, smoke),
        smoke == null ? null : smoke.path());
  }

  private boolean interrupted() {
    return rollbackRequested || CancellationScope.current().isCancelRequested();
  }

  /** Returns why the run must not switch, or null to go on. */
  private String passGate() {
    phase = Phase.AWAITING_APPROVAL;
    step = "gate";
    long started = Workflow.currentTimeMillis();
    ApprovalGate.Outcome outcome;
    try {
      outcome = gate.await(() -> rollbackRequested);
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      // The gate could not even open (its activity failed): nobody can approve, so do not switch.
      return "the gate could not open: " + Failures.describe(f);
    }
    WorkflowMetrics.stepTook("gate", started);
    step = "";
    return switch (outcome) {
      case APPROVED, TIMED_OUT_PROCEED -> null;
      case REJECTED -> "rejected at the gate: " + rejection();
      case TIMED_OUT_ABORT ->
          "the gate timed out after " + spec.approval().timeoutOrDefault() + " (onTimeout: abort)";
      case INTERRUPTED -> "rolled back at the gate: " + rollbackReason;
    };
  }

  private String rejection() {
    for (GateDecision d : gate.status().decisions()) {
      if (d.accepted() && REJECT.equals(d.action())) {
        return d.by() + (d.reason().isEmpty() ? "" : ": " + d.reason());
      }
    }
    return "rejected";
  }

  /**
   * Moves traffic to green. Returns null once green is live, or why it stopped short (green
   * unhealthy between steps, a rollback, a router error); the caller then puts traffic back.
   */
  private String shift() {
    phase = Phase.SWITCHING;
    step = "switch";
    long started = Workflow.currentTimeMillis();
    try {
      TrafficShiftSpec shift = spec.trafficShift();
      List<Integer> steps = shift == null ? List.of(100) : shift.steps();
      Duration interval =
          shift == null ? Duration.ZERO : Durations.parseOr(shift.interval(), DEFAULT_INTERVAL);
      for (int i = 0; i < steps.size(); i++) {
        if (i > 0) {
          holdWhilePaused();
          phase = Phase.SWITCHING;
        }
        if (rollbackRequested) {
          return "rolled back during the traffic shift: " + rollbackReason;
        }
        int percent = steps.get(i);
        step = "at " + percent + "%";
        see(forward.pool.setCandidatePercent(router, poolName, percent));
        trail.add(BELLWETHER, "traffic", percent + "% to green '" + greenBackend + "'");
        if (percent < 100) {
          // A step of 100 is told once, as the switch below.
          notices.trafficStep(greenPercent());
          String bad = watchGreen(interval, "interval");
          if (bad != null) {
            return "green failed at " + percent + "%: " + bad;
          }
          if (rollbackRequested) {
            return "rolled back at " + percent + "%: " + rollbackReason;
          }
        }
      }
      // All traffic is on green, so closing the preview route moves no request.
      if (previewOn) {
        see(forward.pool.setPreview(router, poolName, false));
        trail.add(BELLWETHER, "preview", "closed at the switch");
      }
      see(forward.pool.promoteCandidate(router, poolName, greenBackend));
      switched = true;
      notices.trafficStep(greenPercent());
      green.values().forEach(m -> m.progress = PoolMember.SERVING);
      blue.values().forEach(m -> m.progress = PoolMember.IDLE);
      trail.add(
          BELLWETHER,
          "switched",
          "'" + greenBackend + "' is live; '" + blueBackend + "' kept for a switch-back");
      return null;
    } catch (TemporalFailure f) {
      if (CancellationScope.current().isCancelRequested()) {
        throw new CanceledFailure("the run was canceled during the switch");
      }
      return "the switch failed: " + Failures.describe(f);
    } finally {
      WorkflowMetrics.stepTook("switch", started);
    }
  }

  /** Returns why green failed during the window, or null when it passed or was promoted. */
  private String watch() {
    phase = Phase.WATCHING;
    step = "watch";
    Duration window = Durations.parseOr(spec.watchWindow(), DEFAULT_WATCH_WINDOW);
    long started = Workflow.currentTimeMillis();
    String bad = watchGreen(window, "watchWindow");
    WorkflowMetrics.stepTook("watch", started);
    if (bad != null) {
      return "green failed in the watch window: " + bad;
    }
    if (rollbackRequested) {
      return "rolled back in the watch window: " + rollbackReason;
    }
    trail.add(BELLWETHER, "watched", "green stayed healthy");
    return null;
  }

  /**
   * Probes every green instance in rounds for {@code length}. Returns why one failed, or null when
   * the time passed, a promote skipped the rest, or a rollback was asked (the caller checks). A
   * probe still running when a rollback arrives is left to finish on its own: it only reads, and
   * waiting for it would delay the switch-back.
   */
  private String watchGreen(Duration length, String name) {
    long end = Workflow.currentTimeMillis() + length.toMillis();
    Duration every =
        Duration.ofMillis(Math.max(period().toMillis(), length.toMillis() / MAX_WATCH_ROUNDS));
    skippable = name;
    try {
      while (true) {
        if (rollbackRequested || promoteRequested) {
          return null;
        }
        List<Promise<ProbeResult>> probes = new ArrayList<>();
        List<PoolMember> members = List.copyOf(green.values());
        for (PoolMember m : members) {
          probes.add(Async.function(forward.health::awaitHealthy, watchProbe(m.address)));
        }
        Promise<Void> all = Promise.allOf(probes);
        Workflow.await(() -> all.isCompleted() || rollbackRequested || promoteRequested);
        if (rollbackRequested || promoteRequested) {
          return null;
        }
        for (int i = 0; i < probes.size(); i++) {
          Promise<ProbeResult> p = probes.get(i);
          if (!p.isCompleted()) {
            continue;
          }
          PoolMember m = members.get(i);
          if (p.getFailure() != null) {
            Throwable f = p.getFailure();
            return m.instance
                + ": "
                + (f instanceof TemporalFailure tf ? Failures.describe(tf) : f.getMessage());
          }
          if (!p.get().passed()) {
            return m.instance + ": health check did not pass: " + RunText.probe(p.get());
          }
        }
        long left = end - Workflow.currentTimeMillis();
        if (left <= 0) {
          return null;
        }
        Workflow.await(
            Duration.ofMillis(Math.min(every.toMillis(), left)),
            () -> rollbackRequested || promoteRequested);
        if (Workflow.currentTimeMillis() >= end) {
          return null;
        }
      }
    } finally {
      skippable = "";
      if (promoteRequested) {
        promoteRequested = false;
        trail.add(BELLWETHER, "skipped", name + " cut short by promote");
      }
    }
  }

  private BlueGreenResult retainBlue() {
    BlueRetentionSpec retention = spec.blueRetentionOrDefault();
    if (BlueRetentionSpec.KEEP_IDLE.equals(retention.modeOrDefault())) {
      return succeed(
          "green serves all traffic at "
              + spec.version()
              + "; blue ('"
              + blueBackend
              + "') kept running idle for the next release");
    }
    phase = Phase.SCALING_DOWN;
    step = "scaleDownDelay";
    Duration delay = Durations.parseOr(retention.scaleDownDelay(), DEFAULT_SCALE_DOWN_DELAY);
    if (!delay.isZero()) {
      skippable = "scaleDownDelay";
      Workflow.await(delay, () -> rollbackRequested || promoteRequested);
      skippable = "";
      if (promoteRequested) {
        promoteRequested = false;
        trail.add(BELLWETHER, "skipped", "scaleDownDelay cut short by promote");
      }
    }
    holdWhilePaused();
    if (rollbackRequested) {
      return backToBlue(
          "rolled back before blue was decommissioned: " + rollbackReason, Phase.ROLLED_BACK);
    }
    phase = Phase.SCALING_DOWN;
    step = "decommission";
    scaleDownStarted = true;
    long started = Workflow.currentTimeMillis();
    // Half a decommission helps nobody; a cancel waits for it and is honoured right after.
    List<String> problems =
        WorkflowScopes.outsideCancel(
            () -> {
              List<String> out = new ArrayList<>();
              for (PoolMember m : blue.values()) {
                out.addAll(removeInstance(patient, blueBackend, m));
              }
              return out;
            });
    WorkflowMetrics.stepTook("scale-down", started);
    blueDecommissioned = problems.isEmpty();
    WorkflowScopes.throwIfCanceled();
    if (!problems.isEmpty()) {
      // Green serves everything, which is the release; the leftovers are an operator's note.
      trail.add(BELLWETHER, "decommission-failed", String.join("; ", problems));
      return succeed(
          "green serves all traffic at "
              + spec.version()
              + "; blue could not be fully decommissioned, check: "
              + String.join("; ", problems));
    }
    trail.add(
        BELLWETHER, "decommissioned", blue.size() + " blue instance(s) in '" + blueBackend + "'");
    return succeed("green serves all traffic at " + spec.version() + "; blue decommissioned");
  }

  private BlueGreenResult succeed(String why) {
    phase = Phase.SUCCEEDED;
    step = "";
    message = why;
    trail.add(BELLWETHER, "succeeded", why);
    WorkflowMetrics.runFinished("succeeded");
    return result();
  }

  private void holdWhilePaused() {
    if (!paused || rollbackRequested) {
      return;
    }
    Phase before = phase;
    phase = Phase.PAUSED;
    skippable = PAUSE;
    Workflow.await(() -> !paused || rollbackRequested);
    skippable = "";
    phase = before;
  }

  // ---------------------------------------------------------------------------------------------
  // Putting traffic back, tearing green down

  /**
   * All traffic to blue, green torn down, preview closed; ends the run in {@code outcome} (ABORTED
   * when green never took traffic, ROLLED_BACK when it had). Runs where a cancel cannot cut it
   * short; throws RestoreFailed when the pool could not be put right.
   */
  private BlueGreenResult backToBlue(String why, Phase outcome) {
    return WorkflowScopes.outsideCancel(
        () -> {
          phase = Phase.ROLLING_BACK;
          step = switched ? "switch-back" : "teardown";
          rollbackReason = why;
          trail.add(BELLWETHER, switched ? "switch-back" : "teardown", why);
          long started = Workflow.currentTimeMillis();
          List<String> problems = restoreBlue();
          WorkflowMetrics.stepTook(switched ? "switch-back" : "teardown", started);
          if (!problems.isEmpty()) {
            throw restoreFailed(why, problems);
          }
          phase = outcome;
          step = "";
          message = why;
          trail.add(BELLWETHER, outcome == Phase.ABORTED ? "aborted" : "rolled-back", why);
          WorkflowMetrics.runFinished(outcome == Phase.ABORTED ? "aborted" : "rolled_back");
          return result();
        });
  }

  /** Traffic to blue, then green removed; the problems met, empty when all went well. */
  private List<String> restoreBlue() {
    switchingBack = true;
    List<String> problems = new ArrayList<>();
    boolean touched = green.values().stream().anyMatch(m -> m.registered) || !idle.isEmpty();
    if (touched || switched || candidatePercent != 0 || previewOn) {
      try {
        settle(blueBackend);
        if (switched) {
          switched = false;
          blue.values().forEach(m -> m.progress = PoolMember.SERVING);
          trail.add(BELLWETHER, "switched-back", "'" + blueBackend + "' serves all traffic again");
        }
      } catch (TemporalFailure f) {
        // Never stop green while it may still have traffic.
        problems.add(
            "could not put all traffic back on '" + blueBackend + "': " + Failures.describe(f));
        return problems;
      }
    }
    for (PoolMember m : green.values()) {
      if (m.registered) {
        problems.addAll(removeInstance(patient, greenBackend, m));
      }
    }
    if (problems.isEmpty() && green.values().stream().anyMatch(m -> m.registered)) {
      trail.add(BELLWETHER, "torn-down", "green '" + greenBackend + "' emptied; blue untouched");
    }
    return problems;
  }

  /**
   * Brings the pool to: {@code target} live, the other backend the candidate with 0%, preview
   * closed. Reads the router first, so it finishes or undoes whatever step was under way (a cancel
   * may land between any two commands), and every command it sends keeps all traffic on one backend
   * or moves it to the target.
   */
  private void settle(String target) {
    String other = target.equals(blueBackend) ? greenBackend : blueBackend;
    PoolState s = see(patient.pool.poolState(router, poolName));
    if (s.previewOn()) {
      s = see(patient.pool.setPreview(router, poolName, false));
    }
    if (s.liveBackend().equals(target) && s.candidateBackend().equals(other)) {
      if (s.candidatePercent() != 0) {
        see(patient.pool.setCandidatePercent(router, poolName, 0));
      }
      return;
    }
    if (s.liveBackend().equals(target)) {
      // A promotion toward the target stopped half way; finishing it keeps traffic there.
      see(patient.pool.promoteCandidate(router, poolName, target));
      return;
    }
    if (!s.candidateBackend().equals(target)) {
      // A promotion toward the other backend stopped half way: finish it, then come back.
      s = see(patient.pool.promoteCandidate(router, poolName, other));
    }
    if (s.candidatePercent() != 100) {
      see(patient.pool.setCandidatePercent(router, poolName, 100));
    }
    see(patient.pool.promoteCandidate(router, poolName, target));
  }

  /** Empties the slot (so it takes no request), then stops the instance. */
  private List<String> removeInstance(BlueGreenActivities stubs, String backend, PoolMember m) {
    return slots.remove(stubs.pool, stubs.deploy, backend, m);
  }

  private ApplicationFailure restoreFailed(String why, List<String> problems) {
    phase = Phase.FAILED;
    step = "";
    message = why + "; the pool could not be put right, check: " + String.join("; ", problems);
    trail.add(BELLWETHER, "failed", message);
    WorkflowMetrics.runFinished("failed");
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.RESTORE_FAILED);
  }

  /**
   * Cancel leaves exactly one backend serving everything: green when the router already has it live
   * (the switch completed; blue stays idle for a manual switch-back), otherwise blue, with green
   * torn down.
   */
  private void onCancel() {
    paused = false;
    rollbackRequested = true;
    rollbackBy = "temporal";
    rollbackReason = "the run was canceled";
    trail.add("temporal", "cancel", "phase " + phase);
    WorkflowScopes.outsideCancel(
        () -> {
          if (blueBackend.isEmpty()) {
            phase = Phase.ABORTED;
            message = "canceled before anything changed";
            WorkflowMetrics.runFinished("canceled");
            return null;
          }
          boolean greenLive = false;
          if (!switchingBack && (switched || candidatePercent == 100)) {
            try {
              greenLive =
                  see(patient.pool.poolState(router, poolName)).liveBackend().equals(greenBackend);
            } catch (TemporalFailure f) {
              throw restoreFailed(
                  "canceled", List.of("could not read the pool: " + Failures.describe(f)));
            }
          }
          if (greenLive) {
            try {
              settle(greenBackend);
            } catch (TemporalFailure f) {
              throw restoreFailed("canceled after the switch", List.of(Failures.describe(f)));
            }
            switched = true;
            phase = Phase.SUCCEEDED;
            message =
                "canceled after the switch: green '"
                    + greenBackend
                    + "' serves all traffic"
                    + (scaleDownStarted ? "" : "; blue '" + blueBackend + "' kept running idle");
          } else {
            boolean moved = switched || candidatePercent > 0;
            List<String> problems = restoreBlue();
            if (!problems.isEmpty()) {
              throw restoreFailed("canceled", problems);
            }
            phase = moved ? Phase.ROLLED_BACK : Phase.ABORTED;
            message = "canceled: blue '" + blueBackend + "' serves all traffic; green torn down";
          }
          step = "";
          trail.add(BELLWETHER, "canceled", message);
          WorkflowMetrics.runFinished("canceled");
          return null;
        });
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

  // Approve and reject go to the gate, which knows whether it is open (or still resolving its
  // approvers, when decisions are queued); the run only adds "finished". The other controls are
  // judged by the run's own state. Controls records refused signals and shapes every refusal.

  private void signal(String action, OperatorRequest request) {
    if (Controls.isGateAction(action)) {
      controls.gateSignal(gate, action, request, Controls.finished(phase));
    } else if (controls.admitSignal(action, request, runRefusal(action))) {
      apply(action, request);
    }
  }

  /** Throwing here rejects the update before it reaches history. */
  private void checkControl(String action, OperatorRequest request) {
    if (Controls.isGateAction(action)) {
      Controls.checkGate(gate, action, request, Controls.finished(phase));
    } else {
      Controls.check(action, request, runRefusal(action));
    }
  }

  /** Why a run-level control does not apply now, or null when it does. Deterministic. */
  private String runRefusal(String action) {
    String finished = Controls.finished(phase);
    if (finished != null) {
      return finished;
    }
    boolean gateOpen = gate != null && gate.isOpen();
    return switch (action) {
      case PAUSE ->
          rollbackRequested
              ? "the run is rolling back"
              : scaleDownStarted
                  ? "blue is already being decommissioned"
                  : paused ? "already paused" : null;
      case RESUME ->
          rollbackRequested ? "the run is rolling back" : paused ? null : "the run is not paused";
      case ROLLBACK ->
          rollbackRequested
              ? "already rolling back"
              : scaleDownStarted
                  ? "blue is being decommissioned: there is nothing to switch back to"
                  : null;
      case PROMOTE ->
          rollbackRequested
              ? "the run is rolling back"
              : gateOpen
                  ? "a gate is open: approve it instead"
                  : skippable.isEmpty() ? "nothing to skip now (" + phase + ")" : null;
      default -> "unknown action";
    };
  }

  private ControlResponse decide(String action, OperatorRequest request) {
    GateDecision d = Controls.gateUpdate(gate, action, request, Controls.finished(phase));
    return new ControlResponse(action, phase, paused, Controls.answer(d, gate));
  }

  private ControlResponse apply(String action, OperatorRequest request) {
    String reason = RunText.isBlank(request.reason()) ? "" : request.reason();
    String answer;
    switch (action) {
      case PAUSE -> {
        paused = true;
        answer =
            "paused: the run holds at the next safe point (before the switch, between traffic"
                + " steps, before blue is decommissioned)";
      }
      case RESUME -> {
        paused = false;
        answer = "resumed";
      }
      case PROMOTE -> {
        if ("watchWindow".equals(skippable)) {
          promotedBy = request.by();
        }
        if (PAUSE.equals(skippable)) {
          paused = false;
        } else {
          promoteRequested = true;
        }
        answer = "skipping " + skippable;
      }
      default -> {
        rollbackRequested = true;
        paused = false;
        rollbackBy = request.by();
        rollbackReason = reason.isEmpty() ? "requested by " + request.by() : reason;
        stage.cancel(rollbackReason);
        answer =
            switched
                ? "switching all traffic back to blue '" + blueBackend + "'"
                : "aborting: green is torn down, blue keeps serving";
      }
    }
    trail.add(request.by(), action, reason);
    return new ControlResponse(action, phase, paused, answer);
  }

  @Override
  public BlueGreenStatus status() {
    return new BlueGreenStatus(
        spec == null || spec.service() == null ? "" : spec.service(),
        spec == null || spec.version() == null ? "" : spec.version(),
        phase,
        step,
        blueBackend,
        greenBackend,
        greenPercent(),
        previewOn,
        blue.values().stream().map(PoolMember::toStatus).toList(),
        green.values().stream().map(PoolMember::toStatus).toList(),
        (int)
            (blue.values().stream().filter(m -> m.running).count()
                + green.values().stream().filter(m -> m.running).count()
                + idle.stream().filter(m -> m.running).count()),
        gate == null ? null : gate.status(),
        paused,
        trail.events(),
        message);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private PoolState see(PoolState s) {
    if (s != null) {
      liveBackend = s.liveBackend();
      candidateBackend = s.candidateBackend();
      candidatePercent = s.candidatePercent();
      previewOn = s.previewOn();
    }
    return s;
  }

  /** Green's share of traffic by the router's last answer. */
  private int greenPercent() {
    if (greenBackend.isEmpty()) {
      return 0;
    }
    if (liveBackend.equals(greenBackend)) {
      return candidateBackend.equals(greenBackend) ? 100 : 100 - candidatePercent;
    }
    return candidateBackend.equals(greenBackend) ? candidatePercent : 0;
  }

  private BlueGreenResult result() {
    return new BlueGreenResult(phase, message, liveBackend, greenPercent(), blueDecommissioned);
  }

  private void fail(String why) {
    phase = Phase.FAILED;
    message = why;
    trail.add(BELLWETHER, "failed", why);
    WorkflowMetrics.runFinished("failed");
  }

  private static String firstProblem(List<String> problems) {
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private Duration period() {
    return HealthProbes.period(spec.healthCheckOrDefault());
  }

  private Duration healthTimeout() {
    return HealthProbes.timeout(spec.healthCheckOrDefault());
  }

  private HealthProbe healthProbe(String address) {
    return HealthProbes.health(
        spec.target().healthCheckOrDefault(), spec.healthCheckOrDefault(), address);
  }

  /** One pass within a few seconds: the watch asks "still alive?", not "ready yet?". */
  private HealthProbe watchProbe(String address) {
    HealthCheckSpec h = spec.healthCheckOrDefault();
    long timeout = Math.min(WATCH_PROBE_TIMEOUT.toMillis(), healthTimeout().toMillis());
    return new HealthProbe(
        spec.target().healthCheckOrDefault(),
        address,
        h.pathOrDefault(),
        1,
        Math.min(period().toMillis(), timeout),
        timeout,
        HealthProbes.DEFAULT_EXPECT_STATUS,
        null);
  }

  private HealthProbe smokeProbe(String address, SmokeCheckSpec smoke) {
    return HealthProbes.smoke(
        spec.target().healthCheckOrDefault(),
        spec.healthCheckOrDefault(),
        smoke,
        spec.version(),
        address);
  }
}
