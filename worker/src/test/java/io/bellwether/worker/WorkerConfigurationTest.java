package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A worker with a configuration that cannot work must not start, and must say why. */
class WorkerConfigurationTest {

  @Test
  void anUnknownDeployerTypeStopsStartupNamingIt() throws IOException {
    int port = TestPorts.free();
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                start(
                    "bellwether.temporal.embedded-port=" + port,
                    "bellwether.routers.edge.type=haproxy",
                    "bellwether.routers.edge.runtime-api=unix:/nonexistent/admin.sock",
                    "bellwether.deployers.web.type=teleport",
                    "bellwether.deployers.web.command[0]=/bin/true",
                    "bellwether.health-checks.http.type=http"));
    WorkerConfigurationException cause = find(e);
    assertTrue(cause.getMessage().contains("teleport"), cause.getMessage());
    assertTrue(cause.getMessage().contains("web"), cause.getMessage());
    assertPortFree(port);
  }

  @Test
  void everyTemporalProblemIsListedAtOnce() throws IOException {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                start(
                    "bellwether.temporal.embedded-port=70000",
                    "bellwether.temporal.namespace=",
                    "bellwether.temporal.api-key=secret"));
    WorkerConfigurationException cause = find(e);
    String m = cause.getMessage();
    assertTrue(m.contains("bellwether.temporal.embedded-port"), m);
    assertTrue(m.contains("bellwether.temporal.namespace"), m);
    assertTrue(m.contains("bellwether.temporal.address"), m);
    assertTrue(cause.problems().size() >= 3, m);
  }

  @Test
  void temporalAndAdapterProblemsComeInOneList() {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                start(
                    "bellwether.temporal.embedded-port=-1",
                    "bellwether.deployers.web.type=teleport",
                    "bellwether.health-checks.http.type=carrier-pigeon"));
    WorkerConfigurationException cause = find(e);
    assertEquals(3, cause.problems().size(), cause.getMessage());
    assertTrue(cause.problems().get(0).startsWith("bellwether.temporal.embedded-port"));
    assertTrue(cause.problems().stream().anyMatch(p -> p.contains("teleport")), cause.getMessage());
    assertTrue(
        cause.problems().stream().anyMatch(p -> p.contains("carrier-pigeon")), cause.getMessage());
  }

  @Test
  void badMetricsProvidersStopStartupEachNamedAndNoUrlShown() throws IOException {
    int port = TestPorts.free();
    String password = "pr0m-secret-pass";
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                start(
                    "bellwether.temporal.embedded-port=" + port,
                    "bellwether.metrics.prom.type=prometheus",
                    "bellwether.metrics.prom.url=http://127.0.0.1:9090",
                    "bellwether.metrics.dd.type=datadog",
                    "bellwether.metrics.dd.url=https://api.example",
                    "bellwether.metrics.notype.url=http://127.0.0.1:9090",
                    "bellwether.metrics.nourl.type=prometheus",
                    "bellwether.metrics.ftp.type=prometheus",
                    "bellwether.metrics.ftp.url=ftp://admin:" + password + "@h:21",
                    "bellwether.metrics.ftp.timeout=0s"));
    WorkerConfigurationException cause = find(e);
    List<String> problems = cause.problems();
    for (String expected :
        List.of(
            "bellwether.metrics.dd.type: unknown type 'datadog' (one of [prometheus])",
            "bellwether.metrics.notype.type: missing (one of [prometheus])",
            "bellwether.metrics.nourl.url: required",
            "bellwether.metrics.ftp.url: must be an http or https URL",
            "bellwether.metrics.ftp.timeout: must be positive")) {
      assertTrue(
          problems.stream().anyMatch(p -> p.startsWith(expected)),
          "missing '" + expected + "' in " + problems);
    }
    assertEquals(5, problems.size(), cause.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(password), t.getMessage());
    }
    assertPortFree(port);
  }

  @Test
  void badNotifiersAndRoutesToUnknownNotifiersStopStartupWithoutShowingAUrl() throws IOException {
    int port = TestPorts.free();
    String secret = "/services/T0/B0/xyzSecretToken";
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                start(
                    "bellwether.temporal.embedded-port=" + port,
                    "bellwether.notifiers.chat.type=slack",
                    "bellwether.notifiers.chat.url=https://hooks.example" + secret,
                    "bellwether.notifiers.teams.type=msteams",
                    "bellwether.notifiers.teams.url=https://hooks.example" + secret,
                    "bellwether.notifiers.audit.type=webhook",
                    "bellwether.notify.default[0]=chat",
                    "bellwether.notify.default[1]=pager",
                    "bellwether.notify.services.shop[0]=audit",
                    "bellwether.notify.services.shop[1]=chta"));
    WorkerConfigurationException cause = find(e);
    List<String> problems = cause.problems();
    assertEquals(4, problems.size(), cause.getMessage());
    for (String expected :
        List.of(
            "bellwether.notifiers.audit.url: is missing",
            "bellwether.notifiers.teams.type: unknown 'msteams'",
            "bellwether.notify.default[1]: no notifier 'pager' is configured",
            "bellwether.notify.services.shop[1]: no notifier 'chta' is configured")) {
      assertTrue(
          problems.stream().anyMatch(p -> p.startsWith(expected)),
          "missing '" + expected + "' in " + problems);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(secret), t.getMessage());
    }
    assertPortFree(port);
  }

  @Test
  void badServicesAndFaultInjectorsStopStartupEveryProblemListedAndNoUrlShown() throws IOException {
    int port = TestPorts.free();
    String password = "sh0p-s3cret";
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () ->
                start(
                    "bellwether.temporal.embedded-port=" + port,
                    "bellwether.routers.edge.type=haproxy",
                    "bellwether.routers.edge.runtime-api=unix:/nonexistent/admin.sock",
                    "bellwether.metrics.local.type=prometheus",
                    "bellwether.metrics.local.url=http://127.0.0.1:9090",
                    "bellwether.services.web.router=lb",
                    "bellwether.services.web.backend=web",
                    "bellwether.services.web.metrics=graphite",
                    "bellwether.services.web.zones.a[0]=web-1",
                    "bellwether.services.web.zones.b[0]=web-1",
                    "bellwether.services.web.endpoints.shop=ftp://admin:" + password + "@shop/",
                    "bellwether.services.web.slo.objective=1.5",
                    "bellwether.services.web.slo.window=0s",
                    "bellwether.services.web.max-impaired-share=0",
                    "bellwether.services.shop.backend=shop",
                    "bellwether.fault-injectors.web-latency.type=haproxy-latency",
                    "bellwether.fault-injectors.web-latency.router=nowhere",
                    "bellwether.fault-injectors.web-latency.map-file=/tmp/faults-latency.map",
                    "bellwether.fault-injectors.typo.type=teleport"));
    WorkerConfigurationException cause = find(e);
    List<String> problems = cause.problems();
    for (String expected :
        List.of(
            "bellwether.services.shop.router: required",
            "bellwether.services.web.router: no router 'lb' is configured",
            "bellwether.services.web.metrics: no metrics provider 'graphite' is configured",
            "bellwether.services.web.zones.b[0]: server 'web-1' is in zone 'a' too",
            "bellwether.services.web.endpoints.shop: must be an http or https URL",
            "bellwether.services.web.slo.objective: must be above 0 and below 1",
            "bellwether.services.web.slo.window: must be positive",
            "bellwether.services.web.slo.total: required",
            "bellwether.services.web.slo.errors: required",
            "bellwether.services.web.max-impaired-share: must be above 0 and at most 1",
            "bellwether.fault-injectors.typo: has unknown type 'teleport'",
            "bellwether.fault-injectors.web-latency: names router 'nowhere'")) {
      assertTrue(
          problems.stream().anyMatch(p -> p.startsWith(expected)),
          "missing '" + expected + "' in " + problems);
    }
    assertEquals(12, problems.size(), cause.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(password), t.getMessage());
    }
    assertPortFree(port);
  }

  @Test
  void splitsAHeaderedListIntoItsProblems() {
    assertEquals(
        java.util.List.of("deployers.web: unknown type", "routers.edge: no runtime-api"),
        WorkerConfiguration.problemLines(
            "Config has 2 problem(s):\n  deployers.web: unknown type\n  - routers.edge: no runtime-api"));
    assertEquals(
        java.util.List.of("one thing is wrong"), WorkerConfiguration.problemLines("one thing is wrong"));
  }

  @Test
  void aClusterAddressMustBeHostAndPort() {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> start("bellwether.temporal.address=http://temporal.example"));
    String m = find(e).getMessage();
    assertTrue(m.contains("bellwether.temporal.address: must be host:port"), m);
  }

  @Test
  void theFailureAnalyzerShowsTheListOnly() {
    WorkerConfigurationException e =
        new WorkerConfigurationException(
            java.util.List.of("bellwether.temporal.namespace: must not be empty"), null);
    var analysis =
        new WorkerConfigurationFailureAnalyzer().analyze(new IllegalStateException("wrapper", e));
    assertNotNull(analysis);
    assertEquals(e.getMessage(), analysis.getDescription());
    assertTrue(analysis.getAction().contains("bellwether.*"));
  }

  private static void start(String... properties) {
    try (ConfigurableApplicationContext ignored =
        new SpringApplicationBuilder(BellwetherWorkerApplication.class)
            .web(WebApplicationType.NONE)
            .properties(properties)
            .run()) {
      throw new AssertionError("the worker started with a bad configuration");
    }
  }

  private static WorkerConfigurationException find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WorkerConfigurationException w) {
        return w;
      }
    }
    throw new AssertionError("no WorkerConfigurationException in the chain", e);
  }

  private static void assertPortFree(int port) throws IOException {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertEquals(port, s.getLocalPort(), "a rejected configuration left nothing listening");
    }
  }
}
