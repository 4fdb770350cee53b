package io.bellwether.workflows.abtest;

import io.bellwether.analysis.abtest.ABEvaluator;
import io.bellwether.analysis.abtest.VariantCounts;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestSpecValidator;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestTarget;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.abtest.Comparison;
import io.bellwether.contracts.abtest.Evaluation;
import io.bellwether.contracts.abtest.Guardrail;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.SamplePlan;
import io.bellwether.contracts.abtest.SampleSize;
import io.bellwether.contracts.abtest.SplitRoutes;
import io.bellwether.contracts.abtest.SplitState;
import io.bellwether.contracts.abtest.StatsPlan;
import io.bellwether.contracts.abtest.Variant;
import io.bellwether.contracts.abtest.VariantPoint;
import io.bellwether.contracts.abtest.VariantRoute;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingResult;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.InvalidSpecException;
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
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code ABTest} workflow. Each variant is provisioned on instances of its own in one backend
 * of the router's split and health-checked while the split is still closed; then the split's
 * routes are written and the split opened in one router command. Every interval one metrics call
 * reads every active variant's exposures, conversions and guardrails. A variant that breaks a
 * guardrail is stopped at once (a treatment's route is closed and the test goes on with the rest;
 * the control, or the last treatment, ends the test). Data collection ends when every active
 * variant has its planned sample size and the minimum duration has passed, when the sequential
 * test decides (also not before the minimum duration), at the maximum duration, or on {@code
 * promote}; a {@code pause} holds that moment while counts and guardrails are still read, until
 * {@code resume}. Then the goal is tested once on the last read, the
 * outcome optionally confirmed at the {@value #CONFIRM_GATE} gate, and either the winning treatment
 * rolled out to the stable backend by a child {@code RollingDeployment} or everything reverted.
 *
 * <p>Reversion always closes the split first (clearing it closes it in one command, then empties
 * its maps), then removes every variant instance. It runs where a cancel cannot cut it short, on
 * every path that ends the test: a stop, {@code rollback}, a rejection, cancel, and after a worker
 * restart (the run replays and carries on). Every change is registered before it is made, so a
 * call that timed out is undone too.
 *
 * <p>No peeking: with the fixed method an interim read only decides whether the sample size is
 * reached (counting exposures says nothing about the outcome); the goal is tested once, at the end.
 * Counts: EMPTY is 0 (fresh counters that saw nobody yet); a query without a number keeps the last
 * count and is recorded. Guardrails: no data is neither a breach nor a pass.
 *
 * <p>Deterministic: it only reads the workflow clock, awaits, calls activity stubs and a child, and
 * runs pure statistics code.
 */
public class ABTestWorkflowImpl extends ControlDispatch implements ABTestWorkflow {
  /** Who acts when the run acts on its own. */
  public static final String BELLWETHER = "bellwether";

  /** The name of the gate at which a person confirms the outcome before it is applied. */
  public static final String CONFIRM_GATE = "confirm";

  /** Instance {@code k} (from 1) of a variant: {@code <service>-ab-<variant>-<k>}. */
  public static String instanceName(String service, String variant, int k) {
    return service + "-ab-" + variant + "-" + k;
  }

  private static final String PAUSE = Controls.PAUSE;
  private static final String RESUME = Controls.RESUME;
  private static final String ROLLBACK = Controls.ROLLBACK;
  private static final String PROMOTE = Controls.PROMOTE;

  private ABTestSpec spec;
  private Phase phase = Phase.VALIDATING;

  /** Why the run stopped or failed, or how a conclusion was not applied; null otherwise. */
  private String reason;

  private final AuditTrail trail = new AuditTrail();
  private final Controls controls = new Controls(trail);
  private RunNotices notices;

  private boolean planned;
  private String router = "";
  private String split = "";
  private String salt = "";
  private SamplePlan samplePlan;
  private final List<VariantArm> arms = new ArrayList<>();

  /** Set before the first change to the split: from then on every ending clears it. */
  private boolean splitTouched;

  private boolean splitOpen;
  private long startedCollectingMillis;
  private long lastReadMillis;
  private int reads;

  /** The last read lacked numbers: the next complete read says the data is back. */
  private boolean dataMissing;

  /** Sequential method: each treatment's always-valid p-value so far (it only ever falls). */
  private final Map<String, Double> alwaysValidP = new TreeMap<>();

  private Evaluation interim;
  private Evaluation evaluation;
  private Outcome outcome = Outcome.PENDING;
  private String winner;
  private String decision;
  private String confirmedBy;
  private ApprovalGate confirmGate;

  private boolean paused;

  /** Collection would have ended, and a pause holds it. */
  private boolean held;

  private boolean promoteRequested;
  private String promotedBy = "";
  private boolean rollbackRequested;
  private String rollbackBy = "";
  private String rollbackReason = "";

  /** The last read was made and the goal tested: controls about collecting no longer apply. */
  private boolean collectionEnded;

  /** The test is over and its changes are being undone (or cleaned up after a rollout). */
  private boolean tearingDown;

  private String promotion;
  private boolean rolloutStarted;
  private boolean rolloutFinished;
  private final RolloutChild rolloutChild = new RolloutChild();

  /** The stage a rollback cuts short. */
  private final StageScope stage = new StageScope();
  private RunActivities forward;
  private RunActivities patient;
  private SlotInstances slots;

  @Override
  public ABTestResult run(ABTestSpec spec) {
    this.spec = spec;
    // First, on every path: the version marker must sit at the same point of every new history.
    notices =
        RunNotices.open(
            TYPE,
            trail,
            spec == null || RunText.isBlank(spec.requestedBy()) ? "unknown" : spec.requestedBy(),
            spec == null ? "no spec" : "A/B test " + spec.name() + " of " + spec.service());
    return RunNotices.thenTellTheEnd(this::experiment, this::tellTheEnd);
  }

  private ABTestResult experiment() {
    try {
      SplitState state = validate();
      if (!state.isClear()) {
        return refuse(
            "split '"
                + split
                + "' is in use: "
                + describe(state)
                + "; finish or clear that experiment first");
      }
      plan(state);
      notices.started(spec.service(), "A/B " + spec.name());
      return conduct();
    } catch (CanceledFailure e) {
      onCancel();
      throw e;
    }
  }

  private void tellTheEnd() {
    notices.end(phase, reason, ApprovalGate.endedBy(rollbackBy, confirmGate));
  }

  // ---------------------------------------------------------------------------------------------
  // Validation and plan

  /** The split as it is before the test; throws when the spec or its names do not hold. */
  private SplitState validate() {
    List<Violation> problems = new ArrayList<>(ABTestSpecValidator.validate(spec));
    List<Violation> unknown = new ArrayList<>();
    SplitState state = null;
    ABTestTarget t = spec == null ? null : spec.target();
    boolean namesWellFormed =
        t != null && problems.stream().noneMatch(v -> v.field().startsWith("target"));
    if (namesWellFormed) {
      router = t.router();
      split = t.split();
      RunActivities check = RunActivities.forValidation();
      try {
        unknown.addAll(check.config.checkABTestTarget(t));
        boolean splitKnown =
            unknown.stream()
                .noneMatch(
                    v -> v.field().equals("target.router") || v.field().equals("target.split"));
        if (splitKnown) {
          try {
            state = check.split.splitState(t.router(), t.split());
            problems.addAll(splitProblems(state));
          } catch (ActivityFailure f) {
            if (!FailureTypes.UNKNOWN_TARGET.equals(Failures.type(f))) {
              throw f;
            }
            unknown.add(new Violation("target.split", Failures.describe(f)));
          }
        }
      } catch (ActivityFailure f) {
        WorkflowScopes.throwIfCanceled("the run was canceled while checking the spec");
        end(Phase.FAILED, "could not check the target: " + Failures.describe(f));
        throw f;
      }
    }
    if (problems.isEmpty() && unknown.isEmpty()) {
      problems.addAll(planProblems());
    }
    if (!problems.isEmpty() || !unknown.isEmpty()) {
      List<Violation> all = new ArrayList<>(problems);
      all.addAll(unknown);
      String text = InvalidSpecException.describe(all);
      outcome = Outcome.STOPPED;
      end(Phase.ABORTED, text);
      throw Failures.refusedSpec(text, problems.isEmpty(), all);
    }
    return state;
  }

  /** Why this split cannot hold these variants; empty when it can. Touches nothing. */
  private List<Violation> splitProblems(SplitState state) {
    int wanted = spec.variants().size();
    if (state.backends().size() >= wanted) {
      return List.of();
    }
    return List.of(
        new Violation(
            "variants",
            wanted
                + " variants need "
                + wanted
                + " backends, split '"
                + split
                + "' in router '"
                + router
                + "' has "
                + state.backends().size()));
  }

  /**
   * The sample plan, kept for the run; its problems when it cannot be worked out (the validator
   * should have said so already: this keeps a bad input from failing the workflow task forever).
   */
  private List<Violation> planProblems() {
    List<Violation> out = new ArrayList<>();
    if (Durations.parse(spec.maxDuration()) == null) {
      out.add(new Violation("maxDuration", "is required: the longest the test collects data"));
    }
    try {
      int[] shares = spec.variants().stream().mapToInt(Variant::shareOrZero).toArray();
      samplePlan = SampleSize.plan(spec.plan(), spec.treatments().size(), shares);
    } catch (RuntimeException e) {
      out.add(new Violation("plan", "no sample size can be worked out: " + e.getMessage()));
    }
    return out;
  }

  private static String describe(SplitState s) {
    SplitRoutes r = s.routes();
    int routes = r == null ? 0 : r.variants().size();
    return (s.open() ? "open" : "closed")
        + ", "
        + routes
        + " route(s)"
        + (r == null || RunText.isBlank(r.salt()) ? "" : ", salt " + r.salt());
  }

  private void plan(SplitState state) {
    ABTestTarget t = spec.target();
    String given = spec.assignmentOrDefault().salt();
    // Derived from the run (replay gives the same value): two runs of one experiment assign anew.
    salt =
        RunText.isBlank(given)
            ? Workflow.randomUUID().toString().replace("-", "").substring(0, 8)
            : given;
    int bucket = 0;
    for (int i = 0; i < spec.variants().size(); i++) {
      Variant v = spec.variants().get(i);
      List<PoolMember> members = new ArrayList<>();
      for (int k = 1; k <= v.replicasOrDefault(); k++) {
        members.add(new PoolMember("s" + k, instanceName(spec.service(), v.name(), k), k));
      }
      arms.add(new VariantArm(v, i == 0, state.backends().get(i), members, bucket));
      bucket += v.shareOrZero();
    }
    Duration healthTimeout = HealthProbes.timeout(healthCheck());
    forward = RunActivities.forward(healthTimeout);
    patient = RunActivities.patient(healthTimeout);
    slots = new SlotInstances(trail, router, t.deployer(), this::interrupted);
    planned = true;
    List<String> parts = new ArrayList<>();
    for (VariantArm a : arms) {
      parts.add(
          a.name
              + " "
              + a.version
              + " ("
              + a.share
              + "%, "
              + a.members.size()
              + " instance(s) in '"
              + a.backend
              + "')");
    }
    trail.add(
        BELLWETHER,
        "planned",
        String.join("; ", parts)
            + "; "
            + samplePlan.perVariant()
            + " exposures per variant ("
            + spec.plan().methodOrDefault()
            + ", alpha "
            + samplePlan.alphaPerComparison()
            + " per comparison, power "
            + samplePlan.power()
            + "); salt "
            + salt);
  }

  // ---------------------------------------------------------------------------------------------
  // Forward path

  private ABTestResult conduct() {
    if (rollbackRequested) {
      return stop("rolled back before anything changed: " + rollbackReason);
    }
    String problem = stage.run(this::provisionAndVerify);
    WorkflowScopes.throwIfCanceled();
    if (rollbackRequested) {
      return stop("rolled back before the split opened: " + rollbackReason);
    }
    if (problem != null) {
      return stop("the variant instances did not come up: " + problem);
    }
    problem = openSplit();
    WorkflowScopes.throwIfCanceled();
    if (problem != null) {
      return stop(problem);
    }
    String stopped = collect();
    WorkflowScopes.throwIfCanceled();
    if (stopped != null) {
      return stop(stopped);
    }
    return conclude();
  }

  /** One instance of one variant. */
  private record Placement(VariantArm arm, PoolMember member) {}

  private List<Placement> placements() {
    List<Placement> out = new ArrayList<>();
    for (VariantArm a : arms) {
      for (PoolMember m : a.members) {
        out.add(new Placement(a, m));
      }
    }
    return out;
  }

  private String provisionAndVerify() {
    phase = Phase.PROVISIONING;
    long started = Workflow.currentTimeMillis();
    List<String> problems =
        WorkflowScopes.concurrently(
            placements(),
            p ->
                slots.provision(
                    forward.pool, forward.deploy, p.arm().backend, p.member(), p.arm().version));
    WorkflowMetrics.stepTook("provision", started);
    if (!problems.isEmpty() || interrupted()) {
      return problems.isEmpty() ? null : String.join("; ", problems);
    }
    phase = Phase.VERIFYING;
    started = Workflow.currentTimeMillis();
    String check = spec.target().healthCheckOrDefault();
    problems =
        WorkflowScopes.concurrently(
            placements(),
            p ->
                slots.verify(
                    forward.health,
                    p.member(),
                    HealthProbes.health(check, healthCheck(), p.member().address),
                    null,
                    null));
    WorkflowMetrics.stepTook("verify", started);
    if (problems.isEmpty() && !interrupted()) {
      trail.add(
          BELLWETHER,
          "verified",
          placements().size() + " variant instance(s) healthy, no traffic yet");
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private boolean interrupted() {
    return rollbackRequested || CancellationScope.current().isCancelRequested();
  }

  /** Routes written while closed, then the split opened in one command; why not, or null. */
  private String openSplit() {
    phase = Phase.SWITCHING;
    // Registered before the change: a call that timed out may still have reached the router.
    splitTouched = true;
    try {
      forward.split.setRoutes(router, split, routes());
      trail.add(BELLWETHER, "routes", routesText());
      if (rollbackRequested) {
        return "rolled back before the split opened: " + rollbackReason;
      }
      forward.split.setOpen(router, split, true);
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return "could not open split '" + split + "': " + Failures.describe(f);
    }
    splitOpen = true;
    startedCollectingMillis = Workflow.currentTimeMillis();
    int treatments = arms.stream().filter(a -> !a.control).mapToInt(a -> a.share).sum();
    trail.add(
        BELLWETHER,
        "split-open",
        "split '" + split + "' open: " + (treatments + arms.get(0).share) + "% of users in the test, "
            + treatments + "% on treatments");
    notices.trafficStep(treatments);
    return null;
  }

  private SplitRoutes routes() {
    return new SplitRoutes(
        salt,
        spec.assignmentOrDefault().stickinessOrDefault(),
        arms.stream().map(a -> a.route).toList());
  }

  private String routesText() {
    List<String> parts = new ArrayList<>();
    for (VariantArm a : arms) {
      VariantRoute r = a.route;
      String segments =
          (r.users().isEmpty() ? "" : ", " + r.users().size() + " forced user(s)")
              + (r.headerValues().isEmpty() ? "" : ", header " + String.join(",", r.headerValues()))
              + (r.cookieValues().isEmpty() ? "" : ", cookie " + String.join(",", r.cookieValues()));
      parts.add(
          a.name + " buckets " + r.bucketFrom() + "-" + r.bucketTo() + " to '" + r.backend() + "'"
              + segments);
    }
    return String.join("; ", parts)
        + " ("
        + spec.assignmentOrDefault().stickinessOrDefault()
        + ", salt "
        + salt
        + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Collecting

  /** Reads every interval until collection ends (null) or the test must stop (why). */
  private String collect() {
    Duration interval = spec.intervalOrDefault();
    while (true) {
      phase = held ? Phase.PAUSED : Phase.COLLECTING;
      Workflow.await(interval, () -> rollbackRequested || promoteRequested || (held && !paused));
      if (rollbackRequested) {
        return rolledBack();
      }
      String stop = read(interval);
      if (stop != null) {
        return stop;
      }
      if (rollbackRequested) {
        return rolledBack();
      }
      interim = evaluate(false);
      String end = endOfCollection();
      if (end == null) {
        held = false;
        continue;
      }
      if (paused && !promoteRequested) {
        if (!held) {
          held = true;
          trail.add(
              BELLWETHER,
              "held",
              end + "; the decision is held by pause: collection goes on until resume");
        }
        continue;
      }
      held = false;
      trail.add(BELLWETHER, "collected", end);
      return null;
    }
  }

  private String rolledBack() {
    return "rolled back while collecting: " + rollbackReason;
  }

  private List<VariantArm> activeArms() {
    return arms.stream().filter(a -> !a.stopped).toList();
  }

  /**
   * One read: every active variant's exposures, conversions and guardrails in one metrics call.
   * EMPTY counts as 0 (fresh counters that saw nobody yet); a count with no number keeps its last
   * value and is recorded. Returns why the test must stop, or null.
   */
  private String read(Duration interval) {
    reads++;
    List<VariantArm> active = activeArms();
    List<Guardrail> guardrails = spec.guardrails();
    List<String> queries = new ArrayList<>();
    for (VariantArm a : active) {
      Map<String, String> vars =
          QueryTemplate.variant(
              spec.service(), spec.name(), a.name, a.version, a.instances(), interval);
      queries.add(QueryTemplate.render(spec.goal().exposures(), vars));
      queries.add(QueryTemplate.render(spec.goal().conversions(), vars));
      for (Guardrail g : guardrails) {
        queries.add(QueryTemplate.render(g.query(), vars));
      }
    }
    List<MetricValue> values = query(queries);
    long at = Workflow.currentTimeMillis();
    lastReadMillis = at;
    List<String> missing = new ArrayList<>();
    int i = 0;
    for (VariantArm a : active) {
      Long exposures = count(values.get(i++), a.name + " exposures", missing);
      Long conversions = count(values.get(i++), a.name + " conversions", missing);
      if (exposures != null) {
        a.exposures = exposures;
      }
      if (conversions != null) {
        a.conversions = conversions;
      }
      Map<String, Double> seen = new TreeMap<>();
      for (Guardrail g : guardrails) {
        MetricValue v = values.get(i++);
        if (v.ok() && Double.isFinite(v.value())) {
          seen.put(g.name(), v.value());
          a.see(g, v.value());
        } else {
          // No data is not a breach: the streak stays as it was.
          missing.add(a.name + " " + g.name() + " " + noNumber(v));
        }
      }
      a.addPoint(new VariantPoint(at, exposures, conversions, seen));
    }
    if (!missing.isEmpty() && !dataMissing) {
      trail.add(BELLWETHER, "no-data", "read " + reads + ": " + String.join("; ", missing));
    } else if (missing.isEmpty() && dataMissing) {
      trail.add(BELLWETHER, "data-back", "read " + reads + ": every query answered");
    }
    dataMissing = !missing.isEmpty();
    return guardrails(active);
  }

  /** The provider's answers, one per query; a failed call answers every query with no number. */
  private List<MetricValue> query(List<String> queries) {
    try {
      List<MetricValue> values = forward.metrics.queryAll(spec.target().metrics(), queries);
      if (values != null && values.size() == queries.size()) {
        return values;
      }
      MetricValue wrong =
          MetricValue.of(
              MetricStatus.ERROR,
              (values == null ? 0 : values.size()) + " answers to " + queries.size() + " queries");
      return Collections.nCopies(queries.size(), wrong);
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      MetricStatus s =
          FailureTypes.UNKNOWN_TARGET.equals(Failures.type(f))
              ? MetricStatus.ERROR
              : MetricStatus.UNAVAILABLE;
      return Collections.nCopies(queries.size(), MetricValue.of(s, Failures.describe(f)));
    }
  }

  private static Long count(MetricValue v, String what, List<String> missing) {
    if (v.status() == MetricStatus.EMPTY) {
      return 0L;
    }
    if (v.ok() && Double.isFinite(v.value())) {
      return Math.max(0, Math.round(v.value()));
    }
    missing.add(what + " " + noNumber(v));
    return null;
  }

  private static String noNumber(MetricValue v) {
    return v.status() + (RunText.isBlank(v.detail()) ? "" : " (" + v.detail() + ")");
  }

  /**
   * Stops the variants whose guardrails broke. A broken treatment's route is closed (its users go
   * back to stable) while other treatments go on; returns why the whole test must stop instead
   * (the control broke, no treatment is left, or the route could not be closed), or null.
   */
  private String guardrails(List<VariantArm> active) {
    List<VariantArm> broken = new ArrayList<>();
    for (VariantArm a : active) {
      List<String> why = new ArrayList<>();
      for (Guardrail g : spec.guardrails()) {
        String b = a.broken(g);
        if (b != null) {
          why.add(b);
        }
      }
      if (!why.isEmpty()) {
        a.stopped = true;
        a.stopReason = String.join("; ", why);
        broken.add(a);
        trail.add(BELLWETHER, "variant-stopped", a.name + ": " + a.stopReason);
      }
    }
    if (broken.isEmpty()) {
      return null;
    }
    VariantArm control = arms.get(0);
    if (broken.contains(control)) {
      return "the control " + control.name + " broke a guardrail: " + control.stopReason;
    }
    List<String> names = broken.stream().map(a -> a.name).toList();
    if (activeArms().size() < 2) {
      return "no treatment left: " + String.join(", ", names) + " broke a guardrail: "
          + String.join("; ", broken.stream().map(a -> a.stopReason).toList());
    }
    for (VariantArm a : broken) {
      a.route = a.route.closed();
    }
    try {
      forward.split.setRoutes(router, split, routes());
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return "could not close the route of " + String.join(", ", names) + ": " + Failures.describe(f);
    }
    for (VariantArm a : broken) {
      String text =
          a.name + " stopped: " + a.stopReason + "; its users are back on '" + spec.target().backend()
              + "', the test goes on without it";
      trail.add(BELLWETHER, "route-closed", text);
      notices.variantStopped(text);
    }
    return null;
  }

  /**
   * One look at the goal. Interim looks ({@code finalLook} false) are informative only with the
   * fixed method; the sequential method's always-valid p-values carry over from look to look.
   */
  private Evaluation evaluate(boolean finalLook) {
    List<VariantCounts> counts = activeArms().stream().map(VariantArm::counts).toList();
    boolean sequential = StatsPlan.SEQUENTIAL.equals(spec.plan().methodOrDefault());
    Evaluation e =
        ABEvaluator.evaluate(
            counts,
            spec.plan(),
            spec.goal().higherIsBetter(),
            samplePlan.perVariant(),
            finalLook,
            sequential ? Map.copyOf(alwaysValidP) : Map.of(),
            lastReadMillis);
    if (sequential) {
      for (Comparison c : e.comparisons()) {
        alwaysValidP.put(c.treatment(), c.pValue());
      }
    }
    return e;
  }

  /**
   * Why collection ends after this read, or null to go on. With the fixed method only the counts
   * decide, never the goal's numbers.
   */
  private String endOfCollection() {
    long elapsedMillis = Workflow.currentTimeMillis() - startedCollectingMillis;
    String elapsed = Durations.format(Duration.ofMillis(elapsedMillis));
    if (promoteRequested) {
      return "promote by " + promotedBy + " after " + elapsed;
    }
    boolean minPassed = elapsedMillis >= spec.minDurationOrDefault().toMillis();
    boolean sequential = StatsPlan.SEQUENTIAL.equals(spec.plan().methodOrDefault());
    if (sequential && interim.outcome() == Outcome.WINNER && minPassed) {
      return "the sequential test decided at read " + reads + " after " + elapsed;
    }
    long n = samplePlan.perVariant();
    boolean reached = activeArms().stream().allMatch(a -> a.exposures >= n);
    if (reached && minPassed) {
      return "every variant reached " + n + " exposures after " + elapsed;
    }
    if (elapsedMillis >= Durations.parse(spec.maxDuration()).toMillis()) {
      return "maxDuration " + spec.maxDuration() + " reached"
          + (reached ? "" : " short of " + n + " exposures per variant");
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Decision

  private ABTestResult conclude() {
    collectionEnded = true;
    evaluation = evaluate(true);
    outcome = evaluation.outcome();
    winner = outcome == Outcome.WINNER ? evaluation.winner() : null;
    trail.add(BELLWETHER, "evaluated", outcomeText());
    VariantArm winning = rollsOut();
    if (spec.confirm() != null) {
      String refused = confirm(winning);
      WorkflowScopes.throwIfCanceled();
      if (rollbackRequested) {
        return stop("rolled back at gate '" + CONFIRM_GATE + "': " + rollbackReason);
      }
      if (refused != null) {
        return tearDown(refused, Phase.SUCCEEDED, ABTestResult.REVERTED);
      }
    }
    if (winning == null) {
      return tearDown(null, Phase.SUCCEEDED, ABTestResult.REVERTED);
    }
    return rollOut(winning);
  }

  /** The winning treatment when it is to be rolled out; null when the test only reverts. */
  private VariantArm rollsOut() {
    if (outcome != Outcome.WINNER || winner == null) {
      return null;
    }
    if (!ABTestSpec.ON_WINNER_ROLLOUT.equals(spec.onWinnerOrDefault())) {
      return null;
    }
    return arms.stream().filter(a -> !a.control && a.name.equals(winner)).findFirst().orElse(null);
  }

  private String outcomeText() {
    String summary =
        evaluation == null || RunText.isBlank(evaluation.summary()) ? "" : ": " + evaluation.summary();
    return switch (outcome) {
      case WINNER -> "winner " + winner + summary;
      case NO_DIFFERENCE -> "no difference" + summary;
      case INCONCLUSIVE -> "inconclusive" + summary;
      default -> outcome.name().toLowerCase() + summary;
    };
  }

  /** Waits at the confirm gate; null to apply the outcome, else why it is reverted instead. */
  private String confirm(VariantArm winning) {
    phase = Phase.AWAITING_APPROVAL;
    String apply =
        winning == null
            ? "approve reverts everything (nothing to roll out)"
            : "approve rolls " + winning.name + " (" + winning.version + ") out to '"
                + spec.target().backend() + "'";
    String what = outcomeText() + "; " + apply + ", reject reverts";
    confirmGate =
        new ApprovalGate(
            CONFIRM_GATE,
            spec.confirm(),
            spec.requestedBy(),
            Workflow.getInfo().getWorkflowId(),
            forward.gate,
            trail);
    confirmGate.onOpen((name, approvers) -> notices.gateWaiting(name, approvers, what));
    ApprovalGate gate = confirmGate;
    ApprovalGate.Outcome o;
    try {
      o = gate.await(() -> rollbackRequested);
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return "the confirm gate could not open: " + Failures.describe(f);
    }
    return switch (o) {
      case APPROVED -> {
        confirmedBy = String.join(", ", gate.status().approvals());
        trail.add(BELLWETHER, "confirmed", outcomeText() + " (by " + confirmedBy + ")");
        yield null;
      }
      case TIMED_OUT_PROCEED -> null;
      case REJECTED -> rejection(gate);
      case TIMED_OUT_ABORT -> "gate '" + CONFIRM_GATE + "' timed out (onTimeout: abort)";
      case INTERRUPTED -> "";
    };
  }

  private static String rejection(ApprovalGate gate) {
    GateDecision d = gate.decisive();
    if (d == null) {
      return "rejected";
    }
    return "rejected by " + d.by() + (RunText.isBlank(d.reason()) ? "" : ": " + d.reason());
  }

  /** The split closed, the winner rolled out by the child, then the experiment cleaned up. */
  private ABTestResult rollOut(VariantArm arm) {
    phase = Phase.PROMOTING;
    rolloutStarted = true;
    promotion = WorkflowIds.abTestRollout(Workflow.getInfo().getWorkflowId());
    String backend = spec.target().backend();
    // Closed first, in one command: every user is on stable while it is upgraded.
    try {
      forward.split.setOpen(router, split, false);
      splitOpen = false;
    } catch (TemporalFailure f) {
      WorkflowScopes.throwIfCanceled();
      return tearDown(
          "could not close split '" + split + "' before the rollout: " + Failures.describe(f),
          Phase.FAILED,
          ABTestResult.REVERTED);
    }
    trail.add(
        BELLWETHER,
        "rolling-out",
        "split '" + split + "' closed; rolling " + arm.name + " (" + arm.version + ") out to '" + backend
            + "' (" + promotion + ")");
    notices.promoted(confirmedBy);
    ABTestTarget t = spec.target();
    long started = Workflow.currentTimeMillis();
    RolloutChild.Outcome o;
    try {
      o =
          rolloutChild.run(
              promotion,
              RolloutChild.spec(
                  spec.service(),
                  arm.version,
                  new TargetRef(t.router(), t.backend(), t.deployer(), t.healthCheck()),
                  spec.rolloutOrDefault(),
                  spec.drainTimeout(),
                  spec.healthCheck(),
                  spec.smokeCheck(),
                  spec.requestedBy()),
              () -> false);
    } finally {
      WorkflowMetrics.stepTook("rollout", started);
    }
    RollingResult r = o.result();
    String failure =
        o.failure() != null
            ? o.failure()
            : r == null
                ? "no result"
                : r.phase() != Phase.SUCCEEDED ? r.phase() + ": " + r.message() : null;
    if (failure != null) {
      String why = "rollout of " + arm.name + " (" + arm.version + ") failed: " + failure;
      trail.add(BELLWETHER, "rollout-failed", why);
      return tearDown(why, Phase.FAILED, ABTestResult.REVERTED);
    }
    rolloutFinished = true;
    trail.add(BELLWETHER, "rolled-out", "'" + backend + "' runs " + arm.version + ": " + r.message());
    return tearDown(null, Phase.SUCCEEDED, ABTestResult.ROLLED_OUT);
  }

  // ---------------------------------------------------------------------------------------------
  // Reversion

  /** The test stopped short of a conclusion (or of applying it): everything reverted. */
  private ABTestResult stop(String why) {
    if (evaluation == null) {
      outcome = Outcome.STOPPED;
    }
    // ABORTED when no user was ever routed to a variant.
    Phase end = startedCollectingMillis > 0 ? Phase.ROLLED_BACK : Phase.ABORTED;
    return tearDown(why, end, ABTestResult.REVERTED);
  }

  /**
   * Clears the split and removes the variant instances, where a cancel cannot cut it short, then
   * ends in {@code end} with {@code why} (null: a clean conclusion) and {@code decided}; in FAILED
   * with every problem listed when something could not be undone.
   */
  private ABTestResult tearDown(String why, Phase end, String decided) {
    return WorkflowScopes.outsideCancel(
        () -> {
          tearingDown = true;
          paused = false;
          phase = rolloutFinished ? Phase.PROMOTING : Phase.ROLLING_BACK;
          decision = decided;
          String detail = why != null ? why : "the test concluded: " + outcomeText();
          trail.add(BELLWETHER, rolloutFinished ? "cleanup" : "revert", detail);
          long started = Workflow.currentTimeMillis();
          List<String> problems = restore();
          WorkflowMetrics.stepTook("revert", started);
          if (!problems.isEmpty()) {
            return end(
                Phase.FAILED,
                (why != null ? why + "; " : "")
                    + "the experiment could not be undone, check: "
                    + String.join("; ", problems));
          }
          return end(end, why);
        });
  }

  /**
   * Clears the split (closed first, in one command, then every map emptied), then removes every
   * variant instance that was ever asked for. Returns the problems met; an instance the split may
   * still route to is never removed.
   */
  private List<String> restore() {
    List<String> problems = new ArrayList<>();
    if (!planned) {
      return problems;
    }
    if (splitTouched) {
      try {
        SplitState s = patient.split.clear(router, split);
        splitOpen = false;
        if (s != null && !s.isClear()) {
          problems.add("split '" + split + "' is not clear after clearing it: " + describe(s));
          return problems;
        }
        trail.add(
            BELLWETHER,
            "split-cleared",
            "split '" + split + "' closed and emptied: every user is on '"
                + spec.target().backend() + "'");
      } catch (TemporalFailure f) {
        problems.add(
            "could not clear split '" + split + "': " + Failures.describe(f)
                + "; the variant instances are left running because it may still route to them");
        return problems;
      }
    }
    boolean any = false;
    for (VariantArm a : arms) {
      any |= a.members.stream().anyMatch(m -> m.registered);
      problems.addAll(slots.removeRegistered(patient.pool, patient.deploy, a.backend, a.members));
    }
    if (problems.isEmpty() && any) {
      trail.add(BELLWETHER, "torn-down", "variant instances removed");
    }
    return problems;
  }

  /** Cancel reverts everything (a finished rollout only loses its cleanup). */
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
            reason = "canceled before anything changed";
            outcome = Outcome.STOPPED;
            WorkflowMetrics.runFinished("canceled");
            return null;
          }
          if (evaluation == null) {
            outcome = Outcome.STOPPED;
          }
          phase = Phase.ROLLING_BACK;
          tearingDown = true;
          List<String> problems = restore();
          decision = rolloutFinished ? ABTestResult.ROLLED_OUT : ABTestResult.REVERTED;
          if (!problems.isEmpty()) {
            end(
                Phase.FAILED,
                "canceled; the experiment could not be undone, check: " + String.join("; ", problems));
            throw ApplicationFailure.newNonRetryableFailure(reason, FailureTypes.RESTORE_FAILED);
          }
          phase =
              rolloutFinished
                  ? Phase.SUCCEEDED
                  : startedCollectingMillis > 0 ? Phase.ROLLED_BACK : Phase.ABORTED;
          reason = "canceled: split '" + split + "' cleared and the variant instances removed";
          trail.add(BELLWETHER, "canceled", reason);
          WorkflowMetrics.runFinished("canceled");
          return null;
        });
  }

  /** Refused before any change: nothing to undo. */
  private ABTestResult refuse(String why) {
    outcome = Outcome.STOPPED;
    return end(Phase.ABORTED, why);
  }

  private ABTestResult end(Phase end, String why) {
    phase = end;
    reason = why;
    tearingDown = false;
    String event =
        switch (end) {
          case SUCCEEDED -> "succeeded";
          case ROLLED_BACK -> "rolled-back";
          case ABORTED -> "aborted";
          default -> "failed";
        };
    trail.add(BELLWETHER, event, why == null ? outcomeText() + "; " + decision : why);
    WorkflowMetrics.runFinished(end == Phase.ROLLED_BACK ? "rolled_back" : event);
    return result();
  }

  // ---------------------------------------------------------------------------------------------
  // Operator controls: signals and updates share one rule book

  @Override
  protected void onSignal(String action, OperatorRequest request) {
    if (Controls.isGateAction(action)) {
      controls.gateSignal(confirmGate, action, request, Controls.finished(phase));
    } else if (controls.admitSignal(action, request, runRefusal(action))) {
      apply(action, request);
    }
  }

  /** Throwing here rejects the update before it reaches history. */
  @Override
  protected void onValidate(String action, OperatorRequest request) {
    if (Controls.isGateAction(action)) {
      Controls.checkGate(confirmGate, action, request, Controls.finished(phase));
    } else {
      Controls.check(action, request, runRefusal(action));
    }
  }

  @Override
  protected ControlResponse onUpdate(String action, OperatorRequest request) {
    if (Controls.isGateAction(action)) {
      GateDecision d = Controls.gateUpdate(confirmGate, action, request, Controls.finished(phase));
      return new ControlResponse(action, phase, paused, Controls.answer(d, confirmGate));
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
      return ROLLBACK.equals(action) ? "already rolling back" : "the run is rolling back";
    }
    if (rolloutStarted) {
      return "the winner's rollout runs as its own workflow (" + promotion + "): "
          + (ROLLBACK.equals(action)
              ? "roll it back there; this run then reverts the experiment"
              : action + " it there");
    }
    if (tearingDown) {
      return "the test is over and its changes are being undone";
    }
    return switch (action) {
      case PAUSE ->
          collectionEnded
              ? "data collection has ended: there is no decision left to hold"
              : paused ? "already paused" : null;
      case RESUME -> paused ? null : "the run is not paused";
      case ROLLBACK -> null;
      case PROMOTE -> {
        if (promoteRequested) {
          yield "already promoted by " + promotedBy;
        }
        if (collectionEnded) {
          yield "data collection has already ended";
        }
        yield startedCollectingMillis == 0
            ? "the split is not open yet: there is nothing to conclude from"
            : null;
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
        answer = "paused: counts are still read; the test does not conclude until resume";
      }
      case RESUME -> {
        paused = false;
        answer = held ? "resumed: the test concludes at the next read" : "resumed";
      }
      case PROMOTE -> {
        promoteRequested = true;
        promotedBy = by;
        paused = false;
        answer =
            "concluding now: one last read, then the test (inconclusive when short of the sample size)";
      }
      default -> {
        rollbackRequested = true;
        paused = false;
        rollbackBy = by;
        rollbackReason = why.isEmpty() ? "requested by " + by : why + " (" + by + ")";
        stage.cancel(rollbackReason);
        answer = "rolling back: the split closes first, then the variant instances go";
      }
    }
    trail.add(by, action, why);
    return new ControlResponse(action, phase, paused, answer);
  }

  // ---------------------------------------------------------------------------------------------
  // Status and result

  @Override
  public ABTestStatus status() {
    return new ABTestStatus(
        spec == null || spec.service() == null ? "" : spec.service(),
        spec == null || spec.name() == null ? "" : spec.name(),
        spec == null ? null : spec.hypothesis(),
        phase,
        splitOpen,
        salt,
        samplePlan,
        startedCollectingMillis,
        variants(),
        interim,
        evaluation,
        outcome,
        winner,
        decision,
        confirmedBy,
        confirmGate == null ? null : confirmGate.status(),
        paused,
        promotion,
        reason,
        trail.events());
  }

  /** Every variant, control first; from the spec alone before the plan. */
  private List<VariantStatus> variants() {
    long required = samplePlan == null ? 0 : samplePlan.perVariant();
    if (!arms.isEmpty()) {
      return arms.stream().map(a -> a.toStatus(required)).toList();
    }
    List<VariantStatus> out = new ArrayList<>();
    if (spec != null && spec.variants() != null) {
      for (int i = 0; i < spec.variants().size(); i++) {
        Variant v = spec.variants().get(i);
        if (v != null) {
          out.add(
              new VariantStatus(
                  v.name(), v.version(), i == 0, v.shareOrZero(), "", List.of(), 0, 0, required,
                  false, null, List.of()));
        }
      }
    }
    return out;
  }

  private ABTestResult result() {
    return new ABTestResult(
        spec == null ? null : spec.service(),
        spec == null ? null : spec.name(),
        phase,
        outcome,
        winner,
        decision,
        evaluation,
        promotion,
        reason);
  }

  private HealthCheckSpec healthCheck() {
    return spec.healthCheck() == null ? HealthCheckSpec.defaults() : spec.healthCheck();
  }
}
