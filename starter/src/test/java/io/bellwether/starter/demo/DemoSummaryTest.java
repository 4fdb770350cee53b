package io.bellwether.starter.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanaryResult;
import io.bellwether.contracts.canary.CanaryStep;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.metrics.MetricStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {
  static DemoSummary.Run run(String id, String from, String to, String expected, String outcome, long sent, long failed) {
    return new DemoSummary.Run(id, from, to, expected, outcome, 12_345, sent, failed, Map.of(to, sent - failed), "done");
  }

  static DemoSummary summary(String goodOutcome, String badOutcome, long totalFailed) {
    return new DemoSummary(
        List.of(
            run("rolling-web-2.0.0", "1.0.0", "2.0.0", "SUCCEEDED", goodOutcome, 800, 0),
            run("rolling-web-3.0.0", "2.0.0", "3.0.0", "ROLLED_BACK", badOutcome, 400, totalFailed)),
        1300, totalFailed, totalFailed == 0 ? List.of() : List.of("12:00:00.000 POST HTTP 503"));
  }

  @Test
  void jsonHasTheDocumentedShape() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(summary("SUCCEEDED", "ROLLED_BACK", 0).toJson());
    assertTrue(doc.get("passed").asBoolean());
    assertEquals(1300, doc.get("totalRequestsSent").asLong());
    assertEquals(0, doc.get("totalRequestsFailed").asLong());
    JsonNode first = doc.get("runs").get(0);
    assertEquals("rolling-web-2.0.0", first.get("workflowId").asText());
    assertEquals("1.0.0", first.get("fromVersion").asText());
    assertEquals("2.0.0", first.get("toVersion").asText());
    assertEquals("SUCCEEDED", first.get("outcome").asText());
    assertEquals(800, first.get("requestsSent").asLong());
    assertEquals(0, first.get("requestsFailed").asLong());
    assertEquals(12_345, first.get("durationMillis").asLong());
    assertEquals(800, first.get("okByVersion").get("2.0.0").asLong());
    assertEquals("ROLLED_BACK", doc.get("runs").get(1).get("outcome").asText());
  }

  @Test
  void jsonReadsBack() {
    DemoSummary s = summary("SUCCEEDED", "ROLLED_BACK", 0);
    assertEquals(s, DemoSummary.fromJson(s.toJson()));
  }

  @Test
  void passesOnlyWhenEveryRunEndedAsExpectedAndNothingFailed() {
    assertTrue(summary("SUCCEEDED", "ROLLED_BACK", 0).passed());
    assertFalse(summary("SUCCEEDED", "ROLLED_BACK", 1).passed());
    assertFalse(summary("ROLLED_BACK", "ROLLED_BACK", 0).passed());
    assertFalse(summary("SUCCEEDED", "SUCCEEDED", 0).passed());
    assertFalse(summary("SUCCEEDED", "FAILED", 0).passed());
    assertFalse(new DemoSummary(List.of(), 0, 0, List.of()).passed());
  }

  @Test
  void tableHasARowPerRunAndTheVerdict() {
    String table = summary("SUCCEEDED", "FAILED", 3).table();
    List<String> lines = table.lines().toList();
    assertEquals(5, lines.size(), table);
    assertTrue(lines.get(1).startsWith("rolling-web-2.0.0"), table);
    assertTrue(lines.get(1).contains("1.0.0 -> 2.0.0"), table);
    assertTrue(lines.get(1).contains("12.3s"), table);
    assertTrue(lines.get(2).contains("FAILED"), table);
    assertEquals("total requests: 1300 sent, 3 failed", lines.get(3));
    assertEquals("DEMO FAILED", lines.get(4));
  }

  @Test
  void demoSpecsAreValidAndDifferOnlyWhereTheyShould() {
    RollingDeploymentSpec good = DemoSpecs.good();
    RollingDeploymentSpec bad = DemoSpecs.bad();
    assertEquals("1.1.0", good.version());
    assertEquals("3.0.0", bad.version());
    assertEquals("edge", good.target().router());
    assertEquals("web", good.target().backend());
    assertEquals("demo", good.target().deployer());
    assertEquals(1, good.strategy().maxUnavailable().number());
    assertEquals("1s", good.strategy().bakeTime());
    assertEquals("/health", good.healthCheck().path());
    assertEquals(2, good.healthCheck().successThreshold());
    assertEquals("300ms", good.healthCheck().period());
    assertEquals("6s", bad.healthCheck().timeout());
    assertEquals("/version", good.smokeCheck().path());
    assertEquals("1.1.0", good.smokeCheck().expectedBodyFor(good.version()));
  }

  @Test
  void canarySpecsAreValidAndDifferOnlyInTheVersion() {
    CanaryReleaseSpec good = DemoSpecs.canaryGood();
    CanaryReleaseSpec bad = DemoSpecs.canaryBad();
    assertEquals("2.0.0", good.version());
    assertEquals("2.3.0", bad.version());
    assertEquals("web", good.target().pool());
    assertEquals("prom", good.target().metrics());
    assertEquals(List.of("setWeight", "analysis", "setWeight", "analysis"),
        good.steps().stream().map(CanaryStep::kind).toList());
    assertEquals(DemoSpecs.CANARY_FIRST_WEIGHT, good.steps().get(0).setWeight());
    assertEquals(good.steps(), bad.steps());
    assertTrue(good.steps().get(1).analysis().metrics().stream().allMatch(m -> m.query().contains("{{instances}}")));
  }

  static CanaryResult canaryResult(Phase outcome, String reason, String verdict, Double score, String failedMetric) {
    List<Measurement> ms = failedMetric == null
        ? List.of(new Measurement("error-ratio", 1, 1000, MetricStatus.OK, 0.0, 0.0, Measurement.SUCCESS, null))
        : List.of(new Measurement(failedMetric, 1, 1000, MetricStatus.OK, 0.071, 0.0, Measurement.FAILURE, null));
    AnalysisRecord a = new AnalysisRecord(1, failedMetric == null ? AnalysisRecord.SUCCESSFUL : AnalysisRecord.FAILED,
        ms, verdict == null ? null : new Judgement(verdict, score, List.of(), "fine"), null, 0, 2000);
    return new CanaryResult("web", "2.3.0", outcome, reason, List.of(a), null, 500, 7500);
  }

  @Test
  void canaryVerdictSaysWhatEachAnalysisFoundAndWhy() {
    assertEquals("promoted: step 2 analysis SUCCESSFUL, judge PASS 100",
        DemoSummary.canaryVerdict(canaryResult(Phase.SUCCEEDED, null, "PASS", 100.0, null)));
    assertEquals("rolled back: step 2 analysis FAILED (error-ratio 0.071) - error-ratio above its range",
        DemoSummary.canaryVerdict(canaryResult(Phase.ROLLED_BACK, "error-ratio above its range", null, null, "error-ratio")));
    assertEquals("no result", DemoSummary.canaryVerdict(null));
  }

  static DemoSummary.Run errorCanary(long failed) {
    return new DemoSummary.Run("canary-web-2.3.0", "2.0.0", "2.3.0", "ROLLED_BACK", "ROLLED_BACK", 9_000, 500, failed,
        Map.of("2.0.0", 500 - failed), "rolled back", "rolled back: ...", true, 2.4, 6_000L);
  }

  @Test
  void theErrorCanarysOwnFailuresDoNotFailTheDemoButAnyOtherDoes() {
    DemoSummary.Run good = run("rolling-web-1.1.0", "1.0.0", "1.1.0", "SUCCEEDED", "SUCCEEDED", 800, 0);
    assertTrue(new DemoSummary(List.of(good, errorCanary(3)), 1300, 3, List.of()).passed());
    // A failure outside the error canary's run.
    assertFalse(new DemoSummary(List.of(good, errorCanary(3)), 1300, 4, List.of()).passed());
    DemoSummary.Run goodWithFailure = run("rolling-web-1.1.0", "1.0.0", "1.1.0", "SUCCEEDED", "SUCCEEDED", 800, 1);
    assertFalse(new DemoSummary(List.of(goodWithFailure, errorCanary(3)), 1300, 4, List.of()).passed());
  }

  @Test
  void canaryFieldsAreInTheJsonAndTheTable() throws Exception {
    DemoSummary s = new DemoSummary(List.of(errorCanary(3)), 500, 3, List.of());
    JsonNode run = new ObjectMapper().readTree(s.toJson()).get("runs").get(0);
    assertEquals("rolled back: ...", run.get("verdict").asText());
    assertTrue(run.get("failuresExpected").asBoolean());
    assertEquals(2.4, run.get("failureFloor").asDouble());
    assertEquals(6_000, run.get("exposureMillis").asLong());
    assertEquals(s, DemoSummary.fromJson(s.toJson()));
    String table = s.table();
    assertTrue(table.contains("verdict: rolled back: ..."), table);
    assertTrue(table.contains("failed 3 of 500 requests (0.60%) by design; floor (rate x weight x error rate x time) 2.4;"
        + " first traffic -> stable only 6.0s"), table);
    JsonNode rolling = new ObjectMapper().readTree(summary("SUCCEEDED", "ROLLED_BACK", 0).toJson()).get("runs").get(0);
    assertFalse(rolling.has("verdict"), "non-canary runs carry no canary fields: " + rolling);
  }
}
