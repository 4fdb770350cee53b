package io.bellwether.starter;

import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Operator controls. They use the workflow's updates, not its signals, so the operator sees the
 * answer, or why the run refused (finished, already rolling back, not paused).
 */
abstract class ControlCommand implements Callable<Integer> {
  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID", description = "Workflow id, such as rolling-web-2.0.0.")
  String id;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; kept in the audit trail.")
  String reason;

  @Option(names = "--by", paramLabel = "NAME", description = "Who asks (default: $USER, else the login name).")
  String by;

  abstract String action();

  abstract ControlResponse send(RollingDeploymentWorkflow run, OperatorRequest request);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RollingDeploymentWorkflow run = root.client().newWorkflowStub(RollingDeploymentWorkflow.class, id);
    try {
      ControlResponse r = send(run, OperatorRequest.of(BellwetherCli.operator(by), reason));
      out.println(action() + " accepted by " + id + ": " + r.message() + " (phase " + r.phase()
          + (r.paused() ? ", paused" : "") + ")");
      out.flush();
      return 0;
    } catch (WorkflowUpdateException e) {
      err.println(action() + " refused by " + id + ": " + refusal(e));
      err.flush();
      return 1;
    } catch (WorkflowNotFoundException e) {
      err.println("no running " + id + " in namespace " + root.namespace() + " on " + root.temporal());
      err.flush();
      return 1;
    } catch (WorkflowException e) {
      err.println(action() + " could not reach " + id + ": " + refusal(e));
      err.flush();
      return 1;
    }
  }

  static String refusal(Throwable e) {
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

  private abstract static class Simple extends ControlCommand {
    private final String action;
    private final BiFunction<RollingDeploymentWorkflow, OperatorRequest, ControlResponse> update;

    Simple(String action, BiFunction<RollingDeploymentWorkflow, OperatorRequest, ControlResponse> update) {
      this.action = action;
      this.update = update;
    }

    @Override
    String action() {
      return action;
    }

    @Override
    ControlResponse send(RollingDeploymentWorkflow run, OperatorRequest request) {
      return update.apply(run, request);
    }
  }

  @Command(name = "pause", description = "Hold the run before its next batch.")
  static final class Pause extends Simple {
    Pause() {
      super("pause", RollingDeploymentWorkflow::pauseUpdate);
    }
  }

  @Command(name = "resume", description = "Continue a paused run.")
  static final class Resume extends Simple {
    Resume() {
      super("resume", RollingDeploymentWorkflow::resumeUpdate);
    }
  }

  @Command(name = "rollback", description = "Stop the run and restore every instance it touched.")
  static final class Rollback extends Simple {
    Rollback() {
      super("rollback", RollingDeploymentWorkflow::rollbackUpdate);
    }
  }
}
