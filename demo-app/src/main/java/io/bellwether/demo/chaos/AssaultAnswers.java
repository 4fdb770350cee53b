package io.bellwether.demo.chaos;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers an exception thrown in a traffic endpoint, which is what an exception assault does, with
 * {@code 500 demo-app <instance> <version> failed: <message>}, like the release's own injected
 * errors. Without it the servlet container would log a stack trace per failed request.
 */
@RestControllerAdvice(assignableTypes = TrafficController.class)
public class AssaultAnswers {
  private final DemoBehaviour demo;

  public AssaultAnswers(DemoBehaviour demo) {
    this.demo = demo;
  }

  @ExceptionHandler(Exception.class)
  public ResponseEntity<String> failed(Exception e) {
    return TrafficController.text(500, demo.banner() + " failed: " + e.getMessage());
  }
}
