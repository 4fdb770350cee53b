package io.bellwether.starter.demo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
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
   */
  @JsonPropertyOrder({
    "workflowId", "fromVersion", "toVersion", "expectedOutcome", "outcome", "durationMillis",
    "requestsSent", "requestsFailed", "okByVersion", "message"
  })
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
      String message) {

    @JsonIgnore
    public boolean asExpected() {
      return expectedOutcome != null && expectedOutcome.equals(outcome);
    }
  }

  public DemoSummary {
    runs = List.copyOf(runs);
    sampleErrors = sampleErrors == null ? List.of() : List.copyOf(sampleErrors);
  }

  /** Every run ended as expected and no request failed. */
  @JsonProperty("passed")
  public boolean passed() {
    return !runs.isEmpty() && runs.stream().allMatch(Run::asExpected) && totalRequestsFailed == 0;
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
    String format = "%-22s %-16s %-12s %-12s %9s %8s %8s%n";
    b.append(String.format(format, "WORKFLOW ID", "VERSION", "OUTCOME", "EXPECTED", "DURATION", "SENT", "FAILED"));
    for (Run r : runs) {
      b.append(String.format(format,
          r.workflowId(), r.fromVersion() + " -> " + r.toVersion(), r.outcome(), r.expectedOutcome(),
          String.format("%.1fs", r.durationMillis() / 1000.0), r.requestsSent(), r.requestsFailed()));
    }
    b.append(String.format("total requests: %d sent, %d failed%n", totalRequestsSent, totalRequestsFailed));
    b.append(passed() ? "DEMO PASSED" : "DEMO FAILED");
    return b.toString();
  }
}
