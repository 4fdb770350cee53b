package io.bellwether.workflows.rolling;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.HealthProbe;
import io.bellwether.contracts.activities.ProbeResult;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import io.bellwether.contracts.spec.SpecValidator;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.workflows.AuditTrail;
import io.bellwether.workflows.Failures;
import io.bellwether.workflows.HealthProbes;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code RollingDeployment} workflow: walks the pool one batch at a time and keeps, for every
 * instance it touches, a record of how it was before, so that a rollback, a cancel or too many
 * failures put the pool back exactly as it started.
 *
 * <p>With {@code approvalAfterFirstBatch}, an {@link ApprovalGate} waits after the first batch is
 * back in rotation: people look at the first upgraded instances before the rest follow. A rejection
 * or a timeout with {@code abort} rolls the pool back; a timeout with {@code proceed} goes on. A
 * spec without the gate runs exactly the commands it ran before the gate existed, so that runs in
 * flight replay unchanged.
 *
 * <p>Deterministic: it only reads the workflow clock, awaits, and calls activity stubs.
 */
public class RollingDeploymentWorkflowImpl extends ControlDispatch implements RollingDeploymentWorkflow {
  /** Failure type of a run that could not put the pool back; an operator has to look. */
  public static final String RESTORE_FAILED = FailureTypes.RESTORE_FAILED;

  /** Who acts when the run acts on its own. */
  public static final String BELLWETHER = "bellwether";

  static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** Name of the gate after the first batch, as status shows it. */
  public static final String GATE_AFTER_FIRST_BATCH = "after-first-batch";

  private static final String PAUSE = Controls.PAUSE;
  private static final String RESUME = Controls.RESUME;
  private static final String ROLLBACK = Controls.ROLLBACK;
  private static final String PROMOTE = Controls.PROMOTE;

  private RollingDeploymentSpec spec;
  private Phase phase = Phase.VALIDATING;
  private String step = "";
  private int batch;
  private int totalBatches;
  private int batchSize = 1;
  private boolean paused;
  private boolean rollbackRequested;
  private String rollbackBy = "";
  private String rollbackReason = "";
  private String message = "";
  private int failedCount;
  private final Map<String, InstanceRun> instances = new LinkedHashMap<>();
  private final AuditTrail trail = new AuditTrail();
  private final Controls controls = new Controls(trail);

  /** What people are told; does nothing for runs that began before notifications existed. */
  private RunNotices notices;

  /** The gate after the first batch; null when the spec has none. */
  private ApprovalGate gate;

  /** Set by {@code promote} during a bake: the bake ends early. */
  private boolean skipBake;

  /** The scope the current batch runs in; a rollback cancels it so that long waits stop at once. */
  private CancellationScope batchScope;

  private RollingActivities forward;
  private RollingActivities patient;
  private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;

  @Override
  public RollingResult run(RollingDeploymentSpec spec) {
    this.spec = spec;
    // First, on every path: the version marker must sit at the same point of every new history.
    notices =
        RunNotices.open(
            TYPE,
            trail,
            spec == null ? "unknown" : spec.requestedByOrUnknown(),
            spec == null ? "no spec" : spec.service() + " to " + spec.version());
    return RunNotices.thenTellTheEnd(this::deploy, this::tellTheEnd);
  }

  /** The last notification, chosen by the final phase, then a bounded wait for delivery. */
  private void tellTheEnd() {
    notices.end(phase, phase == Phase.ROLLED_BACK ? rollbackReason : message, rollbackBy);
  }

  private RollingResult deploy() {
    try {
      List<ServerInfo> pool = validate(spec);
      plan(pool);
      notices.started(spec.service(), spec.version());
      walkBatches();
      if (rollbackRequested) {
        return WorkflowScopes.outsideCancel(() -> rollBack("rolled_back"));
      }
      return succeed();
    } catch (CanceledFailure e) {
      // Cancel means "stop and put it back": the restore runs in a scope the cancel cannot reach.
      boolean nothingTouched = instances.values().stream().noneMatch(i -> i.recorded);
      rollbackRequested = true;
      paused = false;
      rollbackBy = "temporal";
      rollbackReason = "the run was canceled";
      trail.add(
          "temporal", "cancel", nothingTouched ? "nothing was changed yet" : "restoring the pool");
      WorkflowScopes.outsideCancel(() -> rollBack("canceled"));
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Validation and plan

  private List<ServerInfo> validate(RollingDeploymentSpec spec) {
    List<Violation> problems = new ArrayList<>(SpecValidator.validate(spec));
    List<ServerInfo> servers = List.of();
    TargetRef target = spec == null ? null : spec.target();
    boolean namesWellFormed =
        target != null && problems.stream().noneMatch(v -> v.field().startsWith("target"));
    if (namesWellFormed) {
      RollingActivities check = RollingActivities.forValidation();
      try {
        List<Violation> unknown = check.config.checkTarget(target);
        problems.addAll(unknown);
        boolean routerKnown =
            unknown.stream()
                .noneMatch(
                    v -> v.field().equals("target.router") || v.field().equals("target.backend"));
        if (routerKnown) {
          servers = check.traffic.listServers(target.router(), target.backend());
          problems.addAll(poolProblems(spec, servers));
        }
      } catch (ActivityFailure f) {
        if (CancellationScope.current().isCancelRequested()) {
          throw new CanceledFailure("the run was canceled while checking the spec");
        }
        if (!FailureTypes.UNKNOWN_TARGET.equals(Failures.type(f))) {
          fail("could not check the target: " + Failures.describe(f));
          throw f;
        }
        problems.add(new Violation("target", Failures.describe(f)));
      }
    }
    if (!problems.isEmpty()) {
      String text = InvalidSpecException.describe(problems);
      fail(text);
      throw Failures.invalidSpec(text, problems);
    }
    return servers;
  }

  private static List<Violation> poolProblems(
      RollingDeploymentSpec spec, List<ServerInfo> servers) {
    List<Violation> out = new ArrayList<>();
    TargetRef t = spec.target();
    Set<String> names = servers.stream().map(ServerInfo::name).collect(Collectors.toSet());
    List<String> listed = spec.instancesOrEmpty();
    for (int i = 0; i < listed.size(); i++) {
      String name = listed.get(i);
      if (name != null && !names.contains(name)) {
        out.add(
            new Violation(
                "instances[" + i + "]",
                "'"
                    + name
                    + "' is not a server of backend '"
                    + t.backend()
                    + "' in router '"
                    + t.router()
                    + "'"));
      }
    }
    if (servers.isEmpty()) {
      out.add(
          new Violation(
              "target.backend",
              "backend '" + t.backend() + "' in router '" + t.router() + "' has no servers"));
    }
    return out;
  }

  private void plan(List<ServerInfo> servers) {
    Map<String, ServerInfo> byName = byName(servers);
    List<ServerInfo> pool =
        spec.instancesOrEmpty().isEmpty()
            ? servers
            : spec.instancesOrEmpty().stream().map(byName::get).toList();
    batchSize = spec.strategyOrDefault().maxUnavailableOrDefault().resolve(pool.size());
    totalBatches = (pool.size() + batchSize - 1) / batchSize;
    for (int i = 0; i < pool.size(); i++) {
      ServerInfo s = pool.get(i);
      instances.put(s.name(), new InstanceRun(s, i / batchSize + 1));
    }
    drainTimeout = Durations.parseOr(spec.drainTimeout(), DEFAULT_DRAIN_TIMEOUT);
    Duration healthTimeout = healthTimeout();
    forward = RollingActivities.forward(drainTimeout, healthTimeout);
    patient = RollingActivities.patient(drainTimeout, healthTimeout);
    if (spec.approvalAfterFirstBatch() != null) {
      gate =
          new ApprovalGate(
              GATE_AFTER_FIRST_BATCH,
              spec.approvalAfterFirstBatch(),
              spec.requestedByOrUnknown(),
              Workflow.getInfo().getWorkflowId(),
              ApprovalGate.newActivities(),
              trail);
      gate.onOpen(notices::gateWaiting);
    }
    phase = Phase.PROGRESSING;
    trail.add(
        BELLWETHER,
        "planned",
        pool.size() + " instances in " + totalBatches + " batches of up to " + batchSize);
  }

  // ---------------------------------------------------------------------------------------------
  // Forward path

  private void walkBatches() {
    Duration bake = Durations.parseOr(spec.strategyOrDefault().bakeTime(), Duration.ZERO);
    for (int b = 1; b <= totalBatches && !rollbackRequested; b++) {
      WorkflowScopes.throwIfCanceled();
      holdWhilePaused();
      if (rollbackRequested) {
        return;
      }
      batch = b;
      phase = Phase.PROGRESSING;
      List<InstanceRun> members = batchMembers(b);
      trail.add(
          BELLWETHER, "batch-start", "batch " + b + " of " + totalBatches + ": " + names(members));
      runBatch(members);
      // The batch scope swallows cancellation, so a cancel of the workflow itself shows here.
      WorkflowScopes.throwIfCanceled();
      if (rollbackRequested) {
        return;
      }
      restoreFailedWithinLimit(members);
      if (rollbackRequested) {
        return;
      }
      step = "";
      trail.add(BELLWETHER, "batch-done", "batch " + b + " of " + totalBatches);
      notices.trafficStep(upgradedPercent());
      if (b == 1 && gate != null) {
        awaitApproval();
        if (rollbackRequested) {
          return;
        }
      }
      if (!bake.isZero()) {
        phase = Phase.BAKING;
        step = "bake";
        long started = Workflow.currentTimeMillis();
        Workflow.await(bake, () -> rollbackRequested || skipBake);
        skipBake = false;
        WorkflowMetrics.stepTook("bake", started);
        step = "";
        phase = Phase.PROGRESSING;
      }
      if (spec.strategyOrDefault().pauseAfterEachBatchOrDefault()
          && b < totalBatches
          && !rollbackRequested) {
        paused = true;
        trail.add(
            BELLWETHER, PAUSE, "pauseAfterEachBatch: batch " + b + " of " + totalBatches + " done");
      }
    }
  }

  /**
   * Holds at the gate after the first batch. A rejection or a timeout with abort asks for the same
   * rollback an operator would; a rollback or cancel during the wait interrupts the gate.
   */
  private void awaitApproval() {
    phase = Phase.AWAITING_APPROVAL;
    step = "approval";
    long started = Workflow.currentTimeMillis();
    ApprovalGate.Outcome outcome = gate.await(() -> rollbackRequested);
    WorkflowMetrics.stepTook("approval", started);
    step = "";
    phase = Phase.PROGRESSING;
    GateDecision d = gate.decisive();
    switch (outcome) {
      case REJECTED ->
          requestRollback(
              d.by(),
              "rejected at gate '"
                  + gate.name()
                  + "' by "
                  + d.by()
                  + (RunText.isBlank(d.reason()) ? "" : ": " + d.reason()));
      case TIMED_OUT_ABORT ->
          requestRollback(
              BELLWETHER, "no approval at gate '" + gate.name() + "' within " + gate.timeoutText());
      default -> {}
    }
  }

  private void holdWhilePaused() {
    if (!paused) {
      return;
    }
    phase = Phase.PAUSED;
    step = "";
    Workflow.await(() -> !paused || rollbackRequested);
    phase = Phase.PROGRESSING;
  }

  private void runBatch(List<InstanceRun> members) {
    TargetRef t = spec.target();
    CancellationScope scope =
        Workflow.newCancellationScope(
            () -> {
              Map<String, ServerInfo> now;
              try {
                // Re-read just before touching, so the record is what the router says now, not
                // what it said when the run started (a pause can last hours).
                now = byName(forward.traffic.listServers(t.router(), t.backend()));
              } catch (TemporalFailure f) {
                if (!CancellationScope.current().isCancelRequested()) {
                  requestRollback(
                      BELLWETHER, "could not read the backend: " + Failures.describe(f));
                }
                return;
              }
              List<Promise<Void>> running = new ArrayList<>();
              for (InstanceRun inst : members) {
                running.add(Async.procedure(this::upgradeGuarded, inst, now.get(inst.name)));
              }
              Promise.allOf(running).get();
            });
    batchScope = scope;
    try {
      scope.run();
    } finally {
      batchScope = null;
    }
  }

  /** One instance's pipeline; never throws, so one instance cannot cut its batch-mates short. */
  private void upgradeGuarded(InstanceRun inst, ServerInfo now) {
    try {
      upgrade(inst, now);
    } catch (Interrupted e) {
      inst.message = e.getMessage();
    } catch (StepFailure | TemporalFailure e) {
      if (CancellationScope.current().isCancelRequested()) {
        inst.message = "interrupted: " + (rollbackRequested ? rollbackReason : "canceled");
        return;
      }
      String why = e instanceof TemporalFailure f ? Failures.describe(f) : e.getMessage();
      inst.failed = true;
      inst.failure = why;
      inst.progress = InstanceRun.FAILED;
      inst.message = why;
      failedCount++;
      trail.add(BELLWETHER, "instance-failed", inst.name + ": " + why);
      int limit = spec.strategyOrDefault().failureLimitOrDefault();
      if (failedCount > limit && !rollbackRequested) {
        // Batch-mates are not interrupted mid-command for this: each finishes the step it is in
        // and stops at the next step boundary (see checkpoint). Only an operator's rollback or a
        // cancel cuts running steps short.
        rollbackRequested = true;
        paused = false;
        rollbackBy = BELLWETHER;
        rollbackReason =
            failedCount
                + " instance(s) failed, more than failureLimit "
                + limit
                + "; last: "
                + inst.name
                + ": "
                + why;
      }
    }
  }

  private void upgrade(InstanceRun inst, ServerInfo now) {
    TargetRef t = spec.target();
    if (now == null) {
      throw new StepFailure("record", "no longer a server of backend '" + t.backend() + "'");
    }
    // Record before the first change: this is the undo.
    String current = forward.deploy.currentVersion(t.deployer(), inst.name, now.address());
    inst.record(current, now);
    trail.add(
        BELLWETHER,
        "recorded",
        inst.name
            + " at '"
            + inst.recordedVersion
            + "', "
            + now.state()
            + ", weight "
            + now.weight());

    checkpoint("drain");
    timed(
        inst,
        "drain",
        InstanceRun.DRAINING,
        () -> {
          setState(forward, inst, ServerState.DRAIN);
          int left =
              forward.traffic.awaitDrained(
                  t.router(), t.backend(), inst.name, drainTimeout.toMillis());
          if (left > 0) {
            trail.add(
                BELLWETHER,
                "drain-timeout",
                inst.name
                    + " still had "
                    + left
                    + " session(s) after "
                    + Durations.format(drainTimeout));
          }
          setState(forward, inst, ServerState.MAINT);
        });

    checkpoint("upgrade");
    timed(
        inst,
        "upgrade",
        InstanceRun.UPGRADING,
        () -> {
          DeployResult r =
              forward.deploy.deploy(t.deployer(), inst.name, inst.address, spec.version());
          if (!r.ok()) {
            throw new StepFailure(
                "upgrade",
                "deploy of "
                    + spec.version()
                    + " failed (exit "
                    + r.exitCode()
                    + "): "
                    + RunText.tail(r.output()));
          }
          inst.version = spec.version();
        });

    checkpoint("verify");
    timed(
        inst,
        "verify",
        InstanceRun.VERIFYING,
        () -> {
          ProbeResult p = forward.health.awaitHealthy(healthProbe(inst.address));
          if (!p.passed()) {
            throw new StepFailure("verify", "health check did not pass: " + RunText.probe(p));
          }
        });

    SmokeCheckSpec smoke = spec.smokeCheck();
    if (smoke != null) {
      checkpoint("smoke");
      timed(
          inst,
          "smoke",
          InstanceRun.VERIFYING,
          () -> {
            ProbeResult p = forward.health.awaitHealthy(smokeProbe(inst.address, smoke));
            if (!p.passed()) {
              throw new StepFailure(
                  "smoke", "smoke check " + smoke.path() + " did not pass: " + RunText.probe(p));
            }
          });
    }

    checkpoint("ready");
    timed(
        inst,
        "ready",
        InstanceRun.VERIFYING,
        () -> {
          if (inst.weight != inst.recordedWeight) {
            inst.see(
                forward.traffic.setServerWeight(
                    t.router(), t.backend(), inst.name, inst.recordedWeight));
          }
          setState(forward, inst, ServerState.READY);
        });
    inst.progress = InstanceRun.UPGRADED;
    inst.message = "";
  }

  /** Stops a pipeline between steps once a rollback is decided; the restore takes it from here. */
  private void checkpoint(String next) {
    if (rollbackRequested) {
      throw new Interrupted("stopped before " + next + ": " + rollbackReason);
    }
  }

  private void restoreFailedWithinLimit(List<InstanceRun> members) {
    List<InstanceRun> failed = members.stream().filter(i -> i.failed && i.recorded).toList();
    if (failed.isEmpty()) {
      return;
    }
    List<String> problems =
        WorkflowScopes.outsideCancel(
            () -> WorkflowScopes.concurrently(failed, this::restoreGuarded));
    if (!problems.isEmpty()) {
      requestRollback(
          BELLWETHER, "could not restore a failed instance: " + String.join("; ", problems));
    }
  }

  private RollingResult succeed() {
    phase = Phase.SUCCEEDED;
    step = "";
    List<String> failed = namesWhere(i -> i.failed);
    message =
        failed.isEmpty()
            ? "every instance runs " + spec.version()
            : "done; failed within failureLimit and restored: " + String.join(", ", failed);
    trail.add(BELLWETHER, "succeeded", message);
    WorkflowMetrics.runFinished("succeeded");
    return result();
  }

  // ---------------------------------------------------------------------------------------------
  // Rollback

  /** Puts every touched instance back as recorded; throws RestoreFailed when it cannot. */
  private RollingResult rollBack(String outcome) {
    phase = Phase.ROLLING_BACK;
    step = ROLLBACK;
    // The operator's own request is already an event; this one marks when the restore begins.
    trail.add(
        BELLWETHER,
        "rollback-started",
        BELLWETHER.equals(rollbackBy)
            ? rollbackReason
            : "asked by " + rollbackBy + ": " + rollbackReason);
    long started = Workflow.currentTimeMillis();
    List<InstanceRun> touched = instances.values().stream().filter(i -> i.recorded).toList();
    List<String> problems = new ArrayList<>();
    for (int from = 0; from < touched.size(); from += batchSize) {
      problems.addAll(
          WorkflowScopes.concurrently(
              touched.subList(from, Math.min(touched.size(), from + batchSize)),
              this::restoreGuarded));
    }
    WorkflowMetrics.stepTook(ROLLBACK, started);
    step = "";
    if (!problems.isEmpty()) {
      phase = Phase.FAILED;
      message =
          "rollback ("
              + rollbackReason
              + ") could not restore every instance, check them: "
              + String.join("; ", problems);
      trail.add(BELLWETHER, "failed", message);
      WorkflowMetrics.runFinished("failed");
      throw ApplicationFailure.newNonRetryableFailure(message, RESTORE_FAILED);
    }
    phase = Phase.ROLLED_BACK;
    message =
        "rolled back ("
            + rollbackReason
            + "); "
            + (touched.isEmpty()
                ? "nothing had been changed"
                : touched.size() + " instance(s) restored");
    trail.add(BELLWETHER, "rolled-back", message);
    WorkflowMetrics.runFinished(outcome);
    return result();
  }

  /** Returns null when the instance is as recorded, or what went wrong. */
  private String restoreGuarded(InstanceRun inst) {
    try {
      restore(inst);
      return null;
    } catch (StepFailure | TemporalFailure e) {
      String why = e instanceof TemporalFailure f ? Failures.describe(f) : e.getMessage();
      inst.message = "restore failed: " + why;
      trail.add(BELLWETHER, "restore-failed", inst.name + ": " + why);
      return inst.name + ": " + why;
    }
  }

  private void restore(InstanceRun inst) {
    TargetRef t = spec.target();
    ServerInfo now = byName(patient.traffic.listServers(t.router(), t.backend())).get(inst.name);
    if (now == null) {
      throw new StepFailure("restore", "no longer a server of backend '" + t.backend() + "'");
    }
    inst.see(now);
    String running = patient.deploy.currentVersion(t.deployer(), inst.name, now.address());
    inst.version = running == null ? "" : running;
    if (!inst.matchesRecord(inst.version, now)) {
      if (inst.state == ServerState.READY) {
        setState(patient, inst, ServerState.DRAIN);
      }
      if (inst.state == ServerState.DRAIN) {
        patient.traffic.awaitDrained(t.router(), t.backend(), inst.name, drainTimeout.toMillis());
        setState(patient, inst, ServerState.MAINT);
      }
      if (!inst.recordedVersion.isEmpty() && !inst.recordedVersion.equals(inst.version)) {
        DeployResult r =
            patient.deploy.deploy(t.deployer(), inst.name, inst.address, inst.recordedVersion);
        if (!r.ok()) {
          throw new StepFailure(
              "restore",
              "deploy of "
                  + inst.recordedVersion
                  + " failed (exit "
                  + r.exitCode()
                  + "): "
                  + RunText.tail(r.output()));
        }
        inst.version = inst.recordedVersion;
      }
      if (inst.recordedState == ServerState.READY) {
        ProbeResult p = patient.health.awaitHealthy(healthProbe(inst.address));
        if (!p.passed()) {
          throw new StepFailure(
              "restore", "health check at " + inst.version + " did not pass: " + RunText.probe(p));
        }
      }
      if (inst.weight != inst.recordedWeight) {
        inst.see(
            patient.traffic.setServerWeight(
                t.router(), t.backend(), inst.name, inst.recordedWeight));
      }
      setState(patient, inst, inst.recordedState);
    }
    String note =
        "restored to '"
            + inst.recordedVersion
            + "', "
            + inst.recordedState
            + ", weight "
            + inst.recordedWeight;
    if (inst.failed) {
      inst.progress = InstanceRun.FAILED;
      inst.message = inst.failure + "; " + note;
    } else {
      inst.progress = InstanceRun.RESTORED;
      inst.message = note;
    }
    trail.add(BELLWETHER, "restored", inst.name + " " + note);
  }

  // ---------------------------------------------------------------------------------------------
  // Operator controls: signals and updates share one rule book

  @Override
  protected void onSignal(String action, OperatorRequest request) {
    if (isGateAction(action)) {
      controls.gateSignal(gate, action, request, Controls.finished(phase));
    } else {
      signal(action, request);
    }
  }

  @Override
  protected void onValidate(String action, OperatorRequest request) {
    if (isGateAction(action)) {
      Controls.checkGate(gate, action, request, Controls.finished(phase));
    } else {
      checkControl(action, request);
    }
  }

  @Override
  protected ControlResponse onUpdate(String action, OperatorRequest request) {
    return isGateAction(action) ? gateUpdate(action, request) : apply(action, request);
  }

  private static boolean isGateAction(String action) {
    return Controls.APPROVE.equals(action) || Controls.REJECT.equals(action);
  }

  private ControlResponse gateUpdate(String action, OperatorRequest request) {
    GateDecision d = Controls.gateUpdate(gate, action, request, Controls.finished(phase));
    return new ControlResponse(action, phase, paused, Controls.answer(d, gate));
  }

  private void signal(String action, OperatorRequest request) {
    if (controls.admitSignal(action, request, refusal(action))) {
      apply(action, request);
    }
  }

  /** Throwing here rejects the update before it reaches history. */
  private void checkControl(String action, OperatorRequest request) {
    Controls.check(action, request, refusal(action));
  }

  /** Why the action does not apply now, or null when it does. */
  private String refusal(String action) {
    String finished = Controls.finished(phase);
    if (finished != null) {
      return finished;
    }
    return switch (action) {
      case PAUSE ->
          rollbackRequested ? "the run is rolling back" : paused ? "already paused" : null;
      case RESUME ->
          rollbackRequested ? "the run is rolling back" : paused ? null : "the run is not paused";
      case ROLLBACK -> rollbackRequested ? "already rolling back" : null;
      case PROMOTE -> promoteRefusal();
      default -> "unknown action";
    };
  }

  private String promoteRefusal() {
    if (rollbackRequested) {
      return "the run is rolling back";
    }
    if (phase == Phase.BAKING && !skipBake) {
      return null;
    }
    if (paused) {
      return null;
    }
    if (phase == Phase.AWAITING_APPROVAL) {
      return "an approval gate is open: promote does not skip it, approve or reject instead";
    }
    return "nothing to skip: the run is neither baking nor paused";
  }

  private ControlResponse apply(String action, OperatorRequest request) {
    String reason = RunText.isBlank(request.reason()) ? "" : request.reason();
    String answer;
    switch (action) {
      case PAUSE -> {
        paused = true;
        answer = "paused: the current batch finishes, the next waits for resume";
      }
      case RESUME -> {
        paused = false;
        answer = "resumed";
      }
      case PROMOTE -> {
        if (phase == Phase.BAKING && !skipBake) {
          skipBake = true;
          answer = "bake skipped: the next batch starts now";
        } else {
          paused = false;
          answer = "pause skipped: the next batch starts now";
        }
      }
      default -> {
        requestRollback(request.by(), reason.isEmpty() ? "requested by " + request.by() : reason);
        answer = "rolling back: every touched instance goes back to its record";
      }
    }
    trail.add(request.by(), action, reason);
    return new ControlResponse(action, phase, paused, answer);
  }

  private void requestRollback(String by, String reason) {
    rollbackRequested = true;
    paused = false;
    rollbackBy = by;
    rollbackReason = reason;
    if (batchScope != null) {
      batchScope.cancel(reason);
    }
  }

  @Override
  public RollingStatus status() {
    return new RollingStatus(
        spec == null || spec.service() == null ? "" : spec.service(),
        spec == null || spec.version() == null ? "" : spec.version(),
        phase,
        step,
        batch,
        totalBatches,
        paused,
        instances.values().stream().map(InstanceRun::toStatus).toList(),
        trail.events(),
        message,
        gate == null ? null : gate.status());
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private RollingResult result() {
    List<InstanceStatus> all = instances.values().stream().map(InstanceRun::toStatus).toList();
    return new RollingResult(
        phase,
        message,
        namesWhere(i -> InstanceRun.UPGRADED.equals(i.progress)),
        namesWhere(i -> i.failed),
        all);
  }

  private void fail(String why) {
    phase = Phase.FAILED;
    message = why;
    trail.add(BELLWETHER, "failed", why);
    WorkflowMetrics.runFinished("failed");
  }

  private void timed(InstanceRun inst, String name, String progress, Runnable body) {
    step = name;
    inst.progress = progress;
    long started = Workflow.currentTimeMillis();
    try {
      body.run();
    } finally {
      // A failed or interrupted step is timed too: slow failures are what dashboards look for.
      WorkflowMetrics.stepTook(name, started);
    }
  }

  private void setState(RollingActivities stubs, InstanceRun inst, ServerState target) {
    TargetRef t = spec.target();
    inst.see(stubs.traffic.setServerState(t.router(), t.backend(), inst.name, target));
  }

  private HealthProbe healthProbe(String address) {
    return HealthProbes.health(
        spec.target().healthCheckOrDefault(), spec.healthCheckOrDefault(), address);
  }

  private HealthProbe smokeProbe(String address, SmokeCheckSpec smoke) {
    return HealthProbes.smoke(
        spec.target().healthCheckOrDefault(),
        spec.healthCheckOrDefault(),
        smoke,
        spec.version(),
        address);
  }

  private Duration healthTimeout() {
    return HealthProbes.timeout(spec.healthCheckOrDefault());
  }

  /** Share of the pool (0-100, rounded down) that runs the new version and is back in service. */
  private int upgradedPercent() {
    if (instances.isEmpty()) {
      return 0;
    }
    long upgraded =
        instances.values().stream().filter(i -> InstanceRun.UPGRADED.equals(i.progress)).count();
    return (int) (upgraded * 100 / instances.size());
  }

  private List<InstanceRun> batchMembers(int b) {
    return instances.values().stream().filter(i -> i.batch == b).toList();
  }

  private List<String> namesWhere(java.util.function.Predicate<InstanceRun> test) {
    return instances.values().stream().filter(test).map(i -> i.name).toList();
  }

  private static String names(List<InstanceRun> members) {
    return members.stream().map(i -> i.name).collect(Collectors.joining(", "));
  }

  private static Map<String, ServerInfo> byName(List<ServerInfo> servers) {
    Map<String, ServerInfo> out = new LinkedHashMap<>();
    for (ServerInfo s : servers) {
      out.put(s.name(), s);
    }
    return out;
  }

  /**
   * A pipeline stopped on purpose because the run is rolling back; not a failure of the instance.
   */
  private static final class Interrupted extends RuntimeException {
    Interrupted(String message) {
      super(message, null, false, false);
    }
  }

  /** A step judged to have failed from facts an activity returned (not an activity error). */
  private static final class StepFailure extends RuntimeException {
    StepFailure(String step, String message) {
      super(step + ": " + message, null, false, false);
    }
  }
}
