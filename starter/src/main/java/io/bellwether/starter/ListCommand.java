package io.bellwether.starter;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
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
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bellwether list}: the namespace's Bellwether runs of every type, newest first. */
@Command(name = "list", description = "List RollingDeployment and BlueGreenDeployment runs, open and closed.")
final class ListCommand implements Callable<Integer> {
  static final List<String> TYPES = List.of(RollingDeploymentWorkflow.TYPE, BlueGreenDeploymentWorkflow.TYPE);
  static final String QUERY =
      String.join(" OR ", TYPES.stream().map(t -> "WorkflowType='" + t + "'").toList());
  private static final int PAGE = 200;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    WorkflowClient client = root.client();
    WorkflowServiceBlockingStub rpc = client.getWorkflowServiceStubs().blockingStub();
    String ns = root.namespace();
    List<WorkflowExecutionInfo> runs;
    try {
      runs = visibility(rpc, ns);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      // The embedded server has no visibility queries; the legacy listing still works.
      runs = legacy(rpc, ns);
    }
    runs = new ArrayList<>(runs);
    runs.sort(Comparator.comparing((WorkflowExecutionInfo i) -> i.getStartTime().getSeconds())
        .thenComparing(i -> i.getStartTime().getNanos()).reversed());
    out.println(String.format("%-32s %-20s %-12s %s", "WORKFLOW ID", "TYPE", "STATUS", "STARTED"));
    for (WorkflowExecutionInfo i : runs) {
      out.println(row(i, ZoneId.systemDefault()));
    }
    if (runs.isEmpty()) {
      out.println("(no " + String.join(" or ", TYPES) + " runs in namespace " + ns + ")");
    }
    out.flush();
    return 0;
  }

  static String row(WorkflowExecutionInfo i, ZoneId zone) {
    Instant started = Instant.ofEpochSecond(i.getStartTime().getSeconds(), i.getStartTime().getNanos());
    String status = i.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    return String.format("%-32s %-20s %-12s %s",
        i.getExecution().getWorkflowId(), i.getType().getName(), status, TIME.format(started.atZone(zone)));
  }

  private static List<WorkflowExecutionInfo> visibility(WorkflowServiceBlockingStub rpc, String ns) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse r =
          rpc.listWorkflowExecutions(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(ns)
                  .setQuery(QUERY)
                  .setPageSize(PAGE)
                  .setNextPageToken(token)
                  .build());
      all.addAll(r.getExecutionsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private static List<WorkflowExecutionInfo> legacy(WorkflowServiceBlockingStub rpc, String ns) {
    StartTimeFilter window =
        StartTimeFilter.newBuilder()
            .setEarliestTime(Timestamp.newBuilder().setSeconds(0))
            .setLatestTime(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() + 86_400))
            .build();
    // The legacy listing filters by one type at a time, and the embedded server ignores the
    // filter for open runs: keep each run once, and only runs of our types.
    Map<String, WorkflowExecutionInfo> byRun = new LinkedHashMap<>();
    for (String name : TYPES) {
      for (WorkflowExecutionInfo i : legacy(rpc, ns, window, WorkflowTypeFilter.newBuilder().setName(name).build())) {
        if (TYPES.contains(i.getType().getName())) {
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
