package io.bellwether.starter.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import io.bellwether.activities.chat.SlackRequestVerifier;
import io.bellwether.activities.identity.Attestations;
import io.bellwether.client.BellwetherClient;
import io.bellwether.client.ControlRefusedException;
import io.bellwether.client.RunAlreadyStartedException;
import io.bellwether.client.RunNotFoundException;
import io.bellwether.client.RunRef;
import io.bellwether.client.RunSummary;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.starter.report.ABTestFixtures;
import io.bellwether.starter.report.CanaryFixtures;
import io.bellwether.starter.report.ChaosFixtures;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The API over real HTTP, with the Temporal side replaced by a mock client: authentication, roles,
 * problems, limits, idempotency and the chat endpoints' verification.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiHttpTest {
  static final String VIEWER = "tok-viewer-8c1f0d";
  static final String DEPLOYER = "tok-deployer-52e9aa";
  static final String APPROVER = "tok-approver-0b7d31";
  static final String ADMIN = "tok-admin-f3a802";
  static final String IDENTITY_KEY = "identity-secret-71d2c4";
  static final String CHAT_SECRET = "chat-signing-secret-9e44b0";
  static final String RUN = "rolling-web-2.0.0";

  static final ApiTestSupport api = new ApiTestSupport();

  @MockitoBean BellwetherClient client;
  @MockitoBean RunStates states;
  @Autowired IdempotencyStore idempotency;
  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    token(r, "viewer", VIEWER, "victor", "viewer");
    token(r, "deployer", DEPLOYER, "dave", "deployer");
    token(r, "approver", APPROVER, "alice", "approver");
    token(r, "admin", ADMIN, "root", "admin");
    r.add("bellwether.api.identity.key-id", () -> "test-key");
    r.add("bellwether.api.identity.key", () -> IDENTITY_KEY);
    r.add("bellwether.api.max-body-bytes", () -> "4096");
    r.add("bellwether.api.rate-limit.requests-per-second", () -> "1000");
    r.add("bellwether.api.rate-limit.burst", () -> "1000");
    r.add("bellwether.chat.signing-secret", () -> CHAT_SECRET);
    r.add("bellwether.chat.users.U0ALICE.user", () -> "alice");
    r.add("bellwether.chat.users.U0ALICE.roles[0]", () -> "approver");
    r.add("bellwether.chat.users.U0VICTOR.user", () -> "victor");
    r.add("bellwether.chat.users.U0VICTOR.roles[0]", () -> "viewer");
  }

  private static void token(DynamicPropertyRegistry r, String name, String token, String user, String role) {
    r.add("bellwether.api.tokens." + name + ".sha256", () -> HashedTokenIntrospector.sha256Hex(token));
    r.add("bellwether.api.tokens." + name + ".user", () -> user);
    r.add("bellwether.api.tokens." + name + ".roles[0]", () -> role);
  }

  @BeforeEach
  void setUp() {
    api.port(port);
  }

  @AfterAll
  static void noSecretInAnyAnswer() {
    assertFalse(api.seen().isEmpty());
    api.assertNoneContains(List.of(VIEWER, DEPLOYER, APPROVER, ADMIN, IDENTITY_KEY, CHAT_SECRET,
        HashedTokenIntrospector.sha256Hex(VIEWER), HashedTokenIntrospector.sha256Hex(DEPLOYER),
        HashedTokenIntrospector.sha256Hex(APPROVER), HashedTokenIntrospector.sha256Hex(ADMIN)));
  }

  // --- authentication and roles ---

  @Test
  void noTokenIs401ProblemWithBearerChallenge() throws Exception {
    HttpResponse<String> r = api.get("/api/v1/runs", null);
    assertEquals(401, r.statusCode());
    assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    assertEquals("urn:bellwether:problem:unauthorized", ApiTestSupport.json(r).path("type").asText());
    assertEquals(401, ApiTestSupport.json(r).path("status").asInt());
    verifyNoInteractions(client);
  }

  @Test
  void unknownTokenIs401() throws Exception {
    HttpResponse<String> r = api.get("/api/v1/runs", "tok-nobody-000000");
    assertEquals(401, r.statusCode());
    assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
    verifyNoInteractions(client);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "viewer, start, 403",
    "viewer, approve, 403",
    "viewer, rollback, 403",
    "deployer, approve, 403",
    "deployer, reject, 403",
    "approver, pause, 403",
    "approver, promote, 403",
    "approver, start, 403",
    "deployer, pause, 200",
    "deployer, promote, 200",
    "approver, approve, 200",
    "approver, rollback, 200",
    "deployer, rollback, 200",
    "admin, approve, 200",
    "admin, pause, 200",
  })
  void rolesDecideWhoMayAct(String role, String action, int expected) throws Exception {
    String token = Map.of("viewer", VIEWER, "deployer", DEPLOYER, "approver", APPROVER, "admin", ADMIN).get(role);
    ControlResponse ok = new ControlResponse(action, Phase.PROGRESSING, false, "ok");
    when(client.pause(eq(RUN), any())).thenReturn(ok);
    when(client.promote(eq(RUN), any())).thenReturn(ok);
    when(client.approve(eq(RUN), any())).thenReturn(ok);
    when(client.rollback(eq(RUN), any())).thenReturn(ok);
    when(client.validate(anyString())).thenReturn(List.of());
    when(client.start(anyString(), anyMap())).thenReturn(new RunRef(RUN, "r1", RollingDeploymentWorkflow.TYPE));
    HttpResponse<String> r = action.equals("start")
        ? api.post("/api/v1/runs", token, "application/yaml", spec("web", "2.0.0"), Map.of())
        : api.post("/api/v1/runs/" + RUN + "/" + action, token, "application/json", "{\"reason\":\"r\"}", Map.of());
    assertEquals(expected, r.statusCode(), r.body());
    if (expected == 403) {
      assertEquals("urn:bellwether:problem:forbidden", ApiTestSupport.json(r).path("type").asText());
      verifyNoInteractions(client);
    }
  }

  @Test
  void viewerReadsStatusAndLists() throws Exception {
    when(client.typeOf(RUN)).thenReturn(RollingDeploymentWorkflow.TYPE);
    when(client.rollingStatus(RUN)).thenReturn(status(Phase.BAKING, null));
    when(client.list(null, "web", "AWAITING_APPROVAL")).thenReturn(List.of(
        new RunSummary(RUN, "r1", RollingDeploymentWorkflow.TYPE, "RUNNING", Instant.parse("2026-11-27T10:00:00Z"),
            null, "web", Phase.AWAITING_APPROVAL)));

    HttpResponse<String> s = api.get("/api/v1/runs/" + RUN, VIEWER);
    assertEquals(200, s.statusCode(), s.body());
    JsonNode body = ApiTestSupport.json(s);
    assertEquals(RUN, body.path("workflowId").asText());
    assertEquals("RollingDeployment", body.path("type").asText());
    assertEquals("BAKING", body.path("status").path("phase").asText());

    HttpResponse<String> l = api.get("/api/v1/runs?service=web&phase=AWAITING_APPROVAL", VIEWER);
    assertEquals(200, l.statusCode(), l.body());
    JsonNode runs = ApiTestSupport.json(l).path("runs");
    assertEquals(1, runs.size());
    assertEquals("web", runs.get(0).path("service").asText());
    assertEquals("2026-11-27T10:00:00Z", runs.get(0).path("startTime").asText());
  }

  @Test
  void unknownRunIs404Problem() throws Exception {
    when(client.typeOf("rolling-nope-1")).thenThrow(new RunNotFoundException("rolling-nope-1", null));
    HttpResponse<String> r = api.get("/api/v1/runs/rolling-nope-1", VIEWER);
    assertEquals(404, r.statusCode());
    assertEquals("urn:bellwether:problem:not-found", ApiTestSupport.json(r).path("type").asText());
  }

  // --- starting runs ---

  @Test
  void startIs201AsTheCaller() throws Exception {
    when(client.validate(anyString())).thenReturn(List.of());
    when(client.start(anyString(), anyMap())).thenReturn(new RunRef(RUN, "run-1", RollingDeploymentWorkflow.TYPE));
    HttpResponse<String> r = api.post("/api/v1/runs", DEPLOYER, "application/yaml", spec("web", "2.0.0"), Map.of());
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("/api/v1/runs/" + RUN, r.headers().firstValue("Location").orElse(""));
    JsonNode body = ApiTestSupport.json(r);
    assertEquals(RUN, body.path("workflowId").asText());
    assertEquals("run-1", body.path("runId").asText());
    assertEquals("RollingDeployment", body.path("type").asText());
    assertEquals("/api/v1/runs/" + RUN + "/events", body.path("links").path("events").asText());
    ArgumentCaptor<String> started = ArgumentCaptor.forClass(String.class);
    verify(client).start(started.capture(), eq(Map.of()));
    // The body said alice; the run is requested by the authenticated caller.
    assertEquals("dave", ApiTestSupport.JSON.readTree(started.getValue()).path("requestedBy").asText());
  }

  @Test
  void invalidSpecIs400WithEveryFieldProblem() throws Exception {
    when(client.validate(anyString())).thenReturn(List.of(
        new Violation("strategy.maxUnavailable", "must be at least 1"),
        new Violation("target.router", "unknown router 'edgy' (configured: edge)")));
    HttpResponse<String> r =
        api.post("/api/v1/runs", DEPLOYER, "application/json", specJson("web", "2.0.0"), Map.of());
    assertEquals(400, r.statusCode(), r.body());
    JsonNode body = ApiTestSupport.json(r);
    assertEquals("urn:bellwether:problem:invalid-spec", body.path("type").asText());
    assertEquals(2, body.path("errors").size());
    assertEquals("strategy.maxUnavailable", body.path("errors").get(0).path("field").asText());
    assertEquals("target.router", body.path("errors").get(1).path("field").asText());
    assertTrue(body.path("errors").get(1).path("reason").asText().contains("edgy"));
    verify(client, never()).start(anyString(), anyMap());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "application/yaml | 'service: web\nversion: [2.0.0\ntarget: {'",
    "application/json | '{\"service\": \"web\", \"version\": '",
    "text/yaml | '- just\n- a list'",
  })
  void malformedBodyIs400WithShortReasonAndNoTrace(String type, String body) throws Exception {
    HttpResponse<String> r = api.post("/api/v1/runs", DEPLOYER, type, body.replace("\\n", "\n"), Map.of());
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    JsonNode p = ApiTestSupport.json(r);
    assertEquals("(document)", p.path("errors").get(0).path("field").asText());
    assertFalse(p.path("errors").get(0).path("reason").asText().contains("\n"));
    ApiTestSupport.assertNoTrace(r);
    // Parse problems never reach Temporal.
    verifyNoInteractions(client);
  }

  @Test
  void malformedControlBodyIs400WithoutTrace() throws Exception {
    HttpResponse<String> r =
        api.post("/api/v1/runs/" + RUN + "/pause", DEPLOYER, "application/json", "{\"reason\": ", Map.of());
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("urn:bellwether:problem:malformed-request", ApiTestSupport.json(r).path("type").asText());
    ApiTestSupport.assertNoTrace(r);
    verifyNoInteractions(client);
  }

  @Test
  void unknownMediaTypeIs415Problem() throws Exception {
    HttpResponse<String> r = api.post("/api/v1/runs", DEPLOYER, "text/plain", spec("web", "2.0.0"), Map.of());
    assertEquals(415, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    assertEquals(415, ApiTestSupport.json(r).path("status").asInt());
    ApiTestSupport.assertNoTrace(r);
    verifyNoInteractions(client);
  }

  @Test
  void bodyOverTheLimitIs413WithLengthOrChunked() throws Exception {
    String big = "service: web\nnote: \"" + "x".repeat(8000) + "\"\n";
    HttpResponse<String> declared = api.post("/api/v1/runs", DEPLOYER, "application/yaml", big, Map.of());
    assertEquals(413, declared.statusCode(), declared.body());
    assertEquals("urn:bellwether:problem:payload-too-large", ApiTestSupport.json(declared).path("type").asText());

    // No length given: the body arrives chunked and is cut off after the limit.
    HttpResponse<String> chunked = api.send(api.request("/api/v1/runs", DEPLOYER)
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
        .build());
    assertEquals(413, chunked.statusCode(), chunked.body());
    verifyNoInteractions(client);
  }

  // --- idempotency ---

  @Test
  void sameKeyAndBodyReplaysTheFirstAnswer() throws Exception {
    when(client.validate(anyString())).thenReturn(List.of());
    when(client.memo(anyString(), anyString())).thenThrow(new RunNotFoundException("rolling-shop-3.0.0", null));
    when(client.start(anyString(), anyMap())).thenReturn(new RunRef("rolling-shop-3.0.0", "run-7", RollingDeploymentWorkflow.TYPE));
    String body = spec("shop", "3.0.0");
    Map<String, String> key = Map.of("Idempotency-Key", "k-replay-1");

    HttpResponse<String> first = api.post("/api/v1/runs", DEPLOYER, "application/yaml", body, key);
    HttpResponse<String> again = api.post("/api/v1/runs", DEPLOYER, "application/yaml", body, key);
    assertEquals(201, first.statusCode(), first.body());
    assertEquals(201, again.statusCode(), again.body());
    assertEquals(ApiTestSupport.json(first), ApiTestSupport.json(again));
    assertEquals(first.headers().firstValue("Location"), again.headers().firstValue("Location"));
    assertTrue(first.headers().firstValue("Idempotent-Replayed").isEmpty());
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));

    @SuppressWarnings({"unchecked", "rawtypes"})
    ArgumentCaptor<Map<String, ?>> memo = (ArgumentCaptor) ArgumentCaptor.forClass(Map.class);
    verify(client, times(1)).start(anyString(), memo.capture());
    assertEquals(
        IdempotencyStore.fingerprint("token:deployer", "k-replay-1", body.getBytes(StandardCharsets.UTF_8)),
        memo.getValue().get(BellwetherClient.MEMO_IDEMPOTENCY));

    HttpResponse<String> other =
        api.post("/api/v1/runs", DEPLOYER, "application/yaml", spec("shop", "3.0.1"), key);
    assertEquals(422, other.statusCode(), other.body());
    assertEquals("urn:bellwether:problem:idempotency-key-reused", ApiTestSupport.json(other).path("type").asText());
    verify(client, times(1)).start(anyString(), anyMap());
  }

  @Test
  void aRefusalIsReplayedToo() throws Exception {
    when(client.validate(anyString())).thenReturn(List.of(new Violation("version", "must not be blank")));
    Map<String, String> key = Map.of("Idempotency-Key", "k-refused-1");
    HttpResponse<String> first = api.post("/api/v1/runs", DEPLOYER, "application/yaml", spec("web", "9.9.9"), key);
    HttpResponse<String> again = api.post("/api/v1/runs", DEPLOYER, "application/yaml", spec("web", "9.9.9"), key);
    assertEquals(400, first.statusCode());
    assertEquals(400, again.statusCode());
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    verify(client, times(1)).validate(anyString());
  }

  @Test
  void theRunsMemoAnswersARetryThisApiHasForgotten() throws Exception {
    String body = spec("cart", "1.2.0");
    String id = "rolling-cart-1.2.0";
    String fingerprint =
        IdempotencyStore.fingerprint("token:deployer", "k-durable-1", body.getBytes(StandardCharsets.UTF_8));
    when(client.validate(anyString())).thenReturn(List.of());
    // First the run is not there; by the time of the start, a run from the earlier request is.
    when(client.memo(id, BellwetherClient.MEMO_IDEMPOTENCY))
        .thenReturn(java.util.Optional.empty())
        .thenReturn(java.util.Optional.of(fingerprint));
    when(client.start(anyString(), anyMap())).thenThrow(new RunAlreadyStartedException(id, null));
    when(states.describe(id)).thenReturn(new RunStates.RunState(id, "run-earlier", "RollingDeployment", "RUNNING"));

    HttpResponse<String> r =
        api.post("/api/v1/runs", DEPLOYER, "application/yaml", body, Map.of("Idempotency-Key", "k-durable-1"));
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("run-earlier", ApiTestSupport.json(r).path("runId").asText());
    assertEquals("true", r.headers().firstValue("Idempotent-Replayed").orElse(""));

    // Another key for the same running release is a plain conflict.
    when(client.memo(id, BellwetherClient.MEMO_IDEMPOTENCY)).thenReturn(java.util.Optional.of(fingerprint));
    HttpResponse<String> other =
        api.post("/api/v1/runs", DEPLOYER, "application/yaml", body, Map.of("Idempotency-Key", "k-durable-2"));
    assertEquals(409, other.statusCode(), other.body());
    assertEquals("urn:bellwether:problem:already-running", ApiTestSupport.json(other).path("type").asText());
  }

  // --- controls ---

  @Test
  void approveActsAsTheCallerWithAnAttestation() throws Exception {
    when(client.approve(eq(RUN), any())).thenReturn(
        new ControlResponse("approve", Phase.PROGRESSING, false, "approved by alice"));
    HttpResponse<String> r = api.post("/api/v1/runs/" + RUN + "/approve", APPROVER, "application/json",
        "{\"reason\":\"first batch fine\"}", Map.of());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("approve", ApiTestSupport.json(r).path("action").asText());
    assertEquals("PROGRESSING", ApiTestSupport.json(r).path("phase").asText());
    ArgumentCaptor<OperatorRequest> sent = ArgumentCaptor.forClass(OperatorRequest.class);
    verify(client).approve(eq(RUN), sent.capture());
    assertEquals("alice", sent.getValue().by());
    assertEquals("first batch fine", sent.getValue().reason());
    var identity = Attestations.verify(sent.getValue().attestation(), Map.of("test-key", IDENTITY_KEY), RUN,
        "approve", Instant.now(), Duration.ofMinutes(10));
    assertTrue(identity.verified(), identity.reason());
    assertEquals("alice", identity.by());
  }

  @Test
  void aControlWithoutBodyHasAnEmptyReason() throws Exception {
    when(client.resume(eq(RUN), any())).thenReturn(new ControlResponse("resume", Phase.PROGRESSING, false, "resumed"));
    HttpResponse<String> r = api.post("/api/v1/runs/" + RUN + "/resume", DEPLOYER, null, null, Map.of());
    assertEquals(200, r.statusCode(), r.body());
    ArgumentCaptor<OperatorRequest> sent = ArgumentCaptor.forClass(OperatorRequest.class);
    verify(client).resume(eq(RUN), sent.capture());
    assertEquals("dave", sent.getValue().by());
    assertEquals("", sent.getValue().reason());
  }

  @ParameterizedTest
  @CsvSource({"forbidden, 403, forbidden", "conflict, 409, control-refused"})
  void refusalsMapToTheirStatus(String category, int status, String type) throws Exception {
    when(client.approve(eq(RUN), any())).thenThrow(new ControlRefusedException(RUN, "approve",
        "'alice' may not", ApplicationFailure.newNonRetryableFailure("refused", FailureTypes.CONTROL_REFUSED,
            category.equals("forbidden") ? FailureTypes.REFUSAL_FORBIDDEN : FailureTypes.REFUSAL_CONFLICT)));
    HttpResponse<String> r = api.post("/api/v1/runs/" + RUN + "/approve", APPROVER, null, null, Map.of());
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("urn:bellwether:problem:" + type, ApiTestSupport.json(r).path("type").asText());
    assertTrue(ApiTestSupport.json(r).path("detail").asText().contains("'alice' may not"));
  }

  @Test
  void controlOnUnknownRunIs404AndUnknownActionIs404() throws Exception {
    when(client.pause(eq("rolling-gone-1"), any())).thenThrow(new RunNotFoundException("rolling-gone-1", null));
    assertEquals(404, api.post("/api/v1/runs/rolling-gone-1/pause", DEPLOYER, null, null, Map.of()).statusCode());
    assertEquals(404, api.post("/api/v1/runs/" + RUN + "/explode", ADMIN, null, null, Map.of()).statusCode());
  }

  // --- events ---

  @Test
  void eventsStreamStatusChangesThenTheEnd() throws Exception {
    when(states.describe(RUN))
        .thenReturn(new RunStates.RunState(RUN, "r1", "RollingDeployment", "RUNNING"))
        .thenReturn(new RunStates.RunState(RUN, "r1", "RollingDeployment", "RUNNING"))
        .thenReturn(new RunStates.RunState(RUN, "r1", "RollingDeployment", "RUNNING"))
        .thenReturn(new RunStates.RunState(RUN, "r1", "RollingDeployment", "COMPLETED"));
    when(client.status(RUN))
        .thenReturn(status(Phase.PROGRESSING, null))
        .thenReturn(status(Phase.PROGRESSING, null))
        .thenReturn(status(Phase.SUCCEEDED, null));
    HttpResponse<String> r = api.get("/api/v1/runs/" + RUN + "/events", VIEWER);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<String> events = r.body().lines().filter(l -> l.startsWith("event:")).toList();
    assertEquals(List.of("event:status", "event:status", "event:end"), events);
    assertTrue(r.body().contains("\"outcome\":\"SUCCEEDED\""), r.body());
  }

  // --- canary runs and their report ---

  static final String CANARY = "canary-web-2.4.0";

  @Test
  void viewerGetsTheCanaryReportAsOneSelfContainedPage() throws Exception {
    when(client.typeOf(CANARY)).thenReturn("CanaryRelease");
    when(client.canaryStatus(CANARY)).thenReturn(CanaryFixtures.rolledBack());

    HttpResponse<String> r = api.get("/api/v1/runs/" + CANARY + "/report", VIEWER);

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("text/html;charset=UTF-8", r.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
    String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(csp.contains("default-src 'none'"), csp);
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
    String page = r.body();
    assertTrue(page.startsWith("<!DOCTYPE html>"), page);
    assertTrue(page.contains("<title>Canary report: web 2.4.0 (" + CANARY + ")</title>"), page);
    assertTrue(page.contains(">ROLLED_BACK<"), page);
    assertEquals(4, page.split("<svg class=\"chart rounds\"", -1).length - 1, "one chart per metric per analysis");
    assertFalse(page.contains("<script") || page.contains("http://") || page.contains("https://"), page);
  }

  @Test
  void theReportNeedsATokenAndACanaryRun() throws Exception {
    assertEquals(401, api.get("/api/v1/runs/" + CANARY + "/report", null).statusCode());
    verifyNoInteractions(client);

    when(client.typeOf(RUN)).thenReturn(RollingDeploymentWorkflow.TYPE);
    HttpResponse<String> rolling = api.get("/api/v1/runs/" + RUN + "/report", VIEWER);
    assertEquals(404, rolling.statusCode(), rolling.body());
    assertEquals("urn:bellwether:problem:not-found", ApiTestSupport.json(rolling).path("type").asText());
    assertTrue(ApiTestSupport.json(rolling).path("detail").asText().contains("CanaryRelease, ABTest and ChaosExperiment"), rolling.body());
    verify(client, never()).canaryStatus(anyString());

    when(client.typeOf("canary-gone-1.0.0")).thenThrow(new RunNotFoundException("canary-gone-1.0.0", null));
    HttpResponse<String> gone = api.get("/api/v1/runs/canary-gone-1.0.0/report", VIEWER);
    assertEquals(404, gone.statusCode(), gone.body());
    assertEquals("urn:bellwether:problem:not-found", ApiTestSupport.json(gone).path("type").asText());
  }

  @Test
  void aCanaryStatusLinksItsReport() throws Exception {
    when(client.typeOf(CANARY)).thenReturn("CanaryRelease");
    when(client.canaryStatus(CANARY)).thenReturn(CanaryFixtures.rolledBack());

    HttpResponse<String> r = api.get("/api/v1/runs/" + CANARY, VIEWER);

    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = ApiTestSupport.json(r);
    assertEquals("CanaryRelease", body.path("type").asText());
    assertEquals("ROLLED_BACK", body.path("status").path("phase").asText());
    assertEquals("latency-p99", body.path("status").path("analyses").get(1).path("judgement").path("metrics").get(0)
        .path("metric").asText());
    assertEquals("/api/v1/runs/" + CANARY + "/report", body.path("links").path("report").asText());
  }

  @Test
  void promoteCarriesFullAndOtherControlsNever() throws Exception {
    ControlResponse ok = new ControlResponse("promote", Phase.PROMOTING, false, "promote --full by dave");
    when(client.promote(eq(CANARY), any())).thenReturn(ok);
    when(client.resume(eq(CANARY), any())).thenReturn(new ControlResponse("resume", Phase.PROGRESSING, false, ""));

    HttpResponse<String> full = api.post("/api/v1/runs/" + CANARY + "/promote", DEPLOYER, "application/json",
        "{\"reason\":\"enough data\",\"full\":true}", Map.of());
    HttpResponse<String> plain = api.post("/api/v1/runs/" + CANARY + "/promote", DEPLOYER, "application/json",
        "{\"reason\":\"next\"}", Map.of());
    HttpResponse<String> resume = api.post("/api/v1/runs/" + CANARY + "/resume", DEPLOYER, "application/json",
        "{\"reason\":\"go\",\"full\":true}", Map.of());

    assertEquals(200, full.statusCode(), full.body());
    assertEquals(200, plain.statusCode(), plain.body());
    assertEquals(200, resume.statusCode(), resume.body());
    ArgumentCaptor<OperatorRequest> sent = ArgumentCaptor.forClass(OperatorRequest.class);
    verify(client, times(2)).promote(eq(CANARY), sent.capture());
    assertTrue(sent.getAllValues().get(0).fullOrDefault());
    assertEquals("dave", sent.getAllValues().get(0).by());
    assertFalse(sent.getAllValues().get(1).fullOrDefault());
    ArgumentCaptor<OperatorRequest> resumed = ArgumentCaptor.forClass(OperatorRequest.class);
    verify(client).resume(eq(CANARY), resumed.capture());
    assertFalse(resumed.getValue().fullOrDefault());
  }

  @Test
  void aCanarySpecStartsUnderItsCanaryId() throws Exception {
    String body = String.join("\n",
        "kind: CanaryRelease",
        "service: web",
        "version: 2.4.0",
        "target: {router: edge, backend: web, pool: web, deployer: demo, healthCheck: http, metrics: prom}",
        "healthCheck: {path: /health, successThreshold: 2, period: 500ms, timeout: 30s}",
        "steps: [{setWeight: 20}, {pause: {duration: 10s}}]",
        "");
    when(client.validate(anyString())).thenReturn(List.of());
    when(client.memo(eq(CANARY), anyString())).thenReturn(java.util.Optional.empty());
    when(client.start(anyString(), anyMap())).thenReturn(new RunRef(CANARY, "run-c", "CanaryRelease"));

    HttpResponse<String> r = api.post("/api/v1/runs", DEPLOYER, "application/yaml", body,
        Map.of("Idempotency-Key", "k-canary-1"));

    assertEquals(201, r.statusCode(), r.body());
    assertEquals("CanaryRelease", ApiTestSupport.json(r).path("type").asText());
    assertEquals("/api/v1/runs/" + CANARY, r.headers().firstValue("Location").orElse(""));
    // The retry check looked for the run under the id the canary spec gives.
    verify(client).memo(CANARY, BellwetherClient.MEMO_IDEMPOTENCY);
    ArgumentCaptor<String> started = ArgumentCaptor.forClass(String.class);
    verify(client).start(started.capture(), anyMap());
    assertEquals("dave", ApiTestSupport.JSON.readTree(started.getValue()).path("requestedBy").asText());
  }

  // --- A/B tests ---

  static final String AB = "abtest-web-checkout";

  static String abSpec() {
    return ABTestFixtures.YAML;
  }

  @Test
  void anABTestSpecStartsUnderItsABTestIdAsTheCaller() throws Exception {
    when(client.validate(anyString())).thenReturn(List.of());
    when(client.memo(eq(AB), anyString())).thenReturn(java.util.Optional.empty());
    when(client.start(anyString(), anyMap())).thenReturn(new RunRef(AB, "run-ab", "ABTest"));

    HttpResponse<String> r = api.post("/api/v1/runs", DEPLOYER, "application/yaml", abSpec(),
        Map.of("Idempotency-Key", "k-abtest-1"));

    assertEquals(201, r.statusCode(), r.body());
    assertEquals("ABTest", ApiTestSupport.json(r).path("type").asText());
    assertEquals("/api/v1/runs/" + AB, r.headers().firstValue("Location").orElse(""));
    // The retry check looked for the run under the id the A/B test spec gives.
    verify(client).memo(AB, BellwetherClient.MEMO_IDEMPOTENCY);
    ArgumentCaptor<String> started = ArgumentCaptor.forClass(String.class);
    verify(client).start(started.capture(), anyMap());
    JsonNode sent = ApiTestSupport.JSON.readTree(started.getValue());
    assertEquals("dave", sent.path("requestedBy").asText());
    assertEquals("one-page", sent.path("variants").get(1).path("name").asText());

    // The same key and body again: the first answer, no second start.
    HttpResponse<String> again = api.post("/api/v1/runs", DEPLOYER, "application/yaml", abSpec(),
        Map.of("Idempotency-Key", "k-abtest-1"));
    assertEquals(201, again.statusCode(), again.body());
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    verify(client, times(1)).start(anyString(), anyMap());
  }

  @Test
  void anInvalidABTestIs400WithEveryProblemAndStartsNothing() throws Exception {
    when(client.validate(anyString())).thenReturn(List.of(
        new Violation("variants[1].share", "must be 1 to 100"),
        new Violation("plan", "needs 3841 exposures per variant ...; raise the shares, the traffic or maxDuration"),
        new Violation("target.split", "router 'edge' has no split 'exp' (configured: none)")));

    HttpResponse<String> r = api.post("/api/v1/runs", DEPLOYER, "application/yaml", abSpec(), Map.of());

    assertEquals(400, r.statusCode(), r.body());
    JsonNode body = ApiTestSupport.json(r);
    assertEquals("urn:bellwether:problem:invalid-spec", body.path("type").asText());
    assertEquals(List.of("variants[1].share", "plan", "target.split"),
        java.util.stream.StreamSupport.stream(body.path("errors").spliterator(), false)
            .map(e -> e.path("field").asText()).toList());
    assertTrue(body.path("errors").get(2).path("reason").asText().contains("no split 'exp'"), r.body());
    verify(client, never()).start(anyString(), anyMap());
  }

  @Test
  void anABTestsStatusIsItsJsonAndLinksItsReport() throws Exception {
    when(client.typeOf(AB)).thenReturn("ABTest");
    when(client.abTestStatus(AB)).thenReturn(ABTestFixtures.rolledOut());

    HttpResponse<String> r = api.get("/api/v1/runs/" + AB, VIEWER);

    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = ApiTestSupport.json(r);
    assertEquals("ABTest", body.path("type").asText());
    JsonNode status = body.path("status");
    assertEquals("SUCCEEDED", status.path("phase").asText());
    assertEquals("WINNER", status.path("outcome").asText());
    assertEquals("one-page", status.path("winner").asText());
    assertEquals("alice", status.path("confirmedBy").asText());
    assertEquals(4680, status.path("plan").path("perVariant").asLong());
    assertEquals(715, status.path("variants").get(1).path("conversions").asLong());
    assertEquals(0.975, status.path("evaluation").path("comparisons").get(0).path("confidence").asDouble());
    assertEquals("/api/v1/runs/" + AB + "/report", body.path("links").path("report").asText());
  }

  @Test
  void viewerGetsTheABTestReportWithTheSpecsBounds() throws Exception {
    when(client.typeOf(AB)).thenReturn("ABTest");
    when(client.abTestStatus(AB)).thenReturn(ABTestFixtures.rolledOut());
    when(client.abTestSpec(AB)).thenReturn(java.util.Optional.of(ABTestFixtures.spec()));

    HttpResponse<String> r = api.get("/api/v1/runs/" + AB + "/report", VIEWER);

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("text/html;charset=UTF-8", r.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
    assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
    String page = r.body();
    assertTrue(page.contains("<title>A/B test report: web checkout (" + AB + ")</title>"), page);
    assertEquals(4, page.split("<svg class=\"chart over-time\"", -1).length - 1, "rate, exposures, two guardrails");
    assertTrue(page.contains("Guardrail error-rate <span class=\"muted\">bound &lt;= 0.05"), page);
    assertFalse(page.contains("<script") || page.contains("http://") || page.contains("https://"), page);
    verify(client, never()).canaryStatus(anyString());
  }

  @Test
  void anABTestReportStandsWithoutItsSpec() throws Exception {
    when(client.typeOf(AB)).thenReturn("ABTest");
    when(client.abTestStatus(AB)).thenReturn(ABTestFixtures.rolledOut());
    when(client.abTestSpec(AB)).thenThrow(new io.grpc.StatusRuntimeException(io.grpc.Status.PERMISSION_DENIED));

    HttpResponse<String> r = api.get("/api/v1/runs/" + AB + "/report", VIEWER);

    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("bounds unknown"), r.body());
  }

  @Test
  void listingPassesTheABTestKindThrough() throws Exception {
    when(client.list("ABTest", null, null)).thenReturn(List.of(
        new RunSummary(AB, "r1", "ABTest", "RUNNING", Instant.parse("2026-11-27T10:00:00Z"), null, "web", null)));

    HttpResponse<String> l = api.get("/api/v1/runs?kind=ABTest", VIEWER);

    assertEquals(200, l.statusCode(), l.body());
    assertEquals("ABTest", ApiTestSupport.json(l).path("runs").get(0).path("type").asText());
  }

  @Test
  void theEventStreamsEndOfAnABTestIsItsFinalPhase() {
    assertEquals("SUCCEEDED", RunEventStreams.outcome(
        new RunStates.RunState(AB, "r1", "ABTest", "COMPLETED"), ABTestFixtures.rolledOut()));
    assertEquals("TERMINATED", RunEventStreams.outcome(
        new RunStates.RunState(AB, "r1", "ABTest", "TERMINATED"), ABTestFixtures.collecting()));
  }

  // --- chaos experiments ---

  static final String CHAOS = ChaosFixtures.ID;

  @Test
  void aChaosExperimentStartsThroughTheSameEndpointAsTheCaller() throws Exception {
    when(client.validate(anyString())).thenReturn(List.of());
    when(client.memo(eq(CHAOS), anyString())).thenReturn(java.util.Optional.empty());
    when(client.start(anyString(), anyMap())).thenReturn(new RunRef(CHAOS, "run-x", "ChaosExperiment"));

    HttpResponse<String> r = api.post("/api/v1/runs", DEPLOYER, "application/yaml", ChaosFixtures.YAML,
        Map.of("Idempotency-Key", "k-chaos-1"));

    assertEquals(201, r.statusCode(), r.body());
    assertEquals("ChaosExperiment", ApiTestSupport.json(r).path("type").asText());
    assertEquals("/api/v1/runs/" + CHAOS, r.headers().firstValue("Location").orElse(""));
    // The retry check looked for the run under the id the chaos spec gives.
    verify(client).memo(CHAOS, BellwetherClient.MEMO_IDEMPOTENCY);
    ArgumentCaptor<String> started = ArgumentCaptor.forClass(String.class);
    verify(client).start(started.capture(), anyMap());
    JsonNode sent = ApiTestSupport.JSON.readTree(started.getValue());
    assertEquals("dave", sent.path("requestedBy").asText());
    assertEquals("web-kill", sent.path("faults").get(0).path("injector").asText());
  }

  @Test
  void aChaosStatusIsItsJournalWithItsResultAndLinksItsReportAndJournal() throws Exception {
    when(client.typeOf(CHAOS)).thenReturn("ChaosExperiment");
    when(client.chaosStatus(CHAOS)).thenReturn(ChaosFixtures.held());
    when(client.chaosResult(CHAOS)).thenReturn(java.util.Optional.of(ChaosFixtures.heldResult()));

    HttpResponse<String> r = api.get("/api/v1/runs/" + CHAOS, VIEWER);

    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = ApiTestSupport.json(r);
    assertEquals("ChaosExperiment", body.path("type").asText());
    assertEquals("HELD", body.path("status").path("verdict").asText());
    assertEquals("web-2", body.path("status").path("faults").get(0).path("targets").get(0).path("name").asText());
    assertEquals(ChaosFixtures.held().samples().size(), body.path("status").path("samples").size());
    assertTrue(body.path("result").path("hypothesisHeld").asBoolean(), r.body());
    assertEquals("/api/v1/runs/" + CHAOS + "/report", body.path("links").path("report").asText());
    assertEquals("/api/v1/runs/" + CHAOS + "/report?format=json", body.path("links").path("journal").asText());
  }

  @Test
  void viewerGetsTheChaosReportAndItsJsonJournal() throws Exception {
    when(client.typeOf(CHAOS)).thenReturn("ChaosExperiment");
    when(client.chaosStatus(CHAOS)).thenReturn(ChaosFixtures.held());
    when(client.chaosResult(CHAOS)).thenReturn(java.util.Optional.of(ChaosFixtures.heldResult()));
    when(client.chaosSpec(CHAOS)).thenReturn(java.util.Optional.of(ChaosFixtures.spec()));

    HttpResponse<String> page = api.get("/api/v1/runs/" + CHAOS + "/report", VIEWER);

    assertEquals(200, page.statusCode(), page.body());
    assertEquals("text/html;charset=UTF-8", page.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
    assertTrue(page.body().contains("<title>Chaos experiment report: web kill-one (" + CHAOS + ")</title>"), page.body());
    assertTrue(page.body().contains("The hypothesis <strong class=\"ok-text\">held</strong>"), page.body());
    assertTrue(page.body().contains("<rect class=\"fault-window\""), page.body());
    assertFalse(page.body().contains("<script") || page.body().contains("http://"), page.body());

    HttpResponse<String> json = api.get("/api/v1/runs/" + CHAOS + "/report?format=json", VIEWER);

    assertEquals(200, json.statusCode(), json.body());
    assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode journal = ApiTestSupport.json(json);
    assertEquals(CHAOS, journal.path("workflowId").asText());
    assertEquals("web-kill", journal.path("spec").path("faults").get(0).path("injector").asText());
    assertEquals("HELD", journal.path("result").path("verdict").asText());
    assertEquals(5, journal.path("status").path("events").size());
  }

  @Test
  void aJsonJournalIsForChaosRunsOnlyAndAnUnknownFormatIs400() throws Exception {
    when(client.typeOf(CANARY)).thenReturn("CanaryRelease");

    HttpResponse<String> r = api.get("/api/v1/runs/" + CANARY + "/report?format=json", VIEWER);
    assertEquals(404, r.statusCode(), r.body());
    assertTrue(ApiTestSupport.json(r).path("detail").asText().contains("ChaosExperiment"), r.body());

    HttpResponse<String> bad = api.get("/api/v1/runs/" + CANARY + "/report?format=pdf", VIEWER);
    assertEquals(400, bad.statusCode(), bad.body());
    ApiTestSupport.assertNoTrace(bad);
  }

  @Test
  void aChaosReportWithoutStatusOrResultIs503() throws Exception {
    when(client.typeOf(CHAOS)).thenReturn("ChaosExperiment");
    when(client.chaosResult(CHAOS)).thenReturn(java.util.Optional.empty());
    when(client.chaosStatus(CHAOS)).thenThrow(new io.grpc.StatusRuntimeException(io.grpc.Status.DEADLINE_EXCEEDED));

    HttpResponse<String> r = api.get("/api/v1/runs/" + CHAOS + "/report", VIEWER);

    assertEquals(503, r.statusCode(), r.body());
    assertEquals("5", r.headers().firstValue("Retry-After").orElse(""));
    ApiTestSupport.assertNoTrace(r);
  }

  @Test
  void theEventStreamsEndOfAChaosRunIsItsFinalPhase() {
    assertEquals("ROLLED_BACK", RunEventStreams.outcome(
        new RunStates.RunState(CHAOS, "r1", "ChaosExperiment", "COMPLETED"), ChaosFixtures.aborted()));
    assertEquals("CANCELED", RunEventStreams.outcome(
        new RunStates.RunState(CHAOS, "r1", "ChaosExperiment", "CANCELED"), ChaosFixtures.running()));
  }

  // --- chat ---

  @Test
  void signedButtonApprovesAsTheMappedUser() throws Exception {
    when(client.approve(eq(RUN), any())).thenReturn(new ControlResponse("approve", Phase.PROGRESSING, false, "gate approved"));
    HttpResponse<String> r = chat("/interactions", button("U0ALICE", "approve"), Instant.now(), CHAT_SECRET);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("ephemeral", ApiTestSupport.json(r).path("response_type").asText());
    assertTrue(ApiTestSupport.json(r).path("text").asText().startsWith("approved " + RUN), r.body());
    ArgumentCaptor<OperatorRequest> sent = ArgumentCaptor.forClass(OperatorRequest.class);
    verify(client).approve(eq(RUN), sent.capture());
    assertEquals("alice", sent.getValue().by());
    assertTrue(Attestations.verify(sent.getValue().attestation(), Map.of("test-key", IDENTITY_KEY), RUN,
        "approve", Instant.now(), Duration.ofMinutes(10)).verified());
  }

  @Test
  void wronglySignedStaleReplayedOrUnsignedChatIs401AndDoesNothing() throws Exception {
    String body = button("U0ALICE", "reject");
    assertEquals(401, chat("/interactions", body, Instant.now(), "not-the-secret").statusCode());
    assertEquals(401, chat("/interactions", body, Instant.now().minusSeconds(600), CHAT_SECRET).statusCode());
    HttpResponse<String> unsigned =
        api.post("/api/v1/chat/slack/interactions", null, "application/x-www-form-urlencoded", body, Map.of());
    assertEquals(401, unsigned.statusCode());
    assertEquals("urn:bellwether:problem:unauthorized", ApiTestSupport.json(unsigned).path("type").asText());
    verifyNoInteractions(client);

    when(client.reject(eq(RUN), any())).thenReturn(new ControlResponse("reject", Phase.ROLLING_BACK, false, "rejected"));
    Instant at = Instant.now();
    HttpResponse<String> first = chat("/interactions", body, at, CHAT_SECRET);
    HttpResponse<String> replayed = chat("/interactions", body, at, CHAT_SECRET);
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(401, replayed.statusCode(), replayed.body());
    assertTrue(ApiTestSupport.json(replayed).path("detail").asText().contains("replayed"));
    verify(client, times(1)).reject(eq(RUN), any());
  }

  @Test
  void unmappedOrUnentitledChatUsersCanDoNothing() throws Exception {
    HttpResponse<String> unmapped = chat("/interactions", button("U0STRANGER", "approve"), Instant.now(), CHAT_SECRET);
    assertEquals(200, unmapped.statusCode());
    assertEquals(ChatController.NOT_MAPPED, ApiTestSupport.json(unmapped).path("text").asText());
    HttpResponse<String> viewer = chat("/commands", command("U0VICTOR", "approve " + RUN), Instant.now(), CHAT_SECRET);
    assertEquals(200, viewer.statusCode());
    assertTrue(ApiTestSupport.json(viewer).path("text").asText().contains("may not approve"), viewer.body());
    verifyNoInteractions(client);
  }

  @Test
  void slashCommandReportsStatusRefusalsAndDecidedGates() throws Exception {
    when(client.status(RUN)).thenReturn(status(Phase.AWAITING_APPROVAL,
        new GateStatus("after-first-batch", "OPEN", List.of("alice"), 1, List.of(), false, false, "", "abort", List.of())));
    HttpResponse<String> s = chat("/commands", command("U0VICTOR", "status " + RUN), Instant.now(), CHAT_SECRET);
    assertTrue(ApiTestSupport.json(s).path("text").asText().contains("AWAITING_APPROVAL"), s.body());

    when(client.rollback(eq(RUN), any())).thenThrow(new ControlRefusedException(RUN, "rollback", "already rolling back",
        ApplicationFailure.newNonRetryableFailure("x", FailureTypes.CONTROL_REFUSED, FailureTypes.REFUSAL_CONFLICT)));
    HttpResponse<String> rb = chat("/commands", command("U0ALICE", "rollback " + RUN + " latency up"), Instant.now(), CHAT_SECRET);
    assertTrue(ApiTestSupport.json(rb).path("text").asText().contains("refused"), rb.body());
    ArgumentCaptor<OperatorRequest> sent = ArgumentCaptor.forClass(OperatorRequest.class);
    verify(client).rollback(eq(RUN), sent.capture());
    assertEquals("latency up", sent.getValue().reason());

    when(client.status(RUN)).thenReturn(status(Phase.PROGRESSING,
        new GateStatus("after-first-batch", "APPROVED", List.of("alice"), 1, List.of("bob"), false, false, "", "abort", List.of())));
    when(client.approve(eq(RUN), any())).thenThrow(new ControlRefusedException(RUN, "approve", "no gate is open",
        ApplicationFailure.newNonRetryableFailure("x", FailureTypes.CONTROL_REFUSED, FailureTypes.REFUSAL_CONFLICT)));
    HttpResponse<String> late = chat("/interactions", button("U0ALICE", "approve"), Instant.now(), CHAT_SECRET);
    assertTrue(ApiTestSupport.json(late).path("text").asText().startsWith("already decided"), late.body());

    when(client.status("rolling-none-1")).thenThrow(new RunNotFoundException("rolling-none-1", null));
    HttpResponse<String> none = chat("/commands", command("U0ALICE", "status rolling-none-1"), Instant.now(), CHAT_SECRET);
    assertEquals("unknown run rolling-none-1", ApiTestSupport.json(none).path("text").asText());
  }

  // --- documents ---

  @Test
  void openApiDocumentAndPageAndHealthNeedNoToken() throws Exception {
    HttpResponse<String> doc = api.get("/v3/api-docs", null);
    assertEquals(200, doc.statusCode());
    JsonNode d = ApiTestSupport.json(doc);
    assertTrue(d.path("paths").has("/api/v1/runs"), doc.body());
    assertTrue(d.path("paths").has("/api/v1/runs/{id}/{action}"));
    assertEquals("bearer", d.path("components").path("securitySchemes").path("bearer").path("scheme").asText());
    HttpResponse<String> page = api.get("/swagger-ui.html", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("swagger-ui"), page.body());
    HttpResponse<String> health = api.get("/actuator/health", null);
    assertEquals(200, health.statusCode());
    assertEquals("UP", ApiTestSupport.json(health).path("status").asText());
    assertEquals(401, api.get("/actuator/env", null).statusCode());
  }

  // --- helpers ---

  static String spec(String service, String version) {
    return String.join("\n",
        "kind: RollingDeployment",
        "service: " + service,
        "version: " + version,
        "requestedBy: alice",
        "target: {router: edge, backend: " + service + ", deployer: demo, healthCheck: http}",
        "strategy: {maxUnavailable: 1, bakeTime: 2s, failureLimit: 0}",
        "drainTimeout: 30s",
        "healthCheck: {path: /health, successThreshold: 2, period: 500ms, timeout: 30s}",
        "smokeCheck: {path: /version, expectStatus: 200, expectBodyContains: \"${version}\"}",
        "");
  }

  static String specJson(String service, String version) throws java.io.IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree(spec(service, version)).toString();
  }

  static RollingStatus status(Phase phase, GateStatus gate) {
    return new RollingStatus("web", "2.0.0", phase, "", 1, 4, false, List.of(), List.of(), "", gate);
  }

  private static final java.util.concurrent.atomic.AtomicLong TRIGGERS = new java.util.concurrent.atomic.AtomicLong();

  static String button(String user, String action) {
    // Slack gives every interaction its own trigger_id; without one, two identical clicks in the
    // same second would be (rightly) refused as a replay.
    String payload = "{\"type\":\"block_actions\",\"trigger_id\":\"" + TRIGGERS.incrementAndGet()
        + "\",\"user\":{\"id\":\"" + user + "\"},\"actions\":[{\"action_id\":\""
        + action + "\",\"value\":\"{\\\"workflowId\\\":\\\"" + RUN + "\\\",\\\"gate\\\":\\\"after-first-batch\\\"}\"}]}";
    return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
  }

  static String command(String user, String text) {
    return "command=%2Fbellwether&trigger_id=" + TRIGGERS.incrementAndGet() + "&user_id=" + user + "&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  HttpResponse<String> chat(String path, String body, Instant at, String secret) throws Exception {
    long ts = at.getEpochSecond();
    return api.post("/api/v1/chat/slack" + path, null, "application/x-www-form-urlencoded", body, Map.of(
        SlackRequestVerifier.TIMESTAMP_HEADER, Long.toString(ts),
        SlackRequestVerifier.SIGNATURE_HEADER, SlackRequestVerifier.sign(secret, ts, body)));
  }
}
