package io.bellwether.starter;

import io.bellwether.starter.api.ServeCommand;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code bellwether} command line. */
@Command(
    name = "bellwether",
    mixinStandardHelpOptions = true,
    version = "bellwether 0.1.0",
    description = "Rolling, blue-green and canary releases, A/B tests and chaos experiments as durable Temporal workflows.",
    subcommands = {
      UpCommand.class,
      DownCommand.class,
      DeployCommand.class,
      StatusCommand.class,
      ControlCommand.Pause.class,
      ControlCommand.Resume.class,
      ControlCommand.Rollback.class,
      ControlCommand.Approve.class,
      ControlCommand.Reject.class,
      ControlCommand.Promote.class,
      ListCommand.class,
      ReportCommand.class,
      ChaosCommand.class,
      DemoCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BellwetherCli implements Runnable {
  /** Opens a Temporal client; replaced in tests to prove a command never connects. */
  @FunctionalInterface
  public interface ClientFactory {
    /** A client for {@code target} and {@code namespace}; connects lazily. */
    WorkflowClient open(String target, String namespace);
  }

  @Option(
      names = "--temporal",
      scope = ScopeType.INHERIT,
      paramLabel = "ADDR",
      defaultValue = "${env:BELLWETHER_TEMPORAL:-127.0.0.1:7233}",
      description = "Temporal frontend host:port (default: $BELLWETHER_TEMPORAL or ${DEFAULT-VALUE}).")
  String temporal;

  @Option(
      names = "--namespace",
      scope = ScopeType.INHERIT,
      defaultValue = "default",
      description = "Temporal namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final ClientFactory clients;
  private final boolean tty;

  public BellwetherCli() {
    this(BellwetherCli::defaultClient, System.console() != null);
  }

  /** For tests: a client factory and whether output is a terminal. */
  public BellwetherCli(ClientFactory clients, boolean tty) {
    this.clients = clients;
    this.tty = tty;
  }

  public static void main(String[] args) {
    System.exit(commandLine(new BellwetherCli()).execute(args));
  }

  /** The configured picocli command line for {@code cli}. */
  public static CommandLine commandLine(BellwetherCli cli) {
    CommandLine cmd = new CommandLine(cli);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    // Commands report their own failures in one line; a stack trace helps nobody at a terminal.
    cmd.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (unreachable(e)) {
            err.println("error: cannot reach Temporal at " + cli.temporal + " (" + e.getMessage()
                + "); is the sandbox up ('bellwether up') and --temporal right?");
          } else {
            err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          }
          err.flush();
          return 1;
        });
    return cmd;
  }

  /** Whether the failure is gRPC's "nobody answers at that address". */
  static boolean unreachable(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The Temporal target after option parsing, such as {@code 127.0.0.1:7233}. */
  public String temporal() {
    return temporal;
  }

  public String namespace() {
    return namespace;
  }

  /** Whether output goes to a terminal (progress redrawn in place) or not (plain lines). */
  public boolean tty() {
    return tty;
  }

  /** A client for the global options; nothing is contacted until the first call. */
  public WorkflowClient client() {
    return clients.open(temporal, namespace);
  }

  /** A client for another target in the same namespace (the demo's own sandbox). */
  public WorkflowClient client(String target) {
    return clients.open(target, namespace);
  }

  /**
   * {@code path} as the user meant it: ./bellwether changes into the checkout before starting the
   * JVM and passes the caller's directory as {@code -Dbellwether.cwd}. Null stays null.
   */
  public static Path callerPath(Path path) {
    if (path == null || path.isAbsolute()) {
      return path;
    }
    String cwd = System.getProperty("bellwether.cwd");
    return cwd == null || cwd.isBlank() ? path : Path.of(cwd).resolve(path).normalize();
  }

  /** Who is acting: {@code given}, else $USER, else the JVM's login name. */
  public static String operator(String given) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    String user = System.getenv("USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown");
  }

  static WorkflowClient defaultClient(String target, String namespace) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                // The status poller asks every 300 ms; a query with no worker to answer it must
                // not hold the loop for the default 10 s.
                .setRpcQueryTimeout(Duration.ofSeconds(5))
                .build());
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }
}
