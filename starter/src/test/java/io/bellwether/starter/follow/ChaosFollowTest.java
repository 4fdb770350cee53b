package io.bellwether.starter.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.starter.report.ChaosFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ChaosFollowTest {
  @Test
  void eachRoundOfReadingsAndEachEventIsPrintedOnceAsTheJournalGrows() {
    StringWriter sw = new StringWriter();
    RunFollower f = new RunFollower(new PrintWriter(sw), false, ZoneOffset.UTC, ChaosFixtures.ID);

    f.render(ChaosFixtures.running());
    f.render(ChaosFixtures.running());
    String first = sw.toString();
    f.render(ChaosFixtures.held());
    String all = sw.toString();

    // Five baseline rounds and four fault rounds up to +14 s, then the rest once the run ended.
    assertEquals(9, first.split("\n  BASELINE |\n  FAULT    |^  BASELINE ", -1).length - 1, first);
    assertTrue(first.contains("  FAULT    12:00:13  success 0.995 ok  shop 60 (200) ok  servers 3 ok"), first);
    assertTrue(first.contains("FAULT_ACTIVE (kill step 1/1)  faults [----------] 0/1 restored  active kill#1 on web-2"),
        first);
    assertEquals(1, all.split("12:00:13  success", -1).length - 1, "a round is printed once: " + all);
    assertTrue(all.contains("  RECOVERY 12:00:28  success 0.999 ok"), all);
    assertTrue(all.contains("12:00:26  bellwether   restore        kill#1 restored (duration)"), all);
    assertTrue(all.endsWith("SUCCEEDED (done)  faults [##########] 1/1 restored  budget 5/200 failed  verdict HELD\n"), all);
    assertEquals(ChaosFixtures.running().phase().name() + " (kill step 1/1)  faults [----------] 0/1 restored"
        + "  active kill#1 on web-2  budget 3/200 failed  verdict PENDING", ProgressView.line(ChaosFixtures.running()));
  }
}
