package io.bellwether.starter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.chat.SlackRequestVerifier;
import io.bellwether.activities.identity.Attestations;
import io.bellwether.client.BellwetherClient;
import io.bellwether.client.ControlRefusedException;
import io.bellwether.client.RunNotFoundException;
import io.bellwether.contracts.bluegreen.BlueGreenStatus;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.RollingStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The chat service's interactive buttons (Approve / Reject in gate notifications) and the {@code
 * /bellwether} slash command. Every request is verified on its raw bytes with the signing secret
 * (signature, five-minute window, replay) before anything in it is read; a request that fails is
 * a 401 problem and nothing is done. The chat user must be mapped to a Bellwether user, whose
 * roles decide what they may do and in whose name (with an attestation) the run is steered.
 * Answers are ephemeral messages, seen only by the user who acted.
 */
@RestController
@RequestMapping(ChatController.PATH)
@Tag(name = "chat", description = "Slack interactions and slash command (signed by Slack, no bearer token)")
public class ChatController {
  public static final String PATH = "/api/v1/chat/slack";
  static final String NOT_MAPPED = "you are not mapped to a Bellwether user";
  static final String USAGE =
      "usage: /bellwether status ID | approve ID [reason] | reject ID [reason] | rollback ID reason";
  private static final Logger log = LoggerFactory.getLogger(ChatController.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChatProperties chat;
  private final ApiProperties api;
  private final BellwetherClient client;
  private final RateLimiter limiter;
  private final Clock clock;
  private final SlackRequestVerifier verifier;

  public ChatController(
      ChatProperties chat, ApiProperties api, BellwetherClient client, RateLimiter limiter, Clock clock) {
    this.chat = chat;
    this.api = api;
    this.client = client;
    this.limiter = limiter;
    this.clock = clock;
    this.verifier = chat.enabled() ? new SlackRequestVerifier(chat.signingSecret(), clock, SlackRequestVerifier.DEFAULT_REPLAY_CAPACITY) : null;
  }

  @Operation(summary = "Slack block_actions: the Approve / Reject buttons of a gate notification")
  @PostMapping(path = "/interactions", produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, String> interactions(HttpServletRequest request) {
    Map<String, String> form = verified(request);
    JsonNode payload;
    try {
      payload = JSON.readTree(form.getOrDefault("payload", ""));
    } catch (IOException e) {
      payload = null;
    }
    if (payload == null || !"block_actions".equals(payload.path("type").asText())
        || !payload.path("actions").isArray() || payload.path("actions").isEmpty()) {
      return reply("nothing to do: only the Approve and Reject buttons are understood");
    }
    String user = payload.path("user").path("id").asText("");
    JsonNode action = payload.path("actions").get(0);
    String verb = action.path("action_id").asText("");
    if (!verb.equals("approve") && !verb.equals("reject")) {
      return reply("unknown button '" + Problems.shortReason(verb) + "'");
    }
    JsonNode value;
    try {
      value = JSON.readTree(action.path("value").asText(""));
    } catch (IOException e) {
      value = null;
    }
    if (value == null || !value.path("workflowId").isTextual()) {
      return reply("this button does not name a run");
    }
    String id = value.path("workflowId").asText();
    String gate = value.path("gate").asText("");
    return reply(act(user, verb, id, "via chat", gate));
  }

  @Operation(summary = "The /bellwether slash command: status, approve, reject, rollback")
  @PostMapping(path = "/commands", produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, String> commands(HttpServletRequest request) {
    Map<String, String> form = verified(request);
    String[] words = form.getOrDefault("text", "").strip().split("\\s+", 3);
    if (words.length < 2 || words[1].isBlank()) {
      return reply(USAGE);
    }
    String verb = words[0].toLowerCase(java.util.Locale.ROOT);
    if (!List.of("status", "approve", "reject", "rollback").contains(verb)) {
      return reply(USAGE);
    }
    String reason = words.length > 2 && !words[2].isBlank() ? words[2].strip() : "via chat";
    return reply(act(form.getOrDefault("user_id", ""), verb, words[1], reason, ""));
  }

  /** The form fields of a request whose signature checks out; otherwise a 401 problem. */
  private Map<String, String> verified(HttpServletRequest request) {
    if (verifier == null) {
      throw new ApiProblemException(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "chat is not configured"));
    }
    byte[] raw = request.getAttribute(BodyLimitFilter.RAW_BODY) instanceof byte[] b ? b : new byte[0];
    SlackRequestVerifier.Result r =
        verifier.verify(
            request.getHeader(SlackRequestVerifier.TIMESTAMP_HEADER),
            request.getHeader(SlackRequestVerifier.SIGNATURE_HEADER),
            raw);
    if (!r.ok()) {
      log.warn("chat request refused: {}", r.reason());
      throw new ApiProblemException(Problems.of(HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED,
          "the chat request's signature was refused: " + r.reason()));
    }
    return form(new String(raw, StandardCharsets.UTF_8));
  }

  static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException badEscape) {
        // A field that is not valid form encoding is left out.
      }
    }
    return out;
  }

  /** Does what the chat user asked, in their Bellwether user's name; returns the answer's text. */
  private String act(String chatUser, String verb, String id, String reason, String gate) {
    ChatProperties.ChatUser u = chat.users().get(chatUser);
    if (u == null || u.user() == null || u.user().isBlank()) {
      return NOT_MAPPED;
    }
    long retryAfter = limiter.acquire("chat:" + chatUser);
    if (retryAfter > 0) {
      throw new ApiProblemException(Problems.of(HttpStatus.TOO_MANY_REQUESTS, Problems.RATE_LIMITED,
          "too many requests from this chat user; retry after " + retryAfter + " s"),
          Map.of("Retry-After", Long.toString(retryAfter)));
    }
    Set<String> roles = u.roles().stream().map(Roles::normalise).collect(Collectors.toSet());
    String what = verb.equals("status") ? Roles.READ : verb;
    if (!Roles.allows(roles, what)) {
      return u.user() + " may not " + verb + ": that needs the role " + String.join(" or ", Roles.allowedFor(what));
    }
    try {
      if (verb.equals("status")) {
        return summary(id, client.status(id));
      }
      OperatorRequest request = new OperatorRequest(u.user(), reason, attestation(u.user(), id, verb));
      ControlResponse r = switch (verb) {
        case "approve" -> client.approve(id, request);
        case "reject" -> client.reject(id, request);
        default -> client.rollback(id, request);
      };
      String done = switch (verb) {
        case "approve" -> "approved";
        case "reject" -> "rejected";
        default -> "rolled back";
      };
      return done + " " + id + " as " + u.user() + ": " + r.message();
    } catch (RunNotFoundException e) {
      return "unknown run " + id;
    } catch (ControlRefusedException e) {
      String decided = alreadyDecided(verb, id, gate, e.reason());
      return decided != null ? decided : verb + " refused for " + id + ": " + Problems.shortReason(e.reason());
    } catch (IllegalArgumentException e) {
      return "unknown run " + id;
    } catch (RuntimeException e) {
      log.warn("chat {} on {} failed: {}", verb, id, e.toString());
      return "Bellwether could not reach the run now; try again shortly";
    }
  }

  /** The "already decided" answer when the gate is no longer open, else null. */
  private String alreadyDecided(String verb, String id, String gate, String reason) {
    if (!verb.equals("approve") && !verb.equals("reject")) {
      return null;
    }
    if (reason != null && reason.contains("already decided")) {
      return "already decided: " + Problems.shortReason(reason);
    }
    try {
      Object s = client.status(id);
      GateStatus g = s instanceof RollingStatus r ? r.gate()
          : s instanceof BlueGreenStatus b ? b.gate()
          : s instanceof CanaryStatus c ? c.gate()
          : s instanceof ABTestStatus a ? a.gate()
          : s instanceof ChaosStatus c ? c.gate() : null;
      if (g != null && (gate.isEmpty() || gate.equals(g.name()))
          && !"OPEN".equals(g.state()) && !"PENDING".equals(g.state())) {
        return "already decided: gate '" + g.name() + "' of " + id + " is " + g.state();
      }
    } catch (RuntimeException e) {
      // Without the status the run's own refusal is the answer.
    }
    return null;
  }

  private String attestation(String user, String id, String action) {
    ApiProperties.Identity key = api.identity();
    return key == null || !key.configured()
        ? null
        : Attestations.issue(key.keyId(), key.key(), user, id, action, clock.instant());
  }

  private static String summary(String id, Object status) {
    if (status instanceof RollingStatus s) {
      return id + ": " + s.service() + " -> " + s.version() + ", " + s.phase()
          + (s.totalBatches() > 0 ? ", batch " + s.batch() + "/" + s.totalBatches() : "")
          + (s.paused() ? ", paused" : "") + gate(s.gate()) + message(s.message());
    }
    if (status instanceof BlueGreenStatus s) {
      return id + ": " + s.service() + " -> " + s.version() + ", " + s.phase() + ", "
          + s.greenTrafficPercent() + "% on green" + (s.paused() ? ", paused" : "") + gate(s.gate())
          + message(s.message());
    }
    if (status instanceof CanaryStatus s) {
      return id + ": " + s.service() + " -> " + s.version() + ", " + s.phase() + ", step "
          + Math.min(s.stepIndex() + 1, s.stepCount()) + "/" + s.stepCount()
          + (s.step() == null || s.step().isBlank() ? "" : " (" + s.step() + ")") + ", "
          + s.canaryWeight() + "% on the canary" + (s.paused() ? ", paused" : "") + gate(s.gate())
          + message(s.reason());
    }
    if (status instanceof ABTestStatus s) {
      return id + ": " + s.service() + " " + s.experiment() + ", " + s.phase() + ", "
          + io.bellwether.starter.report.ABTestText.outcome(s.outcome(), s.winner())
          + (s.decision() == null || s.decision().isBlank() ? "" : ", " + s.decision())
          + (s.paused() ? ", decision held" : "") + gate(s.gate()) + message(s.reason());
    }
    if (status instanceof ChaosStatus s) {
      return id + ": " + s.service() + " " + s.name() + ", " + s.phase() + ", verdict " + s.verdict()
          + (s.step() == null || s.step().isBlank() ? "" : " (" + s.step() + ")")
          + (s.paused() ? ", paused" : "") + gate(s.gate()) + message(s.reason());
    }
    return id + ": " + status;
  }

  private static String gate(GateStatus g) {
    return g == null ? "" : ", gate " + g.name() + " " + g.state()
        + " (" + (g.approvals() == null ? 0 : g.approvals().size()) + "/" + g.requiredApprovals() + " approvals)";
  }

  private static String message(String m) {
    return m == null || m.isBlank() ? "" : "; " + m;
  }

  private static Map<String, String> reply(String text) {
    return Map.of("response_type", "ephemeral", "text", text);
  }
}
