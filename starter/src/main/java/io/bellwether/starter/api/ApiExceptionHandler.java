package io.bellwether.starter.api;

import io.bellwether.client.ControlRefusedException;
import io.bellwether.client.RunAlreadyStartedException;
import io.bellwether.client.RunNotFoundException;
import io.bellwether.client.WorkerUnavailableException;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every failure as an RFC 9457 problem. Spring MVC's own (415, 405, 404 of unknown paths, 400 of
 * unreadable bodies) come from the base class; ours are mapped here. A detail is our own words
 * or the run's own refusal, never an exception's trace; anything unexpected is a bare 500 whose
 * cause goes to the log only.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(ApiProblemException.class)
  ResponseEntity<ProblemDetail> problem(ApiProblemException e) {
    HttpHeaders headers = new HttpHeaders();
    e.headers().forEach(headers::add);
    return ResponseEntity.status(e.problem().getStatus()).headers(headers).body(e.problem());
  }

  @ExceptionHandler(RunNotFoundException.class)
  ProblemDetail notFound(RunNotFoundException e) {
    return Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "no run " + e.workflowId());
  }

  @ExceptionHandler(RunAlreadyStartedException.class)
  ProblemDetail alreadyRunning(RunAlreadyStartedException e) {
    return Problems.of(HttpStatus.CONFLICT, Problems.ALREADY_RUNNING, e.workflowId() + " is already running");
  }

  @ExceptionHandler(ControlRefusedException.class)
  ProblemDetail refused(ControlRefusedException e) {
    return e.forbidden()
        ? Problems.of(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, Problems.shortReason(e.getMessage()))
        : Problems.of(HttpStatus.CONFLICT, Problems.REFUSED, Problems.shortReason(e.getMessage()));
  }

  @ExceptionHandler(InvalidSpecException.class)
  ProblemDetail invalid(InvalidSpecException e) {
    return Problems.invalidSpec(e.violations());
  }

  @ExceptionHandler(WorkerUnavailableException.class)
  ProblemDetail noWorker(WorkerUnavailableException e) {
    return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.WORKER_UNAVAILABLE,
        "no Bellwether worker answered in time; nothing was started. Retry once a worker is up.");
  }

  @ExceptionHandler({WorkflowServiceException.class, StatusRuntimeException.class})
  ProblemDetail temporalDown(RuntimeException e) {
    log.warn("Temporal call failed: {}", e.toString());
    return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.TEMPORAL_UNAVAILABLE,
        "Temporal did not answer; retry later");
  }

  @ExceptionHandler(Exception.class)
  ProblemDetail unexpected(Exception e) {
    log.warn("request failed", e);
    return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL, "internal error; see the API's log");
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    // Jackson's message quotes the input and its location at length; one line is enough.
    ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, Problems.MALFORMED,
        ex.getMessage() != null && ex.getMessage().startsWith("Required request body is missing")
            ? "the request body is missing"
            : "the request body is not valid JSON for this endpoint");
    return handleExceptionInternal(ex, p, headers, HttpStatus.BAD_REQUEST, request);
  }
}
