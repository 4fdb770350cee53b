package io.bellwether.client;

import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
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
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.List;
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
      List.of(RollingDeploymentWorkflow.TYPE, BlueGreenDeploymentWorkflow.TYPE);

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
    requireValid(spec == null ? null : SpecValidator.validate(spec), spec);
    String id = WorkflowIds.rolling(spec);
    RollingDeploymentWorkflow stub =
        client.newWorkflowStub(RollingDeploymentWorkflow.class, options(id));
    try {
      WorkflowExecution e = WorkflowClient.start(stub::run, spec);
      return new RunRef(id, e.getRunId(), RollingDeploymentWorkflow.TYPE);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new RunAlreadyStartedException(id, e);
    }
  }

  /**
   * Validates the spec and starts a {@code BlueGreenDeployment} run with id {@link
   * WorkflowIds#blueGreen} on {@link TaskQueues#BELLWETHER}; returns the started run.
   *
   * @throws InvalidSpecException with every problem, before Temporal is contacted
   * @throws RunAlreadyStartedException when a run with that id is running now
   */
  public RunRef start(BlueGreenDeploymentSpec spec) {
    requireValid(spec == null ? null : SpecValidator.validate(spec), spec);
    String id = WorkflowIds.blueGreen(spec);
    BlueGreenDeploymentWorkflow stub =
        client.newWorkflowStub(BlueGreenDeploymentWorkflow.class, options(id));
    try {
      WorkflowExecution e = WorkflowClient.start(stub::run, spec);
      return new RunRef(id, e.getRunId(), BlueGreenDeploymentWorkflow.TYPE);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new RunAlreadyStartedException(id, e);
    }
  }

  /**
   * Parses a YAML or JSON spec, picks the workflow by its {@code kind} (rolling when absent), and
   * starts it like the typed overloads; returns the started run.
   *
   * @throws InvalidSpecException when the text does not parse, names an unknown kind, or breaks a
   *     rule; nothing is started
   * @throws RunAlreadyStartedException when a run with that id is running now
   */
  public RunRef start(String yamlOrJson) {
    String kind = SpecLoader.kindOf(yamlOrJson);
    return switch (kind) {
      case SpecLoader.KIND_ROLLING -> start(SpecLoader.rolling(yamlOrJson));
      case SpecLoader.KIND_BLUE_GREEN -> start(SpecLoader.blueGreen(yamlOrJson));
      default ->
          throw new InvalidSpecException(
              List.of(new Violation("kind", "must be one of " + TYPES + ", was '" + kind + "'")));
    };
  }

  /**
   * The workflow type of the latest run with this id ({@code RollingDeployment}, {@code
   * BlueGreenDeployment}, or whatever else runs under that id), open or closed.
   *
   * @throws RunNotFoundException when no run has that id
   */
  public String typeOf(String workflowId) {
    try {
      return client
          .getWorkflowServiceStubs()
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                  .build())
          .getWorkflowExecutionInfo()
          .getType()
          .getName();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new RunNotFoundException(workflowId, e);
      }
      throw e;
    }
  }

  /**
   * The run's {@code status} query answer: a {@link RollingStatus} or a {@link BlueGreenStatus}
   * by the run's type. Works on closed runs too while a worker is there to answer.
   *
   * @throws RunNotFoundException when no run has that id
   * @throws IllegalArgumentException when the id belongs to a workflow that is not Bellwether's
   */
  public Object status(String workflowId) {
    String type = typeOf(workflowId);
    return switch (type) {
      case RollingDeploymentWorkflow.TYPE -> rollingStatus(workflowId);
      case BlueGreenDeploymentWorkflow.TYPE -> blueGreenStatus(workflowId);
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
   * Approves the open gate through the validated {@code approveUpdate}; returns the run's state
   * right after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no open run has that id
   */
  public ControlResponse approve(String workflowId, OperatorRequest request) {
    return control(workflowId, "approve", request);
  }

  /**
   * Rejects the open gate through {@code rejectUpdate}; returns the run's state right after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no open run has that id
   */
  public ControlResponse reject(String workflowId, OperatorRequest request) {
    return control(workflowId, "reject", request);
  }

  /**
   * Pauses at the run's next safe point through {@code pauseUpdate}; returns the state after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no open run has that id
   */
  public ControlResponse pause(String workflowId, OperatorRequest request) {
    return control(workflowId, "pause", request);
  }

  /**
   * Lifts a pause through {@code resumeUpdate}; returns the state after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no open run has that id
   */
  public ControlResponse resume(String workflowId, OperatorRequest request) {
    return control(workflowId, "resume", request);
  }

  /**
   * Stops the run and puts back what it changed, through {@code rollbackUpdate}; returns the
   * state after (the rollback itself goes on in the run).
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no open run has that id
   */
  public ControlResponse rollback(String workflowId, OperatorRequest request) {
    return control(workflowId, "rollback", request);
  }

  /**
   * Skips the current wait through {@code promoteUpdate}; returns the state after.
   *
   * @throws ControlRefusedException with the run's reason when it does not apply now
   * @throws RunNotFoundException when no open run has that id
   */
  public ControlResponse promote(String workflowId, OperatorRequest request) {
    return control(workflowId, "promote", request);
  }

  /**
   * Waits up to {@code timeout} for the latest run with this id to close and returns its result
   * ({@code RollingResult} or {@code BlueGreenResult}).
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
   * @param kind {@code RollingDeployment} or {@code BlueGreenDeployment} to keep one type, or null
   *     for both
   * @throws IllegalArgumentException when {@code kind} is neither
   */
  public List<RunSummary> list(String kind) {
    List<String> types;
    if (kind == null) {
      types = TYPES;
    } else if (TYPES.contains(kind)) {
      types = List.of(kind);
    } else {
      throw new IllegalArgumentException("kind must be one of " + TYPES + " or null, was '" + kind + "'");
    }
    return RunListing.list(
            client.getWorkflowServiceStubs().blockingStub(), client.getOptions().getNamespace(), types)
        .stream()
        .map(RunListing::summary)
        .toList();
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

  private static WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build();
  }

  private <T> T query(String workflowId, Class<T> type) {
    try {
      return client.newUntypedWorkflowStub(workflowId).query("status", type);
    } catch (WorkflowNotFoundException e) {
      throw new RunNotFoundException(workflowId, e);
    }
  }

  // Untyped on purpose: the update names are the same for every workflow type, so one path
  // serves rolling and blue-green runs without a describe first.
  private ControlResponse control(String workflowId, String action, OperatorRequest request) {
    WorkflowStub run = client.newUntypedWorkflowStub(workflowId);
    try {
      return run.update(action + "Update", ControlResponse.class, request);
    } catch (WorkflowUpdateException e) {
      throw new ControlRefusedException(workflowId, action, reason(e), e);
    } catch (WorkflowNotFoundException e) {
      throw new RunNotFoundException(workflowId, e);
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
