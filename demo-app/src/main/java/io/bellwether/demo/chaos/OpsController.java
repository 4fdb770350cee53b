package io.bellwether.demo.chaos;

import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /health}, {@code /version} and {@code /metrics}. Chaos Monkey leaves this controller alone
 * (it is in the watcher's excluded classes), as the plain server's faults leave these endpoints
 * alone: a health check or a smoke test on {@code /version} passes during an assault, and only
 * traffic shows it.
 */
@RestController
public class OpsController {
  private static final MediaType PROMETHEUS =
      new MediaType("text", "plain", java.util.Map.of("version", "0.0.4", "charset", "utf-8"));

  private final DemoBehaviour demo;

  public OpsController(DemoBehaviour demo) {
    this.demo = demo;
  }

  @GetMapping("/health")
  public ResponseEntity<String> health() {
    return demo.healthy()
        ? TrafficController.text(200, "ok")
        : TrafficController.text(503, "unhealthy");
  }

  @GetMapping("/version")
  public ResponseEntity<String> version() {
    return TrafficController.text(200, demo.release().version());
  }

  @GetMapping("/metrics")
  public ResponseEntity<byte[]> metrics() {
    byte[] body = (demo.metrics().scrape() + demo.shop().scrape()).getBytes(StandardCharsets.UTF_8);
    return ResponseEntity.ok().contentType(PROMETHEUS).body(body);
  }
}
