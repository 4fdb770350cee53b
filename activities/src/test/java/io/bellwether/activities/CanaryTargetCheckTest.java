package io.bellwether.activities;

import static io.bellwether.activities.TargetCheckConfig.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.canary.CanaryTarget;
import io.bellwether.contracts.spec.Violation;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code checkCanaryTarget} against a real HAProxy, which is asked whether the backend exists. */
class CanaryTargetCheckTest {
  @TempDir Path dir;
  private HaproxyLauncher haproxy;

  @BeforeEach
  void start() throws Exception {
    haproxy =
        HaproxyLauncher.start(
            dir.resolve("haproxy"),
            HaproxyLauncher.freePort(),
            "web",
            Map.of("web-1", "127.0.0.1:1"));
  }

  @AfterEach
  void stop() {
    haproxy.close();
  }

  private ConfigActivitiesImpl config(String runtimeApi) {
    String state = dir.resolve("server-state").toString();
    Map<String, PoolConfig> pools =
        Map.of(
            "web", new PoolConfig(List.of("web", "web_canary"), dir.resolve("web.map").toString(), state),
            "shop", new PoolConfig(List.of("shop_a", "shop_b"), dir.resolve("shop.map").toString(), state));
    return TargetCheckConfig.config(dir, new RouterConfig("haproxy", runtimeApi, null, pools));
  }

  @Test
  void aFullyConfiguredCanaryTargetHasNoViolations() {
    assertEquals(
        List.of(),
        config(haproxy.runtimeApi())
            .checkCanaryTarget(new CanaryTarget("edge", "web", "web", "local", null, "prom")));
  }

  @Test
  void thePoolsLiveBackendMustBeTheStableBackend() {
    List<Violation> v =
        config(haproxy.runtimeApi())
            .checkCanaryTarget(new CanaryTarget("edge", "web", "shop", "local", "http", "prom"));
    assertEquals(List.of("target.pool"), fields(v));
    assertTrue(v.get(0).reason().contains("[shop_a, shop_b]"), v.get(0).reason());
    assertTrue(v.get(0).reason().contains("'web'"), v.get(0).reason());
  }

  @Test
  void aMissingPoolNamesThePoolThatWouldFit() {
    List<Violation> v =
        config(haproxy.runtimeApi())
            .checkCanaryTarget(new CanaryTarget("edge", "web", null, "local", null, "prom"));
    assertEquals(List.of("target.pool"), fields(v));
    assertTrue(v.get(0).reason().startsWith("is required"), v.get(0).reason());
    assertTrue(v.get(0).reason().contains("pool 'web' routes to backend 'web'"), v.get(0).reason());
  }

  @Test
  void everyUnknownNameIsAViolationWithItsFieldPath() {
    List<Violation> v =
        config(haproxy.runtimeApi())
            .checkCanaryTarget(new CanaryTarget("lb", "web", "web", "ansible", "grpc", "datadog"));
    assertEquals(
        List.of("target.router", "target.deployer", "target.healthCheck", "target.metrics"),
        fields(v));
    assertTrue(v.get(3).reason().contains("'datadog'"), v.get(3).reason());
    assertTrue(v.get(3).reason().contains("configured: prom"), v.get(3).reason());

    List<Violation> none =
        config(haproxy.runtimeApi())
            .checkCanaryTarget(new CanaryTarget("edge", "api", "web", "local", null, null));
    assertEquals(List.of("target.backend", "target.pool", "target.metrics"), fields(none));
    assertEquals("router 'edge' has no backend 'api'", none.get(0).reason());
    assertTrue(none.get(2).reason().startsWith("is required"), none.get(2).reason());
  }

  @Test
  void theDeployerMustBeAbleToProvision() {
    List<Violation> v =
        config(haproxy.runtimeApi())
            .checkCanaryTarget(new CanaryTarget("edge", "web", "web", "script", null, "prom"));
    assertEquals(List.of("target.deployer"), fields(v));
    assertTrue(v.get(0).reason().contains("cannot provision"), v.get(0).reason());
  }

  @Test
  void anUnreachableRouterIsRetriedNotBlamedOnTheSpec() {
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class,
            () ->
                config("unix:" + dir.resolve("none.sock"))
                    .checkCanaryTarget(new CanaryTarget("edge", "web", "web", "local", null, "prom")));
    assertEquals(FailureTypes.ROUTER_UNAVAILABLE, f.getType());
    assertFalse(f.isNonRetryable());
  }
}
