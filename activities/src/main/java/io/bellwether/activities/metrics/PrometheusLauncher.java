package io.bellwether.activities.metrics;

import io.bellwether.activities.config.MetricsConfig;
import io.bellwether.contracts.metrics.MetricValue;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts a local Prometheus for tests, the sandbox, end-to-end tests and the bench, the way
 * {@code HaproxyLauncher} starts HAProxy: a generated configuration and a data directory under
 * {@code dir}, listening on 127.0.0.1 only, the process we start being Prometheus itself so that
 * {@link #close()} stops exactly it.
 *
 * <p>What it scrapes: every target file in {@link #targetsDir()} (job {@code bellwether}, {@code
 * file_sd_configs} over {@code targets/*.json}, re-read every second; see {@link ScrapeTargets}),
 * plus fixed targets such as HAProxy's exporter (job {@code haproxy}). Scrape and rule evaluation
 * run every {@link Options#scrapeInterval()}, 1 s by default.
 *
 * <p>Measured with Prometheus 2.42: {@code /-/ready} answers almost at once, but Prometheus passes
 * discovered targets on to its scrapers at most every 5 s, so the first samples of a new target
 * (at start, or a target file written later) arrive 5 to 6 s after it appeared. Wait with {@link
 * #awaitTargetsUp} before measuring.
 */
public final class PrometheusLauncher implements AutoCloseable {
  /** Scrape and evaluation interval unless told otherwise. */
  public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofSeconds(1);

  /** Job of the targets found through the target files. */
  public static final String FILE_SD_JOB = "bellwether";

  /** Job of HAProxy's exporter, when given. */
  public static final String HAPROXY_JOB = "haproxy";

  private static final Pattern JOB = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * What to scrape, and how often.
   *
   * @param scrapeInterval scrape and evaluation interval, at least 100 ms; default 1 s
   * @param staticTargets job name to {@code host:port} addresses scraped at {@code /metrics}
   */
  public record Options(Duration scrapeInterval, Map<String, List<String>> staticTargets) {
    public Options {
      scrapeInterval = scrapeInterval == null ? DEFAULT_SCRAPE_INTERVAL : scrapeInterval;
      if (scrapeInterval.toMillis() < 100) {
        throw new IllegalArgumentException("scrape interval must be at least 100ms");
      }
      Map<String, List<String>> copy = new LinkedHashMap<>();
      if (staticTargets != null) {
        staticTargets.forEach(
            (job, addresses) -> {
              if (job == null || !JOB.matcher(job).matches() || job.equals(FILE_SD_JOB)) {
                throw new IllegalArgumentException("bad job name '" + job + "'");
              }
              for (String a : addresses) {
                if (a == null || !ADDRESS.matcher(a).matches()) {
                  throw new IllegalArgumentException(
                      "job " + job + ": target must be host:port, got '" + a + "'");
                }
              }
              copy.put(job, List.copyOf(addresses));
            });
      }
      staticTargets = java.util.Collections.unmodifiableMap(copy);
    }

    /** A 1 s scrape interval and only the target files. */
    public static Options defaults() {
      return new Options(DEFAULT_SCRAPE_INTERVAL, Map.of());
    }

    /** These options with another scrape and evaluation interval (the bench varies it). */
    public Options withScrapeInterval(Duration interval) {
      return new Options(interval, staticTargets);
    }

    /** These options plus {@code address} (host:port) scraped at {@code /metrics} as {@code job}. */
    public Options withStaticTarget(String job, String address) {
      Map<String, List<String>> more = new LinkedHashMap<>(staticTargets);
      List<String> list = new ArrayList<>(more.getOrDefault(job, List.of()));
      list.add(address);
      more.put(job, list);
      return new Options(scrapeInterval, more);
    }

    /** These options plus HAProxy's exporter on 127.0.0.1:{@code port}, job {@code haproxy}. */
    public Options withHaproxyExporter(int port) {
      return withStaticTarget(HAPROXY_JOB, "127.0.0.1:" + port);
    }
  }

  private final Path dir;
  private final int port;
  private final Options options;
  private final Path configFile;
  private final Path logFile;
  private final PrometheusProvider provider;
  private volatile Process process;

  private PrometheusLauncher(Path dir, int port, Options options) {
    this.dir = dir;
    this.port = port;
    this.options = options;
    this.configFile = dir.resolve("prometheus.yml");
    this.logFile = dir.resolve("prometheus.log");
    this.provider = new PrometheusProvider(url(), Duration.ofSeconds(2));
  }

  /** {@link #start(Path, int, Options)} with {@link Options#defaults()}. */
  public static PrometheusLauncher start(Path dir, int port) throws IOException {
    return start(dir, port, Options.defaults());
  }

  /**
   * Writes {@code prometheus.yml} into {@code dir} (creating {@code dir/targets} and {@code
   * dir/data}), starts Prometheus on 127.0.0.1:{@code port} and returns once {@code /-/ready}
   * answers and a query works. Targets need a few more seconds: see {@link #awaitTargetsUp}.
   * Throws {@link IOException} with the tail of {@code prometheus.log} when it does not come up
   * within 20 s; nothing is left running then.
   */
  public static PrometheusLauncher start(Path dir, int port, Options options) throws IOException {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
    }
    Path abs = dir.toAbsolutePath();
    PrometheusLauncher p =
        new PrometheusLauncher(abs, port, options == null ? Options.defaults() : options);
    Files.createDirectories(p.targetsDir());
    Files.createDirectories(p.dataDir());
    Files.writeString(p.configFile, config(p.targetsDir(), p.options), StandardCharsets.UTF_8);
    p.launch();
    return p;
  }

  /** The generated configuration. */
  static String config(Path targetsDir, Options options) {
    String every = seconds(options.scrapeInterval());
    StringBuilder y = new StringBuilder();
    y.append("# Written by Bellwether's PrometheusLauncher.\n");
    y.append("global:\n");
    y.append("  scrape_interval: ").append(every).append('\n');
    // A scrape may not take longer than the interval; Prometheus refuses the file otherwise.
    y.append("  scrape_timeout: ").append(every).append('\n');
    y.append("  evaluation_interval: ").append(every).append('\n');
    y.append("scrape_configs:\n");
    y.append("  - job_name: ").append(FILE_SD_JOB).append('\n');
    y.append("    file_sd_configs:\n");
    y.append("      - files: ['").append(targetsDir.resolve("*.json")).append("']\n");
    y.append("        refresh_interval: 1s\n");
    options
        .staticTargets()
        .forEach(
            (job, targets) -> {
              y.append("  - job_name: ").append(job).append('\n');
              y.append("    static_configs:\n");
              y.append("      - targets: [");
              for (int i = 0; i < targets.size(); i++) {
                y.append(i == 0 ? "" : ", ").append('\'').append(targets.get(i)).append('\'');
              }
              y.append("]\n");
            });
    return y.toString();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private void launch() throws IOException {
    List<String> argv =
        List.of(
            binary(),
            "--config.file=" + configFile,
            "--storage.tsdb.path=" + dataDir(),
            "--storage.tsdb.retention.time=1d",
            "--web.listen-address=127.0.0.1:" + port);
    Files.writeString(
        logFile,
        "=== bellwether: starting " + argv + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(argv)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      awaitReady(READY_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      stop();
      throw e;
    }
  }

  /**
   * Waits until Prometheus answers {@code /-/ready} and a trivial query. Throws {@link
   * IOException} with the log tail when the process exits or {@code timeout} passes.
   */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IOException(
            "prometheus is not running"
                + (p == null ? "" : " (exited with " + p.exitValue() + ")")
                + "; log tail:\n"
                + logTail());
      }
      if (provider.isOnline()) {
        return;
      }
      sleep(POLL);
    }
    throw new IOException(
        "prometheus did not become ready on port " + port + " within " + timeout + "; log tail:\n"
            + logTail());
  }

  /**
   * Waits until at least {@code n} targets are up ({@code count(up == 1) >= n}), that is, each
   * scraped successfully at least once. Throws {@link IOException} naming how many were up, and
   * the targets' last errors, when {@code timeout} passes.
   */
  public void awaitTargetsUp(int n, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    MetricValue last = null;
    while (System.nanoTime() < deadline) {
      last = provider.query("count(up == 1)");
      if (last.ok() && last.value() >= n) {
        return;
      }
      sleep(POLL);
    }
    String seen = last == null ? "nothing" : last.ok() ? (int) last.value() + " up" : last.detail();
    throw new IOException(
        "fewer than " + n + " targets up within " + timeout + " (" + seen + ")");
  }

  /** {@link #awaitTargetsUp(int, Duration)} with 30 s. */
  public void awaitTargetsUp(int n) throws IOException {
    awaitTargetsUp(n, Duration.ofSeconds(30));
  }

  /**
   * Stops Prometheus (SIGTERM, SIGKILL after 5 s) and keeps its configuration and data, so {@link
   * #restart()} comes back with the history so far. Idempotent.
   */
  public void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    if (p.isAlive()) {
      p.destroy();
      try {
        if (!p.waitFor(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts Prometheus again on the same port, configuration, targets and data, stopping it first
   * when it runs. Returns once it is ready, as {@link #start} does.
   */
  public void restart() throws IOException {
    stop();
    launch();
  }

  /** Whether the Prometheus process this launcher started is running. */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** {@code http://127.0.0.1:PORT}: the base URL of the HTTP API. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The listening port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The options it was started with. */
  public Options options() {
    return options;
  }

  /** Where target files go ({@link ScrapeTargets#write}); Prometheus re-reads it every second. */
  public Path targetsDir() {
    return dir.resolve("targets");
  }

  /** Prometheus' TSDB directory. */
  public Path dataDir() {
    return dir.resolve("data");
  }

  /** The generated {@code prometheus.yml}. */
  public Path configFile() {
    return configFile;
  }

  /** Prometheus' own output. */
  public Path logFile() {
    return logFile;
  }

  /** PID of the running Prometheus process; -1 when stopped. */
  public long pid() {
    Process p = process;
    return p != null && p.isAlive() ? p.pid() : -1;
  }

  /** This Prometheus as worker configuration: {@code bellwether.metrics.<name>}, type prometheus. */
  public MetricsConfig metricsConfig() {
    return new MetricsConfig("prometheus", url(), null);
  }

  /** The last lines of {@code prometheus.log}. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A port free on 127.0.0.1 right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The {@code prometheus} executable: {@code $BELLWETHER_PROMETHEUS} when set, else the first on
   * the PATH, else {@code /usr/bin/prometheus} (Debian's package).
   */
  public static String binary() {
    String override = System.getenv("BELLWETHER_PROMETHEUS");
    if (override != null && !override.isBlank()) {
      return override;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        Path candidate = Path.of(entry, "prometheus");
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return "/usr/bin/prometheus";
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
