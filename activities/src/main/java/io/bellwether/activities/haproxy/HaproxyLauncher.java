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
 * main frontend ({@link Options#withCanaryRoute}) and an optional Prometheus exporter frontend
 * ({@link Options#withPrometheusExporter}), for tests, the sandbox,
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
  private static final String SERVER_STATE_FILE = "server-state";
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
   */
  public record Options(
      boolean agentCheck,
      Map<String, Integer> agentPorts,
      boolean httpHealthCheck,
      List<Pool> pools,
      CanaryRoute canaryRoute,
      int prometheusExporterPort) {
    public Options {
      agentPorts = agentPorts == null ? Map.of() : Map.copyOf(agentPorts);
      pools = pools == null ? List.of() : List.copyOf(pools);
      if (prometheusExporterPort < 0 || prometheusExporterPort > 65535) {
        throw new IllegalArgumentException(
            "prometheus exporter port must be 1 to 65535 (0 for none), got " + prometheusExporterPort);
      }
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
          agentCheck, agentPorts, httpHealthCheck, more, canaryRoute, prometheusExporterPort);
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
          prometheusExporterPort);
    }

    /**
     * These options plus a frontend {@code fe_metrics} on 127.0.0.1:{@code port} that answers
     * {@code /metrics} with HAProxy's built-in Prometheus exporter (anything else: 503).
     */
    public Options withPrometheusExporter(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("prometheus exporter port must be 1 to 65535, got " + port);
      }
      return new Options(agentCheck, agentPorts, httpHealthCheck, pools, canaryRoute, port);
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
  private final int prometheusExporterPort;
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
    this.prometheusExporterPort = options.prometheusExporterPort();
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
   * fresh map file and three empty segment map files. Throws {@link IOException} with the tail of
   * {@code haproxy.log} when HAProxy does not come up within 10 s; nothing is left running then.
   * Throws {@link IllegalArgumentException} for bad names, slot counts, a canary route on another
   * backend than {@code backend}, or two pools (or backends) of the same name.
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
      for (String be : pool.backends()) {
        if (!backendNames.add(be)) {
          throw new IllegalArgumentException(
              "pool " + pool.name() + ": backend " + be + " exists already");
        }
      }
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
      if (!backendNames.add(canary.canaryBackend())) {
        throw new IllegalArgumentException(
            "canary route: backend " + canary.canaryBackend() + " exists already");
      }
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
    cfg.append('\n');
    cfg.append("frontend fe_").append(backend).append('\n');
    cfg.append("  bind 127.0.0.1:").append(frontendPort).append('\n');
    if (options.canaryRoute() != null) {
      appendRoutingRules(cfg, dir, options.canaryRoute().backend());
    }
    // With a canary route this is only reached when the map lost its keys.
    cfg.append("  default_backend ").append(backend).append('\n');
    cfg.append('\n');
    cfg.append("backend ").append(backend).append('\n');
    cfg.append("  balance roundrobin\n");
    if (options.httpHealthCheck()) {
      cfg.append("  option httpchk GET /health\n");
    }
    for (Map.Entry<String, String> server : servers.entrySet()) {
      cfg.append("  server ").append(server.getKey()).append(' ').append(server.getValue());
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
      appendSlotBackend(cfg, options.canaryRoute().canaryBackend(), options.canaryRoute().slots());
    }
    for (Pool pool : options.pools()) {
      appendPool(cfg, dir, pool);
    }
    if (options.prometheusExporterPort() > 0) {
      cfg.append('\n');
      cfg.append("frontend fe_metrics\n");
      cfg.append("  bind 127.0.0.1:").append(options.prometheusExporterPort()).append('\n');
      cfg.append("  http-request use-service prometheus-exporter if { path /metrics }\n");
    }
    return cfg.toString();
  }

  private static void appendPool(StringBuilder cfg, Path dir, Pool pool) {
    String p = pool.name();
    cfg.append('\n');
    cfg.append("frontend fe_").append(p).append('\n');
    cfg.append("  bind 127.0.0.1:").append(pool.frontendPort()).append('\n');
    appendRoutingRules(cfg, dir, p);
    for (String be : pool.backends()) {
      appendSlotBackend(cfg, be, pool.slots());
    }
  }

  /**
   * The rules of a pool frontend, in order: preview, the three segments, the percentage, live. The
   * segment rules match the header's (last) value, the cookie's value or the user id as a key of
   * the segment map; a value that is no key, or no header at all, falls through.
   */
  private static void appendRoutingRules(StringBuilder cfg, Path dir, String p) {
    Path mapPath = mapFile(dir, p);
    String map = mapPath.toString();
    // The percentage is read once per request into a variable; 'sub' takes a variable, not a
    // fetch. Every key has a default, so a map missing a key still routes everything to live.
    cfg.append("  http-request set-var(txn.").append(p).append("_pct) str(").append(p)
        .append(".candidate_pct),map(").append(map).append(",0)\n");
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

  private static void appendSlotBackend(StringBuilder cfg, String be, int slots) {
    cfg.append('\n');
    cfg.append("backend ").append(be).append('\n');
    cfg.append("  balance roundrobin\n");
    // Slots start in maintenance at a placeholder address and are filled at run time with
    // 'set server addr/port' and 'state ready'. All slots in maintenance answer 503 at once.
    cfg.append("  server-template s 1-").append(slots).append(" 127.0.0.1:1 disabled\n");
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
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= route(pool).slots(); i++) {
      out.add("s" + i);
    }
    return out;
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
   * route included).
   */
  public RouterConfig routerConfig() {
    Map<String, PoolConfig> out = new LinkedHashMap<>();
    for (Route r : routes) {
      out.put(r.name(), poolConfig(r.name()));
    }
    return new RouterConfig("haproxy", runtimeApi(), null, out);
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
