package io.bellwether.activities.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.RouterConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultInjectorsTest {
  private static final Map<String, RouterConfig> ROUTERS =
      Map.of("edge", new RouterConfig("haproxy", "unix:/tmp/none.sock", null));

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
}
