package io.bellwether.starter.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    assertEquals("2.0.0", good.version());
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
    assertEquals("2.0.0", good.smokeCheck().expectedBodyFor(good.version()));
  }
}
