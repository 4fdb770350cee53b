package io.bellwether.contracts.chaos;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What an experiment may burn of the service's error budget, counted from the service's SLO
 * counters ({@code bellwether.services.<service>.slo}) from the first injection on. Either bound
 * or both; going past one is a breach.
 *
 * @param maxFailedRequests failed requests the experiment may cause
 * @param maxFailedRatio the share of requests during the experiment that may fail, 0 to 1
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBudgetSpec(
    Long maxFailedRequests,
    Double maxFailedRatio,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public ErrorBudgetSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public ErrorBudgetSpec(Long maxFailedRequests, Double maxFailedRatio) {
    this(maxFailedRequests, maxFailedRatio, Map.of());
  }
}
