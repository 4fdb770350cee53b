package io.bellwether.starter.sandbox;

import java.nio.file.Path;

/**
 * How to build a sandbox.
 *
 * @param home the Bellwether checkout whose jars are run; located when null
 * @param dir where state, logs and pid files go; {@code <home>/.bellwether/sandbox} when null
 * @param instances number of demo-app instances, named {@code web-1..web-N}
 * @param version the version every instance starts at
 * @param temporalPort port of the Temporal server on 127.0.0.1
 * @param notifierUrl when set, the worker posts run notifications there as chat messages
 *     ({@code bellwether.notifiers.chat}, {@code type: slack}, the default route for every
 *     service); a secret, so it goes to a mode-600 file and {@link #toString()} never shows it
 * @param api whether to run the operator API too ({@code bellwether up} does; the demo, the bench
 *     and the e2e suites that do not call it leave it out: it is one more JVM to start)
 * @param backgroundLoad requests per second a detached load process sends through the frontend
 *     for the sandbox's whole life, 0 for none. {@code bellwether up} sends a little, so that a
 *     canary's analysis has data to measure; the demo, tests and bench bring their own load.
 * @param scrapeIntervalSeconds Prometheus' scrape and rule evaluation interval, 1 to 60
 */
public record SandboxOptions(
    Path home,
    Path dir,
    int instances,
    String version,
    int temporalPort,
    String notifierUrl,
    boolean api,
    int backgroundLoad,
    int scrapeIntervalSeconds) {
  public static final int DEFAULT_INSTANCES = 4;
  public static final String DEFAULT_VERSION = "1.0.0";
  public static final int DEFAULT_TEMPORAL_PORT = 7233;
  /** One second, as the tests and analyses with second-scale intervals need. */
  public static final int DEFAULT_SCRAPE_INTERVAL_SECONDS = 1;

  public SandboxOptions {
    if (instances < 1 || instances > 50) {
      throw new IllegalArgumentException("instances must be 1 to 50, got " + instances);
    }
    if (temporalPort < 1 || temporalPort > 65535) {
      throw new IllegalArgumentException("temporal port must be 1 to 65535, got " + temporalPort);
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("version is required");
    }
    if (notifierUrl != null && !notifierUrl.startsWith("http://") && !notifierUrl.startsWith("https://")) {
      // The URL is not echoed: a webhook URL is its own credential.
      throw new IllegalArgumentException("the notifier URL must be http:// or https://");
    }
    if (backgroundLoad < 0 || backgroundLoad > 1000) {
      throw new IllegalArgumentException("background load must be 0 to 1000 requests per second, got " + backgroundLoad);
    }
    if (scrapeIntervalSeconds < 1 || scrapeIntervalSeconds > 60) {
      throw new IllegalArgumentException("scrape interval must be 1 to 60 seconds, got " + scrapeIntervalSeconds);
    }
  }

  /** The options before background load and the scrape interval were settable. */
  public SandboxOptions(
      Path home, Path dir, int instances, String version, int temporalPort, String notifierUrl, boolean api) {
    this(home, dir, instances, version, temporalPort, notifierUrl, api, 0, DEFAULT_SCRAPE_INTERVAL_SECONDS);
  }

  /**
   * Four instances at 1.0.0, Temporal on 7233, the checkout and directory found when used, no API,
   * no background load, a 1 s scrape interval.
   */
  public static SandboxOptions defaults() {
    return new SandboxOptions(null, null, DEFAULT_INSTANCES, DEFAULT_VERSION, DEFAULT_TEMPORAL_PORT, null, false);
  }

  public SandboxOptions withHome(Path home) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, backgroundLoad, scrapeIntervalSeconds);
  }

  public SandboxOptions withDir(Path dir) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, backgroundLoad, scrapeIntervalSeconds);
  }

  public SandboxOptions withInstances(int instances) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, backgroundLoad, scrapeIntervalSeconds);
  }

  public SandboxOptions withVersion(String version) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, backgroundLoad, scrapeIntervalSeconds);
  }

  public SandboxOptions withTemporalPort(int temporalPort) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, backgroundLoad, scrapeIntervalSeconds);
  }

  /** The same options with run notifications posted to {@code notifierUrl} (null: none). */
  public SandboxOptions withNotifierUrl(String notifierUrl) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, backgroundLoad, scrapeIntervalSeconds);
  }

  /** The same options with the operator API started (or not) beside the worker. */
  public SandboxOptions withApi(boolean api) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, backgroundLoad, scrapeIntervalSeconds);
  }

  /** The same options with a detached load process sending {@code requestsPerSecond} (0: none). */
  public SandboxOptions withBackgroundLoad(int requestsPerSecond) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, requestsPerSecond, scrapeIntervalSeconds);
  }

  /** The same options with Prometheus scraping (and evaluating) every {@code seconds}. */
  public SandboxOptions withScrapeIntervalSeconds(int seconds) {
    return new SandboxOptions(home, dir, instances, version, temporalPort, notifierUrl, api, backgroundLoad, seconds);
  }

  @Override
  public String toString() {
    return "SandboxOptions[home=" + home + ", dir=" + dir + ", instances=" + instances + ", version=" + version
        + ", temporalPort=" + temporalPort + ", notifierUrl=" + (notifierUrl == null ? "<none>" : "<set>") + ", api=" + api
        + ", backgroundLoad=" + backgroundLoad + ", scrapeIntervalSeconds=" + scrapeIntervalSeconds + "]";
  }

  /** The checkout: {@link #home} or the located one. */
  public Path homeOrLocate() {
    return home != null ? home.toAbsolutePath().normalize() : RepoHome.locate();
  }

  /** The sandbox directory: {@link #dir} or {@code <home>/.bellwether/sandbox}. */
  public Path dirOrDefault() {
    return dir != null ? dir.toAbsolutePath().normalize() : defaultDir(homeOrLocate());
  }

  /** {@code <home>/.bellwether/sandbox}. */
  public static Path defaultDir(Path home) {
    return home.resolve(".bellwether").resolve("sandbox");
  }
}
