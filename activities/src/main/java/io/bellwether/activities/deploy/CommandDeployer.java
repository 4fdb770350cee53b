package io.bellwether.activities.deploy;

import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ProvisionResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link Deployer} that runs a configured command per deployment ({@code type: command}): a script,
 * an Ansible playbook, a {@code kubectl} call. The exit code decides success.
 */
public final class CommandDeployer implements Deployer {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Exit code reported when the command did not exit by itself: it could not start or timed out.
   */
  public static final int NO_EXIT_CODE = -1;

  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

  private final List<String> command;
  private final List<String> versionCommand;
  private final Duration timeout;
  private final List<String> provisionCommand;
  private final List<String> decommissionCommand;

  /** Throws {@link IllegalArgumentException} when {@code command} is missing or empty. */
  public CommandDeployer(DeployerConfig config) {
    if (config.command() == null || config.command().isEmpty()) {
      throw new IllegalArgumentException("a command deployer needs 'command'");
    }
    this.command = List.copyOf(config.command());
    this.versionCommand =
        config.versionCommand() == null ? List.of() : List.copyOf(config.versionCommand());
    this.timeout = positiveOr(config.timeout(), DEFAULT_TIMEOUT);
    this.provisionCommand =
        config.provisionCommand() == null ? List.of() : List.copyOf(config.provisionCommand());
    this.decommissionCommand =
        config.decommissionCommand() == null ? List.of() : List.copyOf(config.decommissionCommand());
  }

  /** Whether both {@code provisionCommand} and {@code decommissionCommand} are configured. */
  @Override
  public boolean canProvision() {
    return !provisionCommand.isEmpty() && !decommissionCommand.isEmpty();
  }

  /**
   * Runs {@code provisionCommand} ({@code {instance}}, {@code {version}}) up to the configured
   * timeout; the last non-blank line of its standard output is the instance's host:port. The
   * command itself must be idempotent by instance name, so {@code changed} is always true. {@code
   * ok=false} on a non-zero exit, a timeout, or a last line that is not host:port. {@link
   * IllegalArgumentException} when no {@code provisionCommand} is configured.
   */
  @Override
  public ProvisionResult provision(String instance, String version, Runnable progress) {
    if (provisionCommand.isEmpty()) {
      throw new IllegalArgumentException(
          "no provision-command is configured, so this deployer cannot start new instances");
    }
    Outcome run = run(ArgvTemplate.expand(provisionCommand, instance, "", version), progress);
    if (run.exit() != 0) {
      return new ProvisionResult(false, "", run.output(), true);
    }
    String address = lastLine(run.stdout());
    if (!ADDRESS.matcher(address).matches()) {
      return new ProvisionResult(
          false,
          "",
          run.output()
              + "\n[bellwether] the last line of standard output must be host:port, got '"
              + address
              + "'",
          true);
    }
    return new ProvisionResult(true, address, run.output(), true);
  }

  /**
   * Runs {@code decommissionCommand} ({@code {instance}}); {@code ok} is exit code 0. The command
   * must succeed for an instance that is already gone. {@link IllegalArgumentException} when none
   * is configured.
   */
  @Override
  public DeployResult decommission(String instance, Runnable progress) {
    if (decommissionCommand.isEmpty()) {
      throw new IllegalArgumentException(
          "no decommission-command is configured, so this deployer cannot remove instances");
    }
    Outcome run = run(ArgvTemplate.expand(decommissionCommand, instance, "", ""), progress);
    return new DeployResult(run.exit() == 0, run.exit(), run.output(), true);
  }

  private static final java.util.regex.Pattern ADDRESS =
      java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.-]+):\\d{1,5}");

  private static String lastLine(String text) {
    String[] lines = text.split("\r?\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        return lines[i].strip();
      }
    }
    return "";
  }

  /**
   * @param exit exit code, or {@link #NO_EXIT_CODE}
   * @param stdout the tail of standard output alone
   * @param output the tails of standard output and standard error, for the audit trail
   */
  private record Outcome(int exit, String stdout, String output) {}

  /**
   * Runs {@code argv} with standard output and error read apart, up to the timeout, calling {@code
   * progress} about every second. Kills the process tree on timeout, interrupt, or an exception
   * from {@code progress} (which then propagates).
   */
  private Outcome run(List<String> argv, Runnable progress) {
    Process p;
    try {
      p =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      return new Outcome(NO_EXIT_CODE, "", "cannot start " + argv.get(0) + ": " + e.getMessage());
    }
    OutputTail out = new OutputTail(OutputTail.DEFAULT_LIMIT);
    OutputTail err = new OutputTail(OutputTail.DEFAULT_LIMIT);
    Thread outReader = readInBackground(p.getInputStream(), out, "out-" + argv.get(0));
    Thread errReader = readInBackground(p.getErrorStream(), err, "err-" + argv.get(0));
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          Processes.stopTree(p.toHandle(), Duration.ZERO);
          outReader.join(1000);
          errReader.join(1000);
          return new Outcome(
              NO_EXIT_CODE,
              out.toString(),
              both(out, err) + "\n[bellwether] timed out after " + timeout + "; process tree killed");
        }
        long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, PROGRESS_EVERY.toMillis());
        if (p.waitFor(wait, TimeUnit.MILLISECONDS)) {
          outReader.join(2000);
          errReader.join(2000);
          return new Outcome(p.exitValue(), out.toString(), both(out, err));
        }
        progress.run();
      }
    } catch (InterruptedException e) {
      Processes.stopTree(p.toHandle(), Duration.ZERO);
      Thread.currentThread().interrupt();
      return new Outcome(NO_EXIT_CODE, out.toString(), both(out, err) + "\n[bellwether] interrupted");
    } catch (RuntimeException e) {
      Processes.stopTree(p.toHandle(), Duration.ZERO);
      throw e;
    }
  }

  private static String both(OutputTail out, OutputTail err) {
    String e = err.toString();
    return e.isEmpty() ? out.toString() : out + (out.toString().endsWith("\n") ? "" : "\n") + e;
  }

  private static Thread readInBackground(java.io.InputStream in, OutputTail tail, String name) {
    Thread t = new Thread(() -> tail.drain(in), "bellwether-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * The trimmed standard output of {@code versionCommand}; an empty string when none is configured,
   * or when it fails, times out (30 s at most) or cannot start. Read-only.
   */
  @Override
  public String currentVersion(String instance, String address) {
    if (versionCommand.isEmpty()) {
      return "";
    }
    List<String> argv = ArgvTemplate.expand(versionCommand, instance, address, "");
    Process p;
    try {
      p =
          new ProcessBuilder(argv)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      return "";
    }
    OutputTail out = new OutputTail(OutputTail.DEFAULT_LIMIT);
    Thread reader = readInBackground(p, out, "version-" + instance);
    Duration limit = timeout.compareTo(VERSION_TIMEOUT) < 0 ? timeout : VERSION_TIMEOUT;
    try {
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.stopTree(p.toHandle(), Duration.ZERO);
        return "";
      }
      reader.join(2000);
    } catch (InterruptedException e) {
      Processes.stopTree(p.toHandle(), Duration.ZERO);
      Thread.currentThread().interrupt();
      return "";
    }
    return p.exitValue() == 0 ? out.toString().trim() : "";
  }

  /**
   * Runs the command with placeholders filled in and waits up to the configured timeout, calling
   * {@code progress} about every second. Idempotent when a {@code versionCommand} is configured: an
   * instance that already reports {@code version} is left alone ({@code changed=false}); without
   * one the command itself must be idempotent. {@code ok} is exit code 0; on timeout the whole
   * process tree is killed and {@code ok=false} with exit code {@link #NO_EXIT_CODE}. The output is
   * the last 4 KB of stdout and stderr together. Never throws for a failed deployment; an exception
   * from {@code progress} (a cancelled activity) kills the command and propagates.
   */
  @Override
  public DeployResult deploy(String instance, String address, String version, Runnable progress) {
    if (!versionCommand.isEmpty() && version.equals(currentVersion(instance, address))) {
      return new DeployResult(true, 0, instance + " already runs " + version, false);
    }
    List<String> argv = ArgvTemplate.expand(command, instance, address, version);
    Process p;
    try {
      p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      return new DeployResult(
          false, NO_EXIT_CODE, "cannot start " + argv.get(0) + ": " + e.getMessage(), false);
    }
    OutputTail out = new OutputTail(OutputTail.DEFAULT_LIMIT);
    Thread reader = readInBackground(p, out, "deploy-" + instance);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          Processes.stopTree(p.toHandle(), Duration.ZERO);
          reader.join(1000);
          return new DeployResult(
              false,
              NO_EXIT_CODE,
              out + "\n[bellwether] timed out after " + timeout + "; process tree killed",
              true);
        }
        long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, PROGRESS_EVERY.toMillis());
        if (p.waitFor(wait, TimeUnit.MILLISECONDS)) {
          // Output still buffered in the pipe arrives after the exit; a grandchild holding the
          // pipe open must not hold up the result, hence the bounded join.
          reader.join(2000);
          int exit = p.exitValue();
          return new DeployResult(exit == 0, exit, out.toString(), true);
        }
        progress.run();
      }
    } catch (InterruptedException e) {
      Processes.stopTree(p.toHandle(), Duration.ZERO);
      Thread.currentThread().interrupt();
      return new DeployResult(false, NO_EXIT_CODE, out + "\n[bellwether] interrupted", true);
    } catch (RuntimeException e) {
      Processes.stopTree(p.toHandle(), Duration.ZERO);
      throw e;
    }
  }

  private static Thread readInBackground(Process p, OutputTail out, String name) {
    Thread t = new Thread(() -> out.drain(p.getInputStream()), "bellwether-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static Duration positiveOr(Duration d, Duration fallback) {
    return d == null || d.isZero() || d.isNegative() ? fallback : d;
  }
}
