package io.bellwether.activities.deploy;

import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.metrics.ScrapeTargets;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ProvisionResult;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * {@link Deployer} that runs service instances as local processes ({@code type: process}): the
 * demo, the sandbox and tests. One process per instance, started from the configured argv template,
 * with its state in {@code workDir}: {@code <instance>.pid}, {@code <instance>.version} and {@code
 * <instance>.log}, plus {@code <instance>.port} for instances it provisioned on a port of its own
 * choosing.
 *
 * <p>With {@code scrapeTargetsDir} set, every instance it deploys or provisions also gets a
 * Prometheus target file there ({@link ScrapeTargets}: {@code <instance>.json}, labelled {@code
 * bellwether_instance}), removed when the instance is decommissioned, so a Prometheus watching the
 * directory scrapes exactly the instances that exist.
 *
 * <p>Instances are started detached (in their own session under {@code setsid}, output to the log
 * file, never to a pipe), so they outlive a worker that is killed: a worker restart must find its
 * instances still serving, exactly as it would find real machines.
 */
public final class ProcessDeployer implements Deployer {
  public static final Duration DEFAULT_TIMEOUT = CommandDeployer.DEFAULT_TIMEOUT;

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration PORT_FREE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  // The pid file is written right after the process starts; a process that started clearly
  // later holds a recycled PID and is not ours to stop.
  private static final Duration PID_REUSE_SLACK = Duration.ofSeconds(5);

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();

  // A heartbeat-timeout retry can start on this worker while the first attempt still runs.
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();
  private final List<String> command;
  private final Path workDir;
  private final Duration timeout;
  private final Path scrapeTargetsDir;

  /**
   * Throws {@link IllegalArgumentException} when {@code command} or {@code workDir} is missing. The
   * work directory and the scrape targets directory are created on first use.
   */
  public ProcessDeployer(DeployerConfig config) {
    if (config.command() == null || config.command().isEmpty()) {
      throw new IllegalArgumentException("a process deployer needs 'command'");
    }
    if (config.workDir() == null || config.workDir().isBlank()) {
      throw new IllegalArgumentException("a process deployer needs 'workDir'");
    }
    this.command = List.copyOf(config.command());
    this.workDir = Path.of(config.workDir()).toAbsolutePath();
    this.timeout = CommandDeployer.positiveOr(config.timeout(), DEFAULT_TIMEOUT);
    this.scrapeTargetsDir =
        config.scrapeTargetsDir() == null || config.scrapeTargetsDir().isBlank()
            ? null
            : Path.of(config.scrapeTargetsDir()).toAbsolutePath();
  }

  /** Where the pid, version and log files live. */
  public Path workDir() {
    return workDir;
  }

  /** Where Prometheus target files are written, when configured. */
  public Optional<Path> scrapeTargetsDir() {
    return Optional.ofNullable(scrapeTargetsDir);
  }

  /**
   * The content of {@code <instance>.version} while the instance's process is alive; an empty
   * string when it is not running or was never deployed. Read-only.
   */
  @Override
  public String currentVersion(String instance, String address) {
    checkInstance(instance);
    if (livePid(pidFile(workDir, instance)).isEmpty()) {
      return "";
    }
    try {
      return Files.readString(versionFile(instance)).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Runs {@code version} as the instance at {@code address}. Idempotent: when the recorded process
   * is alive and {@code GET /version} answers exactly {@code version}, nothing is done ({@code
   * changed=false}). Otherwise stops the old process (SIGTERM, SIGKILL after 10 s), waits for the
   * port, starts the new one detached and waits, calling {@code progress} about every second, until
   * {@code /version} answers. A process that exits first, a wrong version or the timeout give
   * {@code ok=false} with the tail of the instance's log. With a scrape targets directory, the
   * instance's target file is (re)written on success. Throws {@link IllegalArgumentException}
   * (not retryable) for an address off 127.0.0.1/localhost or an instance name unfit for a file
   * name.
   */
  @Override
  public DeployResult deploy(String instance, String address, String version, Runnable progress) {
    checkInstance(instance);
    InetSocketAddress target = localAddress(address);
    synchronized (locks.computeIfAbsent(instance, k -> new Object())) {
      try {
        Files.createDirectories(workDir);
      } catch (IOException e) {
        return new DeployResult(
            false, 0, "cannot create " + workDir + ": " + e.getMessage(), false);
      }
      Path pidFile = pidFile(workDir, instance);
      if (livePid(pidFile).isPresent() && version.equals(fetchVersion(address))) {
        return withTarget(
            instance, address, new DeployResult(true, 0, instance + " already runs " + version, false));
      }
      stopPidFile(pidFile);
      if (!awaitPortFree(target, progress)) {
        return new DeployResult(
            false, 0, "port " + target.getPort() + " is still in use by another process", false);
      }
      return withTarget(instance, address, startAndAwait(instance, address, version, progress));
    }
  }

  /**
   * {@code result}, after writing the instance's scrape target file when it is ok and a targets
   * directory is configured. A file that cannot be written makes the result a failure: without it
   * the instance's metrics are missing, and analyses would wait for data that never comes.
   */
  private DeployResult withTarget(String instance, String address, DeployResult result) {
    String why = result.ok() ? writeTarget(instance, address) : null;
    return why == null
        ? result
        : new DeployResult(false, result.exitCode(), result.output() + "; " + why, result.changed());
  }

  /** Null when written (or not configured), else why not. */
  private String writeTarget(String instance, String address) {
    if (scrapeTargetsDir == null) {
      return null;
    }
    try {
      ScrapeTargets.write(scrapeTargetsDir, instance, address);
      return null;
    } catch (IOException | IllegalArgumentException e) {
      return "cannot write the scrape target file of "
          + instance
          + " in "
          + scrapeTargetsDir
          + ": "
          + e.getMessage();
    }
  }

  private boolean deleteTarget(String instance) {
    if (scrapeTargetsDir == null) {
      return false;
    }
    try {
      return ScrapeTargets.delete(scrapeTargetsDir, instance);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Starts a new instance on a free port of 127.0.0.1, detached like {@link #deploy}, records the
   * port in {@code <instance>.port} and waits, calling {@code progress} about every second, until
   * {@code /version} answers {@code version}. Idempotent by name: a recorded instance that is alive
   * and answers {@code version} on its recorded port is returned ({@code changed=false}); one at
   * another version, or not answering, is stopped and started afresh on a new port. With a scrape
   * targets directory, the instance's target file is written before it is returned. A failed start
   * leaves nothing running: {@code ok=false}, empty address, the tail of the log.
   */
  @Override
  public ProvisionResult provision(String instance, String version, Runnable progress) {
    checkInstance(instance);
    synchronized (locks.computeIfAbsent(instance, k -> new Object())) {
      try {
        Files.createDirectories(workDir);
      } catch (IOException e) {
        return new ProvisionResult(
            false, "", "cannot create " + workDir + ": " + e.getMessage(), false);
      }
      Path pidFile = pidFile(workDir, instance);
      String recorded = recordedAddress(instance);
      if (livePid(pidFile).isPresent()
          && recorded != null
          && version.equals(fetchVersion(recorded))) {
        String why = writeTarget(instance, recorded);
        return why == null
            ? new ProvisionResult(
                true, recorded, instance + " already runs " + version + " at " + recorded, false)
            : new ProvisionResult(false, "", why, false);
      }
      stopPidFile(pidFile);
      String address = "127.0.0.1:" + freePort();
      try {
        writeAtomically(portFile(instance), address.substring(address.lastIndexOf(':') + 1));
      } catch (IOException e) {
        return new ProvisionResult(
            false, "", "cannot write " + portFile(instance) + ": " + e.getMessage(), false);
      }
      DeployResult started = startAndAwait(instance, address, version, progress);
      if (!started.ok()) {
        // No half-started instance may hold the port or be mistaken for a provisioned one.
        stopPidFile(pidFile);
        deleteQuietly(portFile(instance));
        deleteTarget(instance);
        return new ProvisionResult(false, "", started.output(), true);
      }
      String why = writeTarget(instance, address);
      if (why != null) {
        // Provisioned means scraped too; half of that is nothing.
        stopPidFile(pidFile);
        deleteQuietly(portFile(instance));
        return new ProvisionResult(false, "", why, true);
      }
      return new ProvisionResult(true, address, started.output() + " at " + address, true);
    }
  }

  /**
   * Stops the instance (SIGTERM, SIGKILL after 10 s) and deletes its pid, version, port and log
   * files and its scrape target file. Idempotent: {@code changed=false} when neither a process nor a file was there.
   */
  @Override
  public DeployResult decommission(String instance, Runnable progress) {
    checkInstance(instance);
    synchronized (locks.computeIfAbsent(instance, k -> new Object())) {
      Path pidFile = pidFile(workDir, instance);
      boolean running = livePid(pidFile).isPresent();
      stopPidFile(pidFile);
      boolean removed = false;
      for (Path f : List.of(versionFile(instance), portFile(instance), logFile(instance))) {
        removed |= deleteQuietly(f);
      }
      removed |= deleteTarget(instance);
      boolean changed = running || removed;
      return new DeployResult(
          true,
          0,
          instance + (running ? " stopped and removed" : changed ? " removed" : " was not there"),
          changed);
    }
  }

  /** {@code 127.0.0.1:<port>} from {@code <instance>.port}, or null when there is none. */
  private String recordedAddress(String instance) {
    try {
      int port = Integer.parseInt(Files.readString(portFile(instance)).trim());
      return "127.0.0.1:" + port;
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean deleteQuietly(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      return false;
    }
  }

  private DeployResult startAndAwait(
      String instance, String address, String version, Runnable progress) {
    List<String> argv = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // Without --fork, setsid execs in place (a child of the JVM is never a group leader), so
      // the PID we record is the instance's own.
      argv.add(SETSID.toString());
    }
    argv.addAll(ArgvTemplate.expand(command, instance, address, version));
    Path log = logFile(instance);
    long logStart;
    Process process;
    try {
      Files.writeString(
          log,
          "=== bellwether "
              + Instant.now()
              + ": starting "
              + instance
              + " "
              + version
              + ": "
              + argv
              + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      logStart = Files.size(log);
      process =
          new ProcessBuilder(argv)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      writeAtomically(pidFile(workDir, instance), Long.toString(process.pid()));
      writeAtomically(versionFile(instance), version);
    } catch (IOException e) {
      return new DeployResult(false, 0, "cannot start " + argv + ": " + e.getMessage(), false);
    }

    long deadline = System.nanoTime() + timeout.toNanos();
    long nextProgress = System.nanoTime();
    while (true) {
      if (!process.isAlive()) {
        return new DeployResult(
            false,
            exitValue(process),
            instance + " exited before answering /version; log:\n" + logSince(log, logStart),
            true);
      }
      String answered = fetchVersion(address);
      if (answered != null) {
        if (answered.equals(version)) {
          return new DeployResult(true, 0, instance + " runs " + version, true);
        }
        return new DeployResult(
            false, 0, instance + " answers version '" + answered + "', expected " + version, true);
      }
      if (System.nanoTime() >= deadline) {
        stopPidFile(pidFile(workDir, instance));
        return new DeployResult(
            false,
            0,
            instance
                + " did not answer /version within "
                + timeout
                + "; stopped. Log:\n"
                + logSince(log, logStart),
            true);
      }
      if (System.nanoTime() >= nextProgress) {
        progress.run();
        nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
      }
      sleep(POLL);
    }
  }

  /**
   * Stops the instance's process, if it runs (SIGTERM, SIGKILL after 10 s), and removes its pid
   * file. Idempotent.
   */
  public void stop(String instance) {
    checkInstance(instance);
    synchronized (locks.computeIfAbsent(instance, k -> new Object())) {
      stopPidFile(pidFile(workDir, instance));
    }
  }

  /**
   * Whether the instance's recorded process is running now (its pid file names a live process that
   * is not a zombie and not a recycled PID). Read-only.
   */
  public boolean isRunning(String instance) {
    checkInstance(instance);
    return livePid(pidFile(workDir, instance)).isPresent();
  }

  /**
   * Kills the instance's process at once with SIGKILL, no grace, together with every process it
   * started, waits up to 5 s for them to go and removes its pid file; the version, port and log
   * files stay, so the instance can be started again as it was. This is a crash on purpose (the
   * chaos {@code process-kill} fault), not a stop. Idempotent: returns the PID killed, or empty when
   * nothing was running.
   */
  public OptionalLong kill(String instance) {
    checkInstance(instance);
    synchronized (locks.computeIfAbsent(instance, k -> new Object())) {
      Path pidFile = pidFile(workDir, instance);
      Optional<ProcessHandle> running = livePid(pidFile);
      running.ifPresent(h -> Processes.stopTree(h, Duration.ZERO));
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return running.isPresent() ? OptionalLong.of(running.get().pid()) : OptionalLong.empty();
    }
  }

  /**
   * Stops the process of every {@code *.pid} file in {@code workDir} and removes the files, for
   * tearing a sandbox down. Idempotent; a missing directory is nothing to stop.
   */
  public static void stopAll(Path workDir) {
    if (!Files.isDirectory(workDir)) {
      return;
    }
    List<Path> pidFiles = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(workDir, "*.pid")) {
      files.forEach(pidFiles::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Signal all first, so instances shut down in parallel rather than one grace period each.
    List<ProcessHandle> running = new ArrayList<>();
    for (Path pidFile : pidFiles) {
      livePid(pidFile)
          .ifPresent(
              h -> {
                h.destroy();
                running.add(h);
              });
    }
    for (Path pidFile : pidFiles) {
      stopPidFile(pidFile);
    }
    running.forEach(h -> Processes.awaitExit(h, Duration.ofSeconds(1)));
  }

  private static void stopPidFile(Path pidFile) {
    livePid(pidFile).ifPresent(h -> Processes.stopTree(h, STOP_GRACE));
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The live process a pid file names, unless the PID has since been given to another process. */
  static Optional<ProcessHandle> livePid(Path pidFile) {
    long pid;
    Instant written;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
      written = Files.getLastModifiedTime(pidFile).toInstant();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(Processes::isRunning);
    if (handle.isEmpty()) {
      return handle;
    }
    Optional<Instant> started = handle.get().info().startInstant();
    if (started.isPresent() && started.get().isAfter(written.plus(PID_REUSE_SLACK))) {
      return Optional.empty();
    }
    return handle;
  }

  /** The trimmed body of {@code GET http://address/version} when it answers 200, else null. */
  private static String fetchVersion(String address) {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://" + address + "/version"))
              .timeout(Duration.ofSeconds(2))
              .GET()
              .build();
      HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      return res.statusCode() == 200 ? res.body().trim() : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private boolean awaitPortFree(InetSocketAddress target, Runnable progress) {
    long deadline = System.nanoTime() + PORT_FREE_TIMEOUT.toNanos();
    while (true) {
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(target);
        return true;
      } catch (IOException busy) {
        if (System.nanoTime() >= deadline) {
          return false;
        }
      }
      progress.run();
      sleep(POLL);
    }
  }

  private static InetSocketAddress localAddress(String address) {
    int colon = address == null ? -1 : address.lastIndexOf(':');
    String host = colon < 0 ? "" : address.substring(0, colon);
    if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
      throw new IllegalArgumentException(
          "the process deployer runs instances on 127.0.0.1 or localhost only, not '"
              + address
              + "'");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("no port in address '" + address + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range in address '" + address + "'");
    }
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private static void checkInstance(String instance) {
    if (instance == null || !INSTANCE.matcher(instance).matches()) {
      throw new IllegalArgumentException(
          "instance name '" + instance + "' must be letters, digits, '.', '_' or '-'");
    }
  }

  private static Path pidFile(Path workDir, String instance) {
    return workDir.resolve(instance + ".pid");
  }

  private Path versionFile(String instance) {
    return workDir.resolve(instance + ".version");
  }

  private Path portFile(String instance) {
    return workDir.resolve(instance + ".port");
  }

  private Path logFile(String instance) {
    return workDir.resolve(instance + ".log");
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String logSince(Path log, long offset) {
    try {
      long size = Files.size(log);
      int limit = (int) Math.min(OutputTail.DEFAULT_LIMIT, Math.max(0, size - offset));
      return OutputTail.ofFile(log, limit);
    } catch (IOException e) {
      return "";
    }
  }

  private static int exitValue(Process p) {
    try {
      return p.exitValue();
    } catch (IllegalThreadStateException e) {
      return CommandDeployer.NO_EXIT_CODE;
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
