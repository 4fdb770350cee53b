package io.bellwether.starter.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.starter.report.ABTestFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Following an A/B test: the progress line, each read printed once, the evaluation once. */
class ABTestFollowTest {
  /** The fixture's test as it stood after {@code reads} reads, still collecting. */
  static ABTestStatus after(int reads) {
    List<VariantStatus> variants = new ArrayList<>();
    for (VariantStatus v : ABTestFixtures.variants()) {
      var points = v.points().subList(0, Math.min(reads, v.points().size()));
      var last = points.isEmpty() ? null : points.get(points.size() - 1);
      variants.add(new VariantStatus(v.name(), v.version(), v.control(), v.share(), v.backend(), v.instances(),
          last == null ? 0 : last.exposures(), last == null ? 0 : last.conversions(), v.requiredSampleSize(),
          v.stopped() && reads >= 2, v.stopReason(), points));
    }
    ABTestStatus c = ABTestFixtures.collecting();
    return new ABTestStatus(c.service(), c.experiment(), c.hypothesis(), Phase.COLLECTING, true, c.salt(), c.plan(),
        c.startedCollectingMillis(), variants, c.interim(), null, Outcome.PENDING, null, null, null, null, false, null,
        null, List.of());
  }

  @Test
  void theLineShowsPhaseSampleProgressSplitAndOutcome() {
    // The slowest active variant sets the bar: buggy, 150 of 4680 after the first read ...
    assertEquals("COLLECTING  sample [----------] 3% of 4680/variant  split open  outcome PENDING",
        ProgressView.line(after(1)));
    // ... and once it is stopped, the others: 1600 of 4680.
    assertEquals("COLLECTING  sample [###-------] 34% of 4680/variant  split open  outcome PENDING",
        ProgressView.line(after(2)));
    assertEquals("SUCCEEDED  sample [##########] 100% of 4680/variant  split closed  outcome WINNER one-page  rolled out",
        ProgressView.line(ABTestFixtures.rolledOut()));
    ABTestStatus r = ABTestFixtures.rolledOut();
    ABTestStatus gated = new ABTestStatus(r.service(), r.experiment(), null, Phase.AWAITING_APPROVAL, false, null,
        r.plan(), r.startedCollectingMillis(), r.variants(), null, r.evaluation(), Outcome.WINNER, "one-page", null,
        null, new GateStatus("confirm", "OPEN", List.of("alice"), 1, List.of(), false, false, "", "abort", List.of()),
        true, null, null, List.of());
    assertEquals("AWAITING_APPROVAL  sample [##########] 100% of 4680/variant  split closed  outcome WINNER one-page"
        + "  gate confirm 0/1 approvals  decision held", ProgressView.line(gated));
  }

  @Test
  void eachReadIsPrintedOnceAndTheEvaluationWhenItIsMade() {
    StringWriter sw = new StringWriter();
    RunFollower f = new RunFollower(new PrintWriter(sw), false, ZoneOffset.UTC, "abtest-web-checkout");

    f.render(after(1));
    f.render(after(1));
    f.render(after(2));
    f.render(after(6));
    f.render(ABTestFixtures.rolledOut());
    f.render(ABTestFixtures.rolledOut());
    f.finish();

    String out = sw.toString();
    assertEquals(1, count(out, "read after 1 min  control 800/81 10.13%"), out);
    assertEquals(1, count(out, "read after 2 min  control 1600/162 10.13%"), out);
    assertEquals(1, count(out, "read after 6 min  control 4800/486 10.13%"), out);
    assertEquals(3, count(out, "  read after"), out);
    // The interim numbers are not printed while following: only the deciding evaluation, once.
    assertEquals(1, count(out, "evaluation (fixed method"), out);
    assertEquals(1, count(out, "one-page             14.90%   +4.77 pts"), out);
    assertEquals(1, count(out, "=> " + ABTestFixtures.SUMMARY), out);
    assertEquals(1, count(out, "rolled-out"), out);
    assertTrue(out.indexOf("=> treatment") > out.indexOf("read after 6 min"), out);
    assertTrue(out.contains("SUCCEEDED  sample [##########] 100% of 4680/variant  split closed  outcome WINNER one-page"), out);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
