package io.bellwether.workflows.notify;

import io.bellwether.contracts.notify.NotifyActivities;
import io.bellwether.contracts.notify.RunNotification;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.workflows.ActivityOptionsCatalog;
import io.bellwether.workflows.AuditTrail;
import io.bellwether.workflows.Failures;
import io.bellwether.workflows.WorkflowMetrics;
import io.bellwether.workflows.WorkflowScopes;
import io.bellwether.workflows.gate.EventLog;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What one run tells people, shared by every Bellwether workflow. The run only queues {@link
 * RunNotification}s; one workflow thread of its own, in a detached cancellation scope, resolves the
 * destinations once ({@link NotifyActivities#destinationsFor}) and then delivers each notification
 * to each destination in turn, so messages arrive in the order they happened, a slow or broken
 * endpoint never holds the release back, and a cancel of the run does not cut the story short.
 *
 * <p>A delivery that fails after its retries never fails the run: it becomes a {@value
 * #NOTIFY_FAILED} line in the audit trail naming the destination (never its URL). Before the run
 * returns it calls {@link #finish}, which waits up to {@link #DRAIN_TIMEOUT} for the queue to
 * empty.
 *
 * <p>Runs that started before notifications existed replay unchanged: {@link #forRun} asks {@code
 * Workflow.getVersion("notifications", DEFAULT_VERSION, 1)}, and for those runs every method here
 * does nothing and issues no command.
 *
 * <p>Workflow state: use from workflow code only.
 */
public final class RunNotices {
  /** The change id of {@code Workflow.getVersion}; runs without its marker notify nobody. */
  public static final String CHANGE_ID = "notifications";

  /** The version that notifies. */
  public static final int VERSION = 1;

  /** Audit-trail action of a notification that could not be delivered to one destination. */
  public static final String NOTIFY_FAILED = "notify-failed";

  /** Audit-trail action when the run ends before every notification went out. */
  public static final String NOTIFY_UNFINISHED = "notify-unfinished";

  /** {@link RunNotification#KIND_VARIANT_STOPPED}. */
  public static final String KIND_VARIANT_STOPPED = RunNotification.KIND_VARIANT_STOPPED;

  /** How long a run waits for its notifications before it returns. */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** Who acts when nobody in particular did; such names are never reported as {@code by}. */
  private static final Set<String> NOT_PEOPLE = Set.of("bellwether", "temporal", "unknown");

  /**
   * Anything that looks like a URL. The activity promises its failures carry none; this keeps one
   * out of the audit trail even if an adapter forgets.
   */
  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S+");

  private final boolean enabled;
  private final String workflowType;
  private final EventLog log;
  private final NotifyActivities notify;
  private final Deque<RunNotification> queue = new ArrayDeque<>();

  private String workflowId = "";
  private String service = "";
  private String version = "";
  private boolean started;
  private boolean ended;
  private boolean closing;
  private boolean drained;

  private RunNotices(boolean enabled, String workflowType, EventLog log) {
    this.enabled = enabled;
    this.workflowType = workflowType;
    this.log = log;
    this.notify =
        enabled
            ? Workflow.newActivityStub(NotifyActivities.class, ActivityOptionsCatalog.notifyCall())
            : null;
  }

  /**
   * The notices of the current run of {@code workflowType} (such as {@code RollingDeployment}),
   * writing delivery failures to {@code log}. Call once, at the very start of the workflow method,
   * on every path: it records the {@value #CHANGE_ID} version marker, which must sit at the same
   * point of every new run's history.
   */
  public static RunNotices forRun(String workflowType, EventLog log) {
    int v = Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, VERSION);
    return new RunNotices(v >= VERSION, workflowType, log);
  }

  /**
   * The opening every run shares, at the very start of the workflow method on every path: the
   * notices of the run ({@link #forRun}, with its version marker), the run counted as started in
   * the metrics, and a {@code started} line in {@code trail} by {@code by} that says {@code what}.
   */
  public static RunNotices open(String workflowType, AuditTrail trail, String by, String what) {
    RunNotices notices = forRun(workflowType, trail);
    WorkflowMetrics.runStarted();
    trail.add(by, "started", what);
    return notices;
  }

  /**
   * Runs {@code body}, the rest of the workflow method, then {@code tellTheEnd} however the body
   * ends: before its result is returned, or before its Temporal failure is thrown on. {@code
   * tellTheEnd} is expected to call {@link #end}.
   */
  public static <R> R thenTellTheEnd(Supplier<R> body, Runnable tellTheEnd) {
    R result;
    try {
      result = body.get();
    } catch (TemporalFailure e) {
      tellTheEnd.run();
      throw e;
    }
    tellTheEnd.run();
    return result;
  }

  /** False for a run that began before notifications existed: then nothing is ever sent. */
  public boolean enabled() {
    return enabled;
  }

  /**
   * {@code started}: the spec is valid and the targets are known. Starts the delivery thread, which
   * first resolves the destinations for {@code service}. Only the first call counts; nothing before
   * it is sent, so a run refused at validation tells nobody.
   */
  public void started(String service, String version) {
    if (!enabled || started) {
      return;
    }
    started = true;
    this.workflowId = Workflow.getInfo().getWorkflowId();
    this.service = service == null ? "" : service;
    this.version = version == null ? "" : version;
    queue.add(notice(RunNotification.KIND_STARTED, null, null, null, null, null));
    // Detached: a cancel of the run must not stop the notifications that tell about it.
    Workflow.newDetachedCancellationScope(() -> Async.procedure(this::deliverAll)).run();
  }

  /** {@code gate-waiting}: gate {@code gate} is open and {@code approvers} may decide. */
  public void gateWaiting(String gate, List<String> approvers) {
    gateWaiting(gate, approvers, null);
  }

  /**
   * {@code gate-waiting} with what the people at the gate decide about in {@code reason} (an A/B
   * test's outcome, which a confirm gate applies or reverts); null for none.
   */
  public void gateWaiting(String gate, List<String> approvers, String reason) {
    send(
        notice(
            RunNotification.KIND_GATE_WAITING,
            gate,
            approvers == null ? List.of() : approvers,
            null,
            reason,
            null));
  }

  /**
   * {@value #KIND_VARIANT_STOPPED}: an A/B test stopped one of its variants early (a guardrail
   * broke) and goes on with the rest; {@code reason} names the variant and why.
   */
  public void variantStopped(String reason) {
    send(notice(KIND_VARIANT_STOPPED, null, null, null, reason, null));
  }

  /** {@code traffic-step}: the new version now has {@code greenPercent} (0-100). */
  public void trafficStep(int greenPercent) {
    send(notice(RunNotification.KIND_TRAFFIC_STEP, null, null, greenPercent, null, null));
  }

  /** {@code promoted}: the new version is final; {@code by} when a person promoted it. */
  public void promoted(String by) {
    send(notice(RunNotification.KIND_PROMOTED, null, null, null, null, person(by)));
  }

  /**
   * The run's last word, chosen by its final phase: {@code succeeded} for SUCCEEDED; {@code
   * rolled-back} with {@code reason} and {@code by} (when a person did it) for ROLLED_BACK and
   * ABORTED; {@code failed} with {@code reason} otherwise. Only the first call counts.
   */
  public void ended(Phase phase, String reason, String by) {
    if (!enabled || !started || ended) {
      return;
    }
    ended = true;
    RunNotification n;
    if (phase == Phase.SUCCEEDED) {
      n = notice(RunNotification.KIND_SUCCEEDED, null, null, null, null, null);
    } else if (phase == Phase.ROLLED_BACK || phase == Phase.ABORTED) {
      n = notice(RunNotification.KIND_ROLLED_BACK, null, null, null, reason, person(by));
    } else if (phase == Phase.FAILED) {
      n = notice(RunNotification.KIND_FAILED, null, null, null, reason, null);
    } else {
      n =
          notice(
              RunNotification.KIND_FAILED,
              null,
              null,
              null,
              "the run stopped while " + phase + (isBlank(reason) ? "" : ": " + reason),
              null);
    }
    queue.add(n);
  }

  /**
   * Lets the delivery thread finish and waits up to {@link #DRAIN_TIMEOUT} for it, in a scope a
   * cancel cannot reach; call right before the run returns or throws. When time runs out the run
   * ends anyway and the audit trail says how many notifications were left. Returns at once when
   * nothing was started.
   */
  public void finish() {
    if (!enabled || !started) {
      return;
    }
    closing = true;
    if (drained) {
      return;
    }
    boolean done = WorkflowScopes.outsideCancel(() -> Workflow.await(DRAIN_TIMEOUT, () -> drained));
    if (!done) {
      log.add(
          "bellwether",
          NOTIFY_UNFINISHED,
          "notifications still going out after "
              + DRAIN_TIMEOUT.toSeconds()
              + "s; "
              + queue.size()
              + " more queued were not sent");
    }
  }

  /** {@link #ended}, then {@link #finish}: the run's last word and a bounded wait for delivery. */
  public void end(Phase phase, String reason, String by) {
    ended(phase, reason, by);
    finish();
  }

  /** {@code by} when it names a person, else null (the run itself, a cancel, nobody). */
  public static String person(String by) {
    if (isBlank(by) || NOT_PEOPLE.contains(by.strip())) {
      return null;
    }
    return by.strip();
  }

  // ---------------------------------------------------------------------------------------------

  private void send(RunNotification n) {
    if (enabled && started && !ended) {
      queue.add(n);
    }
  }

  private RunNotification notice(
      String kind,
      String gate,
      List<String> approvers,
      Integer greenPercent,
      String reason,
      String by) {
    return new RunNotification(
        kind,
        workflowId,
        workflowType,
        service,
        version,
        gate,
        approvers,
        greenPercent,
        reason,
        by);
  }

  /** The delivery thread: destinations once, then every notification to each in order. */
  private void deliverAll() {
    try {
      List<String> destinations = resolve();
      while (true) {
        Workflow.await(() -> !queue.isEmpty() || closing);
        if (queue.isEmpty()) {
          return;
        }
        RunNotification n = queue.poll();
        for (String d : destinations) {
          try {
            notify.deliver(d, n);
          } catch (TemporalFailure f) {
            log.add(
                "bellwether",
                NOTIFY_FAILED,
                d + ": " + n.kind() + " not delivered: " + scrub(Failures.describe(f)));
          }
        }
      }
    } finally {
      drained = true;
    }
  }

  private List<String> resolve() {
    try {
      List<String> d = notify.destinationsFor(service);
      return d == null ? List.of() : List.copyOf(d);
    } catch (TemporalFailure f) {
      log.add(
          "bellwether",
          NOTIFY_FAILED,
          "destinations for '"
              + service
              + "' could not be read, nobody is told about this run: "
              + scrub(Failures.describe(f)));
      return List.of();
    }
  }

  static String scrub(String text) {
    return text == null ? "" : URL.matcher(text).replaceAll("<url>");
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
