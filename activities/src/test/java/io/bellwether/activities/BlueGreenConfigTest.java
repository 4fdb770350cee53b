package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.ApproversConfig;
import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.config.IdentityConfig;
import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.identity.Attestations;
import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.gate.ResolvedApprovers;
import io.bellwether.contracts.gate.VerifiedIdentity;
import io.bellwether.contracts.spec.Violation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Pools, provisioning deployers, approver groups and identity keys in the configuration. */
class BlueGreenConfigTest {
  private static final PoolConfig SHOP =
      new PoolConfig(List.of("shop_a", "shop_b"), "/srv/haproxy/shop.map", "/srv/haproxy/state");

  private static BellwetherConfig config(Map<String, PoolConfig> pools, DeployerConfig deployer) {
    return new BellwetherConfig(
        Map.of("edge", new RouterConfig("haproxy", "unix:/nonexistent/admin.sock", null, pools)),
        Map.of("demo", deployer),
        Map.of("http", new HealthCheckConfig("http", null, null)),
        new ApproversConfig(Map.of("release-managers", List.of("alice", "bob"), "sre", List.of("carol", "alice"))),
        new IdentityConfig(Map.of("api", "0123456789abcdef-secret"), null));
  }

  private static DeployerConfig process() {
    return new DeployerConfig("process", List.of("demo", "{port}"), null, "/tmp/x", null);
  }

  @Test
  void theWorkerBindsNestedPoolsAndProvisionCommandsFromProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("routers.edge.type", "haproxy");
    props.put("routers.edge.runtime-api", "unix:/run/haproxy.sock");
    props.put("routers.edge.pools.shop.backends[0]", "shop_a");
    props.put("routers.edge.pools.shop.backends[1]", "shop_b");
    props.put("routers.edge.pools.shop.map-file", "/srv/shop.map");
    props.put("routers.edge.pools.shop.state-file", "/srv/state");
    props.put("deployers.cloud.type", "command");
    props.put("deployers.cloud.command[0]", "deploy.sh");
    props.put("deployers.cloud.provision-command[0]", "create.sh");
    props.put("deployers.cloud.decommission-command[0]", "destroy.sh");
    props.put("approvers.groups.sre[0]", "carol");
    props.put("identity.keys.api", "0123456789abcdef-secret");
    props.put("identity.max-age", "5m");
    Binder binder = new Binder(new MapConfigurationPropertySource(props));
    RouterConfig router = binder.bind("routers.edge", Bindable.of(RouterConfig.class)).get();
    assertEquals(
        new RouterConfig(
            "haproxy",
            "unix:/run/haproxy.sock",
            null,
            Map.of("shop", new PoolConfig(List.of("shop_a", "shop_b"), "/srv/shop.map", "/srv/state"))),
        router);
    DeployerConfig deployer = binder.bind("deployers.cloud", Bindable.of(DeployerConfig.class)).get();
    assertEquals(List.of("create.sh"), deployer.provisionCommand());
    assertEquals(List.of("destroy.sh"), deployer.decommissionCommand());
    assertEquals(
        Map.of("sre", List.of("carol")),
        binder.bind("approvers", Bindable.of(ApproversConfig.class)).get().groups());
    IdentityConfig identity = binder.bind("identity", Bindable.of(IdentityConfig.class)).get();
    assertEquals(Duration.ofMinutes(5), identity.maxAge());
    assertEquals(IdentityConfig.DEFAULT_MAX_AGE, new IdentityConfig(null, null).maxAge());
    assertTrue(!identity.toString().contains("secret"), identity.toString());
  }

  @Test
  void poolDeployerApproverAndKeyProblemsAreListedAtStartup() {
    Map<String, PoolConfig> pools = new LinkedHashMap<>();
    pools.put("one", new PoolConfig(List.of("x_a"), "relative.map", null));
    pools.put("two", new PoolConfig(List.of("x_a", "x_a"), null, "state"));
    BellwetherConfig bad =
        new BellwetherConfig(
            Map.of("edge", new RouterConfig("haproxy", "unix:/a.sock", null, pools)),
            Map.of(
                "p", new DeployerConfig("process", List.of("x"), null, "/tmp/x", null, List.of("make"), null),
                "c", new DeployerConfig("command", List.of("x"), null, null, null, List.of("make"), null)),
            Map.of(),
            new ApproversConfig(Map.of("sre", List.of(" "))),
            new IdentityConfig(Map.of("a.b", "short"), Duration.ZERO));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> AdapterRegistry.fromConfig(bad));
    String m = e.getMessage();
    for (String expected :
        List.of(
            "bellwether.routers.edge.pools.one.backends: must name exactly two",
            "bellwether.routers.edge.pools.one.map-file: must be an absolute path",
            "bellwether.routers.edge.pools.one.state-file: required",
            "bellwether.routers.edge.pools.two.backends: must name exactly two",
            "bellwether.routers.edge.pools.two.map-file: required",
            "bellwether.routers.edge.pools.two.state-file: must be an absolute path",
            "bellwether.deployers.p.provision-command: not used by type process",
            "bellwether.deployers.c.decommission-command: required with provision-command",
            "bellwether.approvers.groups.sre[0]: empty user name",
            "bellwether.identity.keys.a.b: key id must be",
            "bellwether.identity.keys.a.b: secret must be at least 16 characters",
            "bellwether.identity.max-age: must be positive")) {
      assertTrue(m.contains(expected), expected + " missing from:\n" + m);
    }
    assertTrue(!m.contains("short"), "a secret is never printed");
  }

  @Test
  void twoPoolsMayNotShareABackend() {
    Map<String, PoolConfig> pools = new LinkedHashMap<>();
    pools.put("a", SHOP);
    pools.put("b", new PoolConfig(List.of("shop_b", "other"), "/x.map", "/state"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> AdapterRegistry.fromConfig(config(pools, process())));
    assertTrue(e.getMessage().contains("backend 'shop_b' belongs to another pool"), e.getMessage());
  }

  @Test
  void aBlueGreenTargetIsCheckedAgainstPoolsAndProvisioningDeployers() {
    ConfigActivitiesImpl ok =
        new ConfigActivitiesImpl(AdapterRegistry.fromConfig(config(Map.of("shop", SHOP), process())));
    assertEquals(List.of(), ok.checkBlueGreenTarget(new BlueGreenTarget("edge", "shop", "demo", null)));

    List<Violation> v = ok.checkBlueGreenTarget(new BlueGreenTarget("edge", "cart", "nope", "tcp"));
    assertEquals(
        List.of("target.pool", "target.deployer", "target.healthCheck"),
        v.stream().map(Violation::field).toList());
    assertTrue(v.get(0).reason().contains("router 'edge'") && v.get(0).reason().contains("shop"), v.get(0).reason());
    assertEquals(
        List.of("target.router"),
        ok.checkBlueGreenTarget(new BlueGreenTarget("core", "shop", "demo", null)).stream()
            .map(Violation::field)
            .toList());

    ConfigActivitiesImpl upgradeOnly =
        new ConfigActivitiesImpl(
            AdapterRegistry.fromConfig(
                config(Map.of("shop", SHOP), new DeployerConfig("command", List.of("x"), null, null, null))));
    List<Violation> cannot = upgradeOnly.checkBlueGreenTarget(new BlueGreenTarget("edge", "shop", "demo", null));
    assertEquals(1, cannot.size());
    assertTrue(cannot.get(0).reason().contains("cannot provision"), cannot.get(0).reason());
  }

  @Test
  void gatesResolveGroupsAndReportUnknownNames() {
    GateActivitiesImpl gates =
        new GateActivitiesImpl(AdapterRegistry.fromConfig(config(Map.of(), process())));
    ResolvedApprovers r =
        gates.resolveApprovers(List.of("dave", "alice", " "), List.of("sre", "release-managers", "ops"));
    assertEquals(List.of("alice", "bob", "carol", "dave"), r.users());
    assertEquals(
        List.of("approvers[2]", "approverGroups[2]"), r.problems().stream().map(Violation::field).toList());
    assertTrue(r.problems().get(1).reason().contains("configured: release-managers, sre"), r.problems().toString());
    assertEquals(new ResolvedApprovers(List.of(), List.of()), gates.resolveApprovers(null, null));
  }

  @Test
  void gatesVerifyAttestationsWithTheConfiguredKeysAndClock() {
    Instant now = Instant.parse("2026-11-20T10:00:00Z");
    String secret = "0123456789abcdef-secret";
    GateActivitiesImpl gates =
        new GateActivitiesImpl(
            new ApproversConfig(null),
            new IdentityConfig(Map.of("api", secret), Duration.ofMinutes(2)),
            Clock.fixed(now, ZoneOffset.UTC));
    String fresh = Attestations.issue("api", secret, "alice", "bluegreen-shop-2.0.0", "approve", now.minusSeconds(60));
    assertEquals(
        new VerifiedIdentity(true, "alice", ""),
        gates.verifyAttestation(fresh, "bluegreen-shop-2.0.0", "approve"));
    String old = Attestations.issue("api", secret, "alice", "bluegreen-shop-2.0.0", "approve", now.minusSeconds(180));
    assertTrue(gates.verifyAttestation(old, "bluegreen-shop-2.0.0", "approve").reason().startsWith("expired"));
    assertTrue(gates.verifyAttestation("", "bluegreen-shop-2.0.0", "approve").reason().startsWith("malformed"));
  }

  @Test
  void provisioningThroughTheActivitiesNeedsAProvisioningDeployer() {
    DeployActivitiesImpl deploy =
        new DeployActivitiesImpl(
            AdapterRegistry.fromConfig(
                config(Map.of(), new DeployerConfig("command", List.of("x"), null, null, null))),
            io.bellwether.activities.Heartbeat.none());
    io.temporal.failure.ApplicationFailure cannot =
        assertThrows(
            io.temporal.failure.ApplicationFailure.class, () -> deploy.provision("demo", "g-1", "2.0.0"));
    assertEquals(io.bellwether.contracts.FailureTypes.DEPLOY_FAILED, cannot.getType());
    assertTrue(cannot.isNonRetryable());
    io.temporal.failure.ApplicationFailure unknown =
        assertThrows(
            io.temporal.failure.ApplicationFailure.class, () -> deploy.decommission("nope", "g-1"));
    assertEquals(io.bellwether.contracts.FailureTypes.UNKNOWN_TARGET, unknown.getType());
  }
}
