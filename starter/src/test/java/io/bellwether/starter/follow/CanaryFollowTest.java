package io.bellwether.starter.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.canary.SegmentRoute;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.starter.report.CanaryFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Following a canary: the progress line and each analysis round printed once. */
class CanaryFollowTest {
  static CanaryStatus status(Phase phase, int step, String text, int weight, List<AnalysisRecord> analyses,
      GateStatus gate, List<RunEvent> events) {
    return new CanaryStatus("web", "2.4.0", "2.0.0", phase, step, 6, text, weight, SegmentRoute.none(), List.of(),
        List.of("web-1"), analyses, gate, false, null, null, events);
  }

  @Test
  void theLineShowsStepWeightAndPhase() {
    assertEquals("step 2/6 (setWeight 20)  weight [##--------] 20%",
        ProgressView.line(status(Phase.PROGRESSING, 1, "setWeight 20", 20, List.of(), null, List.of())));
    assertEquals("step 4/6 (analysis 2/3)  weight [##--------] 20%  ANALYZING",
        ProgressView.line(status(Phase.ANALYZING, 3, "analysis 2/3", 20, List.of(), null, List.of())));
    assertEquals("step 6/6  weight [----------] 0%  ROLLED_BACK",
        ProgressView.line(status(Phase.ROLLED_BACK, 6, "", 0, List.of(), null, List.of())));
    CanaryStatus segmented = new CanaryStatus("web", "2.4.0", "2.0.0", Phase.PROGRESSING, 0, 6, "setHeaderRoute", 0,
        new SegmentRoute(List.of("beta"), List.of(), List.of()), List.of(), List.of(), List.of(),
        new GateStatus("inconclusive-3", "OPEN", List.of("bob"), 1, List.of(), false, false, "", "abort", List.of()),
        true, null, null, List.of());
    assertEquals("step 1/6 (setHeaderRoute)  weight [----------] 0%  segment header beta"
        + "  gate inconclusive-3 0/1 approvals  paused", ProgressView.line(segmented));
  }

  @Test
  void eachRoundIsPrintedOnceAndTheJudgementWhenTheAnalysisEnds() {
    StringWriter sw = new StringWriter();
    RunFollower f = new RunFollower(new PrintWriter(sw), false, ZoneOffset.UTC, "canary-web-2.4.0");
    AnalysisRecord full = CanaryFixtures.failed();
    AnalysisRecord partial = new AnalysisRecord(full.stepIndex(), AnalysisRecord.RUNNING,
        full.measurements().subList(0, 2), null, null, full.startedMillis(), 0);

    f.render(status(Phase.ANALYZING, 3, "analysis 1/3", 20, List.of(partial), null, List.of()));
    f.render(status(Phase.ANALYZING, 3, "analysis 1/3", 20, List.of(partial), null, List.of()));
    f.render(status(Phase.ROLLED_BACK, 3, "analysis 3/3", 0, List.of(full), null,
        List.of(new RunEvent("2026-11-27T10:00:21Z", "bellwether", "rolled-back", "traffic 100% stable"))));
    f.finish();

    String out = sw.toString();
    assertEquals(1, count(out, "latency-p99              1  0.28"), out);
    assertEquals(1, count(out, "latency-p99              3  0.47"), out);
    assertEquals(1, count(out, "=> FAIL score 50"), out);
    assertEquals(1, count(out, "=> FAILED: " + CanaryFixtures.REASON), out);
    assertEquals(1, count(out, "rolled-back"), out);
    assertTrue(out.indexOf("=> FAILED") > out.indexOf("latency-p99              3"), out);
    assertTrue(out.contains("step 4/6 (analysis 3/3)  weight [----------] 0%  ROLLED_BACK"), out);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
