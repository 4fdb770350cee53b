package io.bellwether.starter.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's chaos row: its verdict, its report file, and failures its experiment allows. */
class DemoChaosSummaryTest {
  private static DemoSummary.Run chaos(String outcome, long failed) {
    return new DemoSummary.Run("chaos-web-kill-one", "4.1.0", "4.1.0", "SUCCEEDED", outcome, 25_400, 1023, failed,
        Map.of("4.1.0", 1023 - failed), "verdict HELD", "HELD: hypothesis held; kill step 1 [web-1] restored (duration)",
        true, null, null, "/tmp/demo-chaos-report.html");
  }

  private static DemoSummary.Run rolling() {
    return new DemoSummary.Run("rolling-web-1.1.0", "1.0.0", "1.1.0", "SUCCEEDED", "SUCCEEDED", 27_800, 1316, 0,
        Map.of("1.1.0", 1316L), "done");
  }

  @Test
  void aHeldExperimentPassesAndTheTableNamesItsVerdictAndReport() {
    DemoSummary s = new DemoSummary(List.of(rolling(), chaos("SUCCEEDED", 1)), 2339, 1, List.of());
    assertTrue(s.passed(), s.table());
    String table = s.table();
    assertTrue(table.contains("verdict: HELD: hypothesis held"), table);
    assertTrue(table.contains("failed 1 of 1023 requests (0.10%) during the experiment"), table);
    assertTrue(table.contains("report of chaos-web-kill-one: /tmp/demo-chaos-report.html"), table);
    assertFalse(table.contains("floor (rate x weight"), "the canary's floor is not the experiment's: " + table);
  }

  @Test
  void anExperimentThatDidNotHoldFailsTheDemo() {
    DemoSummary s = new DemoSummary(List.of(rolling(), chaos("DEVIATED (SUCCEEDED)", 0)), 2339, 0, List.of());
    assertFalse(s.passed(), s.table());
  }

  @Test
  void theReportFileSurvivesTheJsonForm() {
    DemoSummary s = new DemoSummary(List.of(chaos("SUCCEEDED", 0)), 1023, 0, List.of());
    DemoSummary back = DemoSummary.fromJson(s.toJson());
    assertEquals("/tmp/demo-chaos-report.html", back.runs().get(0).report());
    assertTrue(s.toJson().contains("\"report\""), s.toJson());
  }
}
