package io.bellwether.activities.haproxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.config.SplitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Starts a local HAProxy with one frontend and one round-robin backend, plus optional blue-green
 * pools each on a frontend of its own ({@link Options#withPool}), an optional canary route on the
 * main frontend ({@link Options#withCanaryRoute}), optional experiment splits on the main frontend
 * ahead of everything else ({@link Options#withSplit}) and an optional Prometheus exporter frontend
 * ({@link Options#withPrometheusExporter}) and optional latency faults in every backend ({@link
 * Options#withLatencyFaults}), optional retries ({@link Options#withRetries}) and server limits
 * ({@link Options#withServerLimits}), for tests, the sandbox,
 * end-to-end tests and the bench. HAProxy runs in the foreground ({@code -db}), so the process we
 * start is HAProxy itself and {@link #close()} stops exactly it.
 *
 * <p>Measured on HAProxy 2.6 with {@code check inter 500ms}: a server set back to READY from MAINT
 * takes traffic at once when its last health check before maintenance passed; HAProxy keeps the
 * check result through maintenance and does not make it re-prove itself. If the instance behind it
 * is not answering, leaving maintenance triggers a check at once and the server is marked DOWN
 * before requests reach it (no failed requests were seen, but that relies on check timing). So the
 * orchestrator must wait until the new instance answers its own health probes before READY: drain,
 * wait for sessions, MAINT, restart, probe until healthy, READY. A server that came from DOWN needs
 * {@code rise} (2) passing checks, about one second, before HAProxy sends it traffic.
 */
public final class HaproxyLauncher implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
  private static final Pattern POOL_NAME = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** Request headers a split sets for the instances; deleted from every incoming request. */
  public static final String VARIANT_HEADER = "x-bellwether-variant";
  /** How the request was assigned: forced, segment, cookie, hash or random. */
  public static final String ASSIGNMENT_HEADER = "x-bellwether-assignment";
  private static final String SERVER_STATE_FILE = "server-state";
  private static final String LATENCY_LUA_FILE = "bellwether-latency.lua";
  private static final String LATENCY_MAP_FILE = "faults-latency.map";
  /**
   * The latency action: the delay the backend's rules looked up for the answering server, in the
   * variable {@code txn.bw_fault_delay} as {@code <delayMs>,<faultId>}, slept with {@code
   * core.msleep}, which yields to HAProxy instead of blocking the thread.
   */
  private static final String LATENCY_LUA =
      """
      -- Written by Bellwether's HaproxyLauncher: latency faults (HaproxyLatencyInjector).
      -- The backend rules look the answering server up in the latency map and run this action
      -- only when it is there; the value is "<delayMs>,<faultId>".
      core.register_action("bw_latency", { "http-res" }, function(txn)
        local v = txn:get_var("txn.bw_fault_delay")
        if v == nil then
          return
        end
        local ms = tonumber(string.match(v, "^(%d+)"))
        if ms ~= nil and ms > 0 and ms <= 60000 then
          core.msleep(ms)
        end
      end)
      """;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  // sun_path holds 108 bytes on Linux; HAProxy refuses longer socket paths.
  private static final int MAX_SOCKET_PATH = 100;

  /**
   * What to add to the generated configuration.
   *
   * @param agentCheck give servers listed in {@code agentPorts} an {@code agent-check} on that port
   *     (interval 500 ms)
   * @param agentPorts server name to agent port; servers not listed get no agent
   * @param httpHealthCheck health-check every server with {@code GET /health} every 500 ms
   * @param pools blue-green pools, each with its own frontend
   * @param canaryRoute the main backend as the live side of a pool on the main frontend; null for
   *     none
   * @param prometheusExporterPort port of the {@code fe_metrics} frontend serving HAProxy's
   *     Prometheus exporter at {@code /metrics}; 0 for none
   * @param splits experiment splits on the main frontend, in the order their rules run
   * @param latencyFaults load the latency-fault Lua action and hook it into every backend (see
   *     {@link Options#withLatencyFaults()})
   * @param retries connection retries with redispatch, and retries of idempotent requests whose
   *     server closed without answering (see {@link Options#withRetries(int)}); 0 for HAProxy's
   *     defaults (nothing written)
   * @param serverMaxConn most requests each server of the main backend handles at once, the rest
   *     wait in the backend's queue; 0 for no limit (see {@link Options#withServerLimits})
   * @param queueTimeout longest wait in a backend queue before HAProxy answers 503; null for
   *     HAProxy's default ({@code timeout connect})
   */
  public record Options(
      boolean agentCheck,
      Map<String, Integer> agentPorts,
      boolean httpHealthCheck,
      List<Pool> pools,
      CanaryRoute canaryRoute,
      int prometheusExporterPort,
      List<Split> splits,
      boolean latencyFaults,
      int retries,
      int serverMaxConn,
      Duration queueTimeout) {
    public Options {
      agentPorts = agentPorts == null ? Map.of() : Map.copyOf(agentPorts);
      pools = pools == null ? List.of() : List.copyOf(pools);
      splits = splits == null ? List.of() : List.copyOf(splits);
      if (prometheusExporterPort < 0 || prometheusExporterPort > 65535) {
        throw new IllegalArgumentException(
            "prometheus exporter port must be 1 to 65535 (0 for none), got " + prometheusExporterPort);
      }
      if (retries < 0 || retries > 10) {
        throw new IllegalArgumentException("retries must be 0 to 10, got " + retries);
      }
      if (serverMaxConn < 0 || serverMaxConn > 100_000) {
        throw new IllegalArgumentException("server maxconn must be 0 to 100000, got " + serverMaxConn);
      }
      if (queueTimeout != null && (queueTimeout.isNegative() || queueTimeout.isZero())) {
        throw new IllegalArgumentException("queue timeout must be positive, got " + queueTimeout);
      }
    }

    /** Without retries or server limits. */
    public Options(
        boolean agentCheck,
        Map<String, Integer> agentPorts,
        boolean httpHealthCheck,
        List<Pool> pools,
        CanaryRoute canaryRoute,
        int prometheusExporterPort,
        List<Split> splits,
        boolean latencyFaults) {
      this(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          pools,
          canaryRoute,
          prometheusExporterPort,
          splits,
          latencyFaults,
          0,
          0,
          null);
    }

    /** Without latency faults. */
    public Options(
        boolean agentCheck,
        Map<String, Integer> agentPorts,
        boolean httpHealthCheck,
        List<Pool> pools,
        CanaryRoute canaryRoute,
        int prometheusExporterPort,
        List<Split> splits) {
      this(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          pools,
          canaryRoute,
          prometheusExporterPort,
          splits,
          false);
    }

    /** Without experiment splits. */
    public Options(
        boolean agentCheck,
        Map<String, Integer> agentPorts,
        boolean httpHealthCheck,
        List<Pool> pools,
        CanaryRoute canaryRoute,
        int prometheusExporterPort) {
      this(
          agentCheck, agentPorts, httpHealthCheck, pools, canaryRoute, prometheusExporterPort, null);
    }

    /** Without a canary route or an exporter. */
    public Options(
        boolean agentCheck, Map<String, Integer> agentPorts, boolean httpHealthCheck, List<Pool> pools) {
      this(agentCheck, agentPorts, httpHealthCheck, pools, null, 0);
    }

    /** Without blue-green pools. */
    public Options(boolean agentCheck, Map<String, Integer> agentPorts, boolean httpHealthCheck) {
      this(agentCheck, agentPorts, httpHealthCheck, List.of());
    }

    /** No agent checks, no health checks, no pools. */
    public static Options defaults() {
      return new Options(false, Map.of(), false);
    }

    /**
     * These options plus a blue-green pool: backends {@code <pool>_a} and {@code <pool>_b} of
     * {@code slots} empty slots each ({@code s1..sN}, in MAINT), a map file {@code <dir>/<pool>.map}
     * starting with {@code <pool>_a} live, empty segment map files (see {@link
     * HaproxyPoolSwitch.Segment}), and a frontend on {@code frontendPort} that routes by them.
     */
    public Options withPool(String pool, int frontendPort, int slots) {
      List<Pool> more = new ArrayList<>(pools);
      more.add(new Pool(pool, frontendPort, slots));
      return new Options(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          more,
          canaryRoute,
          prometheusExporterPort,
          splits,
          latencyFaults,
          retries,
          serverMaxConn,
          queueTimeout);
    }

    /**
     * These options plus a canary route on the main frontend: a pool named {@code backend} (it must
     * be the backend given to {@code start}) whose live backend is that backend with its fixed
     * servers and whose candidate is a new backend {@code <backend>_canary} of {@code slots} empty
     * slots ({@code s1..sN}, in MAINT). The main frontend then routes by the map file {@code
     * <dir>/<backend>.map} (keys {@code <backend>.live}, {@code .candidate}, {@code
     * .candidate_pct}, {@code .preview}) and the pool's segment maps exactly like a pool frontend;
     * with 0% and no segments every request still reaches {@code backend}.
     */
    public Options withCanaryRoute(String backend, int slots) {
      return new Options(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          pools,
          new CanaryRoute(backend, slots),
          prometheusExporterPort,
          splits,
          latencyFaults,
          retries,
          serverMaxConn,
          queueTimeout);
    }

    /**
     * These options plus a frontend {@code fe_metrics} on 127.0.0.1:{@code port} that answers
     * {@code /metrics} with HAProxy's built-in Prometheus exporter (anything else: 503).
     */
    public Options withPrometheusExporter(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("prometheus exporter port must be 1 to 65535, got " + port);
      }
      return new Options(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          pools,
          canaryRoute,
          port,
          splits,
          latencyFaults,
          retries,
          serverMaxConn,
          queueTimeout);
    }

    /**
     * These options plus an experiment split on the main frontend, with the default header and
     * cookie names ({@link SplitConfig}): backends {@code <name>_v1} to {@code <name>_v<variants>}
     * of {@code slots} empty slots each ({@code s1..sN}, in MAINT), the split's map file {@code
     * <dir>/<name>.map} (holding {@code <name>.open off}) and six empty sibling map files (see
     * {@link HaproxySplit.SplitMap}). Its rules run before the canary route's and before {@code
     * default_backend}; closed, they change nothing but deleting the {@code x-bellwether-variant}
     * and {@code x-bellwether-assignment} request headers.
     */
    public Options withSplit(String name, int variants, int slots) {
      return withSplit(
          new Split(
              name,
              variants,
              slots,
              SplitConfig.DEFAULT_USER_HEADER,
              SplitConfig.DEFAULT_SEGMENT_HEADER,
              SplitConfig.DEFAULT_SEGMENT_COOKIE,
              SplitConfig.DEFAULT_STICKY_COOKIE));
    }

    /** These options plus the experiment split {@code split}, as {@link #withSplit(String, int, int)}. */
    public Options withSplit(Split split) {
      List<Split> more = new ArrayList<>(splits);
      more.add(split);
      return new Options(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          pools,
          canaryRoute,
          prometheusExporterPort,
          more,
          latencyFaults,
          retries,
          serverMaxConn,
          queueTimeout);
    }

    /**
     * These options plus latency faults: the Lua action {@code lua.bw_latency} (file {@code
     * <dir>/bellwether-latency.lua}) and an empty map file {@code <dir>/faults-latency.map} keyed
     * {@code <backend>/<server>} with values {@code <delayMs>,<faultId>} (see {@link
     * io.bellwether.activities.chaos.HaproxyLatencyInjector}). Every backend looks the answering
     * server up in that map on each response and, only when it is there, runs the action, which
     * sleeps the delay with {@code core.msleep} before the response goes on to the client.
     *
     * <p>Measured on HAProxy 2.6.12 with {@code nbthread 1}: with a 2 s delay on one of two
     * servers, ten parallel requests took 2.0-2.16 s for the five that hit it and 15-123 ms for the
     * others, 2.6 s wall in all: the sleep yields, it does not hold the thread. A 5 s delay went
     * through although {@code timeout client}, {@code timeout server} (3 s there) and the default
     * {@code tune.lua.session-timeout} (4 s) were shorter: none of them counts a yielding sleep.
     * With the default 2 threads and 800 ms on one of three servers, 12 parallel requests: the 4
     * delayed 811-828 ms, the 8 others 7-25 ms (15-24 ms without any fault), 818-832 ms wall.
     * Delays beyond 5 s (up to the 60 s the injector accepts) were not measured.
     */
    public Options withLatencyFaults() {
      return new Options(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          pools,
          canaryRoute,
          prometheusExporterPort,
          splits,
          true,
          retries,
          serverMaxConn,
          queueTimeout);
    }

    /**
     * These options plus retries: {@code retries <n>} with {@code option redispatch 1} (every
     * retry goes to another server), {@code option http-buffer-request} (a request body is read
     * whole before a server is picked, so a POST whose connection was refused can be sent
     * elsewhere) and {@code retry-on conn-failure empty-response}, with {@code http-request
     * disable-l7-retry unless METH_GET} on every frontend. A killed server then costs no GET at
     * all, and no request that never reached it; only a POST (or any non-GET) that was already
     * with the server when it died fails, since replaying it could do its work twice.
     *
     * <p>Measured on HAProxy 2.6.12, 4 servers without health checks, 60 req/s (a third POST) of
     * 150 ms each, one server SIGKILLed: without these settings 2-3 requests failed per kill
     * (502 for those in flight, GETs among them); with {@code retries 3} and redispatch alone,
     * fresh POSTs still failed (503 after three retries on the dead server) until the body was
     * buffered; with all of them, 0-1 failed per kill, always a POST that was in flight. With a
     * per-server {@code maxconn} on top, a few fresh requests were still retried three times on
     * the dead server (its slots free up at once, so the queue hands them back to it): keep
     * {@link #withServerLimits} for capacity tests, not for kill tests.
     */
    public Options withRetries(int retries) {
      return new Options(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          pools,
          canaryRoute,
          prometheusExporterPort,
          splits,
          latencyFaults,
          retries,
          serverMaxConn,
          queueTimeout);
    }

    /**
     * These options plus a capacity limit: {@code maxconn <serverMaxConn>} on every server of the
     * main backend (0: none), and {@code timeout queue <queueTimeout>} (null: HAProxy's default,
     * {@code timeout connect}). Requests beyond what the servers take wait in the backend's queue
     * and get a 503 from HAProxy when the queue timeout passes, counted in the backend's {@code
     * hrsp_5xx} like any server's 5xx (so an overloaded backend fails fast and visibly instead of
     * queueing). The runtime API changes the limit while running: {@code set maxconn server
     * <backend>/<server> <n>} (0 lifts it).
     *
     * <p>Measured on HAProxy 2.6.12 with servers answering in 150 ms: {@code maxconn 3} on 4
     * servers carried 60 req/s without a failure; with two of them in maintenance, 14% of the
     * requests got the queue's 503 after 1 s.
     */
    public Options withServerLimits(int serverMaxConn, Duration queueTimeout) {
      return new Options(
          agentCheck,
          agentPorts,
          httpHealthCheck,
          pools,
          canaryRoute,
          prometheusExporterPort,
          splits,
          latencyFaults,
          retries,
          serverMaxConn,
          queueTimeout);
    }
  }

  /**
   * An experiment split on the main frontend.
   *
   * @param name letters, digits and {@code _} (it becomes part of HAProxy variable names)
   * @param variants how many variant backends, 2 to 10
   * @param slots server slots per variant backend, 1 to 100
   * @param userHeader request header holding the user id
   * @param segmentHeader request header whose value may select a segment
   * @param segmentCookie cookie whose value may select a segment
   * @param stickyCookie cookie that keeps a random draw
   */
  public record Split(
      String name,
      int variants,
      int slots,
      String userHeader,
      String segmentHeader,
      String segmentCookie,
      String stickyCookie) {
    /** {@code <name>_v1} to {@code <name>_v<variants>}. */
    public List<String> backends() {
      List<String> out = new ArrayList<>();
      for (int i = 1; i <= variants; i++) {
        out.add(name + "_v" + i);
      }
      return List.copyOf(out);
    }
  }

  /**
   * A canary route: the main backend, with its fixed servers, as the live side of a pool on the
   * main frontend.
   *
   * @param backend the main backend; also the pool's name, so letters, digits and {@code _}
   * @param slots server slots of the candidate backend {@code <backend>_canary}, 1 to 100
   */
  public record CanaryRoute(String backend, int slots) {
    /** Live then candidate: {@code <backend>}, {@code <backend>_canary}. */
    public List<String> backends() {
      return List.of(backend, canaryBackend());
    }

    /** The slot backend the canary instances are put into. */
    public String canaryBackend() {
      return backend + "_canary";
    }
  }

  /**
   * A blue-green pool to generate.
   *
   * @param name letters, digits and {@code _} (it becomes part of an HAProxy variable name)
   * @param frontendPort the pool's own frontend on 127.0.0.1
   * @param slots server slots per backend, 1 to 100
   */
  public record Pool(String name, int frontendPort, int slots) {
    /** The two backends, in the order they take turns: {@code <name>_a}, {@code <name>_b}. */
    public List<String> backends() {
      return List.of(name + "_a", name + "_b");
    }
  }

  /**
   * Anything routed by a pool map, on its own frontend or on the main one.
   *
   * @param backends live then candidate, as the map file starts
   * @param slotBackends the backends made of {@code server-template} slots
   */
  private record Route(
      String name, int frontendPort, int slots, List<String> backends, List<String> slotBackends) {}

  private volatile Process process;
  private final List<Route> routes;
  private final CanaryRoute canaryRoute;
  private final List<Split> splits;
  private final int prometheusExporterPort;
  private final boolean latencyFaults;
  private final Path dir;
  private final Path configFile;
  private final Path socket;
  private final Path logFile;
  private final int frontendPort;
  private final String backend;

  private HaproxyLauncher(
      Process process,
      Path dir,
      Path configFile,
      Path socket,
      Path logFile,
      int frontendPort,
      String backend,
      Options options) {
    this.process = process;
    this.routes = routes(options, frontendPort);
    this.canaryRoute = options.canaryRoute();
    this.splits = options.splits();
    this.prometheusExporterPort = options.prometheusExporterPort();
    this.latencyFaults = options.latencyFaults();
    this.dir = dir;
    this.configFile = configFile;
    this.socket = socket;
    this.logFile = logFile;
    this.frontendPort = frontendPort;
    this.backend = backend;
  }

  /** {@link #start(Path, int, String, Map, Options)} with {@link Options#defaults()}. */
  public static HaproxyLauncher start(
      Path dir, int frontendPort, String backend, Map<String, String> servers) throws IOException {
    return start(dir, frontendPort, backend, servers, Options.defaults());
  }

  /**
   * Writes {@code haproxy.cfg} into {@code dir}, starts HAProxy on it and returns once the admin
   * socket answers {@code show info}. {@code servers} maps server name to {@code 127.0.0.1:port}
   * and keeps its iteration order in the backend. Every pool (blue-green or canary route) gets a
   * fresh map file and three empty segment map files; every split a map file holding only {@code
   * <split>.open off} and six empty map files. Throws {@link IOException} with the tail of {@code
   * haproxy.log} when HAProxy does not come up within 10 s; nothing is left running then. Throws
   * {@link IllegalArgumentException} for bad names, slot or variant counts, a canary route on
   * another backend than {@code backend}, or two pools, splits (or backends) of the same name.
   */
  public static HaproxyLauncher start(
      Path dir, int frontendPort, String backend, Map<String, String> servers, Options options)
      throws IOException {
    Options opts = options == null ? Options.defaults() : options;
    requireName("backend", backend);
    servers.keySet().forEach(name -> requireName("server", name));
    validate(opts, backend);
    Files.createDirectories(dir);
    Path absDir = dir.toAbsolutePath();
    Path socket = absDir.resolve("admin.sock");
    if (socket.toString().length() > MAX_SOCKET_PATH) {
      throw new IOException("admin socket path too long for a unix socket: " + socket);
    }
    Files.deleteIfExists(socket);
    Path configFile = absDir.resolve("haproxy.cfg");
    Files.writeString(configFile, config(absDir, socket, frontendPort, backend, servers, opts));
    for (Route route : routes(opts, frontendPort)) {
      String p = route.name();
      List<String> be = route.backends();
      Files.writeString(
          mapFile(absDir, p),
          p + ".live " + be.get(0) + "\n"
              + p + ".candidate " + be.get(1) + "\n"
              + p + ".candidate_pct 0\n"
              + p + ".preview off\n");
      // Segment maps left by an earlier run in this directory would route its users.
      for (HaproxyPoolSwitch.Segment segment : HaproxyPoolSwitch.Segment.values()) {
        Files.writeString(segment.mapFile(mapFile(absDir, p), p), "");
      }
    }
    // Maps left by an earlier run in this directory would route its experiment.
    for (Split split : opts.splits()) {
      Path main = mapFile(absDir, split.name());
      for (HaproxySplit.SplitMap map : HaproxySplit.SplitMap.values()) {
        Files.writeString(
            map.file(main, split.name()),
            map == HaproxySplit.SplitMap.MAIN ? split.name() + ".open off\n" : "");
      }
    }
    if (opts.latencyFaults()) {
      Files.writeString(absDir.resolve(LATENCY_LUA_FILE), LATENCY_LUA);
      // Entries left by an earlier run in this directory would delay its servers.
      Files.writeString(absDir.resolve(LATENCY_MAP_FILE), "");
    }
    // A state file left by an earlier run in this directory would restore its slots.
    Files.deleteIfExists(absDir.resolve(SERVER_STATE_FILE));
    Path logFile = absDir.resolve("haproxy.log");

    Process process = launch(absDir, configFile, logFile);
    HaproxyLauncher launcher =
        new HaproxyLauncher(
            process, absDir, configFile, socket, logFile, frontendPort, backend, opts);
    try {
      launcher.awaitReady();
    } catch (IOException | RuntimeException e) {
      launcher.close();
      throw e;
    }
    return launcher;
  }

  private static void validate(Options opts, String backend) {
    Set<String> poolNames = new HashSet<>();
    Set<String> backendNames = new HashSet<>();
    backendNames.add(backend);
    for (Pool pool : opts.pools()) {
      requirePool("pool", pool.name(), pool.slots());
      if (!poolNames.add(pool.name())) {
        throw new IllegalArgumentException("two pools named " + pool.name());
      }
      claimBackends("pool " + pool.name(), pool.backends(), backendNames);
    }
    CanaryRoute canary = opts.canaryRoute();
    if (canary != null) {
      requirePool("canary route", canary.backend(), canary.slots());
      if (!canary.backend().equals(backend)) {
        throw new IllegalArgumentException(
            "a canary route must be on the main backend '" + backend + "', got '" + canary.backend() + "'");
      }
      if (!poolNames.add(canary.backend())) {
        throw new IllegalArgumentException("a pool is named like the canary route " + canary.backend());
      }
      claimBackends("canary route", List.of(canary.canaryBackend()), backendNames);
    }
    for (Split split : opts.splits()) {
      if (split == null) {
        throw new IllegalArgumentException("a split is null");
      }
      requirePool("split", split.name(), split.slots());
      if (split.variants() < 2 || split.variants() > 10) {
        throw new IllegalArgumentException(
            "split " + split.name() + ": variants must be 2 to 10, got " + split.variants());
      }
      // Its map files are named like a pool's: one name for both would share them.
      if (!poolNames.add(split.name())) {
        throw new IllegalArgumentException(
            "split " + split.name() + ": a pool, canary route or split has that name already");
      }
      claimBackends("split " + split.name(), split.backends(), backendNames);
      requireToken("split " + split.name() + " user header", split.userHeader(), HEADER_NAME);
      requireToken("split " + split.name() + " segment header", split.segmentHeader(), HEADER_NAME);
      requireToken("split " + split.name() + " segment cookie", split.segmentCookie(), COOKIE_NAME);
      requireToken("split " + split.name() + " sticky cookie", split.stickyCookie(), COOKIE_NAME);
    }
  }

  /** Adds {@code backends} to {@code taken}; throws when one is there already ("exists already"). */
  private static void claimBackends(String owner, List<String> backends, Set<String> taken) {
    for (String be : backends) {
      if (!taken.add(be)) {
        throw new IllegalArgumentException(owner + ": backend " + be + " exists already");
      }
    }
  }

  private static void requireToken(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must match " + pattern + ": " + value);
    }
  }

  private static void requirePool(String kind, String name, int slots) {
    if (name == null || !POOL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(kind + " name must be letters, digits and _ : " + name);
    }
    if (slots < 1 || slots > 100) {
      throw new IllegalArgumentException(kind + " " + name + ": slots must be 1 to 100");
    }
  }

  /** Blue-green pools in the order added, then the canary route. */
  private static List<Route> routes(Options opts, int mainFrontendPort) {
    List<Route> out = new ArrayList<>();
    for (Pool pool : opts.pools()) {
      out.add(new Route(pool.name(), pool.frontendPort(), pool.slots(), pool.backends(), pool.backends()));
    }
    CanaryRoute canary = opts.canaryRoute();
    if (canary != null) {
      out.add(
          new Route(
              canary.backend(),
              mainFrontendPort,
              canary.slots(),
              canary.backends(),
              List.of(canary.canaryBackend())));
    }
    return List.copyOf(out);
  }

  private static Process launch(Path dir, Path configFile, Path logFile) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(binary(), "-f", configFile.toString(), "-db");
    pb.directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return pb.start();
  }

  /**
   * Stops HAProxy and starts it again on the same configuration, map files and server-state file,
   * as a reload does: what survives this survives a reload. Returns once the admin socket answers.
   * Nothing is saved first; the pool switch saves its changes as it makes them.
   */
  public void restart() throws IOException {
    close();
    Files.deleteIfExists(socket);
    process = launch(dir, configFile, logFile);
    try {
      awaitReady();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void awaitReady() throws IOException {
    HaproxyRuntimeApi api = new HaproxyRuntimeApi(runtimeApi(), Duration.ofSeconds(1));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String lastError = "";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "haproxy exited with " + process.exitValue() + " at start; log tail:\n" + logTail());
      }
      if (Files.exists(socket)) {
        try {
          if (api.execute("show info").contains("Pid:")) {
            return;
          }
        } catch (RuntimeException e) {
          lastError = e.getMessage();
        }
      }
      sleep(50);
    }
    throw new IOException(
        "haproxy did not answer on "
            + socket
            + " within "
            + START_TIMEOUT.toSeconds()
            + " s ("
            + lastError
            + "); log tail:\n"
            + logTail());
  }

  static String config(
      Path dir,
      Path socket,
      int frontendPort,
      String backend,
      Map<String, String> servers,
      Options options) {
    StringBuilder cfg = new StringBuilder();
    cfg.append("# Written by Bellwether's HaproxyLauncher.\n");
    cfg.append("global\n");
    cfg.append("  stats socket ").append(socket).append(" mode 600 level admin\n");
    cfg.append("  stats timeout 30s\n");
    // Runtime changes survive a reload only through this file, dumped with 'show servers state'
    // just before the reload.
    cfg.append("  server-state-file ").append(dir.resolve(SERVER_STATE_FILE)).append('\n');
    Path latencyMap = options.latencyFaults() ? dir.resolve(LATENCY_MAP_FILE) : null;
    if (latencyMap != null) {
      cfg.append("  lua-load ").append(dir.resolve(LATENCY_LUA_FILE)).append('\n');
    }
    cfg.append('\n');
    cfg.append("defaults\n");
    cfg.append("  mode http\n");
    cfg.append("  timeout connect 2s\n");
    cfg.append("  timeout client 30s\n");
    cfg.append("  timeout server 30s\n");
    cfg.append("  timeout http-keep-alive 10s\n");
    // A fresh server connection per request: a stopped instance then never leaves idle pooled
    // connections that a later request could pick up and fail on.
    cfg.append("  option http-server-close\n");
    cfg.append("  load-server-state-from-file global\n");
    if (options.queueTimeout() != null) {
      cfg.append("  timeout queue ").append(options.queueTimeout().toMillis()).append("ms\n");
    }
    if (options.retries() > 0) {
      // Every retry on another server; the body read first, so a refused POST can go elsewhere;
      // a GET whose server closed without answering is sent again (see Options.withRetries).
      cfg.append("  retries ").append(options.retries()).append('\n');
      cfg.append("  option redispatch 1\n");
      cfg.append("  option http-buffer-request\n");
      cfg.append("  retry-on conn-failure empty-response\n");
    }
    cfg.append('\n');
    cfg.append("frontend fe_").append(backend).append('\n');
    cfg.append("  bind 127.0.0.1:").append(frontendPort).append('\n');
    // What a split tells the instances must come from the split alone, never from the client.
    cfg.append("  http-request del-header ").append(VARIANT_HEADER).append('\n');
    cfg.append("  http-request del-header ").append(ASSIGNMENT_HEADER).append('\n');
    appendRetryRule(cfg, options);
    // All http-request rules run before any use_backend, whatever their order in the file; they
    // are written that way so that HAProxy has nothing to warn about.
    for (Split split : options.splits()) {
      appendSplitRequestRules(cfg, dir, split);
    }
    if (options.canaryRoute() != null) {
      appendRoutingVars(cfg, dir, options.canaryRoute().backend());
    }
    for (Split split : options.splits()) {
      appendSplitResponseRules(cfg, split);
    }
    for (Split split : options.splits()) {
      cfg.append("  # Split '").append(split.name()).append("' first, then the canary route.\n");
      cfg.append("  use_backend %[var(txn.").append(split.name()).append("_be)] if bw_")
          .append(split.name()).append("_hit\n");
    }
    if (options.canaryRoute() != null) {
      appendRoutingBackends(cfg, dir, options.canaryRoute().backend());
    }
    // With a canary route this is only reached when the map lost its keys.
    cfg.append("  default_backend ").append(backend).append('\n');
    cfg.append('\n');
    cfg.append("backend ").append(backend).append('\n');
    cfg.append("  balance roundrobin\n");
    appendLatencyHook(cfg, latencyMap);
    if (options.httpHealthCheck()) {
      cfg.append("  option httpchk GET /health\n");
    }
    for (Map.Entry<String, String> server : servers.entrySet()) {
      cfg.append("  server ").append(server.getKey()).append(' ').append(server.getValue());
      if (options.serverMaxConn() > 0) {
        cfg.append(" maxconn ").append(options.serverMaxConn());
      }
      if (options.httpHealthCheck()) {
        cfg.append(" check inter 500ms");
      }
      Integer agentPort = options.agentPorts().get(server.getKey());
      if (options.agentCheck() && agentPort != null) {
        cfg.append(" agent-check agent-addr 127.0.0.1 agent-port ")
            .append(agentPort)
            .append(" agent-inter 500ms");
      }
      cfg.append('\n');
    }
    if (options.canaryRoute() != null) {
      appendSlotBackend(
          cfg, options.canaryRoute().canaryBackend(), options.canaryRoute().slots(), latencyMap);
    }
    for (Split split : options.splits()) {
      for (String be : split.backends()) {
        appendSlotBackend(cfg, be, split.slots(), latencyMap);
      }
    }
    for (Pool pool : options.pools()) {
      appendPool(cfg, dir, pool, latencyMap, options);
    }
    if (options.prometheusExporterPort() > 0) {
      cfg.append('\n');
      cfg.append("frontend fe_metrics\n");
      cfg.append("  bind 127.0.0.1:").append(options.prometheusExporterPort()).append('\n');
      cfg.append("  http-request use-service prometheus-exporter if { path /metrics }\n");
    }
    return cfg.toString();
  }

  private static void appendPool(
      StringBuilder cfg, Path dir, Pool pool, Path latencyMap, Options options) {
    String p = pool.name();
    cfg.append('\n');
    cfg.append("frontend fe_").append(p).append('\n');
    cfg.append("  bind 127.0.0.1:").append(pool.frontendPort()).append('\n');
    appendRetryRule(cfg, options);
    appendRoutingVars(cfg, dir, p);
    appendRoutingBackends(cfg, dir, p);
    for (String be : pool.backends()) {
      appendSlotBackend(cfg, be, pool.slots(), latencyMap);
    }
  }

  /**
   * With retries, only GETs (and HEADs) are sent again after their server closed without
   * answering: a replayed POST could do its work twice. A connection that was refused carried
   * nothing yet and is redispatched whatever the method.
   */
  private static void appendRetryRule(StringBuilder cfg, Options options) {
    if (options.retries() > 0) {
      cfg.append("  http-request disable-l7-retry unless METH_GET\n");
    }
  }

  /** The variable the pool's routing rules ({@link #appendRoutingBackends}) read. */
  private static void appendRoutingVars(StringBuilder cfg, Path dir, String p) {
    String map = mapFile(dir, p).toString();
    // The percentage is read once per request into a variable; 'sub' takes a variable, not a
    // fetch. Every key has a default, so a map missing a key still routes everything to live.
    cfg.append("  http-request set-var(txn.").append(p).append("_pct) str(").append(p)
        .append(".candidate_pct),map(").append(map).append(",0)\n");
  }

  /**
   * The rules of a pool, in order: preview, the three segments, the percentage, live. The segment
   * rules match the header's (last) value, the cookie's value or the user id as a key of the
   * segment map; a value that is no key, or no header at all, falls through. They read the variable
   * of {@link #appendRoutingVars}.
   */
  private static void appendRoutingBackends(StringBuilder cfg, Path dir, String p) {
    Path mapPath = mapFile(dir, p);
    String map = mapPath.toString();
    cfg.append("  use_backend %[str(").append(p).append(".candidate),map(").append(map)
        .append(")] if { req.hdr(").append(HaproxyPoolSwitch.PREVIEW_HEADER)
        .append(") -m found } { str(").append(p).append(".preview),map(").append(map)
        .append(",off) -m str on }\n");
    for (HaproxyPoolSwitch.Segment segment : HaproxyPoolSwitch.Segment.values()) {
      cfg.append("  use_backend %[str(").append(p).append(".candidate),map(").append(map)
          .append(")] if { ").append(segment.fetch()).append(",map(")
          .append(segment.mapFile(mapPath, p)).append(") -m found }\n");
    }
    cfg.append("  use_backend %[str(").append(p).append(".candidate),map(").append(map)
        .append(")] if { rand(100),sub(txn.").append(p).append("_pct) -m int lt 0 }\n");
    cfg.append("  use_backend %[str(").append(p).append(".live),map(").append(map).append(")]\n");
  }

  /**
   * The request rules of an experiment split, exactly in the order of {@link HaproxySplit}'s
   * contract: forced user, segment header, segment cookie, sticky cookie, bucket; then the headers
   * for the instances. Only variables are set here; the split's {@code use_backend} comes before
   * every other one. Measured on HAProxy 2.6.12: {@code set-var} whose expression finds nothing
   * (a map lookup without a key, a missing header) leaves the variable unset, so "not found yet"
   * is an ACL on the variable; {@code concat(,txn.VAR,)}, {@code xxh32}, {@code mod(100)} and
   * {@code map_int} work as used; {@code http-response} sees the {@code txn} variables.
   */
  private static void appendSplitRequestRules(StringBuilder cfg, Path dir, Split split) {
    String s = split.name();
    Path main = mapFile(dir, s);
    String m = main.toString();
    String v = "txn." + s + "_";
    String open = "bw_" + s + "_open";
    String hit = "bw_" + s + "_hit";
    String how = "bw_" + s + "_how";
    String user = "req.hdr(" + split.userHeader() + ")";
    String fresh = open + " !" + hit;
    cfg.append("  # --- Split '").append(s).append("' (Bellwether experiments) ---\n");
    cfg.append("  # Only while '").append(s).append(".open' is 'on' in ").append(m)
        .append(", and no split before it took the request.\n");
    cfg.append("  # First match wins; a request that matches nothing goes on as without the split.\n");
    cfg.append("  acl ").append(open).append(" var(").append(v).append("open) -m str on\n");
    cfg.append("  acl ").append(hit).append(" var(").append(v).append("be) -m found\n");
    cfg.append("  acl ").append(how).append(" var(").append(v).append("how) -m found\n");
    cfg.append("  http-request set-var(").append(v).append("open) str(").append(s)
        .append(".open),map(").append(m).append(",off) if !{ var(txn.bw_split) -m found }\n");
    cfg.append("  http-request set-var(").append(v).append("salt) str(").append(s)
        .append(".salt),map(").append(m).append(") if ").append(open).append('\n');
    cfg.append("  # 1. forced: the user id is a key of the users map (value: the backend)\n");
    cfg.append("  http-request set-var(").append(v).append("be) ").append(user).append(",map(")
        .append(HaproxySplit.SplitMap.USERS.file(main, s)).append(") if ").append(open).append('\n');
    cfg.append("  http-request set-var(").append(v).append("how) str(forced) if ").append(hit)
        .append('\n');
    cfg.append("  # 2. and 3. segment: the segment header's, then the segment cookie's value\n");
    cfg.append("  http-request set-var(").append(v).append("be) req.hdr(")
        .append(split.segmentHeader()).append("),map(")
        .append(HaproxySplit.SplitMap.SEG_HEADER.file(main, s)).append(") if ").append(fresh)
        .append('\n');
    cfg.append("  http-request set-var(").append(v).append("be) req.cook(")
        .append(split.segmentCookie()).append("),map(")
        .append(HaproxySplit.SplitMap.SEG_COOKIE.file(main, s)).append(") if ").append(fresh)
        .append('\n');
    cfg.append("  http-request set-var(").append(v).append("how) str(segment) if ").append(hit)
        .append(" !").append(how).append('\n');
    cfg.append("  # 4. cookie: ").append(split.stickyCookie())
        .append("=<salt>.<backend> is a key of the sticky map, which holds the current salt's\n");
    cfg.append("  #    keys only; '<salt>.out' keeps a visitor drawn outside every share outside.\n");
    cfg.append("  http-request set-var(").append(v).append("sticky) req.cook(")
        .append(split.stickyCookie()).append("),map(")
        .append(HaproxySplit.SplitMap.STICKY.file(main, s)).append(") if ").append(fresh)
        .append('\n');
    cfg.append("  http-request set-var(").append(v).append("be) var(").append(v)
        .append("sticky) if ").append(fresh).append(" !{ var(").append(v)
        .append("sticky) -m str out }\n");
    cfg.append("  http-request set-var(").append(v).append("how) str(cookie) if ").append(hit)
        .append(" !").append(how).append('\n');
    cfg.append("  # 5. bucket 0..99: with stickiness 'hash' and a non-empty user id\n");
    cfg.append("  #    xxh32(user id + salt) mod 100, else rand(100); the buckets map (map_int)\n");
    cfg.append("  #    holds the buckets of every share.\n");
    cfg.append("  http-request set-var(").append(v).append("draw) str(hash) if ").append(fresh)
        .append(" !{ var(").append(v).append("sticky) -m found } { ").append(user)
        .append(" -m len gt 0 } { str(").append(s).append(".stickiness),map(").append(m)
        .append(",hash) -m str hash }\n");
    cfg.append("  http-request set-var(").append(v).append("bucket) ").append(user)
        .append(",concat(,").append(v).append("salt,),xxh32,mod(100) if { var(").append(v)
        .append("draw) -m str hash }\n");
    cfg.append("  http-request set-var(").append(v).append("draw) str(random) if ").append(fresh)
        .append(" !{ var(").append(v).append("sticky) -m found } !{ var(").append(v)
        .append("draw) -m found }\n");
    cfg.append("  http-request set-var(").append(v).append("bucket) rand(100) if { var(")
        .append(v).append("draw) -m str random }\n");
    cfg.append("  http-request set-var(").append(v).append("be) var(").append(v)
        .append("bucket),map_int(").append(HaproxySplit.SplitMap.BUCKETS.file(main, s))
        .append(") if ").append(fresh).append(" { var(").append(v).append("bucket) -m found }\n");
    cfg.append("  http-request set-var(").append(v).append("how) var(").append(v)
        .append("draw) if ").append(hit).append(" !").append(how).append('\n');
    cfg.append("  # Tell the instances the variant (names map: backend -> variant) and how.\n");
    cfg.append("  http-request set-header ").append(VARIANT_HEADER).append(" %[var(").append(v)
        .append("be),map(").append(HaproxySplit.SplitMap.NAMES.file(main, s)).append(")] if ")
        .append(hit).append('\n');
    cfg.append("  http-request set-header ").append(ASSIGNMENT_HEADER).append(" %[var(")
        .append(v).append("how)] if ").append(hit).append('\n');
    cfg.append("  http-request set-var(txn.bw_split) str(").append(s).append(") if ").append(hit)
        .append('\n');
  }

  /** A random draw is kept in the sticky cookie, also one that fell outside every share. */
  private static void appendSplitResponseRules(StringBuilder cfg, Split split) {
    String s = split.name();
    String v = "txn." + s + "_";
    String cookie = split.stickyCookie();
    cfg.append("  # Split '").append(s).append("': keep a random draw in the sticky cookie.\n");
    cfg.append("  http-response add-header Set-Cookie \"").append(cookie).append("=%[var(")
        .append(v).append("salt)].%[var(").append(v).append("be)]; Path=/; HttpOnly\" if { var(")
        .append(v).append("how) -m str random }\n");
    cfg.append("  http-response add-header Set-Cookie \"").append(cookie).append("=%[var(")
        .append(v).append("salt)].out; Path=/; HttpOnly\" if { var(").append(v)
        .append("draw) -m str random } !bw_").append(s).append("_hit\n");
  }

  private static void appendSlotBackend(StringBuilder cfg, String be, int slots, Path latencyMap) {
    cfg.append('\n');
    cfg.append("backend ").append(be).append('\n');
    cfg.append("  balance roundrobin\n");
    appendLatencyHook(cfg, latencyMap);
    // Slots start in maintenance at a placeholder address and are filled at run time with
    // 'set server addr/port' and 'state ready'. All slots in maintenance answer 503 at once.
    cfg.append("  server-template s 1-").append(slots).append(" 127.0.0.1:1 disabled\n");
  }

  /**
   * The latency-fault rules of a backend (none for a null map): the answering server's entry
   * {@code <backend>/<server>} of the latency map into {@code txn.bw_fault_delay}, and the Lua
   * action only when there is one, so a server without a fault costs one map lookup and no Lua.
   */
  private static void appendLatencyHook(StringBuilder cfg, Path latencyMap) {
    if (latencyMap == null) {
      return;
    }
    cfg.append("  # Latency faults (Bellwether chaos): delay the responses of servers in the map.\n");
    // 'concat' takes a variable, not a fetch: the server name goes through one first.
    cfg.append("  http-response set-var(txn.bw_fault_srv) srv_name\n");
    cfg.append("  http-response set-var(txn.bw_fault_delay) be_name,concat(/,txn.bw_fault_srv),map(")
        .append(latencyMap).append(")\n");
    cfg.append("  http-response lua.bw_latency if { var(txn.bw_fault_delay) -m found }\n");
  }

  static Path mapFile(Path dir, String pool) {
    return dir.resolve(pool + ".map");
  }

  /** The admin unix socket. */
  public Path socket() {
    return socket;
  }

  /** {@code unix:} plus the socket path: the form {@code RouterConfig.runtimeApi} takes. */
  public String runtimeApi() {
    return "unix:" + socket;
  }

  /** The frontend's port on 127.0.0.1. */
  public int frontendPort() {
    return frontendPort;
  }

  /** The backend's name. */
  public String backend() {
    return backend;
  }

  /**
   * Names of the pools: the blue-green pools in the order they were added, then the canary route
   * (named like the main backend) if there is one.
   */
  public List<String> pools() {
    return routes.stream().map(Route::name).toList();
  }

  /** The canary route on the main frontend, if one was configured. */
  public Optional<CanaryRoute> canaryRoute() {
    return Optional.ofNullable(canaryRoute);
  }

  /** The port of the {@code fe_metrics} Prometheus exporter frontend; 0 when there is none. */
  public int prometheusExporterPort() {
    return prometheusExporterPort;
  }

  /** The pool's map file, as the frontend names it. */
  public Path poolMapFile(String pool) {
    return mapFile(dir, route(pool).name());
  }

  /** The pool's segment map file of the given kind, as the frontend names it. */
  public Path poolSegmentMapFile(String pool, HaproxyPoolSwitch.Segment segment) {
    return segment.mapFile(poolMapFile(pool), route(pool).name());
  }

  /**
   * The port on 127.0.0.1 of the frontend that routes by the pool's map: the pool's own, or for a
   * canary route the main frontend's.
   */
  public int poolFrontendPort(String pool) {
    return route(pool).frontendPort();
  }

  /**
   * The pool's two backends, live then candidate as the map starts: {@code <pool>_a}, {@code
   * <pool>_b}; for a canary route {@code <backend>}, {@code <backend>_canary}.
   */
  public List<String> poolBackends(String pool) {
    return route(pool).backends();
  }

  /**
   * The pool's slot names {@code s1..sN}, the same in every slot backend (both of a blue-green
   * pool; only {@code <backend>_canary} of a canary route, whose live backend has fixed servers).
   */
  public List<String> poolSlots(String pool) {
    return slotNames(route(pool).slots());
  }

  /** {@code s1..s<count>}. */
  private static List<String> slotNames(int count) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add("s" + i);
    }
    return out;
  }

  /**
   * The latency-fault map file {@code <dir>/faults-latency.map} every backend looks its servers up
   * in; only loaded by HAProxy when started {@link Options#withLatencyFaults() with latency
   * faults}.
   */
  public Path latencyFaultMapFile() {
    return dir.resolve(LATENCY_MAP_FILE);
  }

  /** Whether this HAProxy was started {@link Options#withLatencyFaults() with latency faults}. */
  public boolean latencyFaults() {
    return latencyFaults;
  }

  /** The {@code server-state-file} HAProxy loads at start. */
  public Path serverStateFile() {
    return dir.resolve(SERVER_STATE_FILE);
  }

  /** The pool as worker configuration: {@code bellwether.routers.<name>.pools.<pool>}. */
  public PoolConfig poolConfig(String pool) {
    return new PoolConfig(
        poolBackends(pool), poolMapFile(pool).toString(), serverStateFile().toString());
  }

  /**
   * This HAProxy as a configured router of type {@code haproxy}, with all its pools (the canary
   * route included) and splits.
   */
  public RouterConfig routerConfig() {
    Map<String, PoolConfig> out = new LinkedHashMap<>();
    for (Route r : routes) {
      out.put(r.name(), poolConfig(r.name()));
    }
    Map<String, SplitConfig> splitConfigs = new LinkedHashMap<>();
    for (Split split : splits) {
      splitConfigs.put(split.name(), splitConfig(split.name()));
    }
    return new RouterConfig("haproxy", runtimeApi(), null, out, splitConfigs);
  }

  /** Names of the experiment splits, in the order their rules run. */
  public List<String> splits() {
    return splits.stream().map(Split::name).toList();
  }

  /** The split's variant backends: {@code <split>_v1} to {@code <split>_v<variants>}. */
  public List<String> splitBackends(String split) {
    return split(split).backends();
  }

  /** The slot names {@code s1..sN} of every variant backend of the split. */
  public List<String> splitSlots(String split) {
    return slotNames(split(split).slots());
  }

  /** The split's own map file {@code <dir>/<split>.map}, as the frontend names it. */
  public Path splitMapFile(String split) {
    return mapFile(dir, split(split).name());
  }

  /** One of the split's map files, as the frontend names it. */
  public Path splitMapFile(String split, HaproxySplit.SplitMap map) {
    return map.file(splitMapFile(split), split(split).name());
  }

  /** The split as worker configuration: {@code bellwether.routers.<name>.splits.<split>}. */
  public SplitConfig splitConfig(String split) {
    Split s = split(split);
    return new SplitConfig(
        s.backends(),
        splitMapFile(split).toString(),
        serverStateFile().toString(),
        s.stickyCookie(),
        s.userHeader(),
        s.segmentHeader(),
        s.segmentCookie());
  }

  private Split split(String name) {
    for (Split s : splits) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no split named '" + name + "' in this HAProxy");
  }

  private Route route(String name) {
    for (Route r : routes) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no pool named '" + name + "' in this HAProxy");
  }

  /** PID of the HAProxy process this launcher started. */
  public long pid() {
    return process.pid();
  }

  /** The generated configuration. */
  public Path configFile() {
    return configFile;
  }

  /** HAProxy's own output (warnings, alerts, health check changes). */
  public Path logFile() {
    return logFile;
  }

  /** The directory holding the configuration, socket and log. */
  public Path dir() {
    return dir;
  }

  /** Whether the HAProxy process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the HAProxy this launcher started (SIGTERM, then SIGKILL after 5 s) and waits for it to
   * exit. Idempotent.
   */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A TCP port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code haproxy} from PATH, else {@code /usr/sbin/haproxy}. */
  static String binary() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (!entry.isEmpty()) {
          Path candidate = Path.of(entry, "haproxy");
          if (Files.isExecutable(candidate)) {
            return candidate.toString();
          }
        }
      }
    }
    return "/usr/sbin/haproxy";
  }

  private String logTail() {
    try {
      byte[] bytes = Files.readAllBytes(logFile);
      int from = Math.max(0, bytes.length - 4096);
      return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void requireName(String kind, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a valid HAProxy " + kind + " name: " + name);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for haproxy", e);
    }
  }
}
