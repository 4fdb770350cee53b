package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.config.SplitConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.router.SplitRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bellwether.routers.<r>.splits.<s>}: defaults, startup checks, the launcher's options. */
class SplitConfigTest {
  @TempDir Path dir;

  @Test
  void headerAndCookieNamesDefaultToWhatTheLauncherGenerates() {
    SplitConfig c = new SplitConfig(List.of("ab_v1", "ab_v2"), "/etc/haproxy/ab.map", "/var/lib/haproxy/state");
    assertEquals("bw_ab", c.stickyCookie());
    assertEquals("x-user-id", c.userHeader());
    assertEquals("x-bellwether-segment", c.segmentHeader());
    assertEquals("bellwether_segment", c.segmentCookie());
    assertEquals("uid", new SplitConfig(List.of(), null, null, " ", "uid", null, null).userHeader());
    assertEquals(Map.of(), new RouterConfig("haproxy", "unix:/x", null, Map.of()).splits());
  }

  @Test
  void aRouterHasOneSplitRouterForItsSplits() {
    SplitConfig ab = new SplitConfig(List.of("ab_v1", "ab_v2"), "/etc/haproxy/ab.map", "/var/lib/haproxy/state");
    AdapterRegistry r =
        AdapterRegistry.fromConfig(
            new BellwetherConfig(
                Map.of("edge", new RouterConfig("haproxy", "unix:/nonexistent/admin.sock", null, null, Map.of("ab", ab))),
                null,
                null));
    SplitRouter splits = r.splitRouter("edge").orElseThrow();
    assertEquals(java.util.Set.of("ab"), splits.splits());
    assertEquals(List.of("ab_v1", "ab_v2"), splits.backends("ab"));
    assertTrue(r.splitRouter("lb").isEmpty());
  }

  @Test
  void everySplitProblemIsListedAtOnce() {
    Map<String, SplitConfig> splits = new HashMap<>();
    splits.put("one", new SplitConfig(List.of("one_v1"), "/h/one.map", "/h/state"));
    splits.put("dup", new SplitConfig(List.of("d_v1", "d_v1"), "/h/dup.map", "/h/state"));
    splits.put("pool", new SplitConfig(List.of("shop_a", "pool_v2"), "/h/pool.map", "/h/state"));
    splits.put("files", new SplitConfig(List.of("f_v1", "f_v2"), "relative.map", null));
    splits.put("names", new SplitConfig(List.of("n_v1", "n_v2"), "/h/n.map", "/h/state", "a;b", "x user", null, "c=d"));
    splits.put("bad-name", new SplitConfig(List.of("b_v1", "b_v2"), "/h/b.map", "/h/state"));
    splits.put("out", new SplitConfig(List.of("out", "o_v2"), "/h/o.map", "/h/state"));
    Map<String, PoolConfig> pools =
        Map.of("shop", new PoolConfig(List.of("shop_a", "shop_b"), "/h/shop.map", "/h/state"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                AdapterRegistry.fromConfig(
                    new BellwetherConfig(
                        Map.of("edge", new RouterConfig("haproxy", "unix:/h/admin.sock", null, pools, splits)),
                        null,
                        null)));
    for (String problem :
        List.of(
            "bellwether.routers.edge.splits.one.backends: must name two or more",
            "bellwether.routers.edge.splits.dup.backends: must name two or more",
            "bellwether.routers.edge.splits.pool.backends: backend 'shop_a' belongs to a pool or another split",
            "bellwether.routers.edge.splits.files.map-file: must be an absolute path",
            "bellwether.routers.edge.splits.files.state-file: required",
            "bellwether.routers.edge.splits.names.sticky-cookie: must be a cookie name",
            "bellwether.routers.edge.splits.names.user-header: must be a header name",
            "bellwether.routers.edge.splits.names.segment-cookie: must be a cookie name",
            "bellwether.routers.edge.splits.bad-name: a split name must be letters, digits and _",
            "bellwether.routers.edge.splits.out.backends: must name two or more")) {
      assertTrue(e.getMessage().contains(problem), "missing '" + problem + "' in:\n" + e.getMessage());
    }
    assertTrue(e.getMessage().startsWith("Bellwether configuration has 10 problem(s)"), e.getMessage());
  }

  @Test
  void theLauncherRefusesBadSplitsBeforeWritingAnything() {
    Path other = dir.resolve("other");
    Map<String, String> servers = Map.of("web-1", "127.0.0.1:1");
    List<HaproxyLauncher.Options> bad =
        List.of(
            HaproxyLauncher.Options.defaults().withSplit("ab", 1, 1),
            HaproxyLauncher.Options.defaults().withSplit("ab", 11, 1),
            HaproxyLauncher.Options.defaults().withSplit("ab", 2, 0),
            HaproxyLauncher.Options.defaults().withSplit("a-b", 2, 1),
            HaproxyLauncher.Options.defaults().withSplit("ab", 2, 1).withSplit("ab", 2, 1),
            HaproxyLauncher.Options.defaults().withCanaryRoute("web", 1).withSplit("web", 2, 1),
            HaproxyLauncher.Options.defaults().withPool("ab", 1, 1).withSplit("ab", 2, 1),
            HaproxyLauncher.Options.defaults()
                .withSplit(new HaproxyLauncher.Split("ab", 2, 1, "x user", "s", "c", "k")),
            HaproxyLauncher.Options.defaults()
                .withSplit(new HaproxyLauncher.Split("ab", 2, 1, "u", "s", "c", "k;x")));
    for (HaproxyLauncher.Options options : bad) {
      assertThrows(
          IllegalArgumentException.class,
          () -> HaproxyLauncher.start(other, HaproxyLauncher.freePort(), "web", servers, options),
          options.toString());
    }
    assertTrue(!Files.exists(other.resolve("haproxy.cfg")), "refused before writing anything");
  }
}
