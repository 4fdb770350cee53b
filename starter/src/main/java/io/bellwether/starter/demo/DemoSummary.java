package io.bellwether.starter.demo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.Measurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo did, one row per run, and the traffic the whole demo sent. Pure: the JSON form is
 * what {@code --summary-json} writes and what CI reads.
 *
 * @param runs the runs in order
 * @param totalRequestsSent requests sent from the first run's start to the last run's end
 * @param totalRequestsFailed of those, failed (I/O error or non-2xx)
 * @param sampleErrors a few of the failures, for a quick look
 */
@JsonIgnoreProperties(value = {"passed"}, allowGetters = true)
@JsonPropertyOrder({"passed", "runs", "totalRequestsSent", "totalRequestsFailed", "sampleErrors"})
public record DemoSummary(
    List<Run> runs, long totalRequestsSent, long totalRequestsFailed, List<String> sampleErrors) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One run.
   *
   * @param workflowId such as {@code rolling-web-2.0.0}
   * @param fromVersion the version before
   * @param toVersion the version deployed
   * @param expectedOutcome what the demo expects of it: SUCCEEDED or ROLLED_BACK
   * @param outcome how it ended (RunOutcome's words)
   * @param durationMillis from start to end
   * @param requestsSent requests sent while it ran
   * @param requestsFailed of those, failed
   * @param okByVersion successful answers during the run by serving version
   * @param message the run's own account of how it ended
   * @param verdict a canary's verdict in words (its analyses and the judge, or why it rolled back);
   *     null for other runs
   * @param failuresExpected whether this run fails requests by design: a canary of a version with
   *     errors fails some of the requests it gets before it is rolled back
   * @param failureFloor for such a run, the failed requests it cannot avoid: request rate × the
   *     canary's weight × its error rate × the time it had traffic; null otherwise
   * @param exposureMillis a canary's time from its first traffic to stable-only traffic (0 when it
   *     was promoted instead); null for other runs
   * @param report the run's report file, when the demo wrote one; null otherwise
   */
  @JsonPropertyOrder({
    "workflowId", "fromVersion", "toVersion", "expectedOutcome", "outcome", "durationMillis",
    "requestsSent", "requestsFailed", "okByVersion", "message", "verdict", "failuresExpected",
    "failureFloor", "exposureMillis", "report"
  })
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Run(
      String workflowId,
      String fromVersion,
      String toVersion,
      String expectedOutcome,
      String outcome,
      long durationMillis,
      long requestsSent,
      long requestsFailed,
      Map<String, Long> okByVersion,
      String message,
      String verdict,
      boolean failuresExpected,
      Double failureFloor,
      Long exposureMillis,
      String report) {

    /** A run without a report file. */
    public Run(
        String workflowId,
        String fromVersion,
        String toVersion,
        String expectedOutcome,
        String outcome,
        long durationMillis,
        long requestsSent,
        long requestsFailed,
        Map<String, Long> okByVersion,
        String message,
        String verdict,
        boolean failuresExpected,
        Double failureFloor,
        Long exposureMillis) {
      this(workflowId, fromVersion, toVersion, expectedOutcome, outcome, durationMillis, requestsSent,
          requestsFailed, okByVersion, message, verdict, failuresExpected, failureFloor, exposureMillis, null);
    }

    /** A run that must not fail any request (rolling, blue-green, a good canary). */
    public Run(
        String workflowId,
        String fromVersion,
        String toVersion,
        String expectedOutcome,
        String outcome,
        long durationMillis,
        long requestsSent,
        long requestsFailed,
        Map<String, Long> okByVersion,
        String message) {
      this(workflowId, fromVersion, toVersion, expectedOutcome, outcome, durationMillis, requestsSent,
          requestsFailed, okByVersion, message, null, false, null, null);
    }

    @JsonIgnore
    public boolean asExpected() {
      return expectedOutcome != null && expectedOutcome.equals(outcome);
    }

    /** Whether its failed requests are acceptable: none, or only where failures are by design. */
    @JsonIgnore
    public boolean failuresAcceptable() {
      return failuresExpected || requestsFailed == 0;
    }
  }

  /**
   * A canary's verdict in words: what each analysis concluded (and the judge's verdict and score),
   * and, when it rolled back, why. Pure, for the summary.
   */
  /** An A/B test's conclusion in a few words: {@code WINNER one-page, rolled out}. */
  public static String abTestVerdict(io.bellwether.contracts.abtest.ABTestResult r) {
    if (r == null) {
      return "no result";
    }
    StringBuilder b = new StringBuilder(r.outcome() == null ? "no outcome" : r.outcome().name());
    if (r.winner() != null) {
      b.append(' ').append(r.winner());
    }
    if (r.decision() != null) {
      b.append(", ").append(r.decision());
    }
    if (r.evaluation() != null && !r.evaluation().comparisons().isEmpty()) {
      var c = r.evaluation().comparisons().get(0);
      b.append(String.format(Locale.ROOT, " (%.1f%% vs %.1f%%, p=%.4f)",
          c.treatmentRate() * 100, c.controlRate() * 100, c.adjustedPValue()));
    }
    return b.toString();
  }

  public static String canaryVerdict(CanaryResult r) {
    if (r == null) {
      return "no result";
    }
    List<String> parts = new ArrayList<>();
    for (AnalysisRecord a : r.analyses()) {
      StringBuilder b = new StringBuilder("step ").append(a.stepIndex() + 1).append(" analysis ").append(a.state());
      if (a.judgement() != null) {
        b.append(", judge ").append(a.judgement().verdict());
        if (a.judgement().score() != null) {
          b.append(String.format(Locale.ROOT, " %.0f", a.judgement().score()));
        }
      }
      List<String> failed =
          a.measurements().stream()
              .filter(m -> Measurement.FAILURE.equals(m.verdict()))
              .map(m -> m.metric() + (m.canary() == null ? "" : String.format(Locale.ROOT, " %.3f", m.canary())))
              .distinct()
              .limit(2)
              .toList();
      if (!failed.isEmpty()) {
        b.append(" (").append(String.join(", ", failed)).append(')');
      }
      parts.add(b.toString());
    }
    String outcome = r.outcome() == null ? "no outcome" : r.outcome().name();
    String head = switch (outcome) {
      case "SUCCEEDED" -> "promoted";
      case "ROLLED_BACK" -> "rolled back";
      default -> outcome.toLowerCase(Locale.ROOT);
    };
    String analyses = parts.isEmpty() ? "" : ": " + String.join("; ", parts);
    String why = r.reason() == null || r.reason().isBlank() || "SUCCEEDED".equals(outcome) ? "" : " - " + r.reason();
    return head + analyses + why;
  }

  public DemoSummary {
    runs = List.copyOf(runs);
    sampleErrors = sampleErrors == null ? List.of() : List.copyOf(sampleErrors);
  }

  /**
   * Every run ended as expected, and no request failed except in runs that fail requests by design
   * (a canary with errors, before its rollback): every failure of the whole demo is one of theirs.
   */
  @JsonProperty("passed")
  public boolean passed() {
    long byDesign = runs.stream().filter(Run::failuresExpected).mapToLong(Run::requestsFailed).sum();
    return !runs.isEmpty()
        && runs.stream().allMatch(Run::asExpected)
        && runs.stream().allMatch(Run::failuresAcceptable)
        && totalRequestsFailed == byDesign;
  }

  /** The JSON document {@code --summary-json} writes. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a document written by {@link #toJson()}. */
  public static DemoSummary fromJson(String json) {
    try {
      return JSON.readValue(json, DemoSummary.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a demo summary: " + e.getOriginalMessage(), e);
    }
  }

  /** A fixed-width table, one row per run, and a totals line. */
  @JsonIgnore
  public String table() {
    StringBuilder b = new StringBuilder();
    String format = "%-26s %-16s %-12s %-12s %9s %8s %8s%n";
    b.append(String.format(format, "WORKFLOW ID", "VERSION", "OUTCOME", "EXPECTED", "DURATION", "SENT", "FAILED"));
    for (Run r : runs) {
      b.append(String.format(format,
          r.workflowId(), r.fromVersion() + " -> " + r.toVersion(), r.outcome(), r.expectedOutcome(),
          String.format("%.1fs", r.durationMillis() / 1000.0), r.requestsSent(), r.requestsFailed()));
      if (r.verdict() != null) {
        b.append("    verdict: ").append(r.verdict()).append('\n');
      }
      if (r.failuresExpected() && r.failureFloor() == null) {
        // A chaos experiment: what it may fail is bounded by its own hypothesis and error budget.
        b.append(String.format(Locale.ROOT,
            "    failed %d of %d requests (%.2f%%) during the experiment; its hypothesis and error budget bound them%n",
            r.requestsFailed(), r.requestsSent(),
            r.requestsSent() == 0 ? 0.0 : 100.0 * r.requestsFailed() / r.requestsSent()));
      } else if (r.failuresExpected()) {
        b.append(String.format(Locale.ROOT,
            "    failed %d of %d requests (%.2f%%) by design; floor (rate x weight x error rate x time) %.1f%s%n",
            r.requestsFailed(), r.requestsSent(),
            r.requestsSent() == 0 ? 0.0 : 100.0 * r.requestsFailed() / r.requestsSent(),
            r.failureFloor() == null ? 0.0 : r.failureFloor(),
            r.exposureMillis() == null ? ""
                : String.format(Locale.ROOT, "; first traffic -> stable only %.1fs", r.exposureMillis() / 1000.0)));
      }
    }
    for (Run r : runs) {
      if (r.report() != null) {
        b.append("report of ").append(r.workflowId()).append(": ").append(r.report()).append('\n');
      }
    }
    b.append(String.format("total requests: %d sent, %d failed%n", totalRequestsSent, totalRequestsFailed));
    b.append(passed() ? "DEMO PASSED" : "DEMO FAILED");
    return b.toString();
  }
}
