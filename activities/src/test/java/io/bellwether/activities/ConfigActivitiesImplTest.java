package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.config.HealthCheckConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real HAProxy, so the backend check asks the router itself. */
class ConfigActivitiesImplTest {
  @TempDir Path dir;

  private ConfigActivitiesImpl config(String runtimeApi, boolean withHttpCheck) {
    return new ConfigActivitiesImpl(
        AdapterRegistry.fromConfig(
            new BellwetherConfig(
                Map.of("edge", new RouterConfig("haproxy", runtimeApi, null)),
                Map.of("demo", new DeployerConfig("command", List.of("true"), null, null, null)),
                withHttpCheck
                    ? Map.of("http", new HealthCheckConfig("http", null, null))
                    : Map.of("tcp-ish", new HealthCheckConfig("http", null, null)))));
  }

  @Test
  void aFullyConfiguredTargetHasNoViolations() throws Exception {
    try (HaproxyLauncher haproxy =
        HaproxyLauncher.start(
            dir, HaproxyLauncher.freePort(), "web", Map.of("web-1", "127.0.0.1:1"))) {
      assertEquals(
          List.of(),
          config(haproxy.runtimeApi(), true)
              .checkTarget(new TargetRef("edge", "web", "demo", null)));
    }
  }

  @Test
  void everyUnknownNameIsAViolationWithItsFieldPath() throws Exception {
    try (HaproxyLauncher haproxy =
        HaproxyLauncher.start(
            dir, HaproxyLauncher.freePort(), "web", Map.of("web-1", "127.0.0.1:1"))) {
      ConfigActivitiesImpl impl = config(haproxy.runtimeApi(), true);

      List<Violation> names =
          impl.checkTarget(new TargetRef("127.0.0.1:9999", "web", "/bin/sh", "grpc"));
      assertEquals(
          List.of("target.router", "target.deployer", "target.healthCheck"),
          names.stream().map(Violation::field).toList());
      assertTrue(names.get(0).reason().contains("'127.0.0.1:9999'"), names.get(0).reason());
      assertTrue(names.get(0).reason().contains("configured: edge"), names.get(0).reason());

      List<Violation> backend = impl.checkTarget(new TargetRef("edge", "api", "demo", "http"));
      assertEquals(
          List.of(new Violation("target.backend", "router 'edge' has no backend 'api'")), backend);
    }
  }

  @Test
  void theDefaultHealthCheckMustBeConfiguredToo() {
    List<Violation> v =
        config("unix:" + dir.resolve("none.sock"), false)
            .checkTarget(new TargetRef("nope", "web", "demo", null));
    assertEquals(
        List.of("target.router", "target.healthCheck"), v.stream().map(Violation::field).toList());
    assertTrue(v.get(1).reason().contains("'http'"), v.get(1).reason());
    assertTrue(v.get(1).reason().contains("default"), v.get(1).reason());
  }

  @Test
  void anUnreachableRouterIsRetriedNotBlamedOnTheSpec() {
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class,
            () ->
                config("unix:" + dir.resolve("none.sock"), true)
                    .checkTarget(new TargetRef("edge", "web", "demo", null)));
    assertEquals(FailureTypes.ROUTER_UNAVAILABLE, f.getType());
    assertFalse(f.isNonRetryable());
  }
}
