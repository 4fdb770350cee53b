package io.bellwether.contracts.canary;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The statistical judge: per metric a Mann-Whitney U test of canary against baseline samples at
 * {@code confidence}, with a tolerance on the Hodges-Lehmann effect; a weighted score 0 to 100
 * against {@code marginal} and {@code pass}. Samples are a range query over the analysis window
 * ({@code count × interval}), one point per {@code step}.
 *
 * @param confidence two-sided for {@code either}, one-sided otherwise; default 0.95
 * @param marginal score below this fails; default 75
 * @param pass score at or above this passes; between marginal and pass is marginal (a failed
 *     analysis unless {@code marginalPasses}); default 95
 * @param marginalPasses whether a marginal score lets the run go on; default false
 * @param minSamples per side and metric; fewer makes the metric inconclusive; default 10
 * @param step sample spacing; default 1s
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JudgeSpec(
    Double confidence,
    Double marginal,
    Double pass,
    Boolean marginalPasses,
    Integer minSamples,
    String step,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {
  public JudgeSpec {
    unknownFields = unknownFields == null ? Map.of() : unknownFields;
  }

  public static JudgeSpec defaults() {
    return new JudgeSpec(null, null, null, null, null, null, Map.of());
  }

  public double confidenceOrDefault() {
    return confidence == null ? 0.95 : confidence;
  }

  public double marginalOrDefault() {
    return marginal == null ? 75 : marginal;
  }

  public double passOrDefault() {
    return pass == null ? 95 : pass;
  }

  public boolean marginalPassesOrDefault() {
    return Boolean.TRUE.equals(marginalPasses);
  }

  public int minSamplesOrDefault() {
    return minSamples == null ? 10 : minSamples;
  }

  public String stepOrDefault() {
    return step == null || step.isBlank() ? "1s" : step;
  }
}
