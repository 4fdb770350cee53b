package io.bellwether.activities.haproxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Starts a local HAProxy with one frontend and one round-robin backend, for tests, the sandbox,
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
   */
  public record Options(
      boolean agentCheck, Map<String, Integer> agentPorts, boolean httpHealthCheck) {
    public Options {
      agentPorts = agentPorts == null ? Map.of() : Map.copyOf(agentPorts);
    }

    /** No agent checks, no health checks. */
    public static Options defaults() {
      return new Options(false, Map.of(), false);
    }
  }

  private final Process process;
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
      String backend) {
    this.process = process;
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
   * and keeps its iteration order in the backend. Throws {@link IOException} with the tail of
   * {@code haproxy.log} when HAProxy does not come up within 10 s; nothing is left running then.
   */
  public static HaproxyLauncher start(
      Path dir, int frontendPort, String backend, Map<String, String> servers, Options options)
      throws IOException {
    Options opts = options == null ? Options.defaults() : options;
    requireName("backend", backend);
    servers.keySet().forEach(name -> requireName("server", name));
    Files.createDirectories(dir);
    Path absDir = dir.toAbsolutePath();
    Path socket = absDir.resolve("admin.sock");
    if (socket.toString().length() > MAX_SOCKET_PATH) {
      throw new IOException("admin socket path too long for a unix socket: " + socket);
    }
    Files.deleteIfExists(socket);
    Path configFile = absDir.resolve("haproxy.cfg");
    Files.writeString(configFile, config(absDir, socket, frontendPort, backend, servers, opts));
    Path logFile = absDir.resolve("haproxy.log");

    ProcessBuilder pb = new ProcessBuilder(binary(), "-f", configFile.toString(), "-db");
    pb.directory(absDir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process = pb.start();
    HaproxyLauncher launcher =
        new HaproxyLauncher(process, absDir, configFile, socket, logFile, frontendPort, backend);
    try {
      launcher.awaitReady();
    } catch (IOException | RuntimeException e) {
      launcher.close();
      throw e;
    }
    return launcher;
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
    cfg.append("  server-state-file ").append(dir.resolve("server-state")).append('\n');
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
    return cfg.toString();
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
