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

  static io.bellwether.contracts.gate.GateStatus gate(String state, boolean verified) {
    return new io.bellwether.contracts.gate.GateStatus("before-switch", state, List.of("alice", "bob"), 1,
        List.of(), false, verified, "2026-01-01T10:30:00Z", "abort", List.of());
  }

  static io.bellwether.contracts.bluegreen.BlueGreenStatus bg(Phase phase, int pct, io.bellwether.contracts.gate.GateStatus gate) {
    return new io.bellwether.contracts.bluegreen.BlueGreenStatus("shop", "2.0.0", phase, "", "shop_a", "shop_b", pct,
        false, List.of(), List.of(), 4, gate, false, List.of(), "");
  }

  @Test
  void aBlueGreenLineShowsPhaseGreenTrafficAndAnOpenGate() {
    assertEquals("AWAITING_APPROVAL  green shop_b [----------] 0%  instances 4  gate before-switch 0/1 approvals",
        ProgressView.line(bg(Phase.AWAITING_APPROVAL, 0, gate("OPEN", false))));
    assertEquals("SWITCHING  green shop_b [#####-----] 50%  instances 4",
        ProgressView.line(bg(Phase.SWITCHING, 50, gate("APPROVED", false))));
    assertEquals("WATCHING  green shop_b [##########] 100%  instances 4",
        ProgressView.line(bg(Phase.WATCHING, 100, null)));
  }

  @Test
  void anOpenGateSaysWhoMayOpenItAndHow() {
    List<String> hint = ProgressView.gateHint("bluegreen-shop-2.0.0", gate("OPEN", false), UTC);
    assertEquals(3, hint.size(), hint.toString());
    assertTrue(hint.get(0).contains("alice, bob"), hint.get(0));
    assertTrue(hint.get(0).contains("1 more approval"), hint.get(0));
    assertTrue(hint.get(0).contains("10:30:00"), hint.get(0));
    assertTrue(hint.get(0).contains("requester may not approve"), hint.get(0));
    assertTrue(hint.get(1).contains("bellwether approve bluegreen-shop-2.0.0 --reason"), hint.get(1));
    assertFalse(hint.get(1).contains("--attest"));
    assertTrue(hint.get(2).contains("bellwether reject bluegreen-shop-2.0.0"), hint.get(2));

    List<String> verified = ProgressView.gateHint("x", gate("OPEN", true), UTC);
    assertTrue(verified.get(1).endsWith("--attest"), verified.toString());
    assertTrue(verified.stream().anyMatch(l -> l.contains("verified identity")), verified.toString());

    assertEquals(List.of(), ProgressView.gateHint("x", gate("APPROVED", false), UTC));
    assertEquals(List.of(), ProgressView.gateHint("x", null, UTC));
  }
}
