package io.bellwether.starter.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunFollowerTest {
  private final List<RunEvent> events = new ArrayList<>();

  private RollingStatus status(String progress) {
    return new RollingStatus("web", "2.0.0", Phase.PROGRESSING, "", 1, 1, false,
        List.of(new InstanceStatus("web-1", "127.0.0.1:1", 1, "1.0.0", "1.0.0", "READY", 1, progress, "")),
        List.copyOf(events), "");
  }

  @Test
  void withoutATerminalPrintsPlainLinesEachEventOnceAndTheLineWhenItChanges() {
    StringWriter sw = new StringWriter();
    RunFollower f = new RunFollower(new PrintWriter(sw), false, ZoneOffset.UTC);
    events.add(new RunEvent("2026-01-01T00:00:01Z", "bellwether", "started", "web -> 2.0.0"));
    f.render(status("DRAINING"));
    f.render(status("DRAINING"));
    events.add(new RunEvent("2026-01-01T00:00:02Z", "bellwether", "drained", "web-1"));
    f.render(status("UPGRADING"));
    f.finish();
    String text = sw.toString();
    assertFalse(text.contains("\r"), text);
    assertFalse(text.contains("\033"), text);
    List<String> lines = text.lines().toList();
    assertEquals(4, lines.size(), text);
    assertTrue(lines.get(0).contains("started"));
    assertEquals("batch 1/1 [----------] web-1 DRAINING", lines.get(1));
    assertTrue(lines.get(2).contains("drained"));
    assertEquals("batch 1/1 [----------] web-1 UPGRADING", lines.get(3));
  }

  @Test
  void onATerminalRedrawsTheLineInPlace() {
    StringWriter sw = new StringWriter();
    RunFollower f = new RunFollower(new PrintWriter(sw), true, ZoneOffset.UTC);
    f.render(status("DRAINING"));
    f.render(status("UPGRADED"));
    f.finish();
    String text = sw.toString();
    assertTrue(text.startsWith("\r"), text);
    assertEquals(1, text.chars().filter(c -> c == '\n').count(), text);
    assertTrue(text.endsWith("web-1 UPGRADED\n"), text);
  }

  @Test
  void theGateHintIsPrintedOnceWhenTheGateOpens() {
    StringWriter sw = new StringWriter();
    RunFollower f = new RunFollower(new PrintWriter(sw), false, ZoneOffset.UTC, "bluegreen-shop-2.0.0");
    f.render(ProgressViewTest.bg(Phase.VERIFYING, 0, ProgressViewTest.gate("PENDING", false)));
    f.render(ProgressViewTest.bg(Phase.AWAITING_APPROVAL, 0, ProgressViewTest.gate("OPEN", false)));
    f.render(ProgressViewTest.bg(Phase.AWAITING_APPROVAL, 0, ProgressViewTest.gate("OPEN", false)));
    f.render(ProgressViewTest.bg(Phase.SWITCHING, 100, ProgressViewTest.gate("APPROVED", false)));
    f.finish();
    String text = sw.toString();
    assertEquals(1, text.lines().filter(l -> l.contains("bellwether approve bluegreen-shop-2.0.0")).count(), text);
    assertTrue(text.contains("gate before-switch is OPEN"), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("SWITCHING")), text);
  }
}
