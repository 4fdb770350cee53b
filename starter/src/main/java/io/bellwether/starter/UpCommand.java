package io.bellwether.starter;

import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bellwether up}: starts the local sandbox and leaves it running. */
@Command(
    name = "up",
    description =
        "Start a local sandbox: Temporal, demo-app instances, HAProxy (backend web with its canary route, and"
            + " blue-green pool shop), Prometheus, a little background traffic, a worker (with service web and its"
            + " fault injectors for chaos experiments), and the operator API with a token per sandbox user.")
final class UpCommand implements Callable<Integer> {
  @ParentCommand BellwetherCli root;
  @Spec CommandSpec spec;

  @Option(names = "--instances", defaultValue = "4", description = "Demo-app instances (default: ${DEFAULT-VALUE}).")
  int instances;

  @Option(names = "--version", defaultValue = "1.0.0", description = "Version they start at (default: ${DEFAULT-VALUE}).")
  String version;

  @Option(names = "--temporal-port", defaultValue = "7233", description = "Temporal port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int temporalPort;

  @Option(names = "--dir", description = "Sandbox directory (default: <checkout>/.bellwether/sandbox).")
  Path dir;

  @Option(
      names = "--load",
      defaultValue = "20",
      description = "Background requests per second through the HAProxy frontend, so canary analyses have data;"
          + " 0 for none (default: ${DEFAULT-VALUE}).")
  int load;

  /** The options as given, so the demo builds the same sandbox. */
  SandboxOptions options() {
    return SandboxOptions.defaults()
        .withInstances(instances)
        .withVersion(version)
        .withTemporalPort(temporalPort)
        .withDir(BellwetherCli.callerPath(dir))
        .withApi(true)
        .withBackgroundLoad(load);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.println("starting the sandbox (Temporal, " + instances
        + " demo-app instances, HAProxy, Prometheus, worker, operator API)...");
    out.flush();
    SandboxOptions options = options();
    Path sandboxDir = options.dirOrDefault();
    boolean[] done = {false};
    // Ctrl-C during start-up skips Sandbox.up's own cleanup; what had started is recorded in
    // sandbox.json step by step, so the hook can still stop it. A refused up records nothing new.
    Thread hook =
        new Thread(
            () -> {
              synchronized (done) {
                if (done[0]) {
                  return;
                }
              }
              try {
                Sandbox.load(sandboxDir).down();
              } catch (Exception e) {
                System.err.println("bellwether up: cleanup after interrupt failed: " + e.getMessage());
              }
            },
            "bellwether-up-cleanup");
    if (Files.isRegularFile(sandboxDir.resolve(Sandbox.STATE_FILE)) && Sandbox.load(sandboxDir).isRunning()) {
      throw new IllegalStateException("a sandbox is already running in " + sandboxDir + "; run: bellwether down");
    }
    Runtime.getRuntime().addShutdownHook(hook);
    Sandbox sandbox;
    try {
      sandbox = Sandbox.up(options);
    } finally {
      synchronized (done) {
        done[0] = true;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down.
      }
    }
    printAddresses(out, sandbox);
    out.println();
    String temporalFlag = temporalPort == 7233 ? "" : " --temporal " + sandbox.temporalTarget();
    out.println("Deploy with:  ./bellwether deploy -f examples/rolling-web.yaml" + temporalFlag);
    out.println("Watch with:   ./bellwether status rolling-web-2.0.0" + temporalFlag);
    out.println("Blue-green:   ./bellwether deploy -f examples/bluegreen-shop.yaml" + temporalFlag
        + "   (then: ./bellwether approve bluegreen-shop-2.0.0 --by alice --reason ...)");
    out.println("Canary:       ./bellwether deploy -f examples/canary-web.yaml" + temporalFlag
        + "   (then: ./bellwether report canary-web-2.0.0" + temporalFlag + ")");
    out.println("A/B test:     ./bellwether deploy -f examples/ab-web.yaml" + temporalFlag
        + "   (needs the shoppers of --load; then: ./bellwether report abtest-web-new-checkout" + temporalFlag + ")");
    out.println("Chaos:        ./bellwether chaos run examples/chaos-kill-one.json --follow" + temporalFlag
        + "   (or chaos-latency.yaml, chaos-zone-cut.yaml; --dry-run for the plan; then: ./bellwether report"
        + " chaos-web-kill-one" + temporalFlag + ")");
    out.println("Operator API: source " + envFileForShell(sandbox)
        + "   (then: curl -H \"Authorization: Bearer $BELLWETHER_DEPLOYER_TOKEN\" $BELLWETHER_API/api/v1/runs)");
    out.println("Stop with:    ./bellwether down" + (dir == null ? "" : " --dir " + dir));
    out.flush();
    return 0;
  }

  /**
   * The api.env path as the user would type it: relative to the checkout when the sandbox is in
   * its default place there (the README's {@code source .bellwether/sandbox/api.env}), else absolute.
   */
  static String envFileForShell(Sandbox s) {
    Path env = s.apiEnvFile();
    String home = s.state().home;
    if (home != null) {
      Path h = Path.of(home);
      if (env.startsWith(h) && s.dir().equals(SandboxOptions.defaultDir(h))) {
        return h.relativize(env).toString();
      }
    }
    return env.toString();
  }

  static void printAddresses(PrintWriter out, Sandbox s) {
    out.println("sandbox up in " + s.dir());
    out.println("  Temporal target    " + s.temporalTarget());
    out.println("  worker actuator    " + s.workerActuatorUrl() + "/health   (PID " + s.workerPid() + ")");
    out.println("  HAProxy frontend   " + s.frontendUrl());
    out.println("  HAProxy admin      " + s.routerRuntimeApi());
    out.println("  HAProxy exporter   " + s.haproxyExporterUrl());
    out.println("  Prometheus         " + s.prometheusUrl() + "   (metrics provider " + Sandbox.METRICS
        + ", scrape every " + s.scrapeIntervalSeconds() + "s; targets in " + s.scrapeTargetsDir() + ")");
    if (s.backgroundLoad() > 0) {
      out.println("  background load    " + s.backgroundLoad() + " req/s through the frontend (log "
          + s.dir().resolve("load.log") + ")");
    }
    out.println("  backend " + s.backend() + " (router " + Sandbox.ROUTER + ", deployer " + Sandbox.DEPLOYER + "):");
    s.instances().forEach((name, address) -> out.println("    " + name + "  " + address + "  " + s.startVersion()));
    List<String> canary = s.canaryBackends();
    out.println("  chaos service " + Sandbox.SERVICE + ": zones " + s.zones().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "))
        + "; fault injectors " + Sandbox.LATENCY_INJECTOR + ", " + Sandbox.ZONE_CUT_INJECTOR + ", " + Sandbox.KILL_INJECTOR
        + (s.hasStressInjector() ? ", " + Sandbox.STRESS_INJECTOR : "") + "; SLO " + Sandbox.SLO_OBJECTIVE
        + " over " + Sandbox.SLO_WINDOW);
    out.println("  canary route " + s.canaryPool() + " on the frontend: live " + canary.get(0) + ", canary instances into "
        + canary.get(1) + " (" + s.canarySlots() + " slots), map " + s.canaryMapFile());
    out.println("  shop frontend      " + s.shopFrontendUrl() + "   (blue-green pool " + s.pool() + ")");
    List<String> backends = s.poolBackends();
    out.println("  pool " + s.pool() + " (router " + Sandbox.ROUTER + ", deployer " + Sandbox.DEPLOYER + "): backends "
        + String.join(", ", backends) + " of " + s.poolSlots() + " slots, map " + s.poolMapFile());
    out.println("    live " + backends.get(0) + " (blue):");
    s.poolInstances().forEach((name, address) -> out.println("    " + name + "  " + address + "  " + s.poolVersion()));
    out.println("    idle " + backends.get(1) + " (green goes here)");
    if (s.hasApi()) {
      out.println("  operator API       " + s.apiUrl() + "   (PID " + s.apiPid() + "; OpenAPI page "
          + s.apiUrl() + "/swagger-ui.html)");
      out.println("    tokens           " + Sandbox.API_USERS.stream()
          .map(u -> u.name() + " [" + String.join(",", u.roles()) + "] $" + u.envVariable())
          .collect(java.util.stream.Collectors.joining(", ")));
      out.println("    exports in       " + s.apiEnvFile() + "   (mode 600: source " + envFileForShell(s) + ")");
      out.println("    chat users       " + Sandbox.CHAT_USERS.entrySet().stream()
          .map(e -> e.getKey() + " -> " + e.getValue())
          .collect(java.util.stream.Collectors.joining(", "))
          + "; signing secret in " + s.dir().resolve("api-secrets") + " (mode 600)");
    }
    out.println("  approvers          " + Sandbox.APPROVER_GROUP + ": " + String.join(", ", Sandbox.APPROVERS)
        + "; identity key '" + Sandbox.IDENTITY_KEY_ID + "' kept in " + s.dir().resolve("identity") + " (for --attest)");
    out.flush();
  }
}
