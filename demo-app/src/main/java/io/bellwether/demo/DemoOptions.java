package io.bellwether.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Command-line settings. Fault overrides are null when not given, so the release catalog decides.
 *
 * @param host address to bind; only this one
 * @param port port to bind; 0 picks a free one
 * @param version version to serve
 * @param instance instance name, shown in answers and metric tags
 * @param errorRate overrides the catalog's error rate when not null
 * @param latencyMs overrides the catalog's added latency when not null
 * @param unhealthy forces {@code /health} to answer 503
 * @param seed seeds the error draw, for repeatable tests; null for a random seed
 * @param threads most requests handled at once
 * @param shutdownGrace longest wait for in-flight requests on shutdown
 * @param conversionRate overrides the catalog's conversion rate (the shop's {@code
 *     buyProbability}) when not null
 * @param chaosMonkey serve the same endpoints from a Spring Boot app that embeds Chaos Monkey for
 *     Spring Boot, whose assaults are switched through {@code /actuator/chaosmonkey}; off by
 *     default, so an ordinary instance never starts Spring
 */
public record DemoOptions(
    String host,
    int port,
    String version,
    String instance,
    Double errorRate,
    Integer latencyMs,
    boolean unhealthy,
    Long seed,
    int threads,
    Duration shutdownGrace,
    Double conversionRate,
    boolean chaosMonkey) {

  public static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar demo-app.jar --port N --version V --instance NAME [options]",
          "  --host ADDR        address to bind (default 127.0.0.1)",
          "  --port N           port to bind, 0 for any free port (default 8080)",
          "  --version V        version to serve (default 1.0.0); behaviour comes from releases.json",
          "  --instance NAME    instance name (default demo)",
          "  --error-rate R     share of traffic requests answered with 500, 0 to 1",
          "  --latency-ms N     delay added to every traffic request",
          "  --conversion-rate R  buyProbability answered by /shop, 0 to 1",
          "  --unhealthy        /health answers 503",
          "  --chaos-monkey     serve from Spring Boot with Chaos Monkey (assaults through",
          "                     /actuator/chaosmonkey); starts in seconds instead of a fraction",
          "  --seed N           seed for the error draw",
          "  --threads N        most requests handled at once (default 200)",
          "  --shutdown-grace-ms N  longest wait for in-flight requests on SIGTERM (default 5000)");

  private static final Set<String> VALUED =
      Set.of(
          "--host",
          "--port",
          "--version",
          "--instance",
          "--error-rate",
          "--latency-ms",
          "--seed",
          "--threads",
          "--shutdown-grace-ms",
          "--conversion-rate");

  public DemoOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0 to 65535, got " + port);
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("--version must not be empty");
    }
    if (instance == null || instance.isBlank()) {
      throw new IllegalArgumentException("--instance must not be empty");
    }
    if (errorRate != null && !(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("--error-rate must be 0 to 1, got " + errorRate);
    }
    if (latencyMs != null && latencyMs < 0) {
      throw new IllegalArgumentException("--latency-ms must be 0 or more, got " + latencyMs);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    }
    if (shutdownGrace == null || shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("--shutdown-grace-ms must be 0 or more");
    }
    if (conversionRate != null && !(conversionRate >= 0 && conversionRate <= 1)) {
      throw new IllegalArgumentException("--conversion-rate must be 0 to 1, got " + conversionRate);
    }
    version = version.trim();
  }

  /** Without the Chaos Monkey mode. */
  public DemoOptions(
      String host,
      int port,
      String version,
      String instance,
      Double errorRate,
      Integer latencyMs,
      boolean unhealthy,
      Long seed,
      int threads,
      Duration shutdownGrace,
      Double conversionRate) {
    this(
        host,
        port,
        version,
        instance,
        errorRate,
        latencyMs,
        unhealthy,
        seed,
        threads,
        shutdownGrace,
        conversionRate,
        false);
  }

  /** Defaults for everything: 127.0.0.1:8080, version 1.0.0, instance {@code demo}. */
  public static DemoOptions defaults() {
    return new DemoOptions(
        "127.0.0.1",
        8080,
        "1.0.0",
        "demo",
        null,
        null,
        false,
        null,
        200,
        Duration.ofSeconds(5),
        null);
  }

  /**
   * Parses {@code --name value}, {@code --name=value} and the {@code --unhealthy} and {@code
   * --chaos-monkey} switches. Throws
   * {@link IllegalArgumentException} naming the first bad or unknown argument.
   */
  public static DemoOptions parse(String... args) {
    DemoOptions o = defaults();
    String host = o.host;
    int port = o.port;
    String version = o.version;
    String instance = o.instance;
    Double errorRate = null;
    Integer latencyMs = null;
    boolean unhealthy = false;
    Long seed = null;
    int threads = o.threads;
    Duration grace = o.shutdownGrace;
    Double conversionRate = null;
    boolean chaosMonkey = false;
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String arg = rest.remove(0);
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      if (name.equals("--unhealthy")) {
        unhealthy = inline == null || Boolean.parseBoolean(inline);
        continue;
      }
      if (name.equals("--chaos-monkey")) {
        chaosMonkey = inline == null || Boolean.parseBoolean(inline);
        continue;
      }
      if (!VALUED.contains(name)) {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
      String value;
      if (inline != null) {
        value = inline;
      } else if (!rest.isEmpty()) {
        value = rest.remove(0);
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
      switch (name) {
        case "--host" -> host = value;
        case "--port" -> port = integer(name, value);
        case "--version" -> version = value;
        case "--instance" -> instance = value;
        case "--error-rate" -> errorRate = decimal(name, value);
        case "--latency-ms" -> latencyMs = integer(name, value);
        case "--seed" -> seed = whole(name, value);
        case "--threads" -> threads = integer(name, value);
        case "--shutdown-grace-ms" -> grace = Duration.ofMillis(integer(name, value));
        case "--conversion-rate" -> conversionRate = decimal(name, value);
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    return new DemoOptions(
        host,
        port,
        version,
        instance,
        errorRate,
        latencyMs,
        unhealthy,
        seed,
        threads,
        grace,
        conversionRate,
        chaosMonkey);
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
  }

  private static long whole(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
  }

  private static double decimal(String name, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
  }
}
