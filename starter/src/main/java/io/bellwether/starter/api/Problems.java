package io.bellwether.starter.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.contracts.spec.Violation;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problems with Bellwether's type URIs, for controllers (as {@link ProblemDetail}) and
 * for filters that answer before Spring MVC runs (written straight to the response). Details are
 * always our own short words: never an exception's text from below, never a secret.
 */
public final class Problems {
  public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

  public static final String INVALID_SPEC = "invalid-spec";
  public static final String MALFORMED = "malformed-request";
  public static final String UNAUTHORIZED = "unauthorized";
  public static final String FORBIDDEN = "forbidden";
  public static final String NOT_FOUND = "not-found";
  public static final String ALREADY_RUNNING = "already-running";
  public static final String REFUSED = "control-refused";
  public static final String IN_PROGRESS = "request-in-progress";
  public static final String TOO_LARGE = "payload-too-large";
  public static final String KEY_REUSED = "idempotency-key-reused";
  public static final String RATE_LIMITED = "rate-limited";
  public static final String WORKER_UNAVAILABLE = "worker-unavailable";
  public static final String TEMPORAL_UNAVAILABLE = "temporal-unavailable";
  public static final String INTERNAL = "internal-error";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REASON = 300;

  private Problems() {}

  /** The type URI of a problem slug, such as {@code urn:bellwether:problem:invalid-spec}. */
  public static URI type(String slug) {
    return URI.create("urn:bellwether:problem:" + slug);
  }

  /** A problem with our type, the status's reason phrase as title, and {@code detail}. */
  public static ProblemDetail of(HttpStatus status, String slug, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(type(slug));
    p.setTitle(status.getReasonPhrase());
    return p;
  }

  /** A 400 listing every spec problem as {@code errors: [{field, reason}]}. */
  public static ProblemDetail invalidSpec(List<Violation> violations) {
    ProblemDetail p =
        of(HttpStatus.BAD_REQUEST, INVALID_SPEC,
            "the spec is invalid (" + violations.size() + (violations.size() == 1 ? " problem" : " problems")
                + "); nothing was started");
    p.setProperty(
        "errors",
        violations.stream()
            .map(v -> Map.of("field", v.field() == null ? "(document)" : v.field(), "reason", shortReason(v.reason())))
            .toList());
    return p;
  }

  /**
   * A reason fit for an answer: its first line, at most 300 characters. Parser messages can run
   * over several lines quoting the input; the first line says what is wrong.
   */
  public static String shortReason(String reason) {
    if (reason == null) {
      return "";
    }
    String s = reason.strip();
    int nl = s.indexOf('\n');
    if (nl >= 0) {
      s = s.substring(0, nl).strip();
    }
    return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "..." : s;
  }

  /** Writes a problem to a response nothing has been written to yet (from a filter). */
  public static void write(HttpServletResponse response, HttpStatus status, String slug, String detail)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type(slug).toString());
    body.put("title", status.getReasonPhrase());
    body.put("status", status.value());
    body.put("detail", detail);
    byte[] bytes = JSON.writeValueAsBytes(body);
    response.setStatus(status.value());
    response.setContentType(PROBLEM_JSON.toString());
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
    response.flushBuffer();
  }
}
