package io.bellwether.starter.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ProgressViewTest {
  private static final ZoneId UTC = ZoneOffset.UTC;

  static InstanceStatus instance(String name, int batch, String progress) {
    return new InstanceStatus(name, "127.0.0.1:1", batch, "1.0.0", "1.0.0", "READY", 1, progress, "");
  }

  static RollingStatus status(Phase phase, String step, int batch, int total, boolean paused, List<InstanceStatus> instances) {
    return new RollingStatus("web", "2.0.0", phase, step, batch, total, paused, instances, List.of(), "");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 4, [----------]",
    "1, 4, [###-------]",
    "2, 4, [#####-----]",
    "3, 4, [########--]",
    "4, 4, [##########]",
    "5, 4, [##########]",
    "1, 3, [###-------]",
    "2, 3, [#######---]",
    "0, 0, [----------]"
  })
  void barFillsByShareDone(long done, long total, String expected) {
    assertEquals(expected, ProgressView.bar(done, total));
  }

  @Test
  void lineShowsBatchBarAndTheCurrentBatchInstances() {
    RollingStatus s =
        status(Phase.PROGRESSING, "verify", 2, 2, false,
            List.of(
                instance("web-1", 1, "UPGRADED"),
                instance("web-2", 1, "UPGRADED"),
                instance("web-3", 2, "VERIFYING"),
                instance("web-4", 2, "UPGRADED")));
    assertEquals("batch 2/2 [########--] web-3 VERIFYING web-4 UPGRADED  (verify)", ProgressView.line(s, UTC));
  }

  @Test
  void lineNamesAPhaseOtherThanProgressingAndAPendingPause() {
    List<InstanceStatus> pool = List.of(instance("web-1", 1, "UPGRADED"), instance("web-2", 2, "PENDING"));
    assertEquals("batch 1/2 [#####-----] web-1 UPGRADED  BAKING  pause requested",
        ProgressView.line(status(Phase.BAKING, "bake", 1, 2, true, pool), UTC));
    assertEquals("batch 1/2 [#####-----] web-1 UPGRADED  PAUSED",
        ProgressView.line(status(Phase.PAUSED, "", 1, 2, true, pool), UTC));
  }

  @Test
  void lineBeforeTheFirstBatchListsNoInstance() {
    String line = ProgressView.line(
        status(Phase.VALIDATING, "", 0, 4, false, List.of(instance("web-1", 1, "PENDING"))), UTC);
    assertEquals("batch 0/4 [----------]  VALIDATING", line);
  }

  @Test
  void lineSurvivesMissingParts() {
    RollingStatus s = new RollingStatus(null, null, null, null, 0, 0, false, null, null, null);
    assertEquals("batch 0/0 [----------]", ProgressView.line(s, UTC));
  }

  @Test
  void eventShowsClockByActionDetail() {
    String e = ProgressView.event(new RunEvent("2026-11-03T14:03:07.123Z", "alice", "pause", "lunch"), UTC);
    assertEquals("14:03:07  alice        pause          lunch", e);
    assertTrue(ProgressView.event(new RunEvent("not a time", "b", "a", ""), UTC).startsWith("not a time  b"));
    assertFalse(ProgressView.event(new RunEvent(null, null, null, null), UTC).endsWith(" "));
  }
}
