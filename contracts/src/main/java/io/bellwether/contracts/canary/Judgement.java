package io.bellwether.contracts.canary;

import java.util.List;

/**
 * The judge's verdict on an analysis.
 *
 * @param verdict {@code PASS}, {@code MARGINAL}, {@code FAIL} or {@code INCONCLUSIVE}
 * @param score weighted share of passing metrics, 0 to 100 (null when inconclusive)
 * @param metrics per-metric findings
 * @param reason one line for people (which critical metric failed, which metric lacked samples)
 */
public record Judgement(String verdict, Double score, List<MetricJudgement> metrics, String reason) {
  public static final String PASS = "PASS";
  public static final String MARGINAL = "MARGINAL";
  public static final String FAIL = "FAIL";
  public static final String INCONCLUSIVE = "INCONCLUSIVE";

  public Judgement {
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
  }
}
