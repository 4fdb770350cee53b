package io.bellwether.worker;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.temporal.api.command.v1.Command;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a run alive on the embedded server when it cancels an activity that finished a moment
 * earlier.
 *
 * <p>A control (rollback, a cancel) that cancels a running activity races that activity's
 * completion: the worker decides to cancel while the completion is on its way to the server. A
 * real cluster records the cancel request and then the completion, and the SDK copes. The embedded
 * server ({@code temporal-test-server}) instead refuses the whole workflow task with {@code
 * FAILED_PRECONDITION: ACTIVITY_UNKNOWN} and leaves its task state half-completed: the completion
 * it holds back is never written, the task never times out, an update in that task counts as
 * accepted but never answers. The run is wedged for good, and nothing restores (a known gap of
 * that server; the SDK only logs the refusal).
 *
 * <p>Installed on the worker's connection to the embedded server only, this interceptor looks at
 * each workflow task completion that cancels activities before it is sent. When one of those
 * activities is no longer pending at the server (it finished while the task was being worked on),
 * the completion is not sent: the task is failed instead (cause: unhandled command, what a cluster
 * does when events arrived meanwhile), the server writes the held-back completion and hands out a
 * new task with any update or signal in it again, and the worker replays with the activity
 * finished, so nothing is cancelled. The SDK is told its completion failed, as for any refused
 * completion. A completion that cancels nothing, and every other call, passes through untouched.
 *
 * <p>What remains: an activity that finishes in the few milliseconds between this check and the
 * completion still meets the server's gap.
 */
public final class StaleCancelRecovery implements ClientInterceptor {
  private static final Logger log = LoggerFactory.getLogger(StaleCancelRecovery.class);
  private static final String POLL = WorkflowServiceGrpc.getPollWorkflowTaskQueueMethod().getFullMethodName();
  private static final String COMPLETED =
      WorkflowServiceGrpc.getRespondWorkflowTaskCompletedMethod().getFullMethodName();
  private static final int MAX_TRACKED = 1_000;
  private static final long CALL_DEADLINE_SECONDS = 5;

  /** Task token to the run it belongs to, from the polls; bounded, oldest dropped first. */
  private final Map<ByteString, WorkflowExecution> runsByToken =
      Collections.synchronizedMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteString, WorkflowExecution> eldest) {
              return size() > MAX_TRACKED;
            }
          });

  private final AtomicLong failedTasks = new AtomicLong();

  /** Workflow tasks failed so far instead of sending a cancel of a finished activity. */
  public long failedTasks() {
    return failedTasks.get();
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
    String name = method.getFullMethodName();
    if (POLL.equals(name)) {
      return watchPoll(next.newCall(method, options));
    }
    if (COMPLETED.equals(name)) {
      return guardCompletion(next.newCall(method, options), next);
    }
    return next.newCall(method, options);
  }

  private <ReqT, RespT> ClientCall<ReqT, RespT> watchPoll(ClientCall<ReqT, RespT> call) {
    return new SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        super.start(
            new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onMessage(RespT message) {
                if (message instanceof PollWorkflowTaskQueueResponse task && !task.getTaskToken().isEmpty()) {
                  runsByToken.put(task.getTaskToken(), task.getWorkflowExecution());
                }
                super.onMessage(message);
              }
            },
            headers);
      }
    };
  }

  private <ReqT, RespT> ClientCall<ReqT, RespT> guardCompletion(ClientCall<ReqT, RespT> call, Channel channel) {
    return new SimpleForwardingClientCall<>(call) {
      private volatile String failedInstead;

      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        super.start(
            new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                String why = failedInstead;
                super.onClose(why == null ? status : Status.FAILED_PRECONDITION.withDescription(why), trailers);
              }
            },
            headers);
      }

      @Override
      public void sendMessage(ReqT message) {
        if (message instanceof RespondWorkflowTaskCompletedRequest r) {
          String why = failInsteadIfStale(r, channel);
          if (why != null) {
            failedInstead = why;
            // Never reaches the server; the SDK hears FAILED_PRECONDITION with the reason.
            cancel(why, null);
            return;
          }
        }
        super.sendMessage(message);
      }

      @Override
      public void halfClose() {
        if (failedInstead == null) {
          super.halfClose();
        }
      }
    };
  }

  /**
   * Fails the task instead when it cancels an activity the server no longer lists as pending;
   * returns why, or null when the completion should go as it is.
   */
  private String failInsteadIfStale(RespondWorkflowTaskCompletedRequest r, Channel channel) {
    Set<Long> cancels = new HashSet<>();
    for (Command c : r.getCommandsList()) {
      if (c.getCommandType() == CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK) {
        cancels.add(c.getRequestCancelActivityTaskCommandAttributes().getScheduledEventId());
      }
    }
    WorkflowExecution run = runsByToken.get(r.getTaskToken());
    if (cancels.isEmpty() || run == null) {
      return null;
    }
    WorkflowServiceGrpc.WorkflowServiceBlockingStub stub = WorkflowServiceGrpc.newBlockingStub(channel);
    try {
      Set<Long> finished = finished(stub, r.getNamespace(), run, cancels);
      if (finished.isEmpty()) {
        return null;
      }
      stub.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
          .respondWorkflowTaskFailed(
              RespondWorkflowTaskFailedRequest.newBuilder()
                  .setNamespace(r.getNamespace())
                  .setTaskToken(r.getTaskToken())
                  .setIdentity(r.getIdentity())
                  .setCause(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND)
                  .build());
      failedTasks.incrementAndGet();
      String why =
          "workflow task failed instead of completed: it cancels activity event(s) " + finished
              + ", which finished meanwhile; the run replays with them finished";
      log.info("{} {}: {}", run.getWorkflowId(), run.getRunId(), why);
      return why;
    } catch (RuntimeException e) {
      // The check or the failure did not work: send the completion as it is.
      log.debug("could not check the activities a workflow task cancels", e);
      return null;
    }
  }

  /** Of the activities scheduled at {@code events}, those the server no longer lists as pending. */
  private static Set<Long> finished(
      WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String namespace, WorkflowExecution run, Set<Long> events) {
    Set<String> pending = new HashSet<>();
    stub.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder().setNamespace(namespace).setExecution(run).build())
        .getPendingActivitiesList()
        .forEach(a -> pending.add(a.getActivityId()));
    Set<Long> out = new HashSet<>();
    ByteString page = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse h =
          stub.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(namespace)
                      .setExecution(run)
                      .setNextPageToken(page)
                      .build());
      for (HistoryEvent e : h.getHistory().getEventsList()) {
        if (events.contains(e.getEventId())
            && e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && !pending.contains(e.getActivityTaskScheduledEventAttributes().getActivityId())) {
          out.add(e.getEventId());
        }
      }
      page = h.getNextPageToken();
    } while (!page.isEmpty());
    return out;
  }
}
