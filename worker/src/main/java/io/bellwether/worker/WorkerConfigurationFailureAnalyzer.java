package io.bellwether.worker;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link WorkerConfigurationException} buried in bean-creation wrappers into Spring Boot's
 * short "APPLICATION FAILED TO START" report, so the operator sees the list and nothing else.
 */
public class WorkerConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<WorkerConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, WorkerConfigurationException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Fix the bellwether.* properties listed above (application.yml, environment variables or"
            + " --bellwether.* arguments) and start the worker again.",
        cause);
  }
}
