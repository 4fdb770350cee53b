package io.bellwether.activities.chaos;

import io.bellwether.activities.deploy.ArgvTemplate;
import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault injector of type {@code process-kill}, server termination: the process behind every target
 * server is killed at once (SIGKILL, no drain: a crash, not a stop); HAProxy finds out through its
 * health checks. Restoring starts each instance again at the same address and the same version,
 * waits until it answers, puts the server back at the router in the administrative state it had
 * (READY in the common case) and waits, up to 15 s, until HAProxy no longer shows it DOWN.
 *
 * <p>Two ways to reach the processes. Through a {@code process} deployer ({@link ProcessDeployer}):
 * its pid file says which process to kill, its version file which version to restart, and its own
 * deploy starts the instance and waits for {@code /version}. Or through a configured {@code
 * stop-command} and {@code start-command} (argv templates); an instance then counts as running
 * while its address accepts TCP connections, and its version is what {@code GET /version} answered
 * before the kill, if anything.
 *
 * <p><b>What was killed lives on disk</b>, in {@code <workDir>/<fault key>.kill}, one line per
 * instance: name, {@code <backend>/<server>}, address, version, the server's administrative state
 * and whether the instance was running at all. It is written before the first kill (compensation
 * recorded before the change); an instance leaves it only once it is back. So a worker that died
 * between inject and restore, or half-way through either, finds everything again. An instance
 * that was not running when the fault came is recorded as such and left down by restore: it is
 * put back as found. Another fault whose record holds an instance blocks it ({@link
 * FaultConflictException}): two kills of one process cannot both be undone.
 */
public final class ProcessKillInjector implements FaultInjector {
  public static final String TYPE = "process-kill";

  private static final String SUFFIX = ".kill";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration GONE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration ROUTER_UP_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final String router;
  private final HaproxyRouter servers;
  private final Instances instances;
  private final Path workDir;

  /**
   * Through a process deployer.
   *
   * @param router the configured router's name, which targets must name (or leave null)
   * @param api that router's runtime API
   * @param deployer the deployer that runs the instances
   * @param workDir where the records of killed instances are kept
   */
  public ProcessKillInjector(
      String router, HaproxyRuntimeApi api, ProcessDeployer deployer, Path workDir) {
    this(router, api, new DeployerInstances(deployer), workDir);
  }

  /**
   * Through stop and start commands ({@link ArgvTemplate}: {@code {instance}}, {@code {address}},
   * {@code {host}}, {@code {port}}, {@code {version}}).
   */
  public ProcessKillInjector(
      String router,
      HaproxyRuntimeApi api,
      List<String> stopCommand,
      List<String> startCommand,
      Path workDir) {
    this(router, api, new CommandInstances(stopCommand, startCommand), workDir);
  }

  private ProcessKillInjector(
      String router, HaproxyRuntimeApi api, Instances instances, Path workDir) {
    if (workDir == null) {
      throw new IllegalArgumentException("a process-kill injector needs its work-dir");
    }
    this.router = router;
    this.servers = new HaproxyRouter(api);
    this.instances = instances;
    this.workDir = workDir.toAbsolutePath();
  }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Records every target not yet recorded for this fault, then kills every recorded instance that
   * was running and runs again. The instance of a target is its {@code name} (the server's name
   * when there is none). {@link InvalidFaultException} for an instance name the deployer refuses,
   * or a running instance whose version cannot be told (it could not be restarted as it was).
   */
  @Override
  public FaultState inject(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    Map<String, FaultTarget> targets = HaproxyFaultTargets.resolve(request, router, servers);
    synchronized (lock(workDir)) {
      Path file = recordFile(id);
      List<Killed> record = read(file);
      Map<String, String> others = heldByOthers(file);
      for (FaultTarget t : targets.values()) {
        String held = others.get(instanceOf(t));
        if (held != null) {
          throw new FaultConflictException(
              "instance " + instanceOf(t) + " is held by fault '" + held + "'; restore it before injecting " + id);
        }
      }
      Map<String, List<ServerInfo>> byBackend = new HashMap<>();
      boolean added = false;
      for (FaultTarget t : targets.values()) {
        String instance = instanceOf(t);
        if (record.stream().anyMatch(k -> k.instance().equals(instance))) {
          continue; // the first record is the truth: on a retry the instance is down because of us
        }
        ServerInfo info =
            byBackend.computeIfAbsent(t.backend(), servers::servers).stream()
                .filter(s -> s.name().equals(t.server()))
                .findFirst()
                .orElseThrow(() -> new UnknownBackendException("backend '" + t.backend() + "' has no server '" + t.server() + "'"));
        boolean running = instances.running(instance, info.address());
        String version = running ? instances.version(instance, info.address()) : "";
        if (running && version.isEmpty() && instances.needsVersion()) {
          throw new InvalidFaultException(
              "fault " + id + ": cannot tell which version " + instance + " runs, so it could not be restarted as it was");
        }
        record.add(
            new Killed(instance, t.backend(), t.server(), info.address(), version, info.state(), running));
        added = true;
      }
      if (added) {
        write(file, id, record);
      }
      List<String> killed = new ArrayList<>();
      for (Killed k : record) {
        if (k.wasRunning() && instances.running(k.instance(), k.address())) {
          instances.kill(k);
          killed.add(k.instance());
        }
      }
      FaultState now = state(id, record);
      return new FaultState(
          id,
          now.active(),
          now.affected(),
          (killed.isEmpty() ? "nothing left to kill" : "killed " + killed) + "; " + now.detail());
    }
  }

  @Override
  public FaultState restore(FaultRequest request) {
    return restore(request, () -> {});
  }

  /**
   * Starts every recorded instance again (at its address and version; one already running is left
   * alone), puts its server back in its recorded administrative state, waits up to 15 s until
   * HAProxy no longer shows it DOWN, and only then drops it from the record. {@code progress} is
   * called about every second meanwhile. {@link InjectorUnavailableException} (retryable) when an
   * instance does not come back; the instances restored before it stay restored, the rest stay
   * recorded for the retry.
   */
  @Override
  public FaultState restore(FaultRequest request, Runnable progress) {
    String id = HaproxyFaultTargets.faultId(request);
    Path file = recordFile(id);
    synchronized (lock(file)) {
      List<Killed> record = read(file);
      List<String> done = new ArrayList<>();
      for (Killed k : List.copyOf(record)) {
        StringBuilder what = new StringBuilder(k.instance());
        if (k.wasRunning()) {
          long start = System.nanoTime();
          instances.start(k, progress);
          what.append(" runs ")
              .append(k.version().isEmpty() ? "again" : k.version())
              .append(" at ")
              .append(k.address())
              .append(" after ")
              .append(millisSince(start))
              .append(" ms");
        } else {
          what.append(" was not running before the fault; left as found");
        }
        try {
          servers.setState(k.backend(), k.server(), k.before());
          what.append(", ").append(k.before());
          if (k.before() == ServerState.READY) {
            what.append(", HAProxy ").append(awaitNotDown(k, progress));
          }
        } catch (UnknownBackendException e) {
          what.append("; ").append(k.backend()).append('/').append(k.server()).append(" is no longer in the router");
        }
        record.remove(k);
        synchronized (lock(workDir)) {
          write(file, id, record);
        }
        done.add(what.toString());
      }
      FaultFiles.delete(file);
      return new FaultState(
          id,
          false,
          List.of(),
          done.isEmpty() ? "no instances killed by this fault" : "restored " + done);
    }
  }

  /** The recorded instances that were running before the fault and are not running now. */
  @Override
  public FaultState probe(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    return state(id, read(recordFile(id)));
  }

  private FaultState state(String id, List<Killed> record) {
    List<String> affected = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Killed k : record) {
      if (!k.wasRunning()) {
        seen.add(k.instance() + " was down before the fault");
      } else if (instances.running(k.instance(), k.address())) {
        seen.add(k.instance() + " running");
      } else {
        affected.add(k.instance());
        seen.add(k.instance() + " down (was " + (k.version().isEmpty() ? "running" : k.version()) + " at " + k.address() + ")");
      }
    }
    return new FaultState(
        id, !affected.isEmpty(), affected, seen.isEmpty() ? "no instances killed by this fault" : "instances " + seen);
  }

  private String awaitNotDown(Killed k, Runnable progress) {
    long start = System.nanoTime();
    long deadline = start + ROUTER_UP_TIMEOUT.toNanos();
    long nextProgress = start;
    String status = "";
    while (true) {
      status =
          servers.servers(k.backend()).stream()
              .filter(s -> s.name().equals(k.server()))
              .map(ServerInfo::status)
              .findFirst()
              .orElse("");
      if (!status.startsWith("DOWN")) {
        return (status.isEmpty() ? "no status" : status) + " after " + millisSince(start) + " ms";
      }
      if (System.nanoTime() >= deadline) {
        return "still " + status + " after " + ROUTER_UP_TIMEOUT.toSeconds() + " s";
      }
      if (System.nanoTime() >= nextProgress) {
        progress.run();
        nextProgress = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      }
      sleep(POLL);
    }
  }

  private static String instanceOf(FaultTarget t) {
    return t.name() == null || t.name().isBlank() ? t.server() : t.name();
  }

  private Path recordFile(String faultId) {
    return workDir.resolve(FaultFiles.fileKey(faultId) + SUFFIX);
  }

  /** Instance name to the fault holding it, over every record of another fault. */
  private Map<String, String> heldByOthers(Path own) {
    Map<String, String> out = new HashMap<>();
    for (Path other : FaultFiles.list(workDir, SUFFIX)) {
      if (other.equals(own)) {
        continue;
      }
      String text = FaultFiles.read(other).orElse("");
      String fault = faultIdOf(text, other);
      for (Killed k : parse(text)) {
        out.put(k.instance(), fault);
      }
    }
    return out;
  }

  private static String faultIdOf(String text, Path file) {
    for (String line : text.split("\n")) {
      if (line.startsWith("# fault ")) {
        return line.substring("# fault ".length()).strip();
      }
    }
    return file.getFileName().toString();
  }

  private static List<Killed> read(Path file) {
    return parse(FaultFiles.read(file).orElse(""));
  }

  private static List<Killed> parse(String text) {
    List<Killed> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length < 6 || f[1].indexOf('/') < 0) {
        continue; // not ours to interpret
      }
      ServerState before;
      try {
        before = ServerState.valueOf(f[4]);
      } catch (IllegalArgumentException e) {
        before = ServerState.READY;
      }
      out.add(
          new Killed(
              f[0],
              f[1].substring(0, f[1].indexOf('/')),
              f[1].substring(f[1].indexOf('/') + 1),
              f[2],
              f[3].equals("-") ? "" : f[3],
              before,
              f[5].equals("running")));
    }
    return out;
  }

  private static void write(Path file, String faultId, List<Killed> record) {
    if (record.isEmpty()) {
      FaultFiles.delete(file);
      return;
    }
    StringBuilder text = new StringBuilder("# fault ").append(faultId).append('\n');
    text.append(
        "# Written by Bellwether (process-kill): instance, backend/server, address, version,"
            + " state before, running|down; an instance leaves once restored\n");
    for (Killed k : record) {
      text.append(k.instance()).append('\t')
          .append(k.backend()).append('/').append(k.server()).append('\t')
          .append(k.address()).append('\t')
          .append(k.version().isEmpty() ? "-" : k.version()).append('\t')
          .append(k.before().name()).append('\t')
          .append(k.wasRunning() ? "running" : "down").append('\n');
    }
    FaultFiles.write(file, text.toString());
  }

  private static Object lock(Path key) {
    return LOCKS.computeIfAbsent(key, p -> new Object());
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InjectorUnavailableException("interrupted", e);
    }
  }

  /** One instance the fault took down, or found down. */
  private record Killed(
      String instance,
      String backend,
      String server,
      String address,
      String version,
      ServerState before,
      boolean wasRunning) {}

  /** How instances are found, killed and started. */
  private interface Instances {
    boolean running(String instance, String address);

    /** The version the running instance answers or has recorded; empty when it cannot tell. */
    String version(String instance, String address);

    /** Whether a restart needs the version (it does for a deployer). */
    boolean needsVersion();

    /** Kills the instance at once; {@link InjectorUnavailableException} when it is still there. */
    void kill(Killed k);

    /** Starts the instance as recorded unless it runs; returns once it answers. */
    void start(Killed k, Runnable progress);
  }

  private static final class DeployerInstances implements Instances {
    private final ProcessDeployer deployer;

    DeployerInstances(ProcessDeployer deployer) {
      if (deployer == null) {
        throw new IllegalArgumentException("a process-kill injector needs its deployer");
      }
      this.deployer = deployer;
    }

    @Override
    public boolean running(String instance, String address) {
      try {
        return deployer.isRunning(instance);
      } catch (IllegalArgumentException e) {
        throw new InvalidFaultException(e.getMessage());
      }
    }

    @Override
    public String version(String instance, String address) {
      return deployer.currentVersion(instance, address);
    }

    @Override
    public boolean needsVersion() {
      return true;
    }

    @Override
    public void kill(Killed k) {
      deployer.kill(k.instance());
      if (deployer.isRunning(k.instance())) {
        throw new InjectorUnavailableException(k.instance() + " still runs after SIGKILL");
      }
    }

    @Override
    public void start(Killed k, Runnable progress) {
      DeployResult r;
      try {
        r = deployer.deploy(k.instance(), k.address(), k.version(), progress);
      } catch (IllegalArgumentException e) {
        throw new InvalidFaultException(k.instance() + " cannot be restarted: " + e.getMessage());
      }
      if (!r.ok()) {
        throw new InjectorUnavailableException(
            "restarting " + k.instance() + " " + k.version() + " at " + k.address() + " failed: " + r.output());
      }
    }
  }

  private static final class CommandInstances implements Instances {
    private static final HttpClient HTTP =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private final List<String> stop;
    private final List<String> start;

    CommandInstances(List<String> stop, List<String> start) {
      if (stop == null || stop.isEmpty() || start == null || start.isEmpty()) {
        throw new IllegalArgumentException(
            "a process-kill injector without a deployer needs both stop-command and start-command");
      }
      this.stop = List.copyOf(stop);
      this.start = List.copyOf(start);
    }

    /** Accepts a TCP connection within a second. */
    @Override
    public boolean running(String instance, String address) {
      int colon = address.lastIndexOf(':');
      if (colon < 0) {
        throw new InvalidFaultException("address '" + address + "' of " + instance + " has no port");
      }
      try (Socket s = new Socket()) {
        s.connect(
            new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
            1000);
        return true;
      } catch (IOException | IllegalArgumentException e) {
        return false;
      }
    }

    /** What {@code GET /version} answers with 200; empty otherwise (the commands may not need it). */
    @Override
    public String version(String instance, String address) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://" + address + "/version"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        String body = r.body().strip();
        return r.statusCode() == 200 && !body.isEmpty() && !body.contains("\t") && !body.contains("\n") ? body : "";
      } catch (IOException | IllegalArgumentException e) {
        return "";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InjectorUnavailableException("interrupted", e);
      }
    }

    @Override
    public boolean needsVersion() {
      return false;
    }

    @Override
    public void kill(Killed k) {
      List<String> argv = ArgvTemplate.expand(stop, k.instance(), k.address(), k.version());
      HostCommand.Result r = HostCommand.run(argv, null, COMMAND_TIMEOUT);
      if (!r.ok()) {
        throw new InjectorUnavailableException(argv + " exited with " + r.exitCode() + ": " + r.output());
      }
      long deadline = System.nanoTime() + GONE_TIMEOUT.toNanos();
      while (running(k.instance(), k.address())) {
        if (System.nanoTime() >= deadline) {
          throw new InjectorUnavailableException(
              k.instance() + " still accepts connections at " + k.address() + " " + GONE_TIMEOUT.toSeconds() + " s after " + argv);
        }
        sleep(POLL);
      }
    }

    @Override
    public void start(Killed k, Runnable progress) {
      if (running(k.instance(), k.address())) {
        return;
      }
      List<String> argv = ArgvTemplate.expand(start, k.instance(), k.address(), k.version());
      HostCommand.Result r = HostCommand.run(argv, null, COMMAND_TIMEOUT);
      if (!r.ok()) {
        throw new InjectorUnavailableException(argv + " exited with " + r.exitCode() + ": " + r.output());
      }
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      long nextProgress = System.nanoTime();
      while (!running(k.instance(), k.address())) {
        if (System.nanoTime() >= deadline) {
          throw new InjectorUnavailableException(
              k.instance() + " does not accept connections at " + k.address() + " " + START_TIMEOUT.toSeconds() + " s after " + argv);
        }
        if (System.nanoTime() >= nextProgress) {
          progress.run();
          nextProgress = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
        sleep(Duration.ofMillis(200));
      }
    }
  }
}
