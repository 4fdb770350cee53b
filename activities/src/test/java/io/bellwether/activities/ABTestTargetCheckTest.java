package io.bellwether.activities;

import static io.bellwether.activities.TargetCheckConfig.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.config.SplitConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.abtest.ABTestTarget;
import io.bellwether.contracts.spec.Violation;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code checkABTestTarget} against a real HAProxy, which is asked whether the backend exists. */
class ABTestTargetCheckTest {
  @TempDir Path dir;
  private HaproxyLauncher haproxy;

  @BeforeEach
  void start() throws Exception {
    haproxy =
        HaproxyLauncher.start(
            dir.resolve("haproxy"),
            HaproxyLauncher.freePort(),
            "web",
            Map.of("web-1", "127.0.0.1:1"),
            HaproxyLauncher.Options.defaults().withSplit("ab", 2, 1));
  }

  @AfterEach
  void stop() {
    haproxy.close();
  }

  private ConfigActivitiesImpl config(String runtimeApi) {
    String state = dir.resolve("server-state").toString();
    Map<String, SplitConfig> splits =
        Map.of(
            "ab", haproxy.splitConfig("ab"),
            // A split that (wrongly) has the stable backend among its variants.
            "bad", new SplitConfig(List.of("web", "bad_v2"), dir.resolve("bad.map").toString(), state));
    return TargetCheckConfig.config(
        dir, new RouterConfig("haproxy", runtimeApi, null, null, splits));
  }

  @Test
  void aFullyConfiguredTargetHasNoViolations() {
    assertEquals(
        List.of(),
        config(haproxy.runtimeApi())
            .checkABTestTarget(new ABTestTarget("edge", "web", "ab", "local", null, "prom")));
  }

  @Test
  void everyUnknownNameIsAViolationWithItsFieldPath() {
    List<Violation> v =
        config(haproxy.runtimeApi())
            .checkABTestTarget(new ABTestTarget("lb", "web", "ab", "ansible", "grpc", "datadog"));
    assertEquals(
        List.of("target.router", "target.deployer", "target.healthCheck", "target.metrics"),
        fields(v));
    assertTrue(v.get(0).reason().contains("configured: edge"), v.get(0).reason());

    List<Violation> inRouter =
        config(haproxy.runtimeApi())
            .checkABTestTarget(new ABTestTarget("edge", "api", "xy", "local", null, null));
    assertEquals(List.of("target.backend", "target.split", "target.metrics"), fields(inRouter));
    assertEquals("router 'edge' has no backend 'api'", inRouter.get(0).reason());
    assertTrue(
        inRouter.get(1).reason().startsWith("no split named 'xy' is configured in router 'edge'"),
        inRouter.get(1).reason());
    assertTrue(inRouter.get(1).reason().contains("configured: ab, bad"), inRouter.get(1).reason());

    List<Violation> missing =
        config(haproxy.runtimeApi())
            .checkABTestTarget(new ABTestTarget("edge", null, null, null, null, "prom"));
    assertEquals(List.of("target.backend", "target.split", "target.deployer"), fields(missing));
    assertTrue(missing.get(1).reason().startsWith("is required"), missing.get(1).reason());
  }

  @Test
  void theStableBackendCannotBeAVariantBackend() {
    List<Violation> v =
        config(haproxy.runtimeApi())
            .checkABTestTarget(new ABTestTarget("edge", "web", "bad", "local", null, "prom"));
    assertEquals(List.of("target.split"), fields(v));
    assertTrue(v.get(0).reason().contains("[web, bad_v2]"), v.get(0).reason());
  }

  @Test
  void theDeployerMustBeAbleToProvisionAndTheDefaultHealthCheckExist() {
    List<Violation> v =
        config(haproxy.runtimeApi())
            .checkABTestTarget(new ABTestTarget("edge", "web", "ab", "script", null, "prom"));
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
                    .checkABTestTarget(new ABTestTarget("edge", "web", "ab", "local", null, "prom")));
    assertEquals(FailureTypes.ROUTER_UNAVAILABLE, f.getType());
    assertFalse(f.isNonRetryable());
  }
}
