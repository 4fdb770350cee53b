package io.bellwether.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.filter.v1.StartTimeFilter;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists the runs of some workflow types: a visibility query where the server has one, else the
 * legacy open and closed listings (the embedded server answers visibility queries with
 * UNIMPLEMENTED).
 */
final class RunListing {
  private static final int PAGE = 200;

  private RunListing() {}

  /** Every run of {@code types}, open and closed, newest first; empty when there are none. */
  static List<WorkflowExecutionInfo> list(WorkflowServiceBlockingStub rpc, String ns, List<String> types) {
    return list(rpc, ns, types, null);
  }

  /**
   * Every run of {@code types} whose workflow id starts with {@code idPrefix} (all when null), open
   * and closed, newest first. On a cluster the prefix goes into the visibility query ({@code
   * STARTS_WITH}); a store that does not take it is asked by type alone. The legacy listing has no
   * such filter: the prefix is applied here.
   */
  static List<WorkflowExecutionInfo> list(
      WorkflowServiceBlockingStub rpc, String ns, List<String> types, String idPrefix) {
    List<WorkflowExecutionInfo> runs;
    try {
      try {
        runs = visibility(rpc, ns, query(types, idPrefix));
      } catch (StatusRuntimeException e) {
        if (idPrefix == null || e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
          throw e;
        }
        runs = visibility(rpc, ns, query(types));
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      runs = legacy(rpc, ns, types);
    }
    runs = new ArrayList<>(runs);
    if (idPrefix != null) {
      runs.removeIf(i -> !i.getExecution().getWorkflowId().startsWith(idPrefix));
    }
    runs.sort(
        Comparator.comparing((WorkflowExecutionInfo i) -> i.getStartTime().getSeconds())
            .thenComparing(i -> i.getStartTime().getNanos())
            .reversed());
    return runs;
  }

  /** The visibility query that selects {@code types}: {@code WorkflowType='A' OR WorkflowType='B'}. */
  static String query(List<String> types) {
    return String.join(" OR ", types.stream().map(t -> "WorkflowType='" + t + "'").toList());
  }

  /** {@link #query(List)} narrowed to ids starting with {@code idPrefix}, when one is given. */
  static String query(List<String> types, String idPrefix) {
    if (idPrefix == null) {
      return query(types);
    }
    // Ids are names, digits and '-', '.', '_', but quote anyway: a quote must not end the literal.
    return "(" + query(types) + ") AND WorkflowId STARTS_WITH '" + idPrefix.replace("'", "\\'") + "'";
  }

  static RunSummary summary(WorkflowExecutionInfo i) {
    return new RunSummary(
        i.getExecution().getWorkflowId(),
        i.getExecution().getRunId(),
        i.getType().getName(),
        i.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""),
        instant(i.getStartTime()),
        i.hasCloseTime() && i.getCloseTime().getSeconds() > 0 ? instant(i.getCloseTime()) : null,
        RunIds.service(i.getType().getName(), i.getExecution().getWorkflowId()),
        null);
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static List<WorkflowExecutionInfo> visibility(
      WorkflowServiceBlockingStub rpc, String ns, String query) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse r =
          rpc.listWorkflowExecutions(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(ns)
                  .setQuery(query)
                  .setPageSize(PAGE)
                  .setNextPageToken(token)
                  .build());
      all.addAll(r.getExecutionsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private static List<WorkflowExecutionInfo> legacy(
      WorkflowServiceBlockingStub rpc, String ns, List<String> types) {
    StartTimeFilter window =
        StartTimeFilter.newBuilder()
            .setEarliestTime(Timestamp.newBuilder().setSeconds(0))
            .setLatestTime(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() + 86_400))
            .build();
    // The legacy listing filters by one type at a time, and the embedded server ignores the type
    // filter for open runs: keep each run once, and only runs of the asked types.
    Map<String, WorkflowExecutionInfo> byRun = new LinkedHashMap<>();
    for (String name : types) {
      WorkflowTypeFilter type = WorkflowTypeFilter.newBuilder().setName(name).build();
      for (WorkflowExecutionInfo i : legacy(rpc, ns, window, type)) {
        if (types.contains(i.getType().getName())) {
          byRun.putIfAbsent(i.getExecution().getWorkflowId() + "/" + i.getExecution().getRunId(), i);
        }
      }
    }
    return new ArrayList<>(byRun.values());
  }

  private static List<WorkflowExecutionInfo> legacy(
      WorkflowServiceBlockingStub rpc, String ns, StartTimeFilter window, WorkflowTypeFilter type) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse r =
          rpc.listOpenWorkflowExecutions(
              ListOpenWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(ns)
                  .setStartTimeFilter(window)
                  .setTypeFilter(type)
                  .setMaximumPageSize(PAGE)
                  .setNextPageToken(token)
                  .build());
      all.addAll(r.getExecutionsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    token = ByteString.EMPTY;
    do {
      ListClosedWorkflowExecutionsResponse r =
          rpc.listClosedWorkflowExecutions(
              ListClosedWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(ns)
                  .setStartTimeFilter(window)
                  .setTypeFilter(type)
                  .setMaximumPageSize(PAGE)
                  .setNextPageToken(token)
                  .build());
      all.addAll(r.getExecutionsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }
}
