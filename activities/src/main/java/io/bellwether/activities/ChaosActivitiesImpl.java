package io.bellwether.activities;

import io.bellwether.activities.chaos.FaultInjector;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.ServiceConfig;
import io.bellwether.activities.config.SloConfig;
import io.bellwether.activities.metrics.MetricsProvider;
import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.RouterUnavailableException;
import io.bellwether.activities.router.TrafficRouter;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.ChaosActivities;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.ProbeReading;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.SloReading;
import io.bellwether.contracts.chaos.StopCondition;
import io.bellwether.contracts.chaos.TargetSelector;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.Violation;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ChaosActivities} over the configured services ({@code bellwether.services}), fault
 * injectors, routers and metrics providers. Read-only, so every call is safe to retry. Only names
 * the configuration lacks fail (non-retryable {@code UnknownTarget}); a probe that cannot be read
 * is a reading without a value that says why, never a failure, so that the workflow decides what
 * a missing reading means. No reading or detail ever holds an endpoint's URL.
 */
public class ChaosActivitiesImpl implements ChaosActivities {
  /** The longest one probe reading may take; a slower one comes back without a value. */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  // Margin past the probe timeout for the threads to hand their readings back.
  private static final Duration COLLECT_MARGIN = Duration.ofMillis(500);

  private static final AtomicInteger THREADS = new AtomicInteger();
  // Probes block on I/O, each bounded by its timeout; threads are reused and die when idle.
  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "bellwether-probe-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private final AdapterRegistry registry;
  private final Duration probeTimeout;
  private final HttpClient http;

  public ChaosActivitiesImpl(AdapterRegistry registry) {
    this(registry, PROBE_TIMEOUT);
  }

  /** With another probe timeout, for tests. */
  public ChaosActivitiesImpl(AdapterRegistry registry, Duration probeTimeout) {
    this.registry = registry;
    this.probeTimeout = probeTimeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(probeTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(READERS)
            .build();
  }

  @Override
  public List<Violation> checkExperiment(ChaosExperimentSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      return out;
    }
    ServiceConfig service = null;
    if (notBlank(spec.service())) {
      service = registry.service(spec.service()).orElse(null);
      if (service == null) {
        out.add(
            new Violation(
                "service",
                "no service '"
                    + spec.service()
                    + "' is configured under bellwether.services; configured: "
                    + known(registry.serviceNames())));
      }
    }
    if (spec.faults() != null) {
      for (int i = 0; i < spec.faults().size(); i++) {
        faultProblems("faults[" + i + "]", spec.faults().get(i), spec.service(), service, out);
      }
    }
    if (service == null) {
      return out;
    }
    if (spec.probes() != null) {
      for (int i = 0; i < spec.probes().size(); i++) {
        ProbeSpec probe = spec.probes().get(i);
        String p = "probes[" + i + "]";
        if (probe == null) {
          continue;
        }
        if (ProbeSpec.HTTP.equals(probe.type())
            && notBlank(probe.endpoint())
            && !service.endpoints().containsKey(probe.endpoint())) {
          out.add(
              new Violation(
                  p + ".endpoint",
                  "service '"
                      + spec.service()
                      + "' has no endpoint '"
                      + probe.endpoint()
                      + "' (bellwether.services."
                      + spec.service()
                      + ".endpoints); configured: "
                      + known(service.endpoints().keySet())));
        }
        if (ProbeSpec.PROMETHEUS.equals(probe.type())) {
          metricsProblem(p + ".metrics", probe.metrics(), spec.service(), service, out);
        }
      }
    }
    for (int i = 0; i < spec.guardrails().size(); i++) {
      StopCondition g = spec.guardrails().get(i);
      if (g != null) {
        metricsProblem("guardrails[" + i + "].metrics", g.metrics(), spec.service(), service, out);
      }
    }
    if (spec.errorBudget() != null && service.slo() == null) {
      out.add(
          new Violation(
              "errorBudget",
              "service '"
                  + spec.service()
                  + "' has no SLO (bellwether.services."
                  + spec.service()
                  + ".slo) to measure an error budget against"));
    }
    return out;
  }

  /** The injector is known, acts on the service's router, and every zone named is configured. */
  private void faultProblems(
      String p, FaultSpec fault, String serviceName, ServiceConfig service, List<Violation> out) {
    if (fault == null || !notBlank(fault.injector())) {
      return;
    }
    FaultInjector injector = registry.faultInjector(fault.injector()).orElse(null);
    if (injector == null) {
      out.add(
          new Violation(
              p + ".injector",
              "no fault injector '"
                  + fault.injector()
                  + "' is configured under bellwether.fault-injectors; configured: "
                  + known(registry.faultInjectorNames())));
      return;
    }
    if (service == null) {
      return;
    }
    String router =
        registry
            .faultInjectorConfig(fault.injector())
            .map(FaultInjectorConfig::router)
            .orElse(null);
    if (injector.actsOnServers() && notBlank(router) && !router.equals(service.router())) {
      out.add(
          new Violation(
              p + ".injector",
              "injector '"
                  + fault.injector()
                  + "' acts on router '"
                  + router
                  + "', but service '"
                  + serviceName
                  + "' is behind router '"
                  + service.router()
                  + "'"));
    }
    if (!injector.actsOnServers()) {
      if (fault.targets() != null || (fault.steps() != null && !fault.steps().isEmpty())) {
        out.add(
            new Violation(
                fault.targets() != null ? p + ".targets" : p + ".steps",
                "injector '"
                    + fault.injector()
                    + "' acts on the worker's host, not on servers: give no targets or steps"));
      }
      return;
    }
    List<TargetSelector> steps = fault.stepsOrTargets();
    for (int k = 0; k < steps.size(); k++) {
      TargetSelector s = steps.get(k);
      if (s != null && notBlank(s.zone()) && !service.zones().containsKey(s.zone())) {
        String at =
            fault.steps() != null && !fault.steps().isEmpty() ? ".steps[" + k + "]" : ".targets";
        out.add(
            new Violation(
                p + at + ".zone",
                "service '"
                    + serviceName
                    + "' has no zone '"
                    + s.zone()
                    + "' (bellwether.services."
                    + serviceName
                    + ".zones); configured: "
                    + known(service.zones().keySet())));
      }
    }
  }

  private void metricsProblem(
      String field, String named, String serviceName, ServiceConfig service, List<Violation> out) {
    if (notBlank(named)) {
      if (registry.metricsProvider(named).isEmpty()) {
        out.add(
            new Violation(
                field,
                "no metrics provider '"
                    + named
                    + "' is configured under bellwether.metrics; configured: "
                    + known(registry.metricsProviderNames())));
      }
    } else if (!notBlank(service.metrics())) {
      out.add(
          new Violation(
              field,
              "required: service '"
                  + serviceName
                  + "' has no default metrics provider (bellwether.services."
                  + serviceName
                  + ".metrics)"));
    }
  }

  @Override
  public List<FaultTarget> candidates(String service, String injector) {
    ServiceConfig s = service(service);
    FaultInjector inj =
        registry
            .faultInjector(injector)
            .orElseThrow(
                () ->
                    Failures.unknownTarget(
                        "no fault injector named '"
                            + injector
                            + "' is configured under bellwether.fault-injectors; configured: "
                            + known(registry.faultInjectorNames())));
    if (!inj.actsOnServers()) {
      return List.of(new FaultTarget(injector, null, null, null, null));
    }
    TrafficRouter router = Failures.configuredRouter(registry.router(s.router()), s.router());
    List<ServerInfo> servers = Failures.router(s.router(), () -> router.servers(s.backend()));
    List<FaultTarget> out = new ArrayList<>(servers.size());
    for (ServerInfo server : servers) {
      out.add(
          new FaultTarget(
              server.name(), s.router(), s.backend(), server.name(), s.zoneOf(server.name())));
    }
    return out;
  }

  /**
   * Every probe on a thread of its own, each given {@link #PROBE_TIMEOUT}: one slow endpoint or
   * provider costs the others nothing, and the whole call returns within about that timeout.
   */
  @Override
  public List<ProbeReading> readProbes(String service, List<ProbeSpec> probes) {
    ServiceConfig s = service(service);
    if (probes == null || probes.isEmpty()) {
      return List.of();
    }
    List<CompletableFuture<ProbeReading>> running = new ArrayList<>(probes.size());
    for (ProbeSpec probe : probes) {
      running.add(CompletableFuture.supplyAsync(() -> read(s, probe), READERS));
    }
    long deadline = System.nanoTime() + probeTimeout.plus(COLLECT_MARGIN).toNanos();
    List<ProbeReading> out = new ArrayList<>(probes.size());
    for (int i = 0; i < probes.size(); i++) {
      String name = probes.get(i) == null ? "probes[" + i + "]" : probes.get(i).name();
      out.add(collect(name, running.get(i), deadline));
    }
    return out;
  }

  private ProbeReading collect(
      String name, CompletableFuture<ProbeReading> reading, long deadline) {
    try {
      return reading.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      reading.cancel(true);
      return new ProbeReading(
          name, null, 0, "no reading within " + Durations.format(probeTimeout));
    } catch (ExecutionException e) {
      return new ProbeReading(name, null, 0, "could not be read: " + safe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ProbeReading(name, null, 0, "not read: the activity was interrupted");
    }
  }

  private ProbeReading read(ServiceConfig service, ProbeSpec probe) {
    if (probe == null) {
      return new ProbeReading(null, null, 0, "empty probe");
    }
    String type = probe.type() == null ? "" : probe.type();
    return switch (type) {
      case ProbeSpec.HTTP -> readHttp(service, probe);
      case ProbeSpec.PROMETHEUS ->
          readPrometheus(probe.name(), probe.metrics(), service, probe.query());
      case ProbeSpec.SERVERS -> readServers(service, probe.name());
      default -> new ProbeReading(probe.name(), null, 0, "unknown probe type '" + type + "'");
    };
  }

  private ProbeReading readHttp(ServiceConfig service, ProbeSpec probe) {
    String name = probe.name();
    String endpoint = probe.endpoint();
    String url = endpoint == null ? null : service.endpoints().get(endpoint);
    if (url == null) {
      return new ProbeReading(name, null, 0, "the service has no endpoint '" + endpoint + "'");
    }
    HttpRequest request;
    try {
      request = get(url);
    } catch (URISyntaxException | IllegalArgumentException e) {
      return new ProbeReading(name, null, 0, "endpoint '" + endpoint + "' is not a usable URL");
    }
    long start = System.nanoTime();
    try {
      HttpResponse<Void> res = http.send(request, HttpResponse.BodyHandlers.discarding());
      double millis = Math.round((System.nanoTime() - start) / 100_000.0) / 10.0;
      return new ProbeReading(
          name,
          millis,
          res.statusCode(),
          "GET " + endpoint + ": " + res.statusCode() + " in " + millis + " ms");
    } catch (HttpConnectTimeoutException e) {
      return new ProbeReading(
          name,
          null,
          0,
          "GET " + endpoint + ": no connection within " + Durations.format(probeTimeout));
    } catch (HttpTimeoutException e) {
      return new ProbeReading(
          name,
          null,
          0,
          "GET " + endpoint + ": no answer within " + Durations.format(probeTimeout));
    } catch (ConnectException e) {
      return new ProbeReading(name, null, 0, "GET " + endpoint + ": connection refused");
    } catch (IOException e) {
      return new ProbeReading(name, null, 0, "GET " + endpoint + ": no answer (" + safe(e) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ProbeReading(name, null, 0, "GET " + endpoint + ": interrupted");
    }
  }

  /** A GET of {@code url}; a user and password in it go in a Basic authorization header. */
  private HttpRequest get(String url) throws URISyntaxException {
    URI u = new URI(url.trim());
    HttpRequest.Builder b = HttpRequest.newBuilder().timeout(probeTimeout).GET();
    if (u.getRawUserInfo() != null) {
      String credentials =
          Base64.getEncoder()
              .encodeToString(u.getUserInfo().getBytes(StandardCharsets.UTF_8));
      b.header("Authorization", "Basic " + credentials);
      u = new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null);
    }
    return b.uri(u).build();
  }

  private ProbeReading readPrometheus(
      String name, String named, ServiceConfig service, String query) {
    String providerName = notBlank(named) ? named : service.metrics();
    MetricsProvider provider = registry.metricsProvider(providerName).orElse(null);
    if (provider == null) {
      return new ProbeReading(
          name,
          null,
          0,
          providerName == null
              ? "no metrics provider: the service has none and the probe names none"
              : "no metrics provider '" + providerName + "' is configured");
    }
    MetricValue v = provider.query(query);
    if (v.ok()) {
      return new ProbeReading(name, v.value(), 0, "query on " + providerName + ": " + v.value());
    }
    return new ProbeReading(
        name,
        null,
        0,
        "query on "
            + providerName
            + ": "
            + v.status()
            + (v.detail() == null ? "" : " (" + v.detail() + ")"));
  }

  private ProbeReading readServers(ServiceConfig service, String name) {
    TrafficRouter router = registry.router(service.router()).orElse(null);
    if (router == null) {
      return new ProbeReading(name, null, 0, "no router '" + service.router() + "' is configured");
    }
    List<ServerInfo> servers;
    try {
      servers = router.servers(service.backend());
    } catch (UnknownBackendException | RouterRejectedException e) {
      return new ProbeReading(
          name, null, 0, "router '" + service.router() + "': " + e.getMessage());
    } catch (RouterUnavailableException e) {
      return new ProbeReading(
          name, null, 0, "router '" + service.router() + "' unavailable: " + e.getMessage());
    }
    int up = 0;
    List<String> out = new ArrayList<>();
    for (ServerInfo s : servers) {
      if (inRotation(s)) {
        up++;
      } else {
        out.add(s.name() + " " + s.state() + "/" + s.status());
      }
    }
    return new ProbeReading(
        name,
        (double) up,
        0,
        up
            + " of "
            + servers.size()
            + " servers of "
            + service.backend()
            + " up and in rotation"
            + (out.isEmpty() ? "" : "; not: " + String.join(", ", out)));
  }

  /** READY, and UP as the router sees it (a server without health check counts as up). */
  static boolean inRotation(ServerInfo s) {
    if (s.state() != ServerState.READY || s.status() == null) {
      return false;
    }
    String status = s.status().strip().toUpperCase(Locale.ROOT);
    return status.equals("UP") || status.startsWith("UP ") || status.equals("NO CHECK");
  }

  /**
   * The SLO counters, read with five instant queries in parallel: {@code
   * sum(increase(<total>[<window>]))}, the same of {@code errors}, {@code sum(<total>)}, {@code
   * sum(<errors>)} and {@code sum(rate(<total>[<window or 5m, the shorter>]))} (the request rate
   * now: an experiment's allowance is a share of the requests it will see, and an average over a
   * whole hour or day says little about the next minutes). An errors selector without any series
   * reads as 0 failures (a service that never failed may not have the series yet); any other
   * missing number is null, and the detail says why.
   */
  /** The longest window the current request rate is averaged over. */
  private static final Duration RATE_WINDOW = Duration.ofMinutes(5);

  @Override
  public SloReading readSlo(String service) {
    ServiceConfig s = service(service);
    SloConfig slo = s.slo();
    if (slo == null) {
      return null;
    }
    String window = Durations.format(slo.window());
    MetricsProvider provider = registry.metricsProvider(s.metrics()).orElse(null);
    if (provider == null) {
      return new SloReading(
          slo.objective(), window, null, null, null, null, null,
          "no metrics provider '" + s.metrics() + "' is configured");
    }
    String range = "[" + window + "]";
    List<String> why = new ArrayList<>();
    CompletableFuture<MetricValue> windowTotal =
        query(provider, "sum(increase(" + slo.total() + range + "))");
    CompletableFuture<MetricValue> windowFailed =
        query(provider, "sum(increase(" + slo.errors() + range + "))");
    CompletableFuture<MetricValue> total = query(provider, "sum(" + slo.total() + ")");
    CompletableFuture<MetricValue> failed = query(provider, "sum(" + slo.errors() + ")");
    Duration rateWindow = slo.window().compareTo(RATE_WINDOW) < 0 ? slo.window() : RATE_WINDOW;
    CompletableFuture<MetricValue> rate =
        query(
            provider,
            "sum(rate(" + slo.total() + "[" + Durations.format(rateWindow) + "]))");
    long deadline = System.nanoTime() + probeTimeout.plus(COLLECT_MARGIN).toNanos();
    Double wt = number("window total", windowTotal, false, deadline, why);
    Double wf = number("window failed", windowFailed, true, deadline, why);
    Double t = number("total", total, false, deadline, why);
    Double f = number("failed", failed, true, deadline, why);
    Double r = number("rate", rate, false, deadline, why);
    String detail =
        why.isEmpty()
            ? "read from metrics provider '" + s.metrics() + "' over " + window
            : "from metrics provider '" + s.metrics() + "': " + String.join("; ", why);
    return new SloReading(slo.objective(), window, wt, wf, t, f, r, detail);
  }

  private static CompletableFuture<MetricValue> query(MetricsProvider provider, String promql) {
    return CompletableFuture.supplyAsync(() -> provider.query(promql), READERS);
  }

  private Double number(
      String what,
      CompletableFuture<MetricValue> pending,
      boolean emptyIsZero,
      long deadline,
      List<String> why) {
    MetricValue v;
    try {
      v = pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      why.add(what + ": no answer within " + Durations.format(probeTimeout));
      return null;
    } catch (ExecutionException e) {
      why.add(what + ": " + safe(e.getCause()));
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why.add(what + ": interrupted");
      return null;
    }
    if (v.ok()) {
      return v.value();
    }
    if (emptyIsZero && v.status() == MetricStatus.EMPTY) {
      return 0.0;
    }
    why.add(what + ": " + v.status() + (v.detail() == null ? "" : " (" + v.detail() + ")"));
    return null;
  }

  @Override
  public double maxImpairedShare(String service) {
    return service(service).maxImpairedShareOrDefault();
  }

  private ServiceConfig service(String name) {
    return registry
        .service(name)
        .orElseThrow(
            () ->
                Failures.unknownTarget(
                    (notBlank(name)
                            ? "no service named '" + name + "' is configured"
                            : "a service name is required")
                        + " under bellwether.services; configured: "
                        + known(registry.serviceNames())));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static String known(Set<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names));
  }

  /** An exception in words, without anything that looks like a URL. */
  private static String safe(Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (m == null || m.isBlank() || m.contains("://") || m.contains("@")) {
      return kind;
    }
    return kind + ": " + m;
  }
}
