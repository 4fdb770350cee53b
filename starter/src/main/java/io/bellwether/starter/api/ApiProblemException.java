package io.bellwether.starter.api;

import java.util.Map;
import org.springframework.http.ProblemDetail;

/** A failure a controller raises on purpose; {@link ApiExceptionHandler} answers its problem. */
public final class ApiProblemException extends RuntimeException {
  private final transient ProblemDetail problem;
  private final transient Map<String, String> headers;

  public ApiProblemException(ProblemDetail problem) {
    this(problem, Map.of());
  }

  /** With response headers, such as {@code Retry-After}. */
  public ApiProblemException(ProblemDetail problem, Map<String, String> headers) {
    // No stack trace: this is an answer, not a fault.
    super(problem.getDetail(), null, false, false);
    this.problem = problem;
    this.headers = Map.copyOf(headers);
  }

  /** The problem to answer. */
  public ProblemDetail problem() {
    return problem;
  }

  /** Extra response headers. */
  public Map<String, String> headers() {
    return headers;
  }
}
