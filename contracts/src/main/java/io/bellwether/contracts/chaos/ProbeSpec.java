package io.bellwether.contracts.chaos;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A steady-state probe. Every reading is one number (and, for HTTP, a status) that a {@link
 * Tolerance} admits or not.
 *
 * <ul>
 *   <li>{@code http}: one GET of the service's configured endpoint {@code endpoint} ({@code
 *       bellwether.services.<service>.endpoints.<endpoint>}); the value is the latency in
 *       milliseconds, the status the HTTP status (0 when no answer).
 *   <li>{@code prometheus}: one instant query on the service's metrics provider (or {@code
 *       metrics}); the value is its single result.
 *   <li>{@code servers}: the router's view of the service's backend; the value is the number of
 *       servers that are UP and in rotation.
 * </ul>
 *
 * @param name unique among the experiment's probes; letters, digits, {@code . _ -}
 * @param type {@code http}, {@code prometheus} or {@code servers}
 * @param endpoint for {@code http}: a configured endpoint name of the service
 * @param query for {@code prometheus}: the PromQL
 * @param metrics for {@code prometheus}: a configured metrics provider; default the service's
 * @param tolerance the steady state: what baseline and recovery readings must be within
 * @param duringFault what the hypothesis expects while a fault is active; default none (the probe
 *     is only recorded during the fault)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeSpec(
    String name,
    String type,
    String endpoint,
    String query,
    String metrics,
    Tolerance tolerance,
    Tolerance duringFault,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public static final String HTTP = "http";
  public static final String PROMETHEUS = "prometheus";
  public static final String SERVERS = "servers";

  public ProbeSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public ProbeSpec(
      String name,
      String type,
      String endpoint,
      String query,
      String metrics,
      Tolerance tolerance,
      Tolerance duringFault) {
    this(name, type, endpoint, query, metrics, tolerance, duringFault, Map.of());
  }
}
