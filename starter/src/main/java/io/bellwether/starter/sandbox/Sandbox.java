package io.bellwether.starter.sandbox;

import io.bellwether.contracts.bluegreen.PoolInstances;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.chaos.StressInjector;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.haproxy.HaproxyPoolSwitch;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.metrics.PrometheusLauncher;
import io.bellwether.activities.metrics.ScrapeTargets;
import io.bellwether.activities.router.PoolSwitch;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ProvisionResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
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
 * A local Bellwether world: a Temporal server, demo-app instances behind HAProxy (backend {@value
 * #BACKEND} for rolling runs, routed on the main frontend as the canary route {@value
 * #CANARY_POOL} with the slot backend {@code web_canary} for canary instances, and the blue-green
 * pool {@value #POOL} on its own frontend), Prometheus scraping every instance and HAProxy every
 * second (metrics provider {@value #METRICS}), optionally a background load, and a worker
 * configured to drive them, with an approver group and a per-sandbox identity key, and the
 * operator API ({@code bellwether serve}) with a generated bearer token per sandbox user and a
 * chat signing secret. Every process is detached and recorded in {@code sandbox.json}, so the
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

  /**
   * The service chaos experiments name ({@code bellwether.services.web}): backend {@value #BACKEND}
   * behind router {@value #ROUTER}, its instances split into zones {@value #ZONE_A} (the first half)
   * and {@value #ZONE_B} (the rest), endpoints {@code web} and {@code shop} (both the main
   * frontend), and an SLO counted from HAProxy's exporter.
   */
  public static final String SERVICE = BACKEND;

  public static final String ZONE_A = "a";
  public static final String ZONE_B = "b";
  /** The service's endpoints: both the main frontend's {@code /}. */
  public static final List<String> ENDPOINTS = List.of("web", "shop");
  /** The service's SLO: this share of the backend's requests must succeed over {@value #SLO_WINDOW}. */
  public static final double SLO_OBJECTIVE = 0.99;

  public static final String SLO_WINDOW = "1h";
  /**
   * Every answer of backend {@value #BACKEND} that users saw, by status class. Measured on HAProxy
   * 2.6: the backend's counters also count the 503s HAProxy itself sends when no server is
   * available (a zone cut of everything) or a request timed out in the queue, and the 502/503 of a
   * server that died, so nothing a user saw fail escapes them.
   */
  public static final String SLO_TOTAL = "haproxy_backend_http_responses_total{proxy=\"" + BACKEND + "\"}";

  public static final String SLO_ERRORS =
      "haproxy_backend_http_responses_total{proxy=\"" + BACKEND + "\",code=\"5xx\"}";
  /**
   * The share of the service's servers that experiments may impair at once: half, so one zone
   * (two of the four instances) may be cut, and nothing more beside it.
   */
  public static final double MAX_IMPAIRED_SHARE = 0.5;
  /** Fault injector: latency on chosen servers of the service, at HAProxy (a Lua action). */
  public static final String LATENCY_INJECTOR = "web-latency";
  /** Fault injector: chosen servers (a zone) put in maintenance at HAProxy. */
  public static final String ZONE_CUT_INJECTOR = "zone-cut";
  /** Fault injector: chosen instances SIGKILLed through the deployer, restarted on restore. */
  public static final String KILL_INJECTOR = "web-kill";
  /** Fault injector: CPU or memory load with stress-ng; configured only when it is on the PATH. */
  public static final String STRESS_INJECTOR = "cpu-stress";
  /**
   * HAProxy's connection retries (with redispatch): a killed instance then fails no GET and no
   * request that had not reached it (see {@code HaproxyLauncher.Options.withRetries}).
   */
  public static final int HAPROXY_RETRIES = 3;
  /**
   * How long a request may wait in a backend's queue before HAProxy answers 503; only matters with
   * a server {@code maxconn} (none by default; {@code set maxconn server} adds one at run time).
   */
  public static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(1);

  /** The metrics provider the worker configuration names: the sandbox's Prometheus. */
  public static final String METRICS = "prom";
  /**
   * The canary route: a pool named like the backend, live {@value #BACKEND}, candidate {@code
   * web_canary} ({@value #CANARY_SLOTS} slots), on the main frontend.
   */
  public static final String CANARY_POOL = BACKEND;

  public static final int CANARY_SLOTS = 4;

  /**
   * The experiment split for A/B tests, on the main frontend ahead of the canary route: {@value
   * #SPLIT_VARIANTS} variant backends {@code web_ab_v1..} of {@value #SPLIT_SLOTS} slots each.
   */
  public static final String SPLIT = "web_ab";

  public static final int SPLIT_VARIANTS = 4;
  public static final int SPLIT_SLOTS = 2;

  /** The blue-green pool: service {@value #POOL_SERVICE} on its own HAProxy frontend. */
  public static final String POOL = "shop";

  public static final String POOL_SERVICE = "shop";
  /** Server slots per backend of the pool. */
  public static final int POOL_SLOTS = 4;
  /** Blue's size: instances provisioned into the live backend at start. */
  public static final int POOL_BLUE_INSTANCES = 2;
  /** The approver group the worker configuration defines, and its members. */
  public static final String APPROVER_GROUP = "release-managers";

  public static final List<String> APPROVERS = List.of("alice", "bob");
  /** Id of the sandbox's identity key, as {@code bellwether.identity.keys.<id>} names it. */
  public static final String IDENTITY_KEY_ID = "sandbox";

  private static final String IDENTITY_DIR = "identity";
  private static final String NOTIFIER_DIR = "notifier";
  private static final String API_SECRETS_DIR = "api-secrets";
  // Config-tree file names are the property names they set.
  private static final String CHAT_SECRET_PROPERTY = "bellwether.chat.signing-secret";
  private static final String API_IDENTITY_KEY_PROPERTY = "bellwether.api.identity.key";
  private static final String NOTIFIER_URL_PROPERTY = "bellwether.notifiers.chat.url";
  /** Where {@code up} writes the API address and the plain tokens, as shell exports (mode 600). */
  public static final String API_ENV_FILE = "api.env";
  /** Environment variable of the API's base URL in {@link #API_ENV_FILE}. */
  public static final String API_URL_VARIABLE = "BELLWETHER_API";
  /**
   * The name the worker configuration gives the notifier URL set in {@link SandboxOptions}; the
   * config-tree file holding the URL is named after it ({@code bellwether.notifiers.chat.url}).
   */
  public static final String NOTIFIER = "chat";

  /**
   * A sandbox user of the operator API: a bearer token named after the user, exported in {@link
   * #API_ENV_FILE} as {@code envVariable}.
   */
  public record ApiUser(String name, String envVariable, List<String> roles) {}

  /**
   * The API's users, in the order {@code api.env} lists them. Alice is in {@value
   * #APPROVER_GROUP}, Carol is an approver who is not, so a gate of that group refuses her.
   */
  public static final List<ApiUser> API_USERS =
      List.of(
          new ApiUser("dave", "BELLWETHER_DEPLOYER_TOKEN", List.of("deployer")),
          new ApiUser("alice", "BELLWETHER_APPROVER_TOKEN", List.of("approver")),
          new ApiUser("carol", "BELLWETHER_CAROL_TOKEN", List.of("approver")),
          new ApiUser("victor", "BELLWETHER_VIEWER_TOKEN", List.of("viewer")),
          new ApiUser("root", "BELLWETHER_ADMIN_TOKEN", List.of("admin")));

  /** Chat user id to the API user it acts as; anyone else in the chat can do nothing. */
  public static final Map<String, String> CHAT_USERS = chatUsers();

  private static Map<String, String> chatUsers() {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("U0ALICE", "alice");
    users.put("U0CAROL", "carol");
    users.put("U0VICTOR", "victor");
    return Collections.unmodifiableMap(users);
  }

  private static final Duration TEMPORAL_START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WORKER_START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration API_START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration INSTANCE_START_TIMEOUT = Duration.ofSeconds(60);
  // Prometheus hands new targets to its scrapers at most every 5 s; the first scrape follows.
  private static final Duration SCRAPE_TARGETS_TIMEOUT = Duration.ofSeconds(45);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final SandboxState state;
  // Set only in the process that started HAProxy: closing the launcher also reaps its child.
  private HaproxyLauncher haproxy;
  // Set in the process that started (or restarted) Prometheus, for the same reason.
  private PrometheusLauncher prometheus;
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
    Path apiJar = RepoHome.requireJar(home, RepoHome.STARTER_JAR);
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
    apiJar = Files.copy(apiJar, jars.resolve(apiJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);

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
    s.apiJar = apiJar.toString();
    s.instancesDir = dir.resolve("instances").toString();
    s.temporalPort = options.temporalPort();
    s.pool = POOL;
    s.poolService = POOL_SERVICE;
    s.poolSlots = POOL_SLOTS;
    s.poolVersion = options.version();
    s.canaryPool = CANARY_POOL;
    s.canarySlots = CANARY_SLOTS;
    s.split = SPLIT;
    s.splitSlots = SPLIT_SLOTS;
    s.prometheusDir = dir.resolve("prometheus").toString();
    s.scrapeTargetsDir = dir.resolve("prometheus").resolve("targets").toString();
    s.scrapeIntervalSeconds = options.scrapeIntervalSeconds();
    s.backgroundLoad = options.backgroundLoad();
    s.chaosDir = dir.resolve("chaos").toString();
    Sandbox sandbox = new Sandbox(dir, s);
    try {
      sandbox.save();
      sandbox.startTemporal();
      sandbox.createIdentityKey();
      // A fresh Prometheus: no series or target files of an earlier sandbox in this directory.
      deleteTree(Path.of(s.prometheusDir));
      Files.createDirectories(Path.of(s.scrapeTargetsDir));
      sandbox.startInstances(options.instances(), options.version());
      sandbox.startHaproxy();
      sandbox.prepareChaos();
      sandbox.launchPrometheus();
      sandbox.fillBlueSlots();
      sandbox.writeNotifierSecret(options.notifierUrl());
      sandbox.writeWorkerConfig();
      // The API and the worker are both JVMs that take seconds to start: start them together.
      // The worker's port is picked first, so the two cannot be handed the same free port.
      s.workerPort = HaproxyLauncher.freePort();
      ProcessHandle api = options.api() ? sandbox.launchApi() : null;
      sandbox.startWorker();
      if (api != null) {
        sandbox.awaitApiUp(api);
      }
      // Scrapes begin while the JVMs start; by now they have usually caught up.
      sandbox.awaitScrapeTargets();
      if (options.backgroundLoad() > 0) {
        sandbox.startBackgroundLoad();
      }
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
        || Processes.alive(state.apiPid, state.apiStartMillis)
        || Processes.alive(state.prometheusPid, state.prometheusStartMillis)
        || Processes.alive(state.loadPid, state.loadStartMillis)
        || instancesRunning();
  }

  private boolean instancesRunning() {
    if (state.instancesDir == null || !Files.isDirectory(Path.of(state.instancesDir))) {
      return false;
    }
    // Every pid file, not only the recorded instances: runs provision blue-green instances too.
    List<Path> pidFiles;
    try (var files = Files.list(Path.of(state.instancesDir))) {
      pidFiles = files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList();
    } catch (IOException e) {
      return false;
    }
    for (Path pidFile : pidFiles) {
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
   * Stops everything this sandbox started, by PID: the API, HAProxy, the worker, every instance,
   * the Temporal server; then removes {@code sandbox.json}, the secrets and {@code api.env} (logs
   * stay). Idempotent, and safe on a sandbox that failed half-way.
   */
  public synchronized void down() {
    if (down) {
      return;
    }
    List<String> problems = new ArrayList<>();
    attempt(problems, "background load", () -> Processes.stop(state.loadPid, state.loadStartMillis, STOP_GRACE));
    attempt(problems, "api", () -> Processes.stop(state.apiPid, state.apiStartMillis, STOP_GRACE));
    if (haproxy != null) {
      attempt(problems, "haproxy", haproxy::close);
    }
    attempt(problems, "haproxy", () -> Processes.stop(state.haproxyPid, state.haproxyStartMillis, STOP_GRACE));
    attempt(problems, "worker", () -> Processes.stop(state.workerPid, state.workerStartMillis, STOP_GRACE));
    if (prometheus != null) {
      attempt(problems, "prometheus", prometheus::close);
    }
    attempt(problems, "prometheus", () -> Processes.stop(state.prometheusPid, state.prometheusStartMillis, STOP_GRACE));
    if (state.instancesDir != null && Files.isDirectory(Path.of(state.instancesDir))) {
      attempt(problems, "instances", () -> ProcessDeployer.stopAll(Path.of(state.instancesDir)));
    }
    if (state.chaosDir != null && Files.isDirectory(Path.of(state.chaosDir))) {
      // The worker is gone, so nothing restores a stress load still running: end it here rather
      // than leave it burning until its own --timeout.
      attempt(problems, "stress loads", () -> StressInjector.stopAll(Path.of(state.chaosDir)));
    }
    attempt(problems, "temporal", () -> Processes.stop(state.temporalPid, state.temporalStartMillis, STOP_GRACE));
    if (problems.isEmpty()) {
      // Kept when something could not be stopped, so that another down can try again.
      attempt(problems, "state file", () -> {
        try {
          deleteTree(dir.resolve("jars"));
          // The key only ever served this sandbox's worker.
          deleteTree(dir.resolve(IDENTITY_DIR));
          // Tokens, signing secret and webhook URL served only this sandbox as well.
          deleteTree(dir.resolve(API_SECRETS_DIR));
          deleteTree(dir.resolve(NOTIFIER_DIR));
          Files.deleteIfExists(dir.resolve(API_ENV_FILE));
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

  /** The blue-green pool's own frontend, {@code http://127.0.0.1:<port>/}. */
  public URI shopFrontendUrl() {
    return URI.create(state.shopFrontendUrl);
  }

  /** The blue-green pool's name in the router configuration: {@value #POOL}. */
  public String pool() {
    return state.pool;
  }

  /** The pool's two backends ({@code shop_a}, {@code shop_b}); the first is live at start. */
  public List<String> poolBackends() {
    return List.copyOf(state.poolBackends);
  }

  /** The map file the pool's frontend routes by: live, candidate, candidate_pct, preview. */
  public Path poolMapFile() {
    return Path.of(state.poolMapFile);
  }

  /** HAProxy's server-state file, where slot assignments are saved for a reload. */
  public Path poolStateFile() {
    return Path.of(state.poolStateFile);
  }

  /** Server slots per backend of the pool. */
  public int poolSlots() {
    return state.poolSlots;
  }

  /** Blue's instances at start: name to {@code 127.0.0.1:<port>}, in slot order. */
  public Map<String, String> poolInstances() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(state.poolInstances));
  }

  /** The version blue was provisioned at. */
  public String poolVersion() {
    return state.poolVersion;
  }

  /** The canary route's pool name in the router configuration: {@value #CANARY_POOL}. */
  public String canaryPool() {
    return state.canaryPool;
  }

  /** The canary route's backends: live {@code web}, then the canary slots {@code web_canary}. */
  public List<String> canaryBackends() {
    return List.copyOf(state.canaryBackends);
  }

  /** The map file the main frontend routes by: live, candidate, candidate_pct, preview. */
  public Path canaryMapFile() {
    return Path.of(state.canaryMapFile);
  }

  /** The A/B test split's name in the router configuration: {@value #SPLIT}. */
  public String split() {
    return state.split;
  }

  /** The split's variant backends, in order. */
  public List<String> splitBackends() {
    return List.copyOf(state.splitBackends);
  }

  /** The split's own map file (its siblings lie beside it). */
  public Path splitMapFile() {
    return Path.of(state.splitMapFile);
  }

  /** Slots of the canary backend. */
  public int canarySlots() {
    return state.canarySlots;
  }

  /** Prometheus' HTTP API base, {@code http://127.0.0.1:<port>}, without a trailing slash. */
  public URI prometheusUrl() {
    return URI.create(state.prometheusUrl);
  }

  /** Where the deployer writes a Prometheus target file per instance ({@code <instance>.json}). */
  public Path scrapeTargetsDir() {
    return Path.of(state.scrapeTargetsDir);
  }

  /** Prometheus' scrape and evaluation interval, in seconds. */
  public int scrapeIntervalSeconds() {
    return state.scrapeIntervalSeconds;
  }

  /** PID of Prometheus as last started; 0 while stopped. */
  public long prometheusPid() {
    return state.prometheusPid;
  }

  /** HAProxy's Prometheus exporter, {@code http://127.0.0.1:<port>/metrics}. */
  public URI haproxyExporterUrl() {
    return URI.create("http://127.0.0.1:" + state.haproxyExporterPort + "/metrics");
  }

  /**
   * The service's zones as the worker configuration gives them: {@value #ZONE_A} holds the first
   * half of the instances (rounded up), {@value #ZONE_B} the rest (absent with one instance).
   */
  public Map<String, List<String>> zones() {
    List<String> names = new ArrayList<>(state.instances.keySet());
    int half = (names.size() + 1) / 2;
    Map<String, List<String>> zones = new LinkedHashMap<>();
    zones.put(ZONE_A, List.copyOf(names.subList(0, half)));
    if (half < names.size()) {
      zones.put(ZONE_B, List.copyOf(names.subList(half, names.size())));
    }
    return Collections.unmodifiableMap(zones);
  }

  /**
   * The latency injector's map file ({@code <backend>/<server> <delayMs>,<faultId>}), which every
   * backend of HAProxy looks its servers up in; empty when no latency fault is in force.
   */
  public Path latencyMapFile() {
    return Path.of(state.latencyMapFile);
  }

  /** The zone-cut injector's record of the states it found (empty or absent when nothing is cut). */
  public Path maintenanceRecordFile() {
    return Path.of(state.maintenanceRecordFile);
  }

  /** Where the process-kill and stress injectors keep their records. */
  public Path chaosDir() {
    return Path.of(state.chaosDir);
  }

  /** Whether the worker has the {@value #STRESS_INJECTOR} injector (stress-ng was on the PATH). */
  public boolean hasStressInjector() {
    return state.stressCommand != null;
  }

  /** Requests per second of the background load; 0 when there is none. */
  public int backgroundLoad() {
    return state.backgroundLoad;
  }

  /**
   * Stops Prometheus, as an outage would, keeping its data; analyses then get no data. Returns once
   * it is gone. Idempotent.
   */
  public synchronized void stopPrometheus() throws IOException {
    if (prometheus != null) {
      prometheus.stop();
    }
    Processes.stop(state.prometheusPid, state.prometheusStartMillis, STOP_GRACE);
    state.prometheusPid = 0;
    state.prometheusStartMillis = 0;
    save();
  }

  /**
   * Starts Prometheus again on the same port, configuration and data, and returns once it answers
   * queries (scrapes resume a few seconds later). Does nothing while it runs.
   */
  public synchronized void startPrometheus() throws IOException {
    if (Processes.alive(state.prometheusPid, state.prometheusStartMillis)) {
      return;
    }
    if (prometheus != null) {
      prometheus.restart();
    } else {
      prometheus = PrometheusLauncher.start(Path.of(state.prometheusDir), state.prometheusPort, prometheusOptions());
    }
    recordPrometheus();
  }

  /**
   * The sandbox's identity key: what signs attestations for gates that require a verified
   * identity. Read from its mode-600 file; never print it.
   */
  public IdentityKey identityKey() throws IOException {
    if (state.identityKeyFile == null) {
      throw new IOException("this sandbox has no identity key; start a new one with: bellwether up");
    }
    return new IdentityKey(state.identityKeyId, Files.readString(Path.of(state.identityKeyFile)).strip());
  }

  /**
   * A key id and its shared secret.
   *
   * @param keyId the id the worker knows the key by
   * @param secret the secret; {@link #toString()} never shows it
   */
  public record IdentityKey(String keyId, String secret) {
    @Override
    public String toString() {
      return "IdentityKey[keyId=" + keyId + "]";
    }
  }

  /** The operator API's base URL, {@code http://127.0.0.1:<port>}, without a trailing slash. */
  public URI apiUrl() {
    requireApi();
    return URI.create(state.apiUrl);
  }

  /**
   * The API's bearer token of {@code user} (one of {@link #API_USERS}), read from {@code api.env}.
   * A secret: never print it. IOException when the file is gone; IllegalArgumentException for a
   * user the sandbox does not have.
   */
  public String apiToken(String user) throws IOException {
    ApiUser u =
        API_USERS.stream()
            .filter(x -> x.name().equals(user))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no API user '" + user + "' in the sandbox"));
    String token = apiEnv().get(u.envVariable());
    if (token == null) {
      throw new IOException(u.envVariable() + " is missing from " + apiEnvFile());
    }
    return token;
  }

  /**
   * What {@code api.env} exports: variable name to value ({@value #API_URL_VARIABLE} and one token
   * per user), in file order. IOException when the file is gone.
   */
  public Map<String, String> apiEnv() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(apiEnvFile())) {
      String l = line.strip();
      if (l.startsWith("export ") && l.indexOf('=') > 0) {
        String assignment = l.substring("export ".length());
        int eq = assignment.indexOf('=');
        env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
      }
    }
    return env;
  }

  /** {@code <dir>/api.env}: {@code source} it for {@code $BELLWETHER_API} and the tokens. */
  public Path apiEnvFile() {
    requireApi();
    return Path.of(state.apiEnvFile);
  }

  /** The chat signing secret the API verifies chat requests with. A secret: never print it. */
  public String chatSigningSecret() throws IOException {
    requireApi();
    return Files.readString(Path.of(state.apiSecretsDir).resolve(CHAT_SECRET_PROPERTY)).strip();
  }

  /** The API's output, appended across its life. */
  /** Whether this sandbox runs the operator API ({@code bellwether up} starts one). */
  public boolean hasApi() {
    return state.apiUrl != null;
  }

  private void requireApi() {
    if (!hasApi()) {
      throw new IllegalStateException("this sandbox runs no operator API; start one with: bellwether up");
    }
  }

  public Path apiLog() {
    requireApi();
    return Path.of(state.apiLog);
  }

  /** The generated API configuration (Spring YAML, token hashes but no secret). */
  public Path apiConfig() {
    requireApi();
    return Path.of(state.apiConfig);
  }

  /** PID of the API process. */
  public long apiPid() {
    return state.apiPid;
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
    return new DeployerConfig(
        "process", demoCommand(), null, state.instancesDir, INSTANCE_START_TIMEOUT, null, null, state.scrapeTargetsDir);
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

  /**
   * Starts backend {@value #BACKEND}'s instances and provisions blue of pool {@value #POOL}, all at
   * once: each is a JVM that takes a few seconds to answer.
   */
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
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(count + POOL_BLUE_INSTANCES, 6));
    try {
      Map<String, Future<DeployResult>> results = new LinkedHashMap<>();
      state.instances.forEach(
          (name, address) -> results.put(name, pool.submit(() -> deployer.deploy(name, address, version, () -> {}))));
      Map<String, Future<ProvisionResult>> blue = new LinkedHashMap<>();
      String blueBackend = new HaproxyLauncher.Pool(state.pool, 0, state.poolSlots).backends().get(0);
      for (int i = 1; i <= POOL_BLUE_INSTANCES; i++) {
        String name = poolInstanceName(state.poolService, blueBackend, "s" + i);
        blue.put(name, pool.submit(() -> deployer.provision(name, state.poolVersion, () -> {})));
      }
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
      for (var e : blue.entrySet()) {
        try {
          ProvisionResult r = e.getValue().get();
          if (r.ok()) {
            state.poolInstances.put(e.getKey(), r.address());
          } else {
            failures.add(e.getKey() + ":\n" + r.output());
          }
        } catch (Exception ex) {
          failures.add(e.getKey() + ": " + ex);
        }
      }
      save();
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
    int shopPort;
    do {
      shopPort = HaproxyLauncher.freePort();
    } while (shopPort == port);
    int exporterPort;
    do {
      exporterPort = HaproxyLauncher.freePort();
    } while (exporterPort == port || exporterPort == shopPort);
    state.haproxyExporterPort = exporterPort;
    HaproxyLauncher.Options options =
        HaproxyLauncher.Options.defaults()
            .withPool(state.pool, shopPort, state.poolSlots)
            .withCanaryRoute(BACKEND, state.canarySlots)
            .withSplit(state.split, SPLIT_VARIANTS, state.splitSlots)
            .withPrometheusExporter(exporterPort)
            .withLatencyFaults()
            .withRetries(HAPROXY_RETRIES)
            .withServerLimits(0, QUEUE_TIMEOUT);
    haproxy = HaproxyLauncher.start(haproxyDir, port, BACKEND, new LinkedHashMap<>(state.instances), options);
    state.frontendPort = haproxy.frontendPort();
    state.frontendUrl = "http://127.0.0.1:" + haproxy.frontendPort() + "/";
    state.shopFrontendPort = haproxy.poolFrontendPort(state.pool);
    state.shopFrontendUrl = "http://127.0.0.1:" + state.shopFrontendPort + "/";
    state.poolBackends = new ArrayList<>(haproxy.poolBackends(state.pool));
    state.poolMapFile = haproxy.poolMapFile(state.pool).toString();
    state.poolStateFile = haproxy.serverStateFile().toString();
    state.canaryBackends = new ArrayList<>(haproxy.poolBackends(state.canaryPool));
    state.canaryMapFile = haproxy.poolMapFile(state.canaryPool).toString();
    state.splitBackends = new ArrayList<>(haproxy.splitBackends(state.split));
    state.splitMapFile = haproxy.splitMapFile(state.split).toString();
    state.haproxyConfig = haproxy.configFile().toString();
    state.latencyMapFile = haproxy.latencyFaultMapFile().toString();
    state.maintenanceRecordFile = haproxyDir.resolve("faults-maintenance.map").toString();
    state.adminSocket = haproxy.socket().toString();
    state.runtimeApi = haproxy.runtimeApi();
    state.haproxyPid = haproxy.pid();
    state.haproxyStartMillis = ProcessHandle.of(haproxy.pid()).map(Processes::startMillis).orElse(0L);
    save();
  }

  private PrometheusLauncher.Options prometheusOptions() {
    return PrometheusLauncher.Options.defaults()
        .withScrapeInterval(Duration.ofSeconds(state.scrapeIntervalSeconds))
        .withHaproxyExporter(state.haproxyExporterPort);
  }

  /** Starts Prometheus on a free port; returns once it answers queries. */
  private void launchPrometheus() throws IOException {
    state.prometheusPort =
        freePortOtherThan(state.temporalPort, state.frontendPort, state.shopFrontendPort, state.haproxyExporterPort);
    state.prometheusUrl = "http://127.0.0.1:" + state.prometheusPort;
    state.prometheusLog = Path.of(state.prometheusDir).resolve("prometheus.log").toString();
    save();
    prometheus = PrometheusLauncher.start(Path.of(state.prometheusDir), state.prometheusPort, prometheusOptions());
    recordPrometheus();
  }

  /**
   * Stops Prometheus and starts it again scraping every {@code scrapeIntervalSeconds} (the bench
   * compares intervals), same port and data; returns once every target is scraped again.
   */
  public synchronized void restartPrometheus(int scrapeIntervalSeconds) throws IOException {
    if (scrapeIntervalSeconds < 1 || scrapeIntervalSeconds > 60) {
      throw new IllegalArgumentException("scrape interval must be 1 to 60 seconds, got " + scrapeIntervalSeconds);
    }
    stopPrometheus();
    state.scrapeIntervalSeconds = scrapeIntervalSeconds;
    save();
    prometheus = PrometheusLauncher.start(Path.of(state.prometheusDir), state.prometheusPort, prometheusOptions());
    recordPrometheus();
    awaitTargetsUp();
  }

  /** Waits until every target file's instance and HAProxy's exporter have been scraped. */
  private void awaitTargetsUp() throws IOException {
    long files;
    try (var list = Files.list(scrapeTargetsDir())) {
      files = list.filter(f -> f.getFileName().toString().endsWith(".json")).count();
    }
    try {
      prometheus.awaitTargetsUp((int) files + 1, SCRAPE_TARGETS_TIMEOUT);
    } catch (IOException e) {
      throw new IOException(e.getMessage() + "; " + state.prometheusLog + ":\n" + prometheus.logTail(), e);
    }
  }

  private void recordPrometheus() throws IOException {
    state.prometheusPid = prometheus.pid();
    state.prometheusStartMillis = ProcessHandle.of(prometheus.pid()).map(Processes::startMillis).orElse(0L);
    save();
  }

  /**
   * Waits until Prometheus has scraped every instance the sandbox started and HAProxy's exporter,
   * so that the first analysis of a run finds data.
   */
  private void awaitScrapeTargets() throws IOException {
    // The deployer wrote them already; written again (idempotent) so a sandbox never depends on it.
    for (Map.Entry<String, String> e : state.instances.entrySet()) {
      ScrapeTargets.write(scrapeTargetsDir(), e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : state.poolInstances.entrySet()) {
      ScrapeTargets.write(scrapeTargetsDir(), e.getKey(), e.getValue());
    }
    awaitTargetsUp();
  }

  /** Starts the detached background load through the main frontend. */
  private void startBackgroundLoad() throws IOException {
    Path log = dir.resolve("load.log");
    state.loadLog = log.toString();
    // The CLI jar is a Spring Boot jar: its PropertiesLauncher runs any main class inside it.
    List<String> argv =
        List.of(
            Processes.javaBin(),
            "-XX:+UseSerialGC",
            "-Xmx64m",
            "-Dloader.main=" + BackgroundLoad.class.getName(),
            "-cp",
            state.apiJar,
            "org.springframework.boot.loader.launch.PropertiesLauncher",
            state.frontendUrl,
            Integer.toString(state.backgroundLoad));
    ProcessHandle h = Processes.startDetached(argv, log);
    state.loadPid = h.pid();
    state.loadStartMillis = Processes.startMillis(h);
    save();
  }

  /**
   * Puts blue into the live backend's first slots through the same pool switch the worker uses, so
   * the assignment is also saved to the server-state file.
   */
  private void fillBlueSlots() {
    PoolSwitch poolSwitch =
        new HaproxyPoolSwitch(
            new HaproxyRuntimeApi(state.runtimeApi, Duration.ofSeconds(5)),
            Map.of(state.pool, haproxy.poolConfig(state.pool)));
    String live = poolSwitch.state(state.pool).liveBackend();
    int slot = 1;
    for (Map.Entry<String, String> e : state.poolInstances.entrySet()) {
      String server = "s" + slot++;
      if (!e.getKey().equals(poolInstanceName(state.poolService, live, server))) {
        throw new IllegalStateException(
            "blue instance " + e.getKey() + " does not match slot " + live + "/" + server + " (live is " + live + ")");
      }
      poolSwitch.assignSlot(live, server, e.getValue());
    }
  }

  /**
   * The deployer's name for the instance in slot {@code slot} of {@code backend}: {@code
   * <service>-<backend>-<slot>}, such as {@code shop-shop_a-s1}. Blue-green runs name their
   * instances so, and name blue's from the slots they find; blue provisioned here must match, or a
   * run could not decommission it.
   */
  public static String poolInstanceName(String service, String backend, String slot) {
    return PoolInstances.name(service, backend, slot);
  }

  /**
   * A fresh random key per sandbox, in a file only the owner can read. The worker loads it as a
   * config tree (the file name is the property name), so worker.yaml never holds the secret.
   */
  private void createIdentityKey() throws IOException {
    Path file = createIdentityKey(dir.resolve(IDENTITY_DIR), IDENTITY_KEY_ID);
    state.identityKeyId = IDENTITY_KEY_ID;
    state.identityKeyFile = file.toString();
    save();
  }

  /**
   * Replaces {@code keysDir} (mode 700) with one holding a new random secret for {@code keyId} in
   * the file {@code bellwether.identity.keys.<keyId>} (mode 600, created so from the start), and
   * returns that file.
   */
  public static Path createIdentityKey(Path keysDir, String keyId) throws IOException {
    deleteTree(keysDir);
    Files.createDirectories(keysDir.getParent());
    Files.createDirectory(keysDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Path file = keysDir.resolve("bellwether.identity.keys." + keyId);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    return file;
  }

  private void writeWorkerConfig() throws IOException {
    Path file = dir.resolve("worker.yaml");
    StringBuilder y = new StringBuilder();
    y.append("# Generated by bellwether up; the worker reads it with --spring.config.additional-location.\n");
    y.append("spring:\n");
    y.append("  config:\n");
    y.append("    # Secrets, one file each (mode 600): the identity key and the notifier URL; never written here.\n");
    y.append("    import:\n");
    y.append("      - ").append(q("configtree:" + dir.resolve(IDENTITY_DIR) + "/")).append('\n');
    if (state.notifierSecretsDir != null) {
      y.append("      - ").append(q("configtree:" + state.notifierSecretsDir + "/")).append('\n');
    }
    y.append("bellwether:\n");
    y.append("  temporal:\n");
    y.append("    address: ").append(q(temporalTarget())).append('\n');
    // The embedded server never moves a sticky task off a killed worker (see STACK-NOTES).
    y.append("    sticky-execution: false\n");
    y.append("  routers:\n");
    y.append("    ").append(ROUTER).append(":\n");
    y.append("      type: haproxy\n");
    y.append("      runtime-api: ").append(q(state.runtimeApi)).append('\n');
    y.append("      pools:\n");
    y.append("        ").append(state.pool).append(":\n");
    y.append("          backends: [").append(String.join(", ", state.poolBackends.stream().map(Sandbox::q).toList())).append("]\n");
    y.append("          map-file: ").append(q(state.poolMapFile)).append('\n');
    y.append("          state-file: ").append(q(state.poolStateFile)).append('\n');
    y.append("        # The canary route on the main frontend: the backend ").append(BACKEND)
        .append(" is live, canary instances go into ").append(state.canaryBackends.get(1)).append(".\n");
    y.append("        ").append(state.canaryPool).append(":\n");
    y.append("          backends: [").append(String.join(", ", state.canaryBackends.stream().map(Sandbox::q).toList())).append("]\n");
    y.append("          map-file: ").append(q(state.canaryMapFile)).append('\n');
    y.append("          state-file: ").append(q(state.poolStateFile)).append('\n');
    y.append("      # The A/B test split on the main frontend, ahead of the canary route: variant i of a test\n");
    y.append("      # gets backend i; users are assigned by these map files.\n");
    y.append("      splits:\n");
    y.append("        ").append(state.split).append(":\n");
    y.append("          backends: [").append(String.join(", ", state.splitBackends.stream().map(Sandbox::q).toList())).append("]\n");
    y.append("          map-file: ").append(q(state.splitMapFile)).append('\n');
    y.append("          state-file: ").append(q(state.poolStateFile)).append('\n');
    y.append("  metrics:\n");
    y.append("    ").append(METRICS).append(":\n");
    y.append("      type: prometheus\n");
    y.append("      url: ").append(q(state.prometheusUrl)).append('\n');
    y.append("      timeout: 5s\n");
    y.append("  deployers:\n");
    y.append("    ").append(DEPLOYER).append(":\n");
    y.append("      type: process\n");
    y.append("      command:\n");
    for (String arg : demoCommand()) {
      y.append("        - ").append(q(arg)).append('\n');
    }
    y.append("      work-dir: ").append(q(state.instancesDir)).append('\n');
    y.append("      # A Prometheus target file per instance, so every instance a run starts is scraped.\n");
    y.append("      scrape-targets-dir: ").append(q(state.scrapeTargetsDir)).append('\n');
    appendChaosConfig(y);
    y.append("  health-checks:\n");
    y.append("    ").append(HEALTH_CHECK).append(":\n");
    y.append("      type: http\n");
    y.append("  approvers:\n");
    y.append("    groups:\n");
    y.append("      ").append(APPROVER_GROUP).append(": [")
        .append(String.join(", ", APPROVERS.stream().map(Sandbox::q).toList())).append("]\n");
    y.append("  identity:\n");
    y.append("    max-age: 10m\n");
    if (state.notifierSecretsDir != null) {
      y.append("  notifiers:\n");
      y.append("    ").append(NOTIFIER).append(":\n");
      y.append("      type: slack\n");
      y.append("      # url: from the config tree above\n");
      y.append("  notify:\n");
      y.append("    default: [").append(NOTIFIER).append("]\n");
    }
    Files.writeString(file, y.toString());
    state.workerConfig = file.toString();
    save();
  }

  /**
   * The chaos injectors' directory (their records: killed instances, stress-ng pids), emptied: a
   * record of an earlier sandbox here would name processes that are long gone. Also notes whether
   * stress-ng is on the PATH, so the worker configuration only offers a stress injector it can run.
   */
  private void prepareChaos() throws IOException {
    Path chaos = Path.of(state.chaosDir);
    deleteTree(chaos);
    Files.createDirectories(chaos);
    Files.deleteIfExists(Path.of(state.maintenanceRecordFile));
    state.stressCommand = onPath("stress-ng");
    save();
  }

  /** The absolute path of {@code command} found on the PATH, else null. */
  private static String onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty()) {
        Path candidate = Path.of(entry, command);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return null;
  }

  /**
   * {@code bellwether.services.web} and {@code bellwether.fault-injectors}: what a {@code
   * ChaosExperiment} on service {@value #SERVICE} may name.
   */
  private void appendChaosConfig(StringBuilder y) {
    Map<String, List<String>> zones = zones();
    y.append("  # Chaos experiments: the service they name, and the faults they may inject.\n");
    y.append("  services:\n");
    y.append("    ").append(SERVICE).append(":\n");
    y.append("      router: ").append(ROUTER).append('\n');
    y.append("      backend: ").append(BACKEND).append('\n');
    y.append("      metrics: ").append(METRICS).append('\n');
    y.append("      zones:\n");
    zones.forEach(
        (zone, servers) ->
            y.append("        ").append(zone).append(": [")
                .append(String.join(", ", servers.stream().map(Sandbox::q).toList())).append("]\n"));
    y.append("      endpoints:\n");
    for (String endpoint : ENDPOINTS) {
      y.append("        ").append(endpoint).append(": ").append(q(state.frontendUrl)).append('\n');
    }
    y.append("      # A zone cut impairs all of its zone: with less, the blast-radius coordinator refuses it.\n");
    y.append("      max-impaired-share: ").append(MAX_IMPAIRED_SHARE).append('\n');
    y.append("      # Every answer of the backend, HAProxy's own 503s included (no server, queue timeout).\n");
    y.append("      slo:\n");
    y.append("        objective: ").append(SLO_OBJECTIVE).append('\n');
    y.append("        window: ").append(SLO_WINDOW).append('\n');
    y.append("        total: ").append(q(SLO_TOTAL)).append('\n');
    y.append("        errors: ").append(q(SLO_ERRORS)).append('\n');
    y.append("  fault-injectors:\n");
    y.append("    ").append(LATENCY_INJECTOR).append(":\n");
    y.append("      type: haproxy-latency\n");
    y.append("      router: ").append(ROUTER).append('\n');
    y.append("      map-file: ").append(q(state.latencyMapFile)).append('\n');
    y.append("    ").append(ZONE_CUT_INJECTOR).append(":\n");
    y.append("      type: haproxy-maintenance\n");
    y.append("      router: ").append(ROUTER).append('\n');
    y.append("      map-file: ").append(q(state.maintenanceRecordFile)).append('\n');
    y.append("      state-file: ").append(q(state.poolStateFile)).append('\n');
    y.append("    ").append(KILL_INJECTOR).append(":\n");
    y.append("      type: process-kill\n");
    y.append("      router: ").append(ROUTER).append('\n');
    y.append("      deployer: ").append(DEPLOYER).append('\n');
    y.append("      work-dir: ").append(q(state.chaosDir)).append('\n');
    if (state.stressCommand != null) {
      y.append("    ").append(STRESS_INJECTOR).append(":\n");
      y.append("      type: stress\n");
      y.append("      command: [").append(q(state.stressCommand)).append("]\n");
      y.append("      work-dir: ").append(q(state.chaosDir)).append('\n');
    }
  }

  /** Puts the notifier URL, when there is one, in its own config tree for the worker. */
  private void writeNotifierSecret(String url) throws IOException {
    Path secrets = dir.resolve(NOTIFIER_DIR);
    deleteTree(secrets);
    if (url == null) {
      return;
    }
    createPrivateDir(secrets);
    writeSecret(secrets.resolve(NOTIFIER_URL_PROPERTY), url);
    state.notifierSecretsDir = secrets.toString();
    save();
  }

  /**
   * Generates what the API needs and writes it: a token per {@link #API_USERS} user (only its
   * SHA-256 goes to {@code api.yaml}; the token itself only to {@code api.env}, mode 600), a chat
   * signing secret and a copy of the identity key (config tree, mode 600), and the chat users.
   * Then starts {@code bellwether serve} without waiting for it.
   */
  private ProcessHandle launchApi() throws IOException {
    state.apiPort =
        freePortOtherThan(
            state.workerPort,
            state.frontendPort,
            state.shopFrontendPort,
            state.temporalPort,
            state.prometheusPort,
            state.haproxyExporterPort);
    state.apiUrl = "http://127.0.0.1:" + state.apiPort;
    Path secrets = dir.resolve(API_SECRETS_DIR);
    deleteTree(secrets);
    createPrivateDir(secrets);
    writeSecret(secrets.resolve(CHAT_SECRET_PROPERTY), randomSecret());
    writeSecret(secrets.resolve(API_IDENTITY_KEY_PROPERTY), identityKey().secret());
    state.apiSecretsDir = secrets.toString();

    Map<String, String> tokens = new LinkedHashMap<>();
    for (ApiUser u : API_USERS) {
      tokens.put(u.name(), "bwt_" + randomSecret());
    }
    Path env = dir.resolve(API_ENV_FILE);
    Files.deleteIfExists(env);
    Files.createFile(env, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    StringBuilder e = new StringBuilder();
    e.append("# Generated by bellwether up: this sandbox's operator API and a bearer token per user.\n");
    e.append("# Secrets (mode 600); they stop working at bellwether down. Use: source ").append(env).append('\n');
    e.append("export ").append(API_URL_VARIABLE).append('=').append(state.apiUrl).append('\n');
    for (ApiUser u : API_USERS) {
      e.append("# ").append(u.name()).append(": ").append(String.join(", ", u.roles())).append('\n');
      e.append("export ").append(u.envVariable()).append('=').append(tokens.get(u.name())).append('\n');
    }
    Files.writeString(env, e.toString());
    state.apiEnvFile = env.toString();

    Path file = dir.resolve("api.yaml");
    StringBuilder y = new StringBuilder();
    y.append("# Generated by bellwether up; the API reads it with: bellwether serve --config <this file>.\n");
    y.append("# Tokens are stored as SHA-256 hashes; the tokens themselves are in ").append(API_ENV_FILE).append(" only.\n");
    y.append("spring:\n");
    y.append("  config:\n");
    y.append("    # The chat signing secret and the identity key, one file each (mode 600).\n");
    y.append("    import: ").append(q("configtree:" + secrets + "/")).append('\n');
    y.append("server:\n");
    y.append("  address: 127.0.0.1\n");
    y.append("  port: ").append(state.apiPort).append('\n');
    y.append("bellwether:\n");
    y.append("  temporal:\n");
    y.append("    address: ").append(q(temporalTarget())).append('\n');
    y.append("    namespace: default\n");
    y.append("  api:\n");
    y.append("    max-body-bytes: 65536\n");
    y.append("    rate-limit:\n");
    y.append("      requests-per-second: 20\n");
    y.append("      burst: 40\n");
    y.append("    tokens:\n");
    for (ApiUser u : API_USERS) {
      y.append("      ").append(u.name()).append(":\n");
      y.append("        sha256: ").append(q(sha256Hex(tokens.get(u.name())))).append('\n');
      y.append("        user: ").append(q(u.name())).append('\n');
      y.append("        roles: [").append(String.join(", ", u.roles())).append("]\n");
    }
    y.append("    identity:\n");
    y.append("      key-id: ").append(q(state.identityKeyId)).append('\n');
    y.append("  chat:\n");
    y.append("    users:\n");
    for (Map.Entry<String, String> c : CHAT_USERS.entrySet()) {
      ApiUser u = API_USERS.stream().filter(x -> x.name().equals(c.getValue())).findFirst().orElseThrow();
      // Brackets keep the chat id exactly as written (upper case) as a map key.
      y.append("      ").append(q("[" + c.getKey() + "]")).append(":\n");
      y.append("        user: ").append(q(u.name())).append('\n');
      y.append("        roles: [").append(String.join(", ", u.roles())).append("]\n");
    }
    Files.writeString(file, y.toString());
    state.apiConfig = file.toString();

    Path log = dir.resolve("api.log");
    state.apiLog = log.toString();
    List<String> argv =
        List.of(Processes.javaBin(), "-XX:+UseSerialGC", "-jar", state.apiJar, "serve", "--config", file.toString());
    ProcessHandle h = Processes.startDetached(argv, log);
    state.apiPid = h.pid();
    state.apiStartMillis = Processes.startMillis(h);
    save();
    return h;
  }

  private void awaitApiUp(ProcessHandle h) {
    awaitHealthy("the API", h, URI.create(state.apiUrl + "/actuator/health"), apiLog(), API_START_TIMEOUT);
  }

  /** SHA-256 of the token's UTF-8 bytes, lower-case hex: how the API's configuration names it. */
  public static String sha256Hex(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static String randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  private static void createPrivateDir(Path d) throws IOException {
    Files.createDirectories(d.getParent());
    Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /** A file created mode 600 from the start, so the secret is never readable by others. */
  private static void writeSecret(Path file, String value) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, value);
  }

  private static int freePortOtherThan(int... taken) {
    while (true) {
      int port = HaproxyLauncher.freePort();
      boolean clash = false;
      for (int t : taken) {
        clash |= t == port;
      }
      if (!clash) {
        return port;
      }
    }
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
    awaitHealthy("the worker", h, URI.create(state.workerActuatorUrl + "/health"), log, WORKER_START_TIMEOUT);
  }

  private static void awaitHealthy(String what, ProcessHandle h, URI health, Path log, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!h.isAlive()) {
        throw new IllegalStateException(what + " exited at start; " + log + ":\n" + Processes.tail(log, 4000));
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
        throw new IllegalStateException("interrupted while waiting for " + what);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            what + " was not UP at " + health + " within " + timeout.toSeconds() + "s; "
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
