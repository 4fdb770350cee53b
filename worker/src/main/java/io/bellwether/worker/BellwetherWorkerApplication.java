package io.bellwether.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Bellwether worker: polls task queue {@code bellwether} for the workflows and activities, and
 * serves {@code /actuator/health} and {@code /actuator/prometheus}.
 *
 * <p>{@code --temporal-server-only [--port=N]} instead runs only the embedded Temporal server on
 * 127.0.0.1, without Spring, until the process is stopped.
 */
@SpringBootApplication
public class BellwetherWorkerApplication {
  public static void main(String[] args) {
    if (TemporalServerOnly.requested(args)) {
      int code = TemporalServerOnly.run(args, System.out, System.err);
      // A clean stop arrives through a shutdown hook; exiting from here as well would block.
      if (code != 0) {
        System.exit(code);
      }
      return;
    }
    SpringApplication.run(BellwetherWorkerApplication.class, args);
  }
}
