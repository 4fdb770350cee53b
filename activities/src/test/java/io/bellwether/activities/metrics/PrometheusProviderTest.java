package io.bellwether.activities.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.AdapterRegistry;
import io.bellwether.activities.BellwetherActivities;
import io.bellwether.activities.MetricsActivitiesImpl;
import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.metrics.MetricSeries;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.metrics.MetricValue;
import io.bellwether.demo.DemoOptions;
import io.bellwether.demo.DemoServer;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real Prometheus started on 127.0.0.1, scraping a real demo-app found through a target
 * file and HAProxy's built-in exporter. One Prometheus for the class: its first scrape takes
 * seconds, and every test here only reads, except the last, which stops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusProviderTest {
  private static final int REQUESTS = 7;

  @TempDir static Path dir;

  private static PrometheusLauncher prometheus;
  private static HaproxyLauncher haproxy;
  private static DemoServer web1;
  private static PrometheusProvider provider;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startEverything() throws Exception {
    try {
      web1 = DemoServer.start(DemoOptions.parse("--port", "0", "--version", "2.0.0", "--instance", "web-1"));
      String address = "127.0.0.1:" + web1.port();
      int exporter = HaproxyLauncher.freePort();
      haproxy =
          HaproxyLauncher.start(
              dir.resolve("haproxy"),
              HaproxyLauncher.freePort(),
              "web",
              Map.of("web-1", address),
              HaproxyLauncher.Options.defaults().withPrometheusExporter(exporter));
      prometheus =
          PrometheusLauncher.start(
              dir.resolve("prometheus"),
              PrometheusLauncher.freePort(),
              PrometheusLauncher.Options.defaults().withHaproxyExporter(exporter));
      ScrapeTargets.write(prometheus.targetsDir(), "web-1", address);
      provider = new PrometheusProvider(prometheus.url(), Duration.ofSeconds(5));
      // Traffic through HAProxy reaches web-1: both the app and HAProxy count it.
      for (int i = 0; i < REQUESTS; i++) {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
      }
      prometheus.awaitTargetsUp(2, Duration.ofSeconds(30));
    } catch (Exception | Error e) {
      stopEverything();
      throw e;
    }
  }

  @AfterAll
  static void stopEverything() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (haproxy != null) {
      haproxy.close();
    }
    if (web1 != null) {
      web1.stop();
    }
  }

  /** Polls until the answer satisfies {@code done}; scrapes land once a second. */
  private static <T> T eventually(Supplier<T> call, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    T last = call.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      last = call.get();
    }
    return last;
  }

  @Test
  @Order(1)
  void theGeneratedConfigurationScrapesTargetFilesAndHaproxyEverySecond() throws Exception {
    String yml = Files.readString(prometheus.configFile());
    assertTrue(yml.contains("scrape_interval: 1s"), yml);
    assertTrue(yml.contains("evaluation_interval: 1s"), yml);
    assertTrue(yml.contains(prometheus.targetsDir().resolve("*.json").toString()), yml);
    assertTrue(yml.contains("refresh_interval: 1s"), yml);
    assertTrue(yml.contains("job_name: haproxy"), yml);
    assertEquals(
        "[{\"targets\":[\"127.0.0.1:" + web1.port() + "\"],\"labels\":{\"bellwether_instance\":\"web-1\"}}]\n",
        Files.readString(prometheus.targetsDir().resolve("web-1.json")));
    assertEquals(
        "2s",
        PrometheusLauncher.config(dir, PrometheusLauncher.Options.defaults().withScrapeInterval(Duration.ofSeconds(2)))
            .lines()
            .filter(l -> l.contains("scrape_interval"))
            .findFirst()
            .orElseThrow()
            .split(": ")[1]);
  }

  @Test
  @Order(2)
  void anInstantQueryReadsTheDemoAppsCounterByItsInstanceLabel() throws Exception {
    assertTrue(provider.isOnline());
    MetricValue v =
        eventually(
            () -> provider.query("sum(http_server_requests_total{bellwether_instance=\"web-1\",version=\"2.0.0\"})"),
            r -> r.ok() && r.value() >= REQUESTS);
    assertEquals(MetricValue.ok(REQUESTS), v);
  }

  @Test
  @Order(3)
  void haproxysExporterIsScrapedToo() throws Exception {
    MetricValue v =
        eventually(
            () -> provider.query("sum(haproxy_backend_http_responses_total{proxy=\"web\",code=\"2xx\"})"),
            r -> r.ok() && r.value() >= REQUESTS);
    assertEquals(MetricStatus.OK, v.status(), v.detail());
    assertTrue(v.value() >= REQUESTS, "HAProxy counted " + v.value());
    assertEquals(MetricValue.ok(1), provider.query("up{job=\"haproxy\"}"));
  }

  @Test
  @Order(4)
  void noSeriesIsEmptyNanAndInfinityAreNanAndTwoSeriesOrABadQueryAreErrors() {
    MetricValue empty = provider.query("http_server_requests_total{bellwether_instance=\"nobody\"}");
    assertEquals(MetricStatus.EMPTY, empty.status());

    assertEquals(MetricStatus.NAN, provider.query("0/0").status());
    // A ratio over a series that exists: 0/0 per element, as an idle canary's error ratio is.
    assertEquals(
        MetricStatus.NAN,
        provider.query("sum(up{job=\"haproxy\"}) * 0 / (sum(up{job=\"haproxy\"}) * 0)").status());
    assertEquals(MetricStatus.NAN, provider.query("1/0").status());

    MetricValue two = provider.query("up");
    assertEquals(MetricStatus.ERROR, two.status());
    assertTrue(two.detail().startsWith("2 series"), two.detail());

    MetricValue bad = provider.query("sum(rate(http_server_requests_total[5s])");
    assertEquals(MetricStatus.ERROR, bad.status());
    assertTrue(bad.detail().contains("parse error"), bad.detail());
    assertFalse(bad.detail().contains(String.valueOf(prometheus.port())), bad.detail());

    assertEquals(MetricStatus.ERROR, provider.query("up[5s]").status());
  }

  @Test
  @Order(5)
  void aRangeQueryReturnsTheSeriesOldestFirstAndDropsNan() throws Exception {
    String q = "sum(http_server_requests_total{bellwether_instance=\"web-1\"})";
    MetricSeries s = eventually(() -> provider.queryRange(q, 10, 1), r -> r.values().size() >= 2);
    assertEquals(MetricStatus.OK, s.status(), s.detail());
    assertEquals(REQUESTS, s.values().get(s.values().size() - 1));
    for (int i = 1; i < s.values().size(); i++) {
      assertTrue(s.values().get(i) >= s.values().get(i - 1), "a counter went down: " + s.values());
    }
    assertEquals(0, s.nanDropped());

    MetricSeries nan = provider.queryRange("0/0", 10, 1);
    assertEquals(MetricStatus.NAN, nan.status());
    assertEquals(11, nan.nanDropped());
    assertTrue(nan.values().isEmpty());

    assertEquals(
        MetricStatus.EMPTY,
        provider.queryRange("http_server_requests_total{bellwether_instance=\"nobody\"}", 10, 1).status());
    assertEquals(MetricStatus.ERROR, provider.queryRange("up", 10, 1).status());
    assertEquals(MetricStatus.ERROR, provider.queryRange("sum(", 10, 1).status());
    assertEquals(MetricStatus.ERROR, provider.queryRange(q, 0, 1).status());
    assertEquals(MetricStatus.ERROR, provider.queryRange(q, 10, 0).status());
  }

  @Test
  @Order(6)
  void theDocumentedErrorRatioAndP99TemplatesAnswerOneNumberPerSide() throws Exception {
    // The templates of docs/configuration.md, rendered for one side as the workflow renders them.
    String errorRatio =
        "(sum(rate(http_server_requests_total{bellwether_instance=~\"{{instances}}\",status=~\"5..\"}[{{interval}}])) or vector(0))"
            + " / sum(rate(http_server_requests_total{bellwether_instance=~\"{{instances}}\"}[{{interval}}]))";
    String p99 =
        "histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{bellwether_instance=~\"{{instances}}\"}[{{interval}}])))";
    String instances = "web-1|web-9";
    for (int i = 0; i < 20; i++) {
      HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haproxy.frontendPort() + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
    }
    MetricValue ratio =
        eventually(
            () -> provider.query(render(errorRatio, instances, "30s")), MetricValue::ok);
    // 2.0.0 never fails: no 5xx series exists, and "or vector(0)" makes that a 0, not no data.
    assertEquals(MetricValue.ok(0), ratio);
    MetricValue latency =
        eventually(() -> provider.query(render(p99, instances, "30s")), MetricValue::ok);
    assertEquals(MetricStatus.OK, latency.status(), latency.detail());
    assertTrue(latency.value() > 0 && latency.value() <= 0.5, "p99 " + latency.value());
    // A side without traffic has no data: inconclusive, never a pass.
    assertEquals(MetricStatus.EMPTY, provider.query(render(errorRatio, "web-9", "30s")).status());
    assertEquals(MetricStatus.EMPTY, provider.query(render(p99, "web-9", "30s")).status());
    MetricSeries samples =
        provider.queryRange(render(errorRatio, instances, "5s"), 10, 1);
    assertTrue(
        samples.status() == MetricStatus.OK || samples.status() == MetricStatus.NAN,
        samples.toString());
  }

  private static String render(String template, String instances, String interval) {
    return template.replace("{{instances}}", instances).replace("{{interval}}", interval);
  }

  @Test
  @Order(7)
  void theActivityReachesTheConfiguredProviderAndRefusesAnUnknownName() {
    AdapterRegistry registry =
        AdapterRegistry.fromConfig(
            new BellwetherConfig(
                null, null, null, null, null, null, null, Map.of("prom", prometheus.metricsConfig())));
    MetricsActivitiesImpl activities =
        BellwetherActivities.create(registry).stream()
            .filter(MetricsActivitiesImpl.class::isInstance)
            .map(MetricsActivitiesImpl.class::cast)
            .findFirst()
            .orElseThrow();
    assertTrue(activities.isOnline("prom"));
    assertEquals(MetricValue.ok(2), activities.query("prom", "count(up == 1)"));
    assertEquals(MetricStatus.OK, activities.queryRange("prom", "count(up == 1)", 5, 1).status());

    ApplicationFailure f =
        assertThrows(ApplicationFailure.class, () -> activities.query("grafana", "up"));
    assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("configured: prom"), f.getOriginalMessage());
  }

  @Test
  @Order(8)
  void aStoppedPrometheusIsUnavailableNeverAnExceptionAndComesBackOnRestart() throws Exception {
    String counter = "sum(http_server_requests_total{bellwether_instance=\"web-1\"})";
    MetricValue before = provider.query(counter);
    assertEquals(MetricStatus.OK, before.status(), before.detail());
    prometheus.stop();
    assertFalse(prometheus.isRunning());
    MetricValue down = provider.query("count(up == 1)");
    assertEquals(MetricStatus.UNAVAILABLE, down.status());
    assertFalse(down.detail().contains(String.valueOf(prometheus.port())), down.detail());
    assertEquals(MetricStatus.UNAVAILABLE, provider.queryRange("count(up == 1)", 10, 1).status());
    assertFalse(provider.isOnline());

    prometheus.restart();
    assertTrue(provider.isOnline());
    assertTrue(prometheus.pid() > 0);
    // Same data directory: the series is back, with no traffic since, at the same count.
    MetricValue back = eventually(() -> provider.query(counter), MetricValue::ok);
    assertEquals(before, back);
    assertNull(back.detail());
  }
}
