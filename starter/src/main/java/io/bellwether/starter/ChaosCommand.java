package io.bellwether.starter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.bellwether.client.BellwetherClient;
import io.bellwether.client.ChaosRun;
import io.bellwether.contracts.TaskQueues;
import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.Verdict;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.starter.follow.RunFollower;
import io.bellwether.starter.follow.RunOutcome;
import io.bellwether.starter.follow.RunWatcher;
import io.bellwether.starter.report.ChaosText;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether chaos ...}: run a chaos experiment (or only plan it), list a service's past
 * experiments, make one recur on a schedule and stop it, and show the blast-radius leases held
 * now. Status, report and the operator controls are the shared commands ({@code status}, {@code
 * report}, {@code rollback} to abort, {@code pause}, {@code resume}, {@code promote}, {@code
 * approve}, {@code reject}).
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = "Chaos experiments: run (or plan) one, its history on a service, schedules, blast-radius leases.",
    subcommands = {
      ChaosCommand.Run.class,
      ChaosCommand.History.class,
      ChaosCommand.ScheduleCommand.class,
      ChaosCommand.Unschedule.class,
      ChaosCommand.Leases.class,
      CommandLine.HelpCommand.class
    })
final class ChaosCommand implements Runnable {
  /** What a scheduled experiment's schedule (or cron workflow) id ends with. */
  static final String SCHEDULE_SUFFIX = "-schedule";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The id of the schedule that makes experiment {@code name} on {@code service} recur, also the
   * workflow id of the cron workflow used where there is no Schedules API: {@code
   * chaos-<service>-<name>-schedule}.
   */
  static String scheduleId(String service, String name) {
    return WorkflowIds.chaosPrefix(service) + name + SCHEDULE_SUFFIX;
  }

  /** The file's chaos spec, with the requester filled in; null (after printing every problem) when it cannot be used. */
  static ChaosExperimentSpec load(Path given, String by, PrintWriter err) {
    Path file = BellwetherCli.callerPath(given);
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      err.println("cannot read " + file + ": " + e.getMessage());
      err.flush();
      return null;
    }
    try {
      return DeployCommand.withRequester(SpecLoader.chaos(text), BellwetherCli.operator(by));
    } catch (InvalidSpecException e) {
      DeployCommand.printViolations(err, file.toString(), e);
      return null;
    }
  }

  private static String hint(BellwetherCli root) {
    return "127.0.0.1:7233".equals(root.temporal()) ? "" : " --temporal " + root.temporal();
  }

  /** Whether {@code e} (or a cause) is gRPC's answer for a call the server does not have. */
  static boolean unimplemented(Throwable e) {
    return hasCode(e, Status.Code.UNIMPLEMENTED);
  }

  static boolean hasCode(Throwable e, Status.Code code) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof StatusRuntimeException sre && sre.getStatus().getCode() == code) {
        return true;
      }
    }
    return false;
  }

  private static ScheduleClient schedules(WorkflowClient client) {
    return ScheduleClient.newInstance(
        client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setDataConverter(client.getOptions().getDataConverter())
            .build());
  }

  // --- run ---

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Start a chaos experiment from FILE (YAML or JSON); --dry-run only plans it.",
        "With --dry-run the run resolves the targets and prints the plan and the blast radius of each",
        "fault step; nothing is injected."
      },
      footer = {
        "",
        "Exit codes: 0 started (followed: the hypothesis held, or the dry run planned); 1 it did not hold,",
        "aborted, was not run or failed; 2 invalid spec; 3 a run with the same id is running."
      })
  static final class Run implements Callable<Integer> {
    @ParentCommand ChaosCommand chaos;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The experiment, YAML or JSON (kind ChaosExperiment).")
    Path file;

    @Option(names = "--dry-run", description = "Resolve the targets and print the plan; inject nothing.")
    boolean dryRun;

    @Option(names = "--follow", description = "Follow the run to its end: readings, actions, then the verdict.")
    boolean follow;

    @Option(
        names = "--by",
        paramLabel = "NAME",
        description = "Who asks, when the spec has no requestedBy (default: $USER, else the login name).")
    String by;

    @Option(
        names = "--plan-timeout",
        paramLabel = "DURATION",
        defaultValue = "2m",
        description = "How long --dry-run waits for the plan (default: ${DEFAULT-VALUE}).")
    String planTimeout;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ChaosExperimentSpec loaded = load(file, by, err);
      if (loaded == null) {
        return 2;
      }
      Duration wait = Durations.parse(planTimeout);
      if (wait == null) {
        err.println("--plan-timeout: not a duration: '" + planTimeout + "' (like 30s, 2m)");
        err.flush();
        return 2;
      }
      ChaosExperimentSpec run = dryRun ? loaded.withDryRun(true) : loaded;
      BellwetherCli root = chaos.root;
      WorkflowClient client = root.client();
      String id = WorkflowIds.chaos(run);
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              ChaosExperimentWorkflow.TYPE,
              WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.BELLWETHER).build());
      try {
        stub.start(run);
      } catch (WorkflowExecutionAlreadyStarted e) {
        err.println(id + " is already running; see: bellwether status " + id + hint(root));
        err.flush();
        return DeployCommand.EXIT_ALREADY_RUNNING;
      }
      out.println("started " + id + " (" + DeployCommand.describe(run) + ") on " + root.temporal());
      out.flush();
      if (run.dryRunOrDefault()) {
        return plan(stub, id, wait, out, err, root);
      }
      if (!follow) {
        out.println("follow it with: bellwether status " + id + hint(root));
        out.println("abort it with:  bellwether rollback " + id + " --reason \"...\"" + hint(root));
        out.flush();
        return 0;
      }
      RunOutcome outcome =
          new RunWatcher(client).followChaos(id, new RunFollower(out, root.tty(), ZoneId.systemDefault(), id));
      DeployCommand.printOutcome(out, outcome);
      out.println("  report: bellwether report " + id + hint(root));
      out.flush();
      return outcome.exitCode();
    }

    /** Waits for the dry run's result and prints its plan. */
    private int plan(WorkflowStub stub, String id, Duration wait, PrintWriter out, PrintWriter err, BellwetherCli root) {
      ChaosResult r;
      try {
        r = stub.getResult(wait.toMillis(), TimeUnit.MILLISECONDS, ChaosResult.class);
      } catch (TimeoutException e) {
        err.println("no plan within " + Durations.format(wait) + ": is a worker running on task queue "
            + TaskQueues.BELLWETHER + "? The run stays: bellwether status " + id + hint(root));
        err.flush();
        return 1;
      } catch (WorkflowFailedException e) {
        RunOutcome o = RunWatcher.failed(id, e, Duration.ZERO);
        err.println(o.outcome() + "  " + id + ": " + o.message());
        err.flush();
        return o.exitCode();
      }
      out.println("plan (" + (r.verdict() == Verdict.DRY_RUN ? "dry run: nothing was injected" : "verdict " + r.verdict())
          + "):");
      for (String l : ChaosText.plan(r.faults(), r.blastRadius())) {
        out.println("  " + l);
      }
      if (r.reason() != null && !r.reason().isBlank()) {
        out.println("  " + r.reason());
      }
      for (String f : r.findings() == null ? List.<String>of() : r.findings()) {
        out.println("  finding: " + f);
      }
      out.flush();
      return r.verdict() == Verdict.DRY_RUN ? 0 : 1;
    }
  }

  // --- history ---

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = {
        "Every past run of chaos experiments on SERVICE, newest first.",
        "Each: started, experiment, verdict, whether the hypothesis held, faults and targets,",
        "error budget burned/allowed, breach-to-restored time."
      })
  static final class History implements Callable<Integer> {
    @ParentCommand ChaosCommand chaos;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The configured service, such as web.")
    String service;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (default: ${DEFAULT-VALUE}; 0 for all).")
    int limit;

    @Option(names = "--json", description = "Print the runs as JSON (each with its result or status).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      List<ChaosRun> runs = BellwetherClient.of(chaos.root.client()).chaosHistory(service, limit);
      if (json) {
        out.println(JSON.writeValueAsString(runs));
        out.flush();
        return 0;
      }
      if (runs.isEmpty()) {
        out.println("(no chaos experiment has run on service " + service + " in namespace " + chaos.root.namespace()
            + ")");
        out.flush();
        return 0;
      }
      out.println(ChaosText.historyHeader());
      for (ChaosRun r : runs) {
        out.println(ChaosText.historyRow(r, ZoneId.systemDefault()));
      }
      long held = runs.stream().filter(r -> Boolean.TRUE.equals(r.hypothesisHeld())).count();
      long decided = runs.stream().filter(r -> r.hypothesisHeld() != null).count();
      if (decided > 0) {
        out.println();
        out.println("the hypothesis held in " + held + " of " + decided + " run(s) that decided it");
      }
      out.flush();
      return 0;
    }
  }

  // --- schedule ---

  @Command(
      name = "schedule",
      mixinStandardHelpOptions = true,
      description = {
        "Make the experiment in FILE recur on a cron schedule.",
        "On a Temporal cluster this is a Schedule (Schedules API, overlapping runs skipped); where the",
        "server has no Schedules API (the embedded server) a workflow started with a cron schedule.",
        "It says which it used."
      },
      footer = {"", "Exit codes: 0 scheduled; 1 the server refused; 2 invalid spec or cron expression; 3 already scheduled."})
  static final class ScheduleCommand implements Callable<Integer> {
    @ParentCommand ChaosCommand chaos;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The experiment, YAML or JSON.")
    Path file;

    @Option(names = "--cron", required = true, paramLabel = "EXPR", description = "Cron expression, such as \"0 3 * * 1-5\" (UTC).")
    String cron;

    @Option(names = "--by", paramLabel = "NAME", description = "Who asks, when the spec has no requestedBy.")
    String by;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ChaosExperimentSpec loaded = load(file, by, err);
      if (loaded == null) {
        return 2;
      }
      String expr = cron.strip();
      if (expr.isEmpty() || (!expr.startsWith("@") && expr.split("\\s+").length < 5)) {
        err.println("--cron: '" + cron + "' is not a cron expression (five fields, such as \"0 3 * * *\")");
        err.flush();
        return 2;
      }
      WorkflowClient client = chaos.root.client();
      String id = scheduleId(loaded.service(), loaded.name());
      try {
        schedules(client).createSchedule(id, schedule(loaded), ScheduleOptions.newBuilder().build());
        out.println("scheduled " + loaded.name() + " on " + loaded.service() + " with the Schedules API: schedule " + id
            + ", cron \"" + cron + "\", overlapping runs skipped; each run starts as " + WorkflowIds.chaos(loaded)
            + "-<time>");
        out.println("  history: bellwether chaos history " + loaded.service() + hint(chaos.root));
        out.println("  stop:    bellwether chaos unschedule " + loaded.service() + " " + loaded.name() + hint(chaos.root));
        out.flush();
        return 0;
      } catch (ScheduleAlreadyRunningException e) {
        err.println("schedule " + id + " exists already; remove it first: bellwether chaos unschedule "
            + loaded.service() + " " + loaded.name());
        err.flush();
        return DeployCommand.EXIT_ALREADY_RUNNING;
      } catch (RuntimeException e) {
        if (hasCode(e, Status.Code.INVALID_ARGUMENT)) {
          err.println("the server refused the schedule: " + rootMessage(e));
          err.flush();
          return 2;
        }
        if (!unimplemented(e)) {
          throw e;
        }
      }
      // The server has no Schedules API (the embedded server): a cron workflow does the same job.
      try {
        client
            .newUntypedWorkflowStub(
                ChaosExperimentWorkflow.TYPE,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(TaskQueues.BELLWETHER)
                    .setCronSchedule(cron)
                    .build())
            .start(loaded);
      } catch (WorkflowExecutionAlreadyStarted e) {
        err.println(id + " is scheduled already (a cron workflow); remove it first: bellwether chaos unschedule "
            + loaded.service() + " " + loaded.name());
        err.flush();
        return DeployCommand.EXIT_ALREADY_RUNNING;
      } catch (RuntimeException e) {
        if (hasCode(e, Status.Code.INVALID_ARGUMENT)) {
          err.println("the server refused the cron schedule \"" + cron + "\": " + rootMessage(e));
          err.flush();
          return 2;
        }
        throw e;
      }
      out.println("scheduled " + loaded.name() + " on " + loaded.service() + " as a cron workflow (this server has no"
          + " Schedules API): workflow " + id + ", cron \"" + cron + "\"; each run is a new run of that workflow");
      out.println("  history: bellwether chaos history " + loaded.service() + hint(chaos.root));
      out.println("  stop:    bellwether chaos unschedule " + loaded.service() + " " + loaded.name() + hint(chaos.root));
      out.flush();
      return 0;
    }

    private Schedule schedule(ChaosExperimentSpec s) {
      return Schedule.newBuilder()
          .setAction(
              ScheduleActionStartWorkflow.newBuilder()
                  .setWorkflowType(ChaosExperimentWorkflow.TYPE)
                  .setArguments(s)
                  .setOptions(
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(WorkflowIds.chaos(s))
                          .setTaskQueue(TaskQueues.BELLWETHER)
                          .build())
                  .build())
          .setSpec(ScheduleSpec.newBuilder().setCronExpressions(List.of(cron)).build())
          // The same experiment twice at once would fight over the same targets.
          .setPolicy(SchedulePolicy.newBuilder().setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP).build())
          .setState(ScheduleState.newBuilder().setNote("bellwether chaos schedule, asked by " + s.requestedBy()).build())
          .build();
    }
  }

  // --- unschedule ---

  @Command(
      name = "unschedule",
      mixinStandardHelpOptions = true,
      description = {
        "Stop experiment NAME on SERVICE from recurring.",
        "Deletes its Schedule, or ends its cron workflow: removed while it waits for its next time,",
        "canceled while a run is in progress (which restores its faults before it ends)."
      },
      footer = {"", "Exit codes: 0 removed; 1 no such schedule."})
  static final class Unschedule implements Callable<Integer> {
    @ParentCommand ChaosCommand chaos;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service, such as web.")
    String service;

    @Parameters(index = "1", paramLabel = "NAME", description = "The experiment's name, such as kill-one.")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      WorkflowClient client = chaos.root.client();
      String id = scheduleId(service, name);
      try {
        schedules(client).getHandle(id).delete();
        out.println("deleted schedule " + id + ": no further runs (a run in progress goes on to its end)");
        out.flush();
        return 0;
      } catch (RuntimeException e) {
        if (!unimplemented(e) && !hasCode(e, Status.Code.NOT_FOUND)) {
          throw e;
        }
      }
      WorkflowStub cron = client.newUntypedWorkflowStub(id, Optional.empty(), Optional.empty());
      WorkflowExecutionDescription d;
      try {
        d = cron.describe();
      } catch (WorkflowNotFoundException e) {
        err.println("no schedule " + id + " in namespace " + chaos.root.namespace() + " on " + chaos.root.temporal());
        err.flush();
        return 1;
      }
      if (d.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        err.println("no schedule " + id + ": its cron workflow has ended ("
            + d.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "") + ")");
        err.flush();
        return 1;
      }
      if (!started(client, id)) {
        // Waiting for its next cron time: nothing ran, nothing to restore, so it can simply go.
        cron.terminate("unscheduled by " + BellwetherCli.operator(null) + " before its next run started");
        out.println("removed cron workflow " + id + ": its next run had not started; no further runs");
      } else {
        // Cancel, never terminate: a run in the middle of a fault must restore it before it ends.
        cron.cancel();
        out.println("canceled cron workflow " + id + ": no further runs; the run in progress restores its faults"
            + " before it ends");
      }
      out.flush();
      return 0;
    }

    /** Whether the latest run with this id ever started a workflow task (a cron run waits for its time first). */
    private static boolean started(WorkflowClient client, String id) {
      ByteString token = ByteString.EMPTY;
      do {
        GetWorkflowExecutionHistoryResponse page =
            client
                .getWorkflowServiceStubs()
                .blockingStub()
                .getWorkflowExecutionHistory(
                    GetWorkflowExecutionHistoryRequest.newBuilder()
                        .setNamespace(client.getOptions().getNamespace())
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
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
  }

  // --- leases ---

  @Command(
      name = "leases",
      mixinStandardHelpOptions = true,
      description = "The blast-radius leases held now by running experiments (coordinator " + BlastRadiusWorkflow.WORKFLOW_ID + ").")
  static final class Leases implements Callable<Integer> {
    @ParentCommand ChaosCommand chaos;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print the leases as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      WorkflowStub coordinator = chaos.root.client().newUntypedWorkflowStub(BlastRadiusWorkflow.WORKFLOW_ID);
      List<LeaseRequest> leases;
      try {
        LeaseRequest[] held = coordinator.query("leases", LeaseRequest[].class);
        leases = held == null ? List.of() : Arrays.asList(held);
      } catch (WorkflowNotFoundException e) {
        if (json) {
          out.println("[]");
        } else {
          out.println("no blast-radius coordinator has run yet (" + BlastRadiusWorkflow.WORKFLOW_ID
              + " starts with the first experiment that asks for a lease): no lease is held");
        }
        out.flush();
        return 0;
      }
      if (json) {
        out.println(JSON.writeValueAsString(leases));
      } else {
        for (String l : ChaosText.leases(leases, ZoneId.systemDefault())) {
          out.println(l);
        }
      }
      out.flush();
      return 0;
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
