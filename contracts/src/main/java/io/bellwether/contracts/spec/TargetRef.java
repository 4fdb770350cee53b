package io.bellwether.contracts.spec;

/**
 * What a run acts on, by configured name only. The worker's configuration maps each name to an
 * address, socket or command; a spec can never carry one.
 *
 * @param router name of a configured traffic router (an HAProxy runtime API)
 * @param backend the backend in that router whose servers are the instances
 * @param deployer name of a configured deployer
 * @param healthCheck name of a configured health checker; {@code http} when absent
 */
public record TargetRef(String router, String backend, String deployer, String healthCheck) {
  public static final String DEFAULT_HEALTH_CHECK = "http";

  public String healthCheckOrDefault() {
    return healthCheck == null || healthCheck.isBlank() ? DEFAULT_HEALTH_CHECK : healthCheck;
  }
}
