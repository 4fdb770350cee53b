package io.bellwether.client;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestSpecValidator;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.canary.CanarySpecValidator;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.check.TargetCheckRequest;
import io.bellwether.contracts.check.TargetCheckWorkflow;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.SpecValidator;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts, inspects and steers Bellwether runs from another JVM service, straight over the
 * Temporal client (no REST hop). Thread-safe: one instance per service is enough.
 *
 * <p>Failures it raises on purpose: {@link InvalidSpecException} (spec breaks a rule, nothing was
 * sent), {@link RunAlreadyStartedException}, {@link RunNotFoundException}, {@link
 * ControlRefusedException}. Transport failures from the Temporal client ({@code
 * WorkflowServiceException}, gRPC {@code UNAVAILABLE} / {@code DEADLINE_EXCEEDED}) pass through
 * unchanged and are safe to retry: every call here is either read-only, or idempotent by workflow
 * id (start), or refused without effect when it no longer applies (controls).
 */
public final class BellwetherClient implements AutoCloseable {
  /** The workflow types this client knows, in the order {@link #list} asks for them. */
  public static final List<String> TYPES =
      List.of(
          RollingDeploymentWorkflow.TYPE,
          BlueGreenDeploymentWorkflow.TYPE,
          CanaryReleaseWorkflow.TYPE,
          ABTestWorkflow.TYPE);

  /** How long {@link #validate(String)} waits for a worker to check the spec's names. */
  public static final Duration TARGET_CHECK_TIMEOUT = Duration.ofSeconds(20);

  /** The memo key an API puts on runs it starts, so that a retried start can be recognised. */
  public static final String MEMO_IDEMPOTENCY = "bellwether.idempotency";

  private final WorkflowClient client;
  private final WorkflowServiceStubs ownedStubs;

  private BellwetherClient(WorkflowClient client, WorkflowServiceStubs ownedStubs) {
    this.client = client;
    this.ownedStubs = ownedStubs;
  }

  /**
   * Connects to a Temporal frontend such as {@code 127.0.0.1:7233}. The connection is made lazily
   * by gRPC, so an unreachable server shows up on the first call, not here. {@link #close()}
   * shuts the connection down.
   */
  public static BellwetherClient connect(String target, String namespace) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                // A status query with no worker alive to answer must not hold a caller for the
                // default 10 s.
                .setRpcQueryTimeout(Duration.ofSeconds(5))
                .build());
    WorkflowClient wc =
        WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    return new BellwetherClient(wc, stubs);
  }

  /**
   * Wraps a {@link WorkflowClient} the caller already has. The caller keeps owning its
   * connection: {@link #close()} leaves it open. Throws {@code IllegalArgumentException} on null.
   */
  public static BellwetherClient of(WorkflowClient client) {
    if (client == null) {
      throw new IllegalArgumentException("client must not be null");
    }
    return new BellwetherClient(client, null);
  }

  /** The underlying Temporal client, for calls this class does not cover. */
  public WorkflowClient workflowClient() {
    return client;
  }

  /**
   * Validates the spec and starts a {@code RollingDeployment} run with id {@link
   * WorkflowIds#rolling} on {@link TaskQueues#BELLWETHER}; returns the started run.
   *
   * @throws InvalidSpecException with every problem, before Temporal is contacted
   * @throws RunAlreadyStartedException when a run with that id is running now
   */
  public RunRef start(RollingDeploymentSpec spec) {
    return start(spec, Map.of());
  }

  private RunRef start(RollingDeploymentSpec spec, Map<String, ?> memo) {
    requireValid(spec == null ? null : SpecValidator.validate(spec), spec);
    return launch(RollingDeploymentWorkflow.TYPE, WorkflowIds.rolling(spec), memo, spec);
  }

  /**
   * Validates the spec and starts a {@code BlueGreenDeployment} run with id {@link
   * WorkflowIds#blueGreen} on {@link TaskQueues#BELLWETHER}; returns the started run.
   *
   * @throws InvalidSpecException with every problem, before Temporal is contacted
   * @throws RunAlreadyStartedException when a run with that id is running now
   */
  public RunRef start(BlueGreenDeploymentSpec spec) {
    return start(spec, Map.of());
  }

  private RunRef start(BlueGreenDeploymentSpec spec, Map<String, ?> memo) {
    requireValid(spec == null ? null : SpecValidator.validate(spec), spec);
    return launch(BlueGreenDeploymentWorkflow.TYPE, WorkflowIds.blueGreen(spec), memo, spec);
  }

  /**
   * Validates the spec and starts a {@code CanaryRelease} run with id {@link WorkflowIds#canary}
   * ({@code canary-<service>-<version>}) on {@link TaskQueues#BELLWETHER}; returns the started
   * run.
   *
   * @throws InvalidSpecException with every problem, before Temporal is contacted
   * @throws RunAlreadyStartedException when a run with that id is running now
   */
  public RunRef start(CanaryReleaseSpec spec) {
    return start(spec, Map.of());
  }

  private RunRef start(CanaryReleaseSpec spec, Map<String, ?> memo) {
    requireValid(spec == null ? null : CanarySpecValidator.validate(spec), spec);
    return launch(CanaryReleaseWorkflow.TYPE, WorkflowIds.canary(spec), memo, spec);
  }

  /**
   * Validates the spec (every rule of {@link ABTestSpecValidator}, the sample-size plan included)
   * and starts an {@code ABTest} run with id {@link WorkflowIds#abTest} ({@code
   * abtest-<service>-<name>}) on {@link TaskQueues#BELLWETHER}; returns the started run.
   *
   * @throws InvalidSpecException with every problem, before Temporal is contacted
   * @throws RunAlreadyStartedException when a run with that id is running now
   */
  public RunRef start(ABTestSpec spec) {
    return start(spec, Map.of());
  }

  private RunRef start(ABTestSpec spec, Map<String, ?> memo) {
    requireValid(spec == null ? null : ABTestSpecValidator.validate(spec), spec);
    return launch(ABTestWorkflow.TYPE, WorkflowIds.abTest(spec), memo, spec);
  }

  /**
   * Starts {@code type} under {@code id} with {@code spec} as its one input. Untyped on purpose:
   * the type name is all the server needs, so every kind of run starts through this one path.
   */
  private RunRef launch(String type, String id, Map<String, ?> memo, Object spec) {
    WorkflowStub stub = client.newUntypedWorkflowStub(type, options(id, memo));
    try {
      WorkflowExecution e = stub.start(spec);
      return new RunRef(id, e.getRunId(), type);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new RunAlreadyStartedException(id, e);
    }
  }

  /**
   * Parses a YAML or JSON spec, picks the workflow by its {@code kind} (when absent: an A/B test
   * when it has {@code variants}, a canary when it has {@code steps}, else rolling), and
   * starts it like the typed overloads; returns the started run.
   *
   * @throws InvalidSpecException when the text does not parse, names an unknown kind, or breaks a
   *     rule; nothing is started
   * @throws RunAlreadyStartedException when a run with that id is running now
   */
  public RunRef start(String yamlOrJson) {
    return start(yamlOrJson, Map.of());
  }

  /**
   * Like {@link #start(String)}, and puts {@code memo} on the run (Temporal memo: visible in
   * describe and listings, never read by the workflow), such as {@link #MEMO_IDEMPOTENCY}. Values
   * are converted by the client's data converter; null or empty means no memo.
   *
   * @throws InvalidSpecException when the text does not parse, names an unknown kind, or breaks a
   *     rule; nothing is started
   * @throws RunAlreadyStartedException when a run with that id is running now (its memo is not
   *     changed; read it with {@link #memo})
   */
  public RunRef start(String yamlOrJson, Map<String, ?> memo) {
    String kind = SpecLoader.kindOf(yamlOrJson);
    Map<String, ?> m = memo == null ? Map.of() : memo;
    return switch (kind) {
      case SpecLoader.KIND_ROLLING -> start(SpecLoader.rolling(yamlOrJson), m);
      case SpecLoader.KIND_BLUE_GREEN -> start(SpecLoader.blueGreen(yamlOrJson), m);
      case CanaryReleaseSpec.KIND -> start(SpecLoader.canary(yamlOrJson), m);
      case ABTestSpec.KIND -> start(SpecLoader.abTest(yamlOrJson), m);
      default -> throw new InvalidSpecException(List.of(unknownKind(kind)));
    };
  }

  /**
   * Every problem with a spec, without starting anything: first what does not parse and what
   * breaks a rule ({@link SpecLoader}, {@link SpecValidator}); only when there is none, the names
   * the worker's configuration lacks (router, pool, backend, deployer, health check, metrics
   * provider, split), asked of a
   * worker through a short {@code TargetCheck} run ({@code targetcheck-<uuid>}). Empty when the
   * spec would start. Waits up to {@link #TARGET_CHECK_TIMEOUT} for a worker.
   *
   * @throws WorkerUnavailableException when no worker completed the check in time
   */
  public List<Violation> validate(String yamlOrJson) {
    return validate(yamlOrJson, TARGET_CHECK_TIMEOUT);
  }

  /**
   * {@link #validate(String)} with another wait for the worker; the check run's execution timeout
   * is {@code workerTimeout}.
   *
   * @throws WorkerUnavailableException when no worker completed the check within {@code
   *     workerTimeout}
   * @throws io.temporal.client.WorkflowFailedException when the check run failed for another reason
   */
  public List<Violation> validate(String yamlOrJson, Duration workerTimeout) {
    TargetCheckRequest request;
    try {
      String kind = SpecLoader.kindOf(yamlOrJson);
      switch (kind) {
        case SpecLoader.KIND_ROLLING ->
            request = TargetCheckRequest.of(SpecLoader.rolling(yamlOrJson).target());
        case SpecLoader.KIND_BLUE_GREEN ->
            request = TargetCheckRequest.of(SpecLoader.blueGreen(yamlOrJson).target());
        case CanaryReleaseSpec.KIND ->
            request = TargetCheckRequest.of(SpecLoader.canary(yamlOrJson).target());
        case ABTestSpec.KIND ->
            request = TargetCheckRequest.of(SpecLoader.abTest(yamlOrJson).target());
        default -> {
          return List.of(unknownKind(kind));
        }
      }
    } catch (InvalidSpecException e) {
      return e.violations();
    }
    String id = TargetCheckWorkflow.ID_PREFIX + UUID.randomUUID();
    WorkflowStub check =
        client.newUntypedWorkflowStub(
            TargetCheckWorkflow.TYPE,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.BELLWETHER)
                // The server ends the run when no worker takes it, so nothing lingers.
                .setWorkflowExecutionTimeout(workerTimeout)
                .build());
    check.start(request);
    try {
      // A little longer than the run may live, so that the server's timeout is what we see.
      long waitMs = workerTimeout.plusSeconds(5).toMillis();
      List<Violation> out =
          check.getResult(waitMs, TimeUnit.MILLISECONDS, List.class, VIOLATIONS);
      return out == null ? List.of() : List.copyOf(out);
    } catch (TimeoutException e) {
      throw workerUnavailable(id, workerTimeout, e);
    } catch (WorkflowFailedException e) {
      if (e.getCause() instanceof TimeoutFailure) {
        throw workerUnavailable(id, workerTimeout, e);
      }
      throw e;
    }
  }

  private static final Type VIOLATIONS = violationsType();

  private static Type violationsType() {
    try {
      return TargetCheckWorkflow.class
          .getMethod("check", TargetCheckRequest.class)
          .getGenericReturnType();
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  private static WorkerUnavailableException workerUnavailable(
      String id, Duration timeout, Throwable cause) {
    return new WorkerUnavailableException(
        "no Bellwether worker checked the spec's names within "
            + timeout.toSeconds()
            + " s ("
            + id
            + "); is a worker running on task queue "
            + TaskQueues.BELLWETHER
            + "?",
        cause);
  }

  private static Violation unknownKind(String kind) {
    return new Violation("kind", "must be one of " + TYPES + ", was '" + kind + "'");
  }

  /**
   * The memo {@code key} of the latest run with this id, when it is a string; empty when the run
   * has no such memo or it is not a string. Read-only.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public Optional<String> memo(String workflowId, String key) {
    Payload payload = describe(workflowId).getMemo().getFieldsMap().get(key);
    if (payload == null) {
      return Optional.empty();
    }
    try {
      // Decoded untyped: a typed read would turn a number into its digits.
      Object value =
          client.getOptions().getDataConverter().fromPayload(payload, Object.class, Object.class);
      return value instanceof String text ? Optional.of(text) : Optional.empty();
    } catch (DataConverterException unreadable) {
      return Optional.empty();
    }
  }

  /**
   * The workflow type of the latest run with this id ({@code RollingDeployment}, {@code
   * BlueGreenDeployment}, or whatever else runs under that id), open or closed.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public String typeOf(String workflowId) {
    return describe(workflowId).getType().getName();
  }

  private WorkflowExecutionInfo describe(String workflowId) {
    try {
      return client
          .getWorkflowServiceStubs()
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                  .build())
          .getWorkflowExecutionInfo();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new RunNotFoundException(workflowId, e);
      }
      throw e;
    }
  }

  /**
   * The run's {@code status} query answer: a {@link RollingStatus}, a {@link BlueGreenStatus}, a
   * {@link CanaryStatus} or an {@link ABTestStatus} by the run's type. Works on closed runs too while a worker is there to answer.
   *
   * @throws RunNotFoundException when no run has that id
   * @throws IllegalArgumentException when the id belongs to a workflow that is not Bellwether's
   */
  public Object status(String workflowId) {
    String type = typeOf(workflowId);
    return switch (type) {
      case RollingDeploymentWorkflow.TYPE -> rollingStatus(workflowId);
      case BlueGreenDeploymentWorkflow.TYPE -> blueGreenStatus(workflowId);
      case CanaryReleaseWorkflow.TYPE -> canaryStatus(workflowId);
      case ABTestWorkflow.TYPE -> abTestStatus(workflowId);
      default ->
          throw new IllegalArgumentException(workflowId + " is a " + type + ", not one of " + TYPES);
    };
  }

  /**
   * The {@code status} of a rolling run.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public RollingStatus rollingStatus(String workflowId) {
    return query(workflowId, RollingStatus.class);
  }

  /**
   * The {@code status} of a blue-green run.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public BlueGreenStatus blueGreenStatus(String workflowId) {
    return query(workflowId, BlueGreenStatus.class);
  }

  /**
   * The {@code status} of a canary run: steps, weight, every analysis with its measurements and
   * judgement, the gate and the audit trail.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public CanaryStatus canaryStatus(String workflowId) {
    return query(workflowId, CanaryStatus.class);
  }

  /**
   * The {@code status} of an A/B test: every variant with its counts and reads over time, the
   * sample-size plan, the interim and the deciding evaluation, the outcome, the decision and who
   * confirmed it, the gate and the audit trail.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public ABTestStatus abTestStatus(String workflowId) {
    return query(workflowId, ABTestStatus.class);
  }

  /**
   * The spec an A/B test was started with (its workflow input), read from the first event of the
   * latest run's history; empty when that run is not an {@code ABTest} or its input cannot be
   * read. The status does not repeat the spec, and the report needs parts of it (the guardrails'
   * bounds, the goal's name, the minimum detectable effect as written). Read-only: one history
   * page of one event, however long the run.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public Optional<ABTestSpec> abTestSpec(String workflowId) {
    List<HistoryEvent> first;
    try {
      first =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .setMaximumPageSize(1)
                      .build())
              .getHistory()
              .getEventsList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new RunNotFoundException(workflowId, e);
      }
      throw e;
    }
    if (first.isEmpty() || !first.get(0).hasWorkflowExecutionStartedEventAttributes()) {
      return Optional.empty();
    }
    var started = first.get(0).getWorkflowExecutionStartedEventAttributes();
    if (!ABTestWorkflow.TYPE.equals(started.getWorkflowType().getName()) || !started.hasInput()) {
      return Optional.empty();
    }
    Payloads input = started.getInput();
    try {
      return Optional.ofNullable(
          client
              .getOptions()
              .getDataConverter()
              .fromPayloads(0, Optional.of(input), ABTestSpec.class, ABTestSpec.class));
    } catch (DataConverterException unreadable) {
      return Optional.empty();
    }
  }

  /**
   * Approves the open gate through the validated {@code approveUpdate}; returns the run's state
   * right after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no run has that id (a finished run refuses with a conflict)
   */
  public ControlResponse approve(String workflowId, OperatorRequest request) {
    return control(workflowId, "approve", request);
  }

  /**
   * Rejects the open gate through {@code rejectUpdate}; returns the run's state right after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no run has that id (a finished run refuses with a conflict)
   */
  public ControlResponse reject(String workflowId, OperatorRequest request) {
    return control(workflowId, "reject", request);
  }

  /**
   * Pauses at the run's next safe point through {@code pauseUpdate}; returns the state after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no run has that id (a finished run refuses with a conflict)
   */
  public ControlResponse pause(String workflowId, OperatorRequest request) {
    return control(workflowId, "pause", request);
  }

  /**
   * Lifts a pause through {@code resumeUpdate}; returns the state after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no run has that id (a finished run refuses with a conflict)
   */
  public ControlResponse resume(String workflowId, OperatorRequest request) {
    return control(workflowId, "resume", request);
  }

  /**
   * Stops the run and puts back what it changed, through {@code rollbackUpdate}; returns the
   * state after (the rollback itself goes on in the run).
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no run has that id (a finished run refuses with a conflict)
   */
  public ControlResponse rollback(String workflowId, OperatorRequest request) {
    return control(workflowId, "rollback", request);
  }

  /**
   * Skips the current wait through {@code promoteUpdate}; returns the state after. For a canary,
   * {@code request.full()} true also skips the analyses left (recorded as {@code promote --full});
   * other workflow types ignore it.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no run has that id (a finished run refuses with a conflict)
   */
  public ControlResponse promote(String workflowId, OperatorRequest request) {
    return control(workflowId, "promote", request);
  }

  /**
   * Waits up to {@code timeout} for the latest run with this id to close and returns its result
   * ({@code RollingResult}, {@code BlueGreenResult}, {@code CanaryResult} or {@code
   * ABTestResult}).
   *
   * @throws TimeoutException when the run is still open after {@code timeout}
   * @throws io.temporal.client.WorkflowFailedException when the run failed, was canceled or
   *     terminated; its cause carries the failure type (such as {@code InvalidSpec})
   * @throws RunNotFoundException when no run has that id
   */
  public <T> T result(String workflowId, Class<T> type, Duration timeout) throws TimeoutException {
    try {
      return client.newUntypedWorkflowStub(workflowId).getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, type);
    } catch (WorkflowNotFoundException e) {
      throw new RunNotFoundException(workflowId, e);
    }
  }

  /**
   * Every Bellwether run in the namespace, open and closed, newest first; an empty list when there
   * are none. Uses a visibility query where the server has one and the legacy listings otherwise
   * (the embedded server).
   *
   * @param kind {@code RollingDeployment}, {@code BlueGreenDeployment}, {@code CanaryRelease} or
   *     {@code ABTest} to keep one type, or null for all
   * @throws IllegalArgumentException when {@code kind} is none of those
   */
  public List<RunSummary> list(String kind) {
    return list(kind, null, null);
  }

  /**
   * The Bellwether runs matching every filter given, open and closed, newest first; an empty list
   * when none match. Each {@link RunSummary} carries the service read from its workflow id.
   *
   * <p>{@code kind} selects workflow types in the listing itself. {@code service} is matched on
   * the workflow id ({@code rolling-<service>-}, {@code bluegreen-<service>-}, {@code
   * canary-<service>-}, {@code abtest-<service>-}); an id that reads more than one way (names and
   * versions may contain {@code -}) is settled by the run's status query. {@code phase} asks each candidate run's status query (closed runs answer too,
   * while a worker is up), skipping closed runs for a phase that is not final; the summaries
   * returned then carry the phase. A run whose status cannot be read is left out of a phase
   * filter. Read-only.
   *
   * @param kind {@code RollingDeployment}, {@code BlueGreenDeployment}, {@code CanaryRelease} or
   *     {@code ABTest}, or null for all
   * @param service a service name, or null for all
   * @param phase a {@link Phase} name ({@code AWAITING_APPROVAL}, case and {@code -}/{@code _}
   *     ignored), or null for all
   * @throws IllegalArgumentException when {@code kind} or {@code phase} is not one of those
   */
  public List<RunSummary> list(String kind, String service, String phase) {
    List<String> types;
    if (kind == null) {
      types = TYPES;
    } else if (TYPES.contains(kind)) {
      types = List.of(kind);
    } else {
      throw new IllegalArgumentException("kind must be one of " + TYPES + " or null, was '" + kind + "'");
    }
    Phase wanted = phase == null ? null : parsePhase(phase);
    List<RunSummary> out = new ArrayList<>();
    for (WorkflowExecutionInfo info :
        RunListing.list(
            client.getWorkflowServiceStubs().blockingStub(), client.getOptions().getNamespace(), types)) {
      RunSummary run = RunListing.summary(info);
      StatusView status = null;
      if (service != null) {
        List<String> readings = RunIds.candidates(run.type(), run.workflowId());
        if (!readings.contains(service)) {
          continue;
        }
        if (readings.size() > 1) {
          status = statusView(run);
          String actual = status != null ? status.service() : run.service();
          if (!service.equals(actual)) {
            continue;
          }
        }
      }
      if (wanted != null) {
        if (!wanted.isFinal() && !run.running()) {
          continue;
        }
        if (status == null) {
          status = statusView(run);
        }
        if (status == null || status.phase() != wanted) {
          continue;
        }
      }
      if (status != null) {
        run =
            run.withStatus(
                status.service() != null ? status.service() : run.service(),
                wanted != null ? status.phase() : null);
      }
      out.add(run);
    }
    return out;
  }

  /** A {@link Phase} by name, forgiving case and dashes; {@code IllegalArgumentException} else. */
  static Phase parsePhase(String phase) {
    String name = phase.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return Phase.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "phase must be one of " + Arrays.toString(Phase.values()) + " or null, was '" + phase + "'");
    }
  }

  private record StatusView(String service, Phase phase) {}

  /** The status of exactly this run (not the latest of its id), or null when it cannot be read. */
  private StatusView statusView(RunSummary run) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(run.workflowId(), Optional.of(run.runId()), Optional.empty());
    try {
      if (RollingDeploymentWorkflow.TYPE.equals(run.type())) {
        RollingStatus s = stub.query("status", RollingStatus.class);
        return new StatusView(s.service(), s.phase());
      }
      if (CanaryReleaseWorkflow.TYPE.equals(run.type())) {
        CanaryStatus s = stub.query("status", CanaryStatus.class);
        return new StatusView(s.service(), s.phase());
      }
      if (ABTestWorkflow.TYPE.equals(run.type())) {
        ABTestStatus s = stub.query("status", ABTestStatus.class);
        return new StatusView(s.service(), s.phase());
      }
      BlueGreenStatus s = stub.query("status", BlueGreenStatus.class);
      return new StatusView(s.service(), s.phase());
    } catch (WorkflowException | DataConverterException | StatusRuntimeException e) {
      // No worker to answer, or a run too old for its query: its phase is unknown, not a failure
      // of the whole listing.
      return null;
    }
  }

  /** Shuts down the connection {@link #connect} opened; does nothing for {@link #of}. Idempotent. */
  @Override
  public void close() {
    if (ownedStubs != null && !ownedStubs.isShutdown()) {
      ownedStubs.shutdown();
      ownedStubs.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void requireValid(List<Violation> violations, Object spec) {
    if (spec == null) {
      throw new InvalidSpecException(List.of(new Violation("(document)", "must not be null")));
    }
    if (!violations.isEmpty()) {
      throw new InvalidSpecException(violations);
    }
  }

  private static WorkflowOptions options(String id, Map<String, ?> memo) {
    WorkflowOptions.Builder b =
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER);
    if (!memo.isEmpty()) {
      b.setMemo(new LinkedHashMap<>(memo));
    }
    return b.build();
  }

  private <T> T query(String workflowId, Class<T> type) {
    try {
      return client.newUntypedWorkflowStub(workflowId).query("status", type);
    } catch (WorkflowNotFoundException e) {
      throw new RunNotFoundException(workflowId, e);
    }
  }

  // Untyped on purpose: the update names are the same for every workflow type, so one path
  // serves every workflow type without a describe first.
  private ControlResponse control(String workflowId, String action, OperatorRequest request) {
    WorkflowStub run = client.newUntypedWorkflowStub(workflowId);
    try {
      return run.update(action + "Update", ControlResponse.class, request);
    } catch (WorkflowUpdateException e) {
      throw new ControlRefusedException(workflowId, action, reason(e), e);
    } catch (WorkflowNotFoundException e) {
      // Temporal answers "not found" for an update to a run that has closed; the run is there,
      // the action just no longer applies, which is a refusal (conflict), not an unknown run.
      WorkflowExecutionInfo info = describe(workflowId); // RunNotFoundException when truly unknown
      String status = info.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
      throw new ControlRefusedException(
          workflowId,
          action,
          "the run has finished (" + status + ")",
          ApplicationFailure.newNonRetryableFailure(
              action + " refused: the run has finished",
              FailureTypes.CONTROL_REFUSED,
              FailureTypes.REFUSAL_CONFLICT));
    }
  }

  /** The refusal's own message: the first ApplicationFailure's text in the cause chain, else the root cause's. */
  static String reason(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        return af.getOriginalMessage();
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
