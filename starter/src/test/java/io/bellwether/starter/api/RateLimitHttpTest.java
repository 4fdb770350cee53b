package io.bellwether.starter.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.when;

import io.bellwether.client.BellwetherClient;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/** The per-caller token bucket over real HTTP: a slow refill, so the bucket cannot fill mid-test. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitHttpTest {
  static final String CI = "tok-ci-4471aa";
  static final String OTHER = "tok-other-9d02be";

  final ApiTestSupport api = new ApiTestSupport();

  @MockitoBean BellwetherClient client;
  @MockitoBean RunStates states;
  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    r.add("bellwether.api.tokens.ci.sha256", () -> HashedTokenIntrospector.sha256Hex(CI));
    r.add("bellwether.api.tokens.ci.user", () -> "ci-bot");
    r.add("bellwether.api.tokens.ci.roles[0]", () -> "viewer");
    r.add("bellwether.api.tokens.other.sha256", () -> HashedTokenIntrospector.sha256Hex(OTHER));
    r.add("bellwether.api.tokens.other.user", () -> "other-bot");
    r.add("bellwether.api.tokens.other.roles[0]", () -> "viewer");
    r.add("bellwether.api.rate-limit.requests-per-second", () -> "0.01");
    r.add("bellwether.api.rate-limit.burst", () -> "3");
  }

  @Test
  void aCallerOverItsBurstGets429WithRetryAfterAndOthersDoNot() throws Exception {
    api.port(port);
    when(client.list(null, null, null)).thenReturn(List.of());
    for (int i = 0; i < 3; i++) {
      assertEquals(200, api.get("/api/v1/runs", CI).statusCode());
    }
    HttpResponse<String> limited = api.get("/api/v1/runs", CI);
    assertEquals(429, limited.statusCode(), limited.body());
    long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElse("0"));
    // One token comes back after 1 / 0.01 s.
    assertTrue(retryAfter >= 1 && retryAfter <= 100, "Retry-After " + retryAfter);
    assertEquals("urn:bellwether:problem:rate-limited", ApiTestSupport.json(limited).path("type").asText());
    assertEquals(200, api.get("/api/v1/runs", OTHER).statusCode());
  }

  @Test
  void guessingTokensMeetsTheLimitToo() throws Exception {
    api.port(port);
    int unauthorized = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 6; i++) {
      last = api.get("/api/v1/runs", "guess-" + i);
      if (last.statusCode() == 401) {
        unauthorized++;
      }
    }
    assertTrue(unauthorized <= 3, "at most the burst is answered 401, was " + unauthorized);
    assertEquals(429, last.statusCode(), last.body());
  }
}
