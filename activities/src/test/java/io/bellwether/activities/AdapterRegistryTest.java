package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.deploy.CommandDeployer;
import io.bellwether.activities.deploy.ProcessDeployer;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.health.HttpHealthCheck;
import io.bellwether.contracts.activities.ConfigActivities;
import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.activities.TrafficActivities;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdapterRegistryTest {

  @Test
  void buildsEachTypeWithoutConnectingToAnything() {
    AdapterRegistry r =
        AdapterRegistry.fromConfig(
            new BellwetherConfig(
                Map.of("edge", new RouterConfig("haproxy", "unix:/nonexistent/admin.sock", null)),
                Map.of(
                    "script",
                        new DeployerConfig(
                            "command", List.of("deploy.sh", "{instance}"), null, null, null),
                    "local",
                        new DeployerConfig(
                            "process",
                            List.of("java", "-jar", "app.jar"),
                            null,
                            "/tmp/x",
                            Duration.ofMinutes(1))),
                Map.of("http", new HealthCheckConfig("http", "https", Duration.ofSeconds(1)))));
    assertInstanceOf(HaproxyRouter.class, r.router("edge").orElseThrow());
    assertInstanceOf(CommandDeployer.class, r.deployer("script").orElseThrow());
    assertInstanceOf(ProcessDeployer.class, r.deployer("local").orElseThrow());
    assertInstanceOf(HttpHealthCheck.class, r.healthCheck("http").orElseThrow());
    assertTrue(r.router("other").isEmpty());
    assertTrue(r.deployer(null).isEmpty());
  }

  @Test
  void everyProblemIsListedAtOnce() {
    Map<String, DeployerConfig> deployers = new HashMap<>();
    deployers.put("a", new DeployerConfig(null, List.of("x"), null, null, null));
    deployers.put("b", new DeployerConfig("ansible", List.of("x"), null, null, null));
    deployers.put("c", new DeployerConfig("process", null, null, " ", null));
    deployers.put("d", new DeployerConfig("command", List.of(), null, null, Duration.ZERO));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                AdapterRegistry.fromConfig(
                    new BellwetherConfig(
                        Map.of(
                            "edge", new RouterConfig("haproxy", null, null),
                            "lb", new RouterConfig("nginx", "unix:/x", null),
                            "old", new RouterConfig("haproxy", "/run/haproxy.sock", null)),
                        deployers,
                        Map.of(
                            "http",
                            new HealthCheckConfig("", null, null),
                            "web",
                            new HealthCheckConfig("http", "ftp", null)))));
    List<String> expected =
        List.of(
            "bellwether.routers.edge.runtime-api: required",
            "bellwether.routers.lb.type: unknown type 'nginx' (one of [haproxy])",
            "bellwether.routers.old.runtime-api: '/run/haproxy.sock' must start with unix:",
            "bellwether.deployers.a.type: missing (one of [command, process])",
            "bellwether.deployers.b.type: unknown type 'ansible'",
            "bellwether.deployers.c.command: required for type process",
            "bellwether.deployers.c.work-dir: required for type process",
            "bellwether.deployers.d.command: required for type command",
            "bellwether.deployers.d.timeout: must be positive",
            "bellwether.health-checks.http.type: missing (one of [http])",
            "bellwether.health-checks.web.scheme: must be http or https, not 'ftp'");
    for (String problem : expected) {
      assertTrue(
          e.getMessage().contains(problem), "missing '" + problem + "' in:\n" + e.getMessage());
    }
    assertTrue(
        e.getMessage().startsWith("Bellwether configuration has 11 problem(s)"), e.getMessage());
  }

  @Test
  void createReturnsTheElevenActivityImplementations() {
    List<Object> impls =
        BellwetherActivities.create(
            new BellwetherConfig(
                Map.of("edge", new RouterConfig("haproxy", "tcp:127.0.0.1:1", null)), null, null));
    assertEquals(11, impls.size());
    assertInstanceOf(TrafficActivities.class, impls.get(0));
    assertInstanceOf(DeployActivities.class, impls.get(1));
    assertInstanceOf(HealthActivities.class, impls.get(2));
    assertInstanceOf(ConfigActivities.class, impls.get(3));
    assertInstanceOf(io.bellwether.contracts.bluegreen.SwitchActivities.class, impls.get(4));
    assertInstanceOf(io.bellwether.contracts.gate.GateActivities.class, impls.get(5));
    assertInstanceOf(io.bellwether.contracts.notify.NotifyActivities.class, impls.get(6));
    assertInstanceOf(io.bellwether.contracts.metrics.MetricsActivities.class, impls.get(7));
    assertInstanceOf(io.bellwether.contracts.abtest.SplitActivities.class, impls.get(8));
    assertInstanceOf(io.bellwether.contracts.chaos.ChaosActivities.class, impls.get(9));
    assertInstanceOf(io.bellwether.contracts.chaos.FaultActivities.class, impls.get(10));
    assertThrows(
        IllegalStateException.class,
        () ->
            BellwetherActivities.create(
                new BellwetherConfig(
                    Map.of("edge", new RouterConfig(null, null, null)), null, null)));
  }
}
