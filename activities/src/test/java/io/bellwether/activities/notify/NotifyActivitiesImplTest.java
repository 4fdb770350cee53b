package io.bellwether.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.BellwetherActivities;
import io.bellwether.activities.NotifyActivitiesImpl;
import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.NotifierConfig;
import io.bellwether.activities.config.NotifyRoutes;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.notify.RunNotification;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The notify activity over real HTTP: routing by service, Slack buttons, and no URL anywhere. */
class NotifyActivitiesImplTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // The path and query of a webhook URL are its credential.
  private static final String SECRET_PATH = "/services/T0/B0/xyzSecretToken";
  private static final String SECRET_QUERY = "?sig=hunter2hunter2";

  private RecordingServer chat;
  private RecordingServer audit;
  private RecordingServer broken;

  @BeforeEach
  void start() throws IOException {
    chat = new RecordingServer(200);
    audit = new RecordingServer(204);
    broken = new RecordingServer(500);
  }

  @AfterEach
  void stop() {
    chat.close();
    audit.close();
    broken.close();
  }

  private BellwetherConfig config(NotifyRoutes routes) {
    Map<String, NotifierConfig> notifiers = new LinkedHashMap<>();
    notifiers.put("chat", new NotifierConfig("slack", chat.url(SECRET_PATH + SECRET_QUERY), null));
    notifiers.put("audit", new NotifierConfig("webhook", audit.url("/hook/audit-secret"), null));
    notifiers.put("broken", new NotifierConfig("webhook", broken.url(SECRET_PATH + SECRET_QUERY), null));
    return new BellwetherConfig(Map.of(), Map.of(), Map.of(), null, null, notifiers, routes);
  }

  private static NotifyRoutes routes() {
    Map<String, List<String>> services = new LinkedHashMap<>();
    services.put("shop", List.of("chat", "audit"));
    services.put("quiet", List.of());
    return new NotifyRoutes(List.of("chat"), services);
  }

  private NotifyActivitiesImpl activities(BellwetherConfig config) {
    List<Object> all = BellwetherActivities.create(config);
    return all.stream()
        .filter(NotifyActivitiesImpl.class::isInstance)
        .map(NotifyActivitiesImpl.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("create did not return the notify activities"));
  }

  private static RunNotification gateWaiting() {
    return new RunNotification(
        RunNotification.KIND_GATE_WAITING,
        "bluegreen-shop-2.0.0",
        "BlueGreenDeployment",
        "shop",
        "2.0.0",
        "before-switch",
        List.of("alice", "bob"),
        null,
        null,
        null);
  }

  private static RunNotification started(String service) {
    return new RunNotification(
        RunNotification.KIND_STARTED,
        "rolling-" + service + "-2.0.0",
        "RollingDeployment",
        service,
        "2.0.0",
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void aGateWaitingMessageToSlackCarriesApproveAndRejectButtonsForThatRunAndGate()
      throws IOException {
    NotifyActivitiesImpl notify = activities(config(routes()));

    notify.deliver("chat", gateWaiting());

    assertEquals(1, chat.received().size());
    RecordingServer.Received r = chat.received().get(0);
    assertEquals(SECRET_PATH + SECRET_QUERY, r.path());
    JsonNode body = JSON.readTree(r.body());
    JsonNode actions = null;
    for (JsonNode block : body.get("blocks")) {
      if ("actions".equals(block.path("type").asText())) {
        actions = block;
      }
    }
    assertTrue(actions != null, "no actions block in " + r.body());
    List<String> ids = new ArrayList<>();
    for (JsonNode button : actions.get("elements")) {
      ids.add(button.get("action_id").asText());
      JsonNode value = JSON.readTree(button.get("value").asText());
      assertEquals("bluegreen-shop-2.0.0", value.get("workflowId").asText());
      assertEquals("before-switch", value.get("gate").asText());
    }
    assertEquals(List.of("approve", "reject"), ids);
    assertTrue(body.get("text").asText().contains("alice, bob"), body.toString());
    assertEquals(0, audit.received().size());
  }

  @Test
  void aServiceWithItsOwnListUsesItAndOthersGetTheDefault() throws IOException {
    NotifyActivitiesImpl notify = activities(config(routes()));

    assertEquals(List.of("chat", "audit"), notify.destinationsFor("shop"));
    assertEquals(List.of("chat"), notify.destinationsFor("web"));
    assertEquals(List.of(), notify.destinationsFor("quiet"));
    assertEquals(List.of("chat"), notify.destinationsFor(null));

    for (String destination : notify.destinationsFor("shop")) {
      notify.deliver(destination, started("shop"));
    }
    assertEquals(1, chat.received().size());
    assertEquals(1, audit.received().size());
    JsonNode webhook = JSON.readTree(audit.received().get(0).body());
    assertEquals("started", webhook.get("kind").asText());
    assertEquals("shop", webhook.get("service").asText());
    assertTrue(webhook.has("gate") && webhook.get("gate").isNull(), webhook.toString());
    assertEquals("/hook/audit-secret", audit.received().get(0).path());
  }

  @Test
  void withoutRoutesNobodyIsNotified() {
    NotifyActivitiesImpl notify = activities(config(null));
    assertEquals(List.of(), notify.destinationsFor("shop"));
  }

  @Test
  void aServerErrorIsRetryableAndTheFailureNeverShowsTheUrl() {
    NotifyActivitiesImpl notify = activities(config(routes()));

    ApplicationFailure f =
        assertThrows(ApplicationFailure.class, () -> notify.deliver("broken", started("shop")));

    assertFalse(f.isNonRetryable(), "a 500 may pass: the activity's retries should try again");
    assertEquals(NotifyActivitiesImpl.NOTIFIER_UNAVAILABLE, f.getType());
    assertTrue(f.getOriginalMessage().contains("500"), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("broken"), f.getOriginalMessage());
    assertNoSecret(f);
    assertEquals(1, broken.received().size(), "it was really sent");
  }

  @Test
  void anUnreachableDestinationIsRetryableWithoutTheUrl() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    NotifyActivitiesImpl notify =
        new NotifyActivitiesImpl(
            Notifiers.fromConfig(
                Map.of(
                    "gone",
                    new NotifierConfig(
                        "slack", "http://127.0.0.1:" + closed + SECRET_PATH + SECRET_QUERY, null))),
            NotifyRoutes.none());

    ApplicationFailure f =
        assertThrows(ApplicationFailure.class, () -> notify.deliver("gone", gateWaiting()));

    assertFalse(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("127.0.0.1"), f.getOriginalMessage());
    assertNoSecret(f);
  }

  @Test
  void anUnknownDestinationIsANonRetryableUnknownTarget() {
    NotifyActivitiesImpl notify = activities(config(routes()));

    ApplicationFailure f =
        assertThrows(ApplicationFailure.class, () -> notify.deliver("pager", started("shop")));

    assertTrue(f.isNonRetryable());
    assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
    assertTrue(f.getOriginalMessage().contains("'pager'"), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("audit, broken, chat"), f.getOriginalMessage());
    assertNoSecret(f);
    assertEquals(0, chat.received().size() + audit.received().size() + broken.received().size());
  }

  @Test
  void badNotifiersAndRoutesToUnknownNotifiersAreAllListedAtStartupWithoutUrls() {
    Map<String, NotifierConfig> notifiers = new LinkedHashMap<>();
    notifiers.put("chat", new NotifierConfig("slack", chat.url(SECRET_PATH), null));
    notifiers.put("teams", new NotifierConfig("msteams", "https://hooks.example" + SECRET_PATH, null));
    notifiers.put("pasted", new NotifierConfig("https://hooks.example" + SECRET_PATH, null, null));
    notifiers.put("ftp", new NotifierConfig("webhook", "ftp://files.example" + SECRET_PATH, null));
    Map<String, List<String>> services = new LinkedHashMap<>();
    services.put("shop", List.of("chat", "pager"));
    services.put("web", List.of("https://hooks.example" + SECRET_PATH));
    NotifyRoutes routes = new NotifyRoutes(List.of("chta", " "), services);
    BellwetherConfig config =
        new BellwetherConfig(Map.of(), Map.of(), Map.of(), null, null, notifiers, routes);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> BellwetherActivities.create(config));

    String m = e.getMessage();
    for (String expected :
        List.of(
            "bellwether.notifiers.teams.type: unknown 'msteams'",
            "bellwether.notifiers.pasted.type: unknown <a URL>",
            "bellwether.notifiers.pasted.url: is missing",
            "bellwether.notifiers.ftp.url: must be an http or https URL",
            "bellwether.notify.default[0]: no notifier 'chta' is configured",
            "bellwether.notify.default[1]: empty notifier name",
            "bellwether.notify.services.shop[1]: no notifier 'pager' is configured",
            "bellwether.notify.services.web[0]: no notifier <a URL> is configured")) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
    }
    assertTrue(m.startsWith("Bellwether configuration has 8 problem(s)"), m);
    assertFalse(m.contains(SECRET_PATH), m);
    assertFalse(m.contains("hooks.example"), m);
    assertFalse(config.toString().contains(SECRET_PATH), config.toString());
  }

  private static void assertNoSecret(ApplicationFailure f) {
    for (Throwable t = f; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      assertFalse(m.contains(SECRET_PATH), m);
      assertFalse(m.contains("xyzSecretToken"), m);
      assertFalse(m.contains("hunter2"), m);
    }
    assertInstanceOf(ApplicationFailure.class, f);
    assertEquals(null, f.getCause(), "no cause: a cause chain goes into history whole");
  }
}
