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
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosSpecValidator;
import io.bellwether.contracts.chaos.ChaosStatus;
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
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
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
          ABTestWorkflow.TYPE,
          ChaosExperimentWorkflow.TYPE);

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
   * Validates the spec on its own ({@link ChaosSpecValidator}: every rule, all problems together)
   * and starts a {@code ChaosExperiment} run with id {@link WorkflowIds#chaos} ({@code
   * chaos-<service>-<name>}) on {@link TaskQueues#BELLWETHER}; returns the started run. The names
   * it uses (service, injectors, endpoints, zones) are checked by the run itself against the
   * worker's configuration, which refuses it with every unknown name ({@code InvalidSpec}). With
   * {@code dryRun} the run only plans.
   *
   * @throws InvalidSpecException with every problem, before Temporal is contacted
   * @throws RunAlreadyStartedException when a run with that id is running now
   */
  public RunRef start(ChaosExperimentSpec spec) {
    return start(spec, Map.of());
  }

  private RunRef start(ChaosExperimentSpec spec, Map<String, ?> memo) {
    requireValid(spec == null ? null : ChaosSpecValidator.validate(spec), spec);
    return launch(ChaosExperimentWorkflow.TYPE, WorkflowIds.chaos(spec), memo, spec);
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
   * Parses a YAML or JSON spec, picks the workflow by its {@code kind} (when absent: a chaos
   * experiment when it has {@code faults}, an A/B test when it has {@code variants}, a canary when
   * it has {@code steps}, else rolling), and
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
      case SpecLoader.KIND_CHAOS -> start(SpecLoader.chaos(yamlOrJson), m);
      default -> throw new InvalidSpecException(List.of(unknownKind(kind)));
    };
  }

  /**
   * Every problem with a spec, without starting anything: first what does not parse and what
   * breaks a rule ({@link SpecLoader}, {@link SpecValidator}); only when there is none, the names
   * the worker's configuration lacks (router, pool, backend, deployer, health check, metrics
   * provider, split), asked of a
   * worker through a short {@code TargetCheck} run ({@code targetcheck-<uuid>}). Empty when the
   * spec would start. Waits up to {@link #TARGET_CHECK_TIMEOUT} for a worker. A chaos experiment
   * is checked on its own only: its names (service, injectors, endpoints, zones, SLO) are checked
   * by the run itself when it starts, which refuses with every unknown name.
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
        case SpecLoader.KIND_CHAOS -> {
          SpecLoader.chaos(yamlOrJson);
          return List.of();
        }
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
   * {@link CanaryStatus}, an {@link ABTestStatus} or a {@link ChaosStatus} by the run's type.
   * Works on closed runs too while a worker is there to answer.
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
      case ChaosExperimentWorkflow.TYPE -> chaosStatus(workflowId);
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
    return input(workflowId, null, ABTestWorkflow.TYPE, ABTestSpec.class);
  }

  /**
   * The {@code status} of a chaos experiment: its journal (every probe and guardrail reading with
   * its stage, every fault step with targets and times, the blast radius, the error budget,
   * findings) and the audit trail.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public ChaosStatus chaosStatus(String workflowId) {
    return query(workflowId, ChaosStatus.class);
  }

  /**
   * The spec a chaos experiment was started with, read from the first event of the latest run's
   * history like {@link #abTestSpec}; empty when that run is not a {@code ChaosExperiment} or its
   * input cannot be read. The report needs it for the probes' tolerances and the guardrails'
   * bounds, which the status does not repeat.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public Optional<ChaosExperimentSpec> chaosSpec(String workflowId) {
    return input(workflowId, null, ChaosExperimentWorkflow.TYPE, ChaosExperimentSpec.class);
  }

  /**
   * The result of the latest chaos experiment with this id, when that run completed; empty while
   * it runs and when it failed (restoration failed), was canceled or terminated: its status then
   * says what happened. Read from the run's history, so no worker is needed. Never waits.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public Optional<ChaosResult> chaosResult(String workflowId) {
    WorkflowExecutionInfo info = describe(workflowId);
    return chaosResult(workflowId, info.getExecution().getRunId(), info.getStatus().name());
  }

  private Optional<ChaosResult> chaosResult(String workflowId, String runId, String executionStatus) {
    String st = executionStatus.replace("WORKFLOW_EXECUTION_STATUS_", "");
    if (!"COMPLETED".equals(st) && !"CONTINUED_AS_NEW".equals(st)) {
      return Optional.empty();
    }
    // Read from the run's own close event: a run that a cron schedule started is followed by the
    // next one, and waiting on the result through the client would follow that chain. Some servers
    // close a cron run as continued-as-new, with its result as the last completion result.
    Payloads payload = null;
    ByteString token = ByteString.EMPTY;
    try {
      do {
        GetWorkflowExecutionHistoryResponse page =
            client
                .getWorkflowServiceStubs()
                .blockingStub()
                .getWorkflowExecutionHistory(
                    GetWorkflowExecutionHistoryRequest.newBuilder()
                        .setNamespace(client.getOptions().getNamespace())
                        .setExecution(
                            WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                        .setHistoryEventFilterType(HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
                        .setNextPageToken(token)
                        .build());
        for (HistoryEvent e : page.getHistory().getEventsList()) {
          if (e.hasWorkflowExecutionCompletedEventAttributes()
              && e.getWorkflowExecutionCompletedEventAttributes().hasResult()) {
            payload = e.getWorkflowExecutionCompletedEventAttributes().getResult();
          } else if (e.hasWorkflowExecutionContinuedAsNewEventAttributes()) {
            var next = e.getWorkflowExecutionContinuedAsNewEventAttributes();
            // The embedded server leaves the initiator unset on a cron run's close event.
            if (next.getInitiator() != ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW
                && next.getInitiator() != ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY
                && !next.hasFailure()
                && next.hasLastCompletionResult()) {
              payload = next.getLastCompletionResult();
            }
          }
        }
        token = page.getNextPageToken();
      } while (payload == null && !token.isEmpty());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new RunNotFoundException(workflowId, e);
      }
      throw e;
    }
    if (payload == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(
          client
              .getOptions()
              .getDataConverter()
              .fromPayloads(0, Optional.of(payload), ChaosResult.class, ChaosResult.class));
    } catch (DataConverterException unreadable) {
      return Optional.empty();
    }
  }

  /**
   * Every past and current run of chaos experiments on {@code service}, newest first, at most
   * {@code limit} (all when 0 or less): each with its result when it completed, else its status
   * when a worker answers. Runs a schedule started are included; a cron run still waiting for its
   * time has the status {@link #SCHEDULED} and neither. Ids of other services that share
   * the prefix ({@code chaos-web-a-...} for service {@code web}) are told apart by the run's own
   * service. Uses a visibility query on a cluster and the legacy listings on the embedded server.
   * Read-only.
   */
  public List<ChaosRun> chaosHistory(String service, int limit) {
    String prefix = WorkflowIds.chaosPrefix(service);
    List<ChaosRun> out = new ArrayList<>();
    for (WorkflowExecutionInfo info :
        RunListing.list(
            client.getWorkflowServiceStubs().blockingStub(),
            client.getOptions().getNamespace(),
            List.of(ChaosExperimentWorkflow.TYPE),
            prefix)) {
      if (limit > 0 && out.size() >= limit) {
        break;
      }
      RunSummary run = RunListing.summary(info);
      ChaosResult result =
          chaosResult(run.workflowId(), run.runId(), info.getStatus().name()).orElse(null);
      ChaosStatus status = null;
      if (run.running() && !started(run.workflowId(), run.runId())) {
        // A cron run waiting for its time has no journal yet, and a query would wait for it.
        run = new RunSummary(run.workflowId(), run.runId(), run.type(), SCHEDULED, run.startTime(), null);
      } else if (result == null) {
        try {
          status =
              client
                  .newUntypedWorkflowStub(run.workflowId(), Optional.of(run.runId()), Optional.empty())
                  .query("status", ChaosStatus.class);
        } catch (WorkflowException | DataConverterException | StatusRuntimeException e) {
          // No worker to answer: the run is listed without its journal.
        }
      }
      String actual =
          result != null ? result.service() : status != null ? status.service() : null;
      if (actual == null) {
        actual =
            input(run.workflowId(), run.runId(), ChaosExperimentWorkflow.TYPE, ChaosExperimentSpec.class)
                .map(ChaosExperimentSpec::service)
                .orElse(null);
      }
      if (actual != null && !actual.equals(service)) {
        continue;
      }
      out.add(new ChaosRun(run.withStatus(service, null), result, status));
    }
    return out;
  }

  /**
   * The {@link RunSummary#status()} {@link #chaosHistory} gives a run that a cron schedule created
   * and that waits for its time: nothing has run yet.
   */
  public static final String SCHEDULED = "SCHEDULED";

  /** Whether this run ever started a workflow task; a run that a cron schedule created waits for its time first. */
  private boolean started(String workflowId, String runId) {
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse page =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                      .setNextPageToken(token)
                      .build());
      for (HistoryEvent e : page.getHistory().getEventsList()) {
        if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
          return true;
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return false;
  }

  /**
   * The first input of a run of {@code type} (the latest run with the id when {@code runId} is
   * null), from the first event of its history; empty when the run is of another type or the input
   * cannot be read. One history page of one event, however long the run.
   */
  private <T> Optional<T> input(String workflowId, String runId, String type, Class<T> inputClass) {
    List<HistoryEvent> first;
    WorkflowExecution.Builder execution = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null) {
      execution.setRunId(runId);
    }
    try {
      first =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(execution)
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
    if (!type.equals(started.getWorkflowType().getName()) || !started.hasInput()) {
      return Optional.empty();
    }
    Payloads input = started.getInput();
    try {
      return Optional.ofNullable(
          client
              .getOptions()
              .getDataConverter()
              .fromPayloads(0, Optional.of(input), inputClass, inputClass));
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
   * ({@code RollingResult}, {@code BlueGreenResult}, {@code CanaryResult}, {@code ABTestResult}
   * or {@code ChaosResult}).
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
   * @param kind {@code RollingDeployment}, {@code BlueGreenDeployment}, {@code CanaryRelease},
   *     {@code ABTest} or {@code ChaosExperiment} to keep one type, or null for all
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
   * canary-<service>-}, {@code abtest-<service>-}, {@code chaos-<service>-}); an id that reads more than one way (names and
   * versions may contain {@code -}) is settled by the run's status query. {@code phase} asks each candidate run's status query (closed runs answer too,
   * while a worker is up), skipping closed runs for a phase that is not final; the summaries
   * returned then carry the phase. A run whose status cannot be read is left out of a phase
   * filter. Read-only.
   *
   * @param kind {@code RollingDeployment}, {@code BlueGreenDeployment}, {@code CanaryRelease},
   *     {@code ABTest} or {@code ChaosExperiment}, or null for all
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
      if (ChaosExperimentWorkflow.TYPE.equals(run.type())) {
        ChaosStatus s = stub.query("status", ChaosStatus.class);
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
