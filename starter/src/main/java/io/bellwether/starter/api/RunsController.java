package io.bellwether.starter.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.bellwether.activities.identity.Attestations;
import io.bellwether.client.BellwetherClient;
import io.bellwether.client.RunAlreadyStartedException;
import io.bellwether.client.RunNotFoundException;
import io.bellwether.client.RunRef;
import io.bellwether.client.RunSummary;
import io.bellwether.contracts.abtest.ABTestSpec;
import io.bellwether.contracts.abtest.ABTestWorkflow;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentWorkflow;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryReleaseWorkflow;
import io.bellwether.contracts.chaos.ChaosExperimentWorkflow;
import io.bellwether.contracts.rolling.ControlResponse;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.rolling.RollingDeploymentWorkflow;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.starter.report.ABTestReport;
import io.bellwether.starter.report.CanaryReport;
import io.bellwether.starter.report.ChaosReport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.UriUtils;

/**
 * {@code /api/v1/runs}: start, read, list and steer runs through the Java client. Who may call
 * what is decided before a request gets here ({@link SecurityConfiguration}); this class acts as
 * the authenticated caller: {@code requestedBy} of a started run and {@code by} of a control are
 * always the caller, never what the body claims.
 */
@RestController
@RequestMapping(RunsController.PATH)
@Tag(
    name = "runs",
    description = "Start, read, list and steer rolling, blue-green, canary, A/B test and chaos experiment runs")
public class RunsController {
  public static final String PATH = "/api/v1/runs";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  public static final String REPLAYED = "Idempotent-Replayed";
  private static final int MAX_KEY_LENGTH = 255;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BellwetherClient client;
  private final RunStates states;
  private final IdempotencyStore idempotency;
  private final ApiProperties props;
  private final RunEventStreams streams;
  private final Clock clock;

  public RunsController(
      BellwetherClient client,
      RunStates states,
      IdempotencyStore idempotency,
      ApiProperties props,
      RunEventStreams streams,
      Clock clock) {
    this.client = client;
    this.states = states;
    this.idempotency = idempotency;
    this.props = props;
    this.streams = streams;
    this.clock = clock;
  }

  /**
   * The body of a control: why, for the audit trail; {@code full} only for {@code promote} of a
   * canary (skip the remaining analyses too).
   */
  public record ControlBody(String reason, Boolean full) {}

  @Operation(summary = "Start a run from a YAML or JSON spec (its kind picks the workflow)")
  @PostMapping(consumes = {"application/yaml", "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON_VALUE})
  public ResponseEntity<Object> start(
      @RequestBody byte[] body,
      @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String key,
      Authentication auth) {
    Caller caller = Caller.of(auth);
    if (key == null) {
      return startRun(caller, body, null);
    }
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      throw new ApiProblemException(Problems.of(HttpStatus.BAD_REQUEST, Problems.MALFORMED,
          IDEMPOTENCY_KEY + " must be 1 to " + MAX_KEY_LENGTH + " characters"));
    }
    IdempotencyStore.Lookup found = idempotency.begin(caller.key(), key, body);
    if (found instanceof IdempotencyStore.Replay r) {
      return replay(r.answer());
    }
    if (found instanceof IdempotencyStore.Mismatch) {
      throw new ApiProblemException(Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, Problems.KEY_REUSED,
          "this " + IDEMPOTENCY_KEY + " was used with a different body"));
    }
    if (found instanceof IdempotencyStore.InProgress) {
      throw new ApiProblemException(Problems.of(HttpStatus.CONFLICT, Problems.IN_PROGRESS,
          "a request with this " + IDEMPOTENCY_KEY + " is still being answered; retry shortly"),
          Map.of("Retry-After", "1"));
    }
    try {
      ResponseEntity<Object> answer = startRun(caller, body, IdempotencyStore.fingerprint(caller.key(), key, body));
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Location", answer.getHeaders().getFirst("Location"));
      idempotency.finish(caller.key(), key,
          new IdempotencyStore.Answer(answer.getStatusCode().value(), answer.getBody(), headers));
      return answer;
    } catch (ApiProblemException e) {
      if (e.problem().getStatus() < 500) {
        // A refusal is an answer too: the same request gets it again.
        idempotency.finish(caller.key(), key,
            new IdempotencyStore.Answer(e.problem().getStatus(), e.problem(), e.headers()));
      } else {
        idempotency.abandon(caller.key(), key);
      }
      throw e;
    } catch (RuntimeException e) {
      // Temporal or the worker did not answer: nothing is known to have happened, so a retry
      // with the same key must be worked on again.
      idempotency.abandon(caller.key(), key);
      throw e;
    }
  }

  /** Starts the run; a refusal is thrown as its problem. */
  private ResponseEntity<Object> startRun(Caller caller, byte[] body, String fingerprint) {
    String text = new String(body, StandardCharsets.UTF_8);
    String kind;
    try {
      // Parse problems are answered here, without a round trip to the worker.
      kind = SpecLoader.kindOf(text);
    } catch (InvalidSpecException e) {
      throw new ApiProblemException(Problems.invalidSpec(e.violations()));
    }
    List<Violation> violations = client.validate(text);
    if (!violations.isEmpty()) {
      throw new ApiProblemException(Problems.invalidSpec(violations));
    }
    String spec = withRequester(text, caller.user());
    Map<String, String> memo = Map.of();
    if (fingerprint != null) {
      String id = workflowId(kind, spec);
      Optional<ResponseEntity<Object>> earlier = sameRequest(id, fingerprint);
      if (earlier.isPresent()) {
        return earlier.get();
      }
      memo = Map.of(BellwetherClient.MEMO_IDEMPOTENCY, fingerprint);
    }
    try {
      return created(client.start(spec, memo));
    } catch (RunAlreadyStartedException e) {
      if (fingerprint != null) {
        Optional<ResponseEntity<Object>> earlier = sameRequest(e.workflowId(), fingerprint);
        if (earlier.isPresent()) {
          return earlier.get();
        }
      }
      throw new ApiProblemException(Problems.of(HttpStatus.CONFLICT, Problems.ALREADY_RUNNING,
          e.workflowId() + " is already running; follow it at " + self(e.workflowId())));
    } catch (InvalidSpecException e) {
      throw new ApiProblemException(Problems.invalidSpec(e.violations()));
    }
  }

  /**
   * The first answer again when the latest run with this id carries our fingerprint: the same
   * caller sent the same body with the same key before (this API may have restarted since).
   */
  private Optional<ResponseEntity<Object>> sameRequest(String id, String fingerprint) {
    try {
      if (client.memo(id, BellwetherClient.MEMO_IDEMPOTENCY).filter(fingerprint::equals).isEmpty()) {
        return Optional.empty();
      }
      RunStates.RunState s = states.describe(id);
      ResponseEntity<Object> first = created(new RunRef(id, s.runId(), s.type()));
      return Optional.of(ResponseEntity.status(first.getStatusCode())
          .headers(first.getHeaders()).header(REPLAYED, "true").body(first.getBody()));
    } catch (RunNotFoundException none) {
      return Optional.empty();
    }
  }

  private static ResponseEntity<Object> created(RunRef ref) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("workflowId", ref.workflowId());
    body.put("runId", ref.runId());
    body.put("type", ref.type());
    body.put("links", Map.of("self", self(ref.workflowId()), "events", self(ref.workflowId()) + "/events"));
    return ResponseEntity.status(HttpStatus.CREATED)
        .header("Location", self(ref.workflowId()))
        .contentType(MediaType.APPLICATION_JSON)
        .body(body);
  }

  private static ResponseEntity<Object> replay(IdempotencyStore.Answer a) {
    Map<String, String> headers = new LinkedHashMap<>(a.headers());
    headers.put(REPLAYED, "true");
    if (a.body() instanceof ProblemDetail p) {
      throw new ApiProblemException(p, headers);
    }
    ResponseEntity.BodyBuilder b = ResponseEntity.status(a.status());
    headers.forEach(b::header);
    return b.body(a.body());
  }

  static String self(String workflowId) {
    return PATH + "/" + UriUtils.encodePathSegment(workflowId, StandardCharsets.UTF_8);
  }

  /** The spec as JSON with {@code requestedBy} set to the caller, whatever the body said. */
  static String withRequester(String text, String user) {
    try {
      JsonNode tree = YAML.readTree(text);
      ((ObjectNode) tree).put("requestedBy", user);
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException | ClassCastException e) {
      // Only reached for text SpecLoader already accepted as an object.
      throw new IllegalStateException("spec could not be re-read", e);
    }
  }

  private static String workflowId(String kind, String spec) {
    return switch (kind) {
      case SpecLoader.KIND_BLUE_GREEN -> WorkflowIds.blueGreen(SpecLoader.blueGreen(spec));
      case CanaryReleaseSpec.KIND -> WorkflowIds.canary(SpecLoader.canary(spec));
      case ABTestSpec.KIND -> WorkflowIds.abTest(SpecLoader.abTest(spec));
      case SpecLoader.KIND_CHAOS -> WorkflowIds.chaos(SpecLoader.chaos(spec));
      default -> WorkflowIds.rolling(SpecLoader.rolling(spec));
    };
  }

  @Operation(summary = "A run's status query answer; works on closed runs while a worker is up")
  @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> status(@PathVariable String id) {
    String type = client.typeOf(id);
    Object status = switch (type) {
      case RollingDeploymentWorkflow.TYPE -> client.rollingStatus(id);
      case BlueGreenDeploymentWorkflow.TYPE -> client.blueGreenStatus(id);
      case CanaryReleaseWorkflow.TYPE -> client.canaryStatus(id);
      case ABTestWorkflow.TYPE -> client.abTestStatus(id);
      case ChaosExperimentWorkflow.TYPE -> client.chaosStatus(id);
      default -> throw new RunNotFoundException(id, null);
    };
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("workflowId", id);
    body.put("type", type);
    body.put("status", status);
    if (ChaosExperimentWorkflow.TYPE.equals(type)) {
      // The verdict lives in the result once the run completed; the status carries it too.
      client.chaosResult(id).ifPresent(r -> body.put("result", r));
      body.put("links", Map.of("report", self(id) + "/report", "journal", self(id) + "/report?format=json"));
    } else if (REPORTED.contains(type)) {
      body.put("links", Map.of("report", self(id) + "/report"));
    }
    return body;
  }

  /** The workflow types that have a report. */
  static final List<String> REPORTED =
      List.of(CanaryReleaseWorkflow.TYPE, ABTestWorkflow.TYPE, ChaosExperimentWorkflow.TYPE);

  /**
   * The run's report: a canary's analysis report, an A/B test's report or a chaos experiment's
   * report, one self-contained HTML page (inline SVG charts, inline style, no script and nothing
   * loaded from elsewhere, which the Content-Security-Policy header also enforces). Times in UTC.
   * For a chaos experiment {@code format=json} gives its whole journal instead (spec, status and
   * result). Read-only; a run of another type is a 404 problem.
   */
  @Operation(
      summary = "A canary run's, an A/B test's or a chaos experiment's report: one self-contained HTML page with"
          + " charts (format=json: a chaos experiment's journal)")
  @GetMapping(path = "/{id}/report")
  public ResponseEntity<String> report(
      @PathVariable String id, @RequestParam(required = false, defaultValue = "html") String format) {
    String type = client.typeOf(id);
    if (!REPORTED.contains(type)) {
      throw new ApiProblemException(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND,
          Problems.shortReason(id + " is a " + type + "; reports are made for "
              + String.join(", ", REPORTED.subList(0, REPORTED.size() - 1)) + " and "
              + REPORTED.get(REPORTED.size() - 1) + " runs")));
    }
    boolean json = "json".equals(format);
    if (!json && !"html".equals(format)) {
      throw new ApiProblemException(Problems.of(HttpStatus.BAD_REQUEST, Problems.MALFORMED,
          "format must be html or json"));
    }
    if (json && !ChaosExperimentWorkflow.TYPE.equals(type)) {
      throw new ApiProblemException(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND,
          Problems.shortReason("a JSON journal is kept for " + ChaosExperimentWorkflow.TYPE + " runs; " + id
              + " is a " + type)));
    }
    if (ChaosExperimentWorkflow.TYPE.equals(type)) {
      ChaosReport chaos;
      try {
        chaos = ChaosReport.load(client, id, ZoneOffset.UTC);
      } catch (IllegalStateException e) {
        throw new ApiProblemException(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.WORKER_UNAVAILABLE,
            "the run's status cannot be read now and it has no result; retry when a worker is up"),
            Map.of("Retry-After", "5"));
      }
      if (json) {
        return ResponseEntity.ok()
            .contentType(MediaType.APPLICATION_JSON)
            .header("X-Content-Type-Options", "nosniff")
            .body(chaos.json());
      }
      return page(chaos.html());
    }
    String html = CanaryReleaseWorkflow.TYPE.equals(type)
        ? CanaryReport.html(client.canaryStatus(id), id, ZoneOffset.UTC)
        : ABTestReport.html(client.abTestStatus(id), abTestSpec(id), id, ZoneOffset.UTC);
    return page(html);
  }

  private static ResponseEntity<String> page(String html) {
    return ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        .header("X-Content-Type-Options", "nosniff")
        .body(html);
  }

  /** The A/B test's spec for its report (the guardrails' bounds); null when it cannot be read. */
  private ABTestSpec abTestSpec(String id) {
    try {
      return client.abTestSpec(id).orElse(null);
    } catch (RunNotFoundException e) {
      throw e;
    } catch (RuntimeException e) {
      // The report stands without it.
      return null;
    }
  }

  @Operation(summary = "Runs, newest first, optionally filtered by kind, service and phase")
  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, List<RunSummary>> list(
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String service,
      @RequestParam(required = false) String phase) {
    try {
      return Map.of("runs", client.list(blankToNull(kind), blankToNull(service), blankToNull(phase)));
    } catch (IllegalArgumentException e) {
      throw new ApiProblemException(Problems.of(HttpStatus.BAD_REQUEST, Problems.MALFORMED,
          Problems.shortReason(e.getMessage())));
    }
  }

  @Operation(summary = "approve, reject, pause, resume, rollback or promote, as the caller")
  @PostMapping(path = "/{id}/{action}", produces = MediaType.APPLICATION_JSON_VALUE)
  public ControlResponse control(
      @PathVariable String id,
      @PathVariable String action,
      @RequestBody(required = false) ControlBody body,
      Authentication auth) {
    if (!Roles.CONTROLS.contains(action)) {
      throw new ApiProblemException(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND,
          "no action '" + Problems.shortReason(action) + "'; one of " + Roles.CONTROLS));
    }
    Caller caller = Caller.of(auth);
    String reason = body == null || body.reason() == null ? "" : body.reason();
    Boolean full = "promote".equals(action) && body != null && Boolean.TRUE.equals(body.full()) ? Boolean.TRUE : null;
    OperatorRequest request =
        new OperatorRequest(caller.user(), reason, attestation(caller.user(), id, action), full);
    return switch (action) {
      case "approve" -> client.approve(id, request);
      case "reject" -> client.reject(id, request);
      case "pause" -> client.pause(id, request);
      case "resume" -> client.resume(id, request);
      case "rollback" -> client.rollback(id, request);
      default -> client.promote(id, request);
    };
  }

  /** A token attesting {@code user} asked for {@code action} on {@code id}; null without a key. */
  String attestation(String user, String id, String action) {
    ApiProperties.Identity key = props.identity();
    if (key == null || !key.configured()) {
      return null;
    }
    return Attestations.issue(key.keyId(), key.key(), user, id, action, clock.instant());
  }

  @Operation(summary = "Server-sent events: 'status' on every change, then 'end' with the outcome")
  @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public SseEmitter events(@PathVariable String id) {
    // Unknown runs get a 404 problem before the stream starts.
    states.describe(id);
    return streams.open(id);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
