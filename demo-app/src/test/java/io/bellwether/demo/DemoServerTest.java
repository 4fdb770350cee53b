package io.bellwether.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DemoServerTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<DemoServer> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    started.forEach(DemoServer::stop);
  }

  private DemoServer start(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("--port", "0", "--instance", "web-1"));
    all.addAll(List.of(args));
    DemoServer s = DemoServer.start(DemoOptions.parse(all.toArray(String[]::new)));
    started.add(s);
    return s;
  }

  private HttpResponse<String> get(DemoServer s, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(DemoServer s, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(s, path))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A shop request as HAProxy forwards it: router headers set, or none when a header is null. */
  private HttpResponse<String> shop(
      DemoServer s, String method, String path, String variant, String assignment)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(5));
    if (variant != null) {
      b.header("x-bellwether-variant", variant);
    }
    if (assignment != null) {
      b.header("x-bellwether-assignment", assignment);
    }
    b.method(
        method,
        method.equals("POST")
            ? HttpRequest.BodyPublishers.ofString("{}")
            : HttpRequest.BodyPublishers.noBody());
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(DemoServer s, String path) {
    return URI.create("http://127.0.0.1:" + s.port() + path);
  }

  @Test
  void versionIsTheBareVersionString() throws Exception {
    DemoServer s = start("--version", "2.0.0");
    HttpResponse<String> r = get(s, "/version");
    assertEquals(200, r.statusCode());
    assertEquals("2.0.0", r.body());
  }

  @Test
  void rootNamesInstanceAndVersionForGetAndPost() throws Exception {
    DemoServer s = start("--version", "1.1.0");
    assertEquals("demo-app web-1 1.1.0", get(s, "/").body());
    HttpResponse<String> r = post(s, "/", "x".repeat(100_000));
    assertEquals(200, r.statusCode());
    assertEquals("demo-app web-1 1.1.0", r.body());
    assertEquals(404, get(s, "/nope").statusCode());
  }

  @Test
  void goodReleaseIsHealthy() throws Exception {
    DemoServer s = start("--version", "2.0.0");
    HttpResponse<String> r = get(s, "/health");
    assertEquals(200, r.statusCode());
    assertEquals("ok", r.body());
  }

  @Test
  void unhealthyReleaseFailsHealthButServesTraffic() throws Exception {
    DemoServer s = start("--version", "3.0.0");
    assertEquals(503, get(s, "/health").statusCode());
    assertEquals(200, get(s, "/").statusCode());
    assertEquals("3.0.0", get(s, "/version").body());
  }

  @Test
  void unhealthyFlagOverridesAGoodRelease() throws Exception {
    DemoServer s = start("--version", "1.0.0", "--unhealthy");
    assertEquals(503, get(s, "/health").statusCode());
  }

  @Test
  void errorRateReleaseAnswersSome500s() throws Exception {
    DemoServer s = start("--version", "2.1.0", "--seed", "7");
    int errors = 0;
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> r = i % 2 == 0 ? get(s, "/") : post(s, "/", "order " + i);
      if (r.statusCode() == 500) {
        errors++;
      } else {
        assertEquals(200, r.statusCode());
      }
    }
    // 25% of 200 is 50; the seed makes the count repeatable, the band says what it means.
    assertTrue(errors >= 30 && errors <= 70, "errors out of 200: " + errors);
    // The version endpoint stays correct, so smoke checks pass and only traffic shows the fault.
    assertEquals("2.1.0", get(s, "/version").body());
  }

  @Test
  void sameSeedGivesTheSameFailures() throws Exception {
    assertEquals(statuses(start("--version", "2.1.0", "--seed", "11")),
        statuses(start("--version", "2.1.0", "--seed", "11")));
  }

  private List<Integer> statuses(DemoServer s) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      out.add(get(s, "/").statusCode());
    }
    return out;
  }

  @Test
  void goodReleaseNeverFails() throws Exception {
    DemoServer s = start("--version", "2.0.0", "--seed", "7");
    for (int i = 0; i < 200; i++) {
      assertEquals(200, get(s, "/").statusCode());
    }
  }

  @Test
  void errorRateFlagOverridesTheCatalog() throws Exception {
    DemoServer s = start("--version", "2.0.0", "--error-rate", "1");
    assertEquals(500, get(s, "/").statusCode());
    assertEquals(1.0, s.release().errorRate());
  }

  @Test
  void slowReleaseAddsLatencyToRootOnly() throws Exception {
    DemoServer s = start("--version", "2.2.0");
    assertEquals(300, s.release().latencyMs());
    long t = System.nanoTime();
    assertEquals(200, get(s, "/").statusCode());
    // A lower bound only: the added sleep guarantees it, however slow the machine.
    assertTrue(
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t) >= 300, "request was not delayed");
  }

  @Test
  void metricsCountTrafficByStatusAndTimeItInAHistogramWithTheVersion() throws Exception {
    DemoServer s = start("--version", "2.0.0");
    for (int i = 0; i < 3; i++) {
      get(s, "/");
    }
    post(s, "/", "a");
    get(s, "/missing");
    get(s, "/health");
    get(s, "/metrics");
    HttpResponse<String> r = get(s, "/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = r.body();
    assertEquals(4.0, sample(text, "http_server_requests_total{version=\"2.0.0\",status=\"200\"}"));
    assertEquals(1.0, sample(text, "http_server_requests_total{version=\"2.0.0\",status=\"404\"}"));
    assertEquals(5.0, sample(text, "http_server_request_duration_seconds_count{version=\"2.0.0\"}"));
    assertEquals(
        5.0, sample(text, "http_server_request_duration_seconds_bucket{version=\"2.0.0\",le=\"+Inf\"}"));
    assertTrue(sample(text, "http_server_request_duration_seconds_sum{version=\"2.0.0\"}") > 0);
    // Health and metrics requests are not traffic: no other series exist.
    assertEquals(2, count(text, "^http_server_requests_total\\{"));
    // Exactly the agreed buckets, in order, then +Inf.
    List<String> les = new ArrayList<>();
    Matcher m = Pattern.compile("_bucket\\{version=\"2.0.0\",le=\"([^\"]+)\"}").matcher(text);
    while (m.find()) {
      les.add(m.group(1));
    }
    assertEquals(
        List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.15", "0.2", "0.3", "0.5", "0.75", "1",
            "2.5", "5", "+Inf"),
        les);
    // Prometheus owns the instance label; the app must not send one.
    assertFalse(text.contains("instance="), text);
  }

  @Test
  void histogramBucketsAreCumulativeAndPlaceASlowRequestAboveItsDelay() throws Exception {
    DemoServer s = start("--version", "2.4.0");
    assertEquals(150, s.release().latencyMs());
    get(s, "/");
    get(s, "/");
    String text = get(s, "/metrics").body();
    // 150 ms added: nothing can land at or below 0.1 s, and both are counted by +Inf.
    assertEquals(0.0, sample(text, "http_server_request_duration_seconds_bucket{version=\"2.4.0\",le=\"0.1\"}"));
    assertEquals(
        2.0, sample(text, "http_server_request_duration_seconds_bucket{version=\"2.4.0\",le=\"+Inf\"}"));
    assertTrue(sample(text, "http_server_request_duration_seconds_sum{version=\"2.4.0\"}") >= 0.3);
  }

  @Test
  void heavyTailReleaseSlowsAFewRequestsOnly() throws Exception {
    DemoServer s = start("--version", "2.5.0", "--seed", "5");
    assertEquals(0.04, s.release().tailRate());
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      all.add(
          http.sendAsync(
              HttpRequest.newBuilder(uri(s, "/")).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      assertEquals(200, f.get(20, TimeUnit.SECONDS).statusCode());
    }
    String text = get(s, "/metrics").body();
    double total = sample(text, "http_server_request_duration_seconds_count{version=\"2.5.0\"}");
    double atMostHalfSecond =
        sample(text, "http_server_request_duration_seconds_bucket{version=\"2.5.0\",le=\"0.5\"}");
    double slow = total - atMostHalfSecond;
    // 4% of 400 is 16; the seed makes it repeatable, the band says what it means.
    assertTrue(slow >= 6 && slow <= 30, "requests over 0.5 s: " + slow + " of " + total);
    // Every tail request is over 0.6 s and none over 0.9 s plus scheduling.
    double overOneSecond =
        total - sample(text, "http_server_request_duration_seconds_bucket{version=\"2.5.0\",le=\"1\"}");
    assertTrue(overOneSecond <= 2, "tail requests are 0.6 to 0.9 s, yet over 1 s: " + overOneSecond);
  }

  @Test
  void theShopPageNamesItsVariantAndBuyProbabilityAndCountsAnExposure() throws Exception {
    DemoServer s = start("--version", "4.1.0");
    HttpResponse<String> r = shop(s, "GET", "/shop", "treatment", "hash");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals(
        "{\"instance\":\"web-1\",\"version\":\"4.1.0\",\"variant\":\"treatment\","
            + "\"randomized\":true,\"buyProbability\":0.15}",
        r.body());
    String text = get(s, "/metrics").body();
    assertEquals(
        1.0,
        sample(
            text,
            "ab_exposures_total{version=\"4.1.0\",variant=\"treatment\",randomized=\"true\"}"));
    assertEquals(0, count(text, "^ab_conversions_total\\{"));
  }

  @Test
  void aReturningUserIsExposedOnceAndAgainOnlyInAnotherVariant() throws Exception {
    DemoServer s = start("--version", "4.0.0");
    HttpResponse<String> first = shop(s, "GET", "/shop", "control", "hash");
    String setCookie = first.headers().firstValue("Set-Cookie").orElse("");
    assertEquals("bw_exposed=control; Path=/shop; HttpOnly", setCookie);
    for (String cookie : new String[] {"bw_exposed=control", "a=1; bw_exposed=control; b=2"}) {
      HttpRequest again =
          HttpRequest.newBuilder(uri(s, "/shop"))
              .header("x-bellwether-variant", "control")
              .header("x-bellwether-assignment", "hash")
              .header("Cookie", cookie)
              .build();
      HttpResponse<String> r = http.send(again, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Set-Cookie").isEmpty(), cookie);
    }
    // The cookie of another variant (an earlier test) does not hide this one's exposure.
    HttpRequest other =
        HttpRequest.newBuilder(uri(s, "/shop"))
            .header("x-bellwether-variant", "treatment")
            .header("x-bellwether-assignment", "hash")
            .header("Cookie", "bw_exposed=control")
            .build();
    assertEquals(200, http.send(other, HttpResponse.BodyHandlers.ofString()).statusCode());
    String text = get(s, "/metrics").body();
    assertEquals(
        1.0,
        sample(text, "ab_exposures_total{version=\"4.0.0\",variant=\"control\",randomized=\"true\"}"));
    assertEquals(
        1.0,
        sample(text, "ab_exposures_total{version=\"4.0.0\",variant=\"treatment\",randomized=\"true\"}"));
  }

  @Test
  void withoutRouterHeadersTheVariantIsNoneAndNotRandomized() throws Exception {
    // Every release has a shop; one outside the catalog's shop versions converts at 10%.
    DemoServer s = start("--version", "2.0.0");
    assertEquals(
        "{\"instance\":\"web-1\",\"version\":\"2.0.0\",\"variant\":\"none\","
            + "\"randomized\":false,\"buyProbability\":0.1}",
        shop(s, "GET", "/shop", null, null).body());
    assertEquals(
        1.0,
        sample(
            get(s, "/metrics").body(),
            "ab_exposures_total{version=\"2.0.0\",variant=\"none\",randomized=\"false\"}"));
  }

  @Test
  void checkoutPlacesAnOrderAndCountsAConversionByAssignment() throws Exception {
    DemoServer s = start("--version", "4.0.0");
    HttpResponse<String> first = shop(s, "POST", "/shop/checkout", "control", "random");
    assertEquals(200, first.statusCode());
    assertEquals(
        "{\"instance\":\"web-1\",\"version\":\"4.0.0\",\"variant\":\"control\","
            + "\"randomized\":true,\"order\":\"web-1-1\"}",
        first.body());
    assertTrue(shop(s, "POST", "/shop/checkout", "control", "cookie").body().contains("\"web-1-2\""));
    shop(s, "POST", "/shop/checkout", "control", "forced");
    shop(s, "POST", "/shop/checkout", "control", "segment");
    shop(s, "POST", "/shop/checkout", "control", null);
    String text = get(s, "/metrics").body();
    String series = "ab_conversions_total{version=\"4.0.0\",variant=\"control\",randomized=";
    assertEquals(2.0, sample(text, series + "\"true\"}"));
    // Forced and segment users (and requests without an assignment) stay out of the statistics.
    assertEquals(3.0, sample(text, series + "\"false\"}"));
    assertEquals(0, count(text, "^ab_exposures_total\\{"));
  }

  @Test
  void shopMethodsAreCheckedAndOnlyShopAnswersAreCounted() throws Exception {
    DemoServer s = start("--version", "4.0.0");
    assertEquals(405, shop(s, "POST", "/shop", "a", "hash").statusCode());
    assertEquals(405, shop(s, "GET", "/shop/checkout", "a", "hash").statusCode());
    assertEquals(404, shop(s, "GET", "/shop/cart", "a", "hash").statusCode());
    String text = get(s, "/metrics").body();
    assertEquals(0, count(text, "^ab_"));
    assertEquals(2.0, sample(text, "http_server_requests_total{version=\"4.0.0\",status=\"405\"}"));
    assertEquals(1.0, sample(text, "http_server_requests_total{version=\"4.0.0\",status=\"404\"}"));
  }

  @Test
  void shopRequestsAreAlsoCountedAndTimedAsTraffic() throws Exception {
    DemoServer s = start("--version", "4.0.0");
    for (int i = 0; i < 3; i++) {
      shop(s, "GET", "/shop", "a", "hash");
    }
    shop(s, "POST", "/shop/checkout", "a", "hash");
    get(s, "/");
    String text = get(s, "/metrics").body();
    assertEquals(5.0, sample(text, "http_server_requests_total{version=\"4.0.0\",status=\"200\"}"));
    assertEquals(5.0, sample(text, "http_server_request_duration_seconds_count{version=\"4.0.0\"}"));
    assertFalse(text.contains("instance="), text);
  }

  @Test
  void aForgedVariantHeaderIsCountedAsOther() throws Exception {
    DemoServer s = start("--version", "4.0.0");
    HttpResponse<String> r = shop(s, "GET", "/shop", "<b>\" x=\"1", "hash");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("\"variant\":\"other\""), r.body());
    shop(s, "GET", "/shop", "v".repeat(65), "hash");
    assertEquals(
        2.0,
        sample(
            get(s, "/metrics").body(),
            "ab_exposures_total{version=\"4.0.0\",variant=\"other\",randomized=\"true\"}"));
  }

  @Test
  void theBuggyCheckoutFailsShopRequestsAndCountsOnlyWhatSucceeded() throws Exception {
    DemoServer s = start("--version", "4.2.0", "--seed", "7");
    int shown = 0;
    int ordered = 0;
    int errors = 0;
    for (int i = 0; i < 300; i++) {
      boolean page = i % 3 != 2;
      HttpResponse<String> r =
          page
              ? shop(s, "GET", "/shop", "treatment", "hash")
              : shop(s, "POST", "/shop/checkout", "treatment", "hash");
      if (r.statusCode() == 500) {
        errors++;
        assertTrue(r.body().contains("\"error\""), r.body());
      } else {
        assertEquals(200, r.statusCode());
        if (page) {
          shown++;
          assertTrue(r.body().contains("\"buyProbability\":0.15"), r.body());
        } else {
          ordered++;
        }
      }
    }
    // 20% of 300 is 60; the seed makes the count repeatable, the band says what it means.
    assertTrue(errors >= 35 && errors <= 90, "errors out of 300: " + errors);
    String text = get(s, "/metrics").body();
    String labels = "{version=\"4.2.0\",variant=\"treatment\",randomized=\"true\"}";
    // An error page is not an exposure, a failed checkout is not an order.
    assertEquals(shown, sample(text, "ab_exposures_total" + labels));
    assertEquals(ordered, sample(text, "ab_conversions_total" + labels));
    assertEquals(errors, sample(text, "http_server_requests_total{version=\"4.2.0\",status=\"500\"}"));
  }

  @Test
  void theSlowerShopDelaysShopRequests() throws Exception {
    DemoServer s = start("--version", "4.3.0");
    assertEquals(200, s.release().latencyMs());
    long t = System.nanoTime();
    HttpResponse<String> r = shop(s, "GET", "/shop", "slow", "hash");
    assertEquals(200, r.statusCode());
    // A lower bound only: the added sleep guarantees it, however slow the machine.
    assertTrue(
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t) >= 200, "request was not delayed");
    assertTrue(r.body().contains("\"buyProbability\":0.1"), r.body());
  }

  @Test
  void conversionRateFlagOverridesTheCatalog() throws Exception {
    DemoServer s = start("--version", "4.0.0", "--conversion-rate", "0.5");
    assertEquals(0.5, s.release().conversionRate());
    assertTrue(shop(s, "GET", "/shop", null, null).body().contains("\"buyProbability\":0.5"));
  }

  private static double sample(String text, String series) {
    Pattern p = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE);
    Matcher m = p.matcher(text);
    assertTrue(m.find(), series + " missing from:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void stopLetsInFlightRequestsFinishAndRefusesNewConnections() throws Exception {
    DemoServer s = start("--version", "2.0.0", "--latency-ms", "800");
    CompletableFuture<HttpResponse<String>> slow =
        http.sendAsync(
            HttpRequest.newBuilder(uri(s, "/")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (s.inFlight() == 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertEquals(1, s.inFlight(), "the slow request never arrived");
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(s::stop);
    assertTrue(refusedWithin(s.port(), Duration.ofSeconds(3)), "still accepting after stop");
    HttpResponse<String> r = slow.get(5, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertEquals("demo-app web-1 2.0.0", r.body());
    stopping.get(5, TimeUnit.SECONDS);
    assertEquals(0, s.inFlight());
  }

  private static boolean refusedWithin(int port, Duration limit) throws InterruptedException {
    long until = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < until) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      } catch (ConnectException refused) {
        return true;
      } catch (IOException other) {
        // a timeout is not a refusal; try again
      }
      Thread.sleep(10);
    }
    return false;
  }
}
