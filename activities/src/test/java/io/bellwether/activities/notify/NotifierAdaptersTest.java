package io.bellwether.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.config.NotifierConfig;
import io.bellwether.contracts.notify.RunNotification;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotifierAdaptersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Shaped like a real incoming-webhook URL: the path and the query are the credential.
  private static final String SECRET_PATH = "/services/T0001/B0002/s3cr3tToken";
  private static final String SECRET_QUERY = "?sig=qwerty123";

  private RecordingServer server;

  @BeforeEach
  void start() throws IOException {
    server = new RecordingServer(200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static RunNotification gateWaiting() {
    return new RunNotification(
        "gate-waiting",
        "rolling-payments-42",
        "BlueGreen",
        "payments",
        "1.4.2",
        "before-switch",
        List.of("alice", "bob"),
        null,
        null,
        null);
  }

  private static JsonNode json(String s) throws IOException {
    return JSON.readTree(s);
  }

  @Test
  void slackGateWaitingPostsBlocksWithApproveAndRejectButtons() throws IOException {
    Notifier n =
        Notifiers.fromConfig(
                Map.of("team", new NotifierConfig("slack", server.url(SECRET_PATH), null)))
            .get("team");
    n.notify(gateWaiting());

    assertEquals(1, server.received().size());
    RecordingServer.Received r = server.received().get(0);
    assertEquals("POST", r.method());
    assertEquals(SECRET_PATH, r.path());
    assertTrue(r.header("Content-Type").startsWith("application/json"));
    String value = "{\"workflowId\":\"rolling-payments-42\",\"gate\":\"before-switch\"}";
    String expected =
        """
        {
          "text": "*payments* `1.4.2` waits at gate *before-switch*. Approvers: alice, bob",
          "blocks": [
            {"type": "section",
             "text": {"type": "mrkdwn",
                      "text": "*payments* `1.4.2` waits at gate *before-switch*. Approvers: alice, bob"}},
            {"type": "context",
             "elements": [{"type": "mrkdwn", "text": "Run `rolling-payments-42` (BlueGreen)"}]},
            {"type": "actions", "block_id": "bellwether-gate",
             "elements": [
               {"type": "button", "action_id": "approve",
                "text": {"type": "plain_text", "text": "Approve"}, "style": "primary",
                "value": %s},
               {"type": "button", "action_id": "reject",
                "text": {"type": "plain_text", "text": "Reject"}, "style": "danger",
                "value": %s}]}
          ]
        }
        """
            .formatted(JSON.writeValueAsString(value), JSON.writeValueAsString(value));
    assertEquals(json(expected), json(r.body()));
    // The button value is itself JSON naming the run and the gate.
    JsonNode button = json(r.body()).at("/blocks/2/elements/0/value");
    assertEquals("rolling-payments-42", json(button.asText()).get("workflowId").asText());
    assertEquals("before-switch", json(button.asText()).get("gate").asText());
  }

  @Test
  void slackRolledBackCarriesTheReasonAndNoButtons() throws IOException {
    new SlackWebhookNotifier("team", new NotifierConfig("slack", server.url(SECRET_PATH), null))
        .notify(
            new RunNotification(
                "rolled-back",
                "rolling-payments-42",
                "RollingDeployment",
                "payments",
                "1.4.2",
                null,
                null,
                null,
                "error rate 7.5% > 5% <threshold> & rising",
                "carol"));

    String expected =
        """
        {
          "text": "*payments* `1.4.2` rolled back: error rate 7.5% &gt; 5% &lt;threshold&gt; &amp; rising",
          "blocks": [
            {"type": "section",
             "text": {"type": "mrkdwn",
                      "text": "*payments* `1.4.2` rolled back: error rate 7.5% &gt; 5% &lt;threshold&gt; &amp; rising"}},
            {"type": "context",
             "elements": [{"type": "mrkdwn",
                           "text": "Run `rolling-payments-42` (RollingDeployment) by carol"}]}
          ]
        }
        """;
    assertEquals(1, server.received().size());
    assertEquals(json(expected), json(server.received().get(0).body()));
  }

  @Test
  void slackSaysWhatAConfirmGateConfirmsAndWhyAVariantStopped() throws IOException {
    SlackWebhookNotifier slack =
        new SlackWebhookNotifier("team", new NotifierConfig("slack", server.url(SECRET_PATH), null));
    slack.notify(
        new RunNotification(
            "gate-waiting", "abtest-web-checkout", "ABTest", "web", "A/B checkout", "confirm",
            List.of("alice"), null, "WINNER one-page: 15.0% vs 10.0% <p=0.004>", null));
    slack.notify(
        new RunNotification(
            "variant-stopped", "abtest-web-checkout", "ABTest", "web", "A/B checkout", null,
            null, null, "fast: error-ratio 0.2 > 0.05", null));

    assertEquals(2, server.received().size());
    assertEquals(
        "*web* `A/B checkout` waits at gate *confirm*. Approvers: alice."
            + " WINNER one-page: 15.0% vs 10.0% &lt;p=0.004&gt;",
        json(server.received().get(0).body()).get("text").asText());
    assertEquals(
        "*web* `A/B checkout`: a variant was stopped: fast: error-ratio 0.2 &gt; 0.05",
        json(server.received().get(1).body()).get("text").asText());
  }

  @Test
  void genericWebhookPostsTheNotificationAsPlainJson() throws IOException {
    RunNotification step =
        new RunNotification(
            "traffic-step",
            "rolling-payments-42",
            "RollingDeployment",
            "payments",
            "1.4.2",
            null,
            null,
            25,
            null,
            null);
    Notifier n =
        Notifiers.fromConfig(
                Map.of("ops", new NotifierConfig("webhook", server.url("/hook" + SECRET_QUERY), null)))
            .get("ops");
    assertInstanceOf(JsonWebhookNotifier.class, n);
    n.notify(step);
    n.notify(step);

    String expected =
        """
        {"kind": "traffic-step", "workflowId": "rolling-payments-42",
         "workflowType": "RollingDeployment", "service": "payments", "version": "1.4.2",
         "gate": null, "approvers": null, "greenPercent": 25, "reason": null, "by": null}
        """;
    assertEquals(2, server.received().size());
    assertEquals(json(expected), json(server.received().get(0).body()));
    assertEquals("/hook" + SECRET_QUERY, server.received().get(0).path());
    // A retried delivery carries the same key, so a receiver can drop the duplicate.
    String key = server.received().get(0).header("Idempotency-Key");
    assertFalse(key == null || key.isBlank());
    assertEquals(key, server.received().get(1).header("Idempotency-Key"));
  }

  @Test
  void errorStatusIsRetryableAndItsMessageHidesTheUrlPath() throws IOException {
    try (RecordingServer failing = new RecordingServer(500)) {
      String url = failing.url(SECRET_PATH + SECRET_QUERY);
      Notifier n = new SlackWebhookNotifier("team", new NotifierConfig("slack", url, null));
      NotifierUnavailableException e =
          assertThrows(NotifierUnavailableException.class, () -> n.notify(gateWaiting()));
      assertEquals(500, e.status());
      assertTrue(e.getMessage().contains("500"), e.getMessage());
      assertTrue(e.getMessage().contains("'team'"), e.getMessage());
      assertHidesSecret(e.getMessage());
      assertHidesSecret(n.toString());
      assertEquals(1, failing.received().size());
    }
  }

  @Test
  void unreachableEndpointIsRetryableAndItsMessageHidesTheUrlPath() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + SECRET_PATH + SECRET_QUERY;
    Notifier n =
        new JsonWebhookNotifier("ops", new NotifierConfig("webhook", url, Duration.ofSeconds(2)));
    NotifierUnavailableException e =
        assertThrows(NotifierUnavailableException.class, () -> n.notify(gateWaiting()));
    assertEquals(0, e.status());
    assertEquals(null, e.getCause());
    assertHidesSecret(e.getMessage());
  }

  @Test
  void configToStringShowsOnlySchemeAndHost() {
    NotifierConfig c =
        new NotifierConfig("slack", "https://user:pw@hooks.example.com" + SECRET_PATH + SECRET_QUERY, null);
    assertEquals(
        "NotifierConfig[type=slack, url=https://hooks.example.com, timeout=null]", c.toString());
    assertEquals(Duration.ofSeconds(5), c.effectiveTimeout());
  }

  @Test
  void factoryListsEveryProblemWithoutPrintingUrls() {
    Map<String, NotifierConfig> bad = new LinkedHashMap<>();
    bad.put("a-no-type", new NotifierConfig(null, "https://hooks.example.com" + SECRET_PATH, null));
    bad.put("b-unknown", new NotifierConfig("teams", "https://hooks.example.com" + SECRET_PATH, null));
    bad.put("c-no-url", new NotifierConfig("slack", " ", null));
    bad.put("d-ftp", new NotifierConfig("webhook", "ftp://files.example.com" + SECRET_PATH, null));
    bad.put("e-garbage", new NotifierConfig("webhook", "http://exa mple" + SECRET_PATH, null));
    bad.put("f-swapped", new NotifierConfig("https://hooks.example.com" + SECRET_PATH, "slack", null));
    bad.put("g-negative", new NotifierConfig("slack", "https://hooks.example.com/x", Duration.ofSeconds(-1)));
    bad.put("h-fine", new NotifierConfig("webhook", "https://hooks.example.com" + SECRET_PATH, null));

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Notifiers.fromConfig(bad));
    String m = e.getMessage();
    List<String> lines = m.lines().skip(1).map(String::trim).toList();
    assertEquals(
        List.of(
            "bellwether.notifiers.a-no-type.type: missing (one of slack, webhook)",
            "bellwether.notifiers.b-unknown.type: unknown 'teams' (one of slack, webhook)",
            "bellwether.notifiers.c-no-url.url: is missing",
            "bellwether.notifiers.d-ftp.url: must be an http or https URL",
            "bellwether.notifiers.e-garbage.url: is not a valid URL",
            "bellwether.notifiers.f-swapped.type: unknown <a URL> (one of slack, webhook)",
            "bellwether.notifiers.f-swapped.url: must be an http or https URL",
            "bellwether.notifiers.g-negative.timeout: must not be negative"),
        lines);
    assertTrue(m.startsWith("Bellwether notifier configuration has 8 problem(s):"), m);
    assertHidesSecret(m);
    assertFalse(m.contains("example.com"), m);
  }

  @Test
  void factoryPicksTheAdapterByTypeAndAcceptsNoNotifiers() {
    Map<String, Notifier> built =
        Notifiers.fromConfig(
            Map.of(
                "team", new NotifierConfig("slack", "https://hooks.example.com" + SECRET_PATH, null),
                "ops", new NotifierConfig("webhook", "http://127.0.0.1:1/hook", null)));
    assertInstanceOf(SlackWebhookNotifier.class, built.get("team"));
    assertInstanceOf(JsonWebhookNotifier.class, built.get("ops"));
    assertHidesSecret(built.toString());
    assertEquals(Map.of(), Notifiers.fromConfig(null));
    assertEquals(Map.of(), Notifiers.fromConfig(Map.of()));
  }

  private static void assertHidesSecret(String s) {
    assertFalse(s.contains("s3cr3tToken"), s);
    assertFalse(s.contains("/services/"), s);
    assertFalse(s.contains("qwerty123"), s);
  }
}
