package io.bellwether.starter;

import io.bellwether.activities.identity.Attestations;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.starter.sandbox.RepoHome;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Operator controls, for every workflow type: they share names ({@code OperatorControls}). They use
 * the workflow's updates, not its signals, so the operator sees the answer, or why the run refused
 * (finished, not an approver, self-approval, no gate open, not paused).
 */
abstract class ControlCommand implements Callable<Integer> {
  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "ID",
      description = "Workflow id, such as rolling-web-2.0.0, bluegreen-shop-2.0.0 or chaos-web-kill-one.")
  String id;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; kept in the audit trail.")
  String reason;

  @Option(
      names = "--by",
      paramLabel = "NAME",
      description = "Who asks (default: $USER, else the login name). Self-declared unless --attest.")
  String by;

  @Option(
      names = "--attest",
      description = {
        "Sign an attestation for --by with the sandbox's identity key, for gates that require a",
        "verified identity. Whoever can read the key file stands in for an authenticated path."
      })
  boolean attest;

  @Option(names = "--dir", description = "Sandbox directory holding the identity key, for --attest (default: <checkout>/.bellwether/sandbox).")
  Path dir;

  /** The action's name, as the workflow's audit trail and attestations call it. */
  abstract String action();

  /** {@code OperatorRequest.full}: only {@code promote --full} sets it. */
  Boolean full() {
    return null;
  }

  /** What the update carries: who, why, the attestation (or null) and {@code full}. */
  OperatorRequest request(String who, String attestation) {
    return new OperatorRequest(who, reason, attestation, full());
  }

  /** The update that carries the action: {@code <action>Update}. */
  final String updateName() {
    return action() + "Update";
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String who = BellwetherCli.operator(by);
    String attestation = attest ? attestation(who, Instant.now()) : null;
    // Untyped: the update names are the same for every workflow type, so one command serves all.
    WorkflowStub run = root.client().newUntypedWorkflowStub(id);
    try {
      ControlResponse r =
          run.update(updateName(), ControlResponse.class, request(who, attestation));
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

  /**
   * A token attesting that {@code who} asks for this action on this run, signed with the sandbox's
   * identity key. The key is read from its file and goes nowhere else.
   */
  String attestation(String who, Instant now) throws IOException {
    Path d = dir != null ? BellwetherCli.callerPath(dir) : SandboxOptions.defaultDir(RepoHome.locate());
    Sandbox.IdentityKey key = Sandbox.load(d).identityKey();
    return Attestations.issue(key.keyId(), key.secret(), who, id, action(), now);
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

    Simple(String action) {
      this.action = action;
    }

    @Override
    String action() {
      return action;
    }
  }

  @Command(
      name = "pause",
      description = {
        "Hold the run at its next safe point (between batches or traffic steps; an A/B test holds its decision).",
        "A chaos experiment holds the active fault past its duration, never past its dead-man switch, or holds the next injection."
      })
  static final class Pause extends Simple {
    Pause() {
      super("pause");
    }
  }

  @Command(name = "resume", description = "Continue a paused run.")
  static final class Resume extends Simple {
    Resume() {
      super("resume");
    }
  }

  @Command(
      name = "rollback",
      description = {
        "Stop the run and put back what it changed (blue-green after the switch: all traffic back to blue;",
        "an A/B test is stopped and reverted; a chaos experiment aborts and restores every fault at once)."
      })
  static final class Rollback extends Simple {
    Rollback() {
      super("rollback");
    }
  }

  @Command(name = "approve", description = "Approve the run's open gate.")
  static final class Approve extends Simple {
    Approve() {
      super("approve");
    }
  }

  @Command(name = "reject", description = "Reject the run's open gate: the run aborts or rolls back what it changed.")
  static final class Reject extends Simple {
    Reject() {
      super("reject");
    }
  }

  @Command(
      name = "promote",
      description = {
        "Skip the current wait (bake time, pause, traffic step, watch window).",
        "A canary skips its remaining steps but still runs the analyses left, unless --full.",
        "An A/B test ends data collection now (short of its sample size it is inconclusive).",
        "A chaos experiment ends the active fault step early (restored, then the next step)."
      })
  static final class Promote extends Simple {
    @Option(
        names = "--full",
        description = "Canary only: skip the remaining analyses too and promote now (recorded as promote --full).")
    boolean full;

    Promote() {
      super("promote");
    }

    @Override
    Boolean full() {
      return full ? Boolean.TRUE : null;
    }
  }
}
