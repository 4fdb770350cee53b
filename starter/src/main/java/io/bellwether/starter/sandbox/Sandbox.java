package io.bellwether.starter.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.contracts.activities.DeployResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A local Bellwether world: a Temporal server, demo-app instances behind HAProxy, and a worker
 * configured to drive them. Every process is detached and recorded in {@code sandbox.json}, so the
 * sandbox outlives the process that made it and a later one can {@link #load} it and take it
 * {@link #down}. Used by the CLI, the end-to-end tests and the bench.
 */
public final class Sandbox implements AutoCloseable {
  /** Names the generated worker configuration gives to the sandbox's pieces. */
  public static final String BACKEND = "web";

  public static final String ROUTER = "edge";
  public static final String DEPLOYER = "demo";
  public static final String HEALTH_CHECK = "http";
  public static final String STATE_FILE = "sandbox.json";

  private static final Duration TEMPORAL_START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WORKER_START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration INSTANCE_START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final SandboxState state;
  // Set only in the process that started HAProxy: closing the launcher also reaps its child.
  private HaproxyLauncher haproxy;
  private boolean down;

  private Sandbox(Path dir, SandboxState state) {
    this.dir = dir;
    this.state = state;
  }

  /**
   * Starts a sandbox and returns once the worker reports UP. Refuses (IllegalStateException) when a
   * sandbox recorded in that directory still runs, when the Temporal port is taken, or when a jar
   * is missing. On any failure half-way it stops what it had started before throwing.
   */
  public static Sandbox up(SandboxOptions options) throws IOException {
    Path home = options.homeOrLocate();
    Path dir = options.dir() != null ? options.dir().toAbsolutePath().normalize() : SandboxOptions.defaultDir(home);
    Path workerJar = RepoHome.requireJar(home, RepoHome.WORKER_JAR);
    Path demoJar = RepoHome.requireJar(home, RepoHome.DEMO_APP_JAR);
    Files.createDirectories(dir);
    Path stateFile = dir.resolve(STATE_FILE);
    if (Files.exists(stateFile)) {
      Sandbox previous = load(dir);
      if (previous.isRunning()) {
        throw new IllegalStateException(
            "a sandbox is already running in " + dir + " (see " + stateFile + "); run: bellwether down");
      }
      previous.down();
    }
    if (Processes.listening(options.temporalPort())) {
      throw new IllegalStateException(
          "port "
              + options.temporalPort()
              + " on 127.0.0.1 is already in use (another Temporal server?); choose another with --temporal-port");
    }

    // Run copies: a rebuild while the sandbox runs must not swap classes under live JVMs or
    // give restarted instances different code.
    Path jars = dir.resolve("jars");
    Files.createDirectories(jars);
    workerJar = Files.copy(workerJar, jars.resolve(workerJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    demoJar = Files.copy(demoJar, jars.resolve(demoJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);

    SandboxState s = new SandboxState();
    s.home = home.toString();
    s.dir = dir.toString();
    s.createdAt = Instant.now().toString();
    s.backend = BACKEND;
    s.router = ROUTER;
    s.deployer = DEPLOYER;
    s.healthCheck = HEALTH_CHECK;
    s.version = options.version();
    s.workerJar = workerJar.toString();
    s.demoAppJar = demoJar.toString();
    s.instancesDir = dir.resolve("instances").toString();
    s.temporalPort = options.temporalPort();
    Sandbox sandbox = new Sandbox(dir, s);
    try {
      sandbox.save();
      sandbox.startTemporal();
      sandbox.startInstances(options.instances(), options.version());
      sandbox.startHaproxy();
      sandbox.writeWorkerConfig();
      sandbox.startWorker();
      return sandbox;
    } catch (IOException | RuntimeException e) {
      try {
        sandbox.down();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** The sandbox recorded in {@code dir}; IOException when there is none. Starts nothing. */
  public static Sandbox load(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    Path file = abs.resolve(STATE_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException("no sandbox in " + abs + " (" + STATE_FILE + " is missing); start one with: bellwether up");
    }
    return new Sandbox(abs, SandboxState.read(file));
  }

  /** Whether any process this sandbox recorded still runs. */
  public boolean isRunning() {
    return Processes.alive(state.temporalPid, state.temporalStartMillis)
        || Processes.alive(state.haproxyPid, state.haproxyStartMillis)
        || Processes.alive(state.workerPid, state.workerStartMillis)
        || instancesRunning();
  }

  private boolean instancesRunning() {
    if (state.instancesDir == null) {
      return false;
    }
    for (String name : state.instances.keySet()) {
      Path pidFile = Path.of(state.instancesDir, name + ".pid");
      try {
        if (Files.isRegularFile(pidFile)
            && Processes.alive(Long.parseLong(Files.readString(pidFile).trim()), 0)) {
          return true;
        }
      } catch (IOException | NumberFormatException e) {
        // An unreadable pid file says nothing is known to run.
      }
    }
    return false;
  }

  /**
   * Stops everything this sandbox started, by PID: HAProxy, the worker, every instance, the
   * Temporal server; then removes {@code sandbox.json} (logs stay). Idempotent, and safe on a
   * sandbox that failed half-way.
   */
  public synchronized void down() {
    if (down) {
      return;
    }
    List<String> problems = new ArrayList<>();
    if (haproxy != null) {
      attempt(problems, "haproxy", haproxy::close);
    }
    attempt(problems, "haproxy", () -> Processes.stop(state.haproxyPid, state.haproxyStartMillis, STOP_GRACE));
    attempt(problems, "worker", () -> Processes.stop(state.workerPid, state.workerStartMillis, STOP_GRACE));
    if (state.instancesDir != null && Files.isDirectory(Path.of(state.instancesDir))) {
      attempt(problems, "instances", () -> ProcessDeployer.stopAll(Path.of(state.instancesDir)));
    }
    attempt(problems, "temporal", () -> Processes.stop(state.temporalPid, state.temporalStartMillis, STOP_GRACE));
    if (problems.isEmpty()) {
      // Kept when something could not be stopped, so that another down can try again.
      attempt(problems, "state file", () -> {
        try {
          deleteTree(dir.resolve("jars"));
          Files.deleteIfExists(dir.resolve(STATE_FILE));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    down = true;
    if (!problems.isEmpty()) {
      throw new IllegalStateException("sandbox down finished with problems: " + String.join("; ", problems));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void attempt(List<String> problems, String what, Runnable step) {
    long t0 = System.nanoTime();
    try {
      step.run();
      if (Boolean.getBoolean("bellwether.trace")) {
        System.err.printf("down: %s took %d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (RuntimeException e) {
      problems.add(what + ": " + e.getMessage());
    }
  }

  /** Same as {@link #down()}. */
  @Override
  public void close() {
    down();
  }

  /** Sends SIGKILL to the worker, as a crash would, and returns once it is gone. */
  public void killWorker() {
    Processes.kill(state.workerPid, state.workerStartMillis);
  }

  /**
   * Starts the worker again on the same port and configuration and returns once it reports UP.
   * Refuses while the previous worker still runs.
   */
  public synchronized void startWorker() throws IOException {
    if (Processes.alive(state.workerPid, state.workerStartMillis)) {
      throw new IllegalStateException("the worker still runs as PID " + state.workerPid);
    }
    if (state.workerPort == 0) {
      state.workerPort = HaproxyLauncher.freePort();
    } else {
      awaitPortFree(state.workerPort, Duration.ofSeconds(10));
    }
    state.workerActuatorUrl = "http://127.0.0.1:" + state.workerPort + "/actuator";
    Path log = dir.resolve("worker.log");
    state.workerLog = log.toString();
    List<String> argv =
        List.of(
            Processes.javaBin(),
            "-XX:+UseSerialGC",
            "-jar",
            state.workerJar,
            "--spring.config.additional-location=file:" + state.workerConfig,
            "--server.port=" + state.workerPort,
            "--server.address=127.0.0.1");
    ProcessHandle h = Processes.startDetached(argv, log);
    state.workerPid = h.pid();
    state.workerStartMillis = Processes.startMillis(h);
    save();
    awaitWorkerUp(h, log);
  }

  // ---- what the CLI, e2e tests and the bench read ----

  /** The sandbox directory. */
  public Path dir() {
    return dir;
  }

  /** {@code 127.0.0.1:<port>}, for a Temporal client. */
  public String temporalTarget() {
    return "127.0.0.1:" + state.temporalPort;
  }

  /** HAProxy's frontend, {@code http://127.0.0.1:<port>/}; where traffic goes. */
  public URI frontendUrl() {
    return URI.create(state.frontendUrl);
  }

  /** The worker's actuator base, {@code http://127.0.0.1:<port>/actuator}. */
  public URI workerActuatorUrl() {
    return URI.create(state.workerActuatorUrl);
  }

  /** Instance name to {@code 127.0.0.1:<port>}, in backend order ({@code web-1..web-N}). */
  public Map<String, String> instances() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(state.instances));
  }

  /** The process deployer's directory: {@code <instance>.pid}, {@code .version}, {@code .log}. */
  public Path workDir() {
    return Path.of(state.instancesDir);
  }

  /**
   * A process deployer configured exactly as the worker's {@value #DEPLOYER}: same command, same
   * work directory, so what it does is what a run would do.
   */
  public ProcessDeployer deployer() {
    return new ProcessDeployer(deployerConfig());
  }

  /** HAProxy's runtime API, {@code unix:<dir>/haproxy/admin.sock}. */
  public String routerRuntimeApi() {
    return state.runtimeApi;
  }

  /** HAProxy's admin socket. */
  public Path adminSocket() {
    return Path.of(state.adminSocket);
  }

  /** The backend holding the instances: {@value #BACKEND}. */
  public String backend() {
    return state.backend;
  }

  /** The version the instances were started at. */
  public String startVersion() {
    return state.version;
  }

  /** PID of the worker as last started. */
  public long workerPid() {
    return state.workerPid;
  }

  /** PID of the Temporal server process. */
  public long temporalPid() {
    return state.temporalPid;
  }

  /** PID of HAProxy. */
  public long haproxyPid() {
    return state.haproxyPid;
  }

  /** The generated worker configuration (Spring YAML). */
  public Path workerConfig() {
    return Path.of(state.workerConfig);
  }

  /** The worker's output, appended across restarts. */
  public Path workerLog() {
    return Path.of(state.workerLog);
  }

  /** A copy of what {@code sandbox.json} records. */
  public SandboxState state() {
    try {
      return JSON.readValue(JSON.writeValueAsString(state), SandboxState.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- starting ----

  private void startTemporal() throws IOException {
    Path log = dir.resolve("temporal.log");
    state.temporalLog = log.toString();
    List<String> argv =
        List.of(
            Processes.javaBin(),
            "-XX:+UseSerialGC",
            "-jar",
            state.workerJar,
            "--temporal-server-only",
            "--port=" + state.temporalPort);
    ProcessHandle h = Processes.startDetached(argv, log);
    state.temporalPid = h.pid();
    state.temporalStartMillis = Processes.startMillis(h);
    save();
    long deadline = System.nanoTime() + TEMPORAL_START_TIMEOUT.toNanos();
    while (!Processes.listening(state.temporalPort)) {
      if (!h.isAlive()) {
        throw new IllegalStateException("the Temporal server exited at start; " + log + ":\n" + Processes.tail(log, 3000));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the Temporal server did not listen on port " + state.temporalPort + " within "
                + TEMPORAL_START_TIMEOUT.toSeconds() + "s; " + log + ":\n" + Processes.tail(log, 3000));
      }
      sleep(100);
    }
  }

  private DeployerConfig deployerConfig() {
    return new DeployerConfig("process", demoCommand(), null, state.instancesDir, INSTANCE_START_TIMEOUT);
  }

  private List<String> demoCommand() {
    // Small, quick-starting JVMs: the sandbox runs several on a 2-core machine.
    return List.of(
        Processes.javaBin(),
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Xmx128m",
        "-jar",
        state.demoAppJar,
        "--port",
        "{port}",
        "--version",
        "{version}",
        "--instance",
        "{instance}");
  }

  private void startInstances(int count, String version) throws IOException {
    Path workDir = Path.of(state.instancesDir);
    Files.createDirectories(workDir);
    // Leftovers of an earlier sandbox in this directory would hold ports and confuse pid files.
    ProcessDeployer.stopAll(workDir);
    Set<Integer> ports = new HashSet<>();
    for (int i = 1; i <= count; i++) {
      int port;
      do {
        port = HaproxyLauncher.freePort();
      } while (!ports.add(port));
      state.instances.put(BACKEND + "-" + i, "127.0.0.1:" + port);
    }
    save();
    ProcessDeployer deployer = new ProcessDeployer(deployerConfig());
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(count, 4));
    try {
      Map<String, Future<DeployResult>> results = new LinkedHashMap<>();
      state.instances.forEach(
          (name, address) -> results.put(name, pool.submit(() -> deployer.deploy(name, address, version, () -> {}))));
      List<String> failures = new ArrayList<>();
      for (var e : results.entrySet()) {
        try {
          DeployResult r = e.getValue().get();
          if (!r.ok()) {
            failures.add(e.getKey() + " (exit " + r.exitCode() + "):\n" + r.output());
          }
        } catch (Exception ex) {
          failures.add(e.getKey() + ": " + ex);
        }
      }
      if (!failures.isEmpty()) {
        throw new IllegalStateException("demo-app instances did not start: " + String.join("\n", failures));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void startHaproxy() throws IOException {
    Path haproxyDir = dir.resolve("haproxy");
    Files.createDirectories(haproxyDir);
    state.haproxyDir = haproxyDir.toString();
    int port = HaproxyLauncher.freePort();
    haproxy = HaproxyLauncher.start(haproxyDir, port, BACKEND, new LinkedHashMap<>(state.instances));
    state.frontendPort = haproxy.frontendPort();
    state.frontendUrl = "http://127.0.0.1:" + haproxy.frontendPort() + "/";
    state.haproxyConfig = haproxy.configFile().toString();
    state.adminSocket = haproxy.socket().toString();
    state.runtimeApi = haproxy.runtimeApi();
    state.haproxyPid = haproxy.pid();
    state.haproxyStartMillis = ProcessHandle.of(haproxy.pid()).map(Processes::startMillis).orElse(0L);
    save();
  }

  private void writeWorkerConfig() throws IOException {
    Path file = dir.resolve("worker.yaml");
    StringBuilder y = new StringBuilder();
    y.append("# Generated by bellwether up; the worker reads it with --spring.config.additional-location.\n");
    y.append("bellwether:\n");
    y.append("  temporal:\n");
    y.append("    address: ").append(q(temporalTarget())).append('\n');
    // The embedded server never moves a sticky task off a killed worker (see STACK-NOTES).
    y.append("    sticky-execution: false\n");
    y.append("  routers:\n");
    y.append("    ").append(ROUTER).append(":\n");
    y.append("      type: haproxy\n");
    y.append("      runtime-api: ").append(q(state.runtimeApi)).append('\n');
    y.append("  deployers:\n");
    y.append("    ").append(DEPLOYER).append(":\n");
    y.append("      type: process\n");
    y.append("      command:\n");
    for (String arg : demoCommand()) {
      y.append("        - ").append(q(arg)).append('\n');
    }
    y.append("      work-dir: ").append(q(state.instancesDir)).append('\n');
    y.append("  health-checks:\n");
    y.append("    ").append(HEALTH_CHECK).append(":\n");
    y.append("      type: http\n");
    Files.writeString(file, y.toString());
    state.workerConfig = file.toString();
    save();
  }

  /** A YAML double-quoted scalar; JSON string syntax is valid YAML. */
  static String q(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitWorkerUp(ProcessHandle h, Path log) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI health = URI.create(state.workerActuatorUrl + "/health");
    long deadline = System.nanoTime() + WORKER_START_TIMEOUT.toNanos();
    while (true) {
      if (!h.isAlive()) {
        throw new IllegalStateException("the worker exited at start; " + log + ":\n" + Processes.tail(log, 4000));
      }
      try {
        HttpResponse<String> r =
            http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the worker");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the worker was not UP at " + health + " within " + WORKER_START_TIMEOUT.toSeconds() + "s; "
                + log + ":\n" + Processes.tail(log, 4000));
      }
      sleep(250);
    }
  }

  private static void awaitPortFree(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (Processes.listening(port) && System.nanoTime() < deadline) {
      sleep(100);
    }
  }

  private synchronized void save() throws IOException {
    state.save(dir.resolve(STATE_FILE));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
