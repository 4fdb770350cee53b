package io.bellwether.activities.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.RouterConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultInjectorsTest {
  private static final Map<String, RouterConfig> ROUTERS =
      Map.of(
          "edge", new RouterConfig("haproxy", "unix:/tmp/none.sock", null),
          "other", new RouterConfig("nginx", "unix:/tmp/none.sock", null));
  private static final Map<String, DeployerConfig> DEPLOYERS =
      Map.of(
          "local", new DeployerConfig("process", List.of("app", "--port", "{port}"), null, "/tmp/instances", null),
          "script", new DeployerConfig("command", List.of("deploy.sh"), null, null, null));

  /** type, router, deployer, stop, start, path, command, workDir, namespace. */
  private static FaultInjectorConfig config(
      String type,
      String router,
      String deployer,
      List<String> stop,
      List<String> start,
      String path,
      List<String> command,
      String workDir,
      String namespace) {
    return new FaultInjectorConfig(type, router, null, null, deployer, stop, start, path, command, workDir, namespace);
  }

  @Test
  void picksTheAdapterByType() {
    assertEquals(
        HaproxyLatencyInjector.TYPE,
        FaultInjectors.create("l", new FaultInjectorConfig("haproxy-latency", "edge", "/tmp/l.map", null), ROUTERS)
            .type());
    assertEquals(
        HaproxyMaintenanceInjector.TYPE,
        FaultInjectors.create(
                "m", new FaultInjectorConfig("haproxy-maintenance", "edge", "/tmp/m.map", null), ROUTERS)
            .type());
    Map<String, FaultInjectorConfig> more =
        Map.of(
            ProcessKillInjector.TYPE,
            config("process-kill", "edge", "local", null, null, null, null, "/tmp/kills", null),
            DiskFillInjector.TYPE,
            config("disk-fill", null, null, null, null, "/mnt/fill", null, null, null),
            StressInjector.TYPE,
            config("stress", null, null, null, null, null, null, "/tmp/stress", null),
            NftablesPartitionInjector.TYPE,
            config("nftables-partition", "edge", null, null, null, null, null, "/tmp/cuts", "bwtest-1"));
    more.forEach(
        (type, c) -> assertEquals(type, FaultInjectors.create("x", c, ROUTERS, DEPLOYERS).type()));
    FaultInjector commands =
        FaultInjectors.create(
            "k",
            config("process-kill", "edge", null, List.of("stop", "{instance}"), List.of("start", "{instance}"), null, null, "/tmp/kills", null),
            ROUTERS,
            Map.of());
    assertEquals(ProcessKillInjector.TYPE, commands.type());
    assertTrue(commands.actsOnServers());
    assertFalse(FaultInjectors.create("d", more.get(DiskFillInjector.TYPE), ROUTERS).actsOnServers());
    assertFalse(FaultInjectors.create("s", more.get(StressInjector.TYPE), ROUTERS).actsOnServers());
    assertEquals(
        List.of("haproxy-latency", "haproxy-maintenance", "process-kill", "disk-fill", "stress", "nftables-partition",
            "chaos-monkey"),
        FaultInjectors.types());
  }

  @Test
  void aMissingOrUnknownTypeRouterOrFileIsAStartupError() {
    for (FaultInjectorConfig bad :
        new FaultInjectorConfig[] {
          new FaultInjectorConfig(null, "edge", "/tmp/x.map", null),
          new FaultInjectorConfig("haproxy-latncy", "edge", "/tmp/x.map", null),
          new FaultInjectorConfig("haproxy-latency", "core", "/tmp/x.map", null),
          new FaultInjectorConfig("haproxy-latency", "edge", null, null),
          new FaultInjectorConfig("haproxy-maintenance", "edge", " ", null)
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FaultInjectors.create("x", bad, ROUTERS));
      assertTrue(e.getMessage().startsWith("fault injector 'x'"), e.getMessage());
    }
  }

  @Test
  void eachNewTypeSaysWhichSettingIsWrong() {
    Map<FaultInjectorConfig, String> cases =
        Map.ofEntries(
            Map.entry(
                config("process-kill", "edge", null, null, null, null, null, "/tmp/k", null),
                "fault injector 'x' needs either 'deployer' (a process deployer) or both 'stop-command' and 'start-command'"),
            Map.entry(
                config("process-kill", "edge", "local", List.of("stop"), List.of("start"), null, null, "/tmp/k", null),
                "fault injector 'x' needs either 'deployer' (a process deployer) or both 'stop-command' and 'start-command'"),
            Map.entry(
                config("process-kill", "edge", null, List.of("stop"), null, null, null, "/tmp/k", null),
                "fault injector 'x' needs both 'stop-command' and 'start-command'"),
            Map.entry(
                config("process-kill", "edge", "nowhere", null, null, null, null, "/tmp/k", null),
                "fault injector 'x' names deployer 'nowhere', which is not configured"),
            Map.entry(
                config("process-kill", "edge", "script", null, null, null, null, "/tmp/k", null),
                "fault injector 'x' of type process-kill needs a process deployer, 'script' is of type command"),
            Map.entry(
                config("process-kill", "edge", "local", null, null, null, null, null, null),
                "fault injector 'x' needs 'work-dir'"),
            Map.entry(
                config("process-kill", "other", "local", null, null, null, null, "/tmp/k", null),
                "fault injector 'x' of type process-kill needs a haproxy router, 'other' is of type nginx"),
            Map.entry(
                config("process-kill", null, "local", null, null, null, null, "/tmp/k", null),
                "fault injector 'x' names router 'null', which is not configured"),
            Map.entry(
                config("disk-fill", null, null, null, null, null, null, null, null),
                "fault injector 'x' needs 'path'"),
            Map.entry(
                config("disk-fill", null, null, null, null, "mnt/fill", null, null, null),
                "fault injector 'x': 'path' must be an absolute path, got 'mnt/fill'"),
            Map.entry(
                config("stress", null, null, null, null, null, null, null, null),
                "fault injector 'x' needs 'work-dir'"),
            Map.entry(
                config("stress", null, null, null, null, null, null, "tmp", null),
                "fault injector 'x': 'work-dir' must be an absolute path, got 'tmp'"),
            Map.entry(
                config("nftables-partition", "edge", null, null, null, null, null, "/tmp/c", null),
                "fault injector 'x' needs 'namespace' (the network namespace the router runs in)"),
            Map.entry(
                config("nftables-partition", "edge", null, null, null, null, null, "/tmp/c", "bad name;"),
                "fault injector 'x': an nftables-partition injector needs its namespace (letters, digits, '.', '_', '-'), got bad name;"),
            Map.entry(
                config("nftables-partition", "core", null, null, null, null, null, "/tmp/c", "ns"),
                "fault injector 'x' names router 'core', which is not configured"),
            Map.entry(
                config("chaos-gorilla", null, null, null, null, null, null, null, null),
                "fault injector 'x' has unknown type 'chaos-gorilla' (known: haproxy-latency, haproxy-maintenance,"
                    + " process-kill, disk-fill, stress, nftables-partition, chaos-monkey)"));
    cases.forEach(
        (bad, message) ->
            assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> FaultInjectors.create("x", bad, ROUTERS, DEPLOYERS))
                    .getMessage(),
                bad.toString()));
  }
}
