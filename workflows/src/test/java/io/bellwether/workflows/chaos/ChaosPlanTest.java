package io.bellwether.workflows.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.bellwether.contracts.chaos.BlastRadius;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.chaos.FaultTarget;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.TargetSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Seeds, blast radius, lease requests and round counts of a plan. */
class ChaosPlanTest {
  static final List<FaultTarget> FLEET = FakeChaosWorld.fleet(4);

  @Test
  void eachCronRecurrenceHasFaultIdsAndSeedsOfItsOwn() {
    assertEquals("chaos-web-kill", ChaosPlan.faultBase("chaos-web-kill", "", "0f1e2d3c-aaaa"));
    assertEquals("chaos-web-kill", ChaosPlan.faultBase("chaos-web-kill", null, "0f1e2d3c-aaaa"));
    String first = ChaosPlan.faultBase("chaos-web-kill", "*/5 * * * *", "0f1e2d3c-aaaa");
    String next = ChaosPlan.faultBase("chaos-web-kill", "*/5 * * * *", "9a8b7c6d-bbbb");
    assertEquals("chaos-web-kill@0f1e2d3c", first);
    assertNotEquals(
        ChaosPlan.seed(null, ChaosPlan.faultId(first, "kill", 1)),
        ChaosPlan.seed(null, ChaosPlan.faultId(next, "kill", 1)));
  }

  @Test
  void aSelectorsOwnSeedIsUsedAsItIs() {
    assertEquals(42L, ChaosPlan.seed(new TargetSelector(null, null, 1, null, 42L), "x/f1/1"));
  }

  @Test
  void aDerivedSeedIsFnv1aOfTheFaultIdSoThatItNeverChangesUnderARunningExperiment() {
    // Published FNV-1a 64-bit test vectors: a change here would draw other targets on replay.
    assertEquals(0xcbf29ce484222325L, ChaosPlan.seed(null, ""));
    assertEquals(0xaf63dc4c8601ec8cL, ChaosPlan.seed(null, "a"));
    assertEquals(ChaosPlan.seed(null, "chaos-web-x/f1/1"), ChaosPlan.seed(new TargetSelector(null, "a", null, null, null), "chaos-web-x/f1/1"));
    assertNotEquals(ChaosPlan.seed(null, "chaos-web-x/f1/1"), ChaosPlan.seed(null, "chaos-web-x/f1/2"));
  }

  @Test
  void theFaultIdNamesTheRunTheFaultAndTheStep() {
    assertEquals("chaos-web-kill/f1/2", ChaosPlan.faultId("chaos-web-kill", "f1", 2));
  }

  @Test
  void theBlastRadiusIsTheShareOfTheServiceAndTheZonesTouched() {
    BlastRadius b = ChaosPlan.radius("id", List.of(FLEET.get(0), FLEET.get(3)), FLEET);

    assertEquals(List.of("web-1", "web-4"), b.targets());
    assertEquals(4, b.serviceServers());
    assertEquals(0.5, b.share(), 1e-12);
    assertEquals(List.of("a", "b"), b.zones());
  }

  @Test
  void aHostResourceImpairsNoServer() {
    List<FaultTarget> host = List.of(new FaultTarget("disk-fill", null, null, null, null));

    BlastRadius b = ChaosPlan.radius("id", host, host);

    assertEquals(List.of(), b.targets());
    assertEquals(0, b.serviceServers());
    assertEquals(0.0, b.share());
    LeaseRequest l = ChaosPlan.lease("id", "run", "web", host, host, 0.5, 10);
    assertEquals(List.of(), l.servers());
  }

  @Test
  void aLeaseCarriesTheZonesAndTheServerCountsOfTheCandidates() {
    List<FaultTarget> candidates = List.of(FLEET.get(0), FLEET.get(1), FLEET.get(2), FLEET.get(3), new FaultTarget("web-5", "edge", "web", "web-5", null));

    LeaseRequest l = ChaosPlan.lease("run/f1/1", "run", "web", List.of(FLEET.get(1), candidates.get(4)), candidates, 0.3, 99);

    assertEquals("run/f1/1", l.leaseId());
    assertEquals("run", l.holder());
    assertEquals(List.of("web-2", "web-5"), l.servers());
    assertEquals(Map.of("web-2", "a"), l.zones());
    assertEquals(5, l.serviceServers());
    assertEquals(Map.of("a", 2, "b", 2), l.zoneServers());
    assertEquals(0.3, l.maxShare());
    assertEquals(99, l.expiresAtMillis());
  }

  @Test
  void targetsInWords() {
    assertEquals("web-1 (zone a), web-5", ChaosPlan.targets(List.of(FLEET.get(0), new FaultTarget("web-5", "edge", "web", "web-5", null))));
    assertEquals("none", ChaosPlan.targets(List.of()));
  }

  @Test
  void roundsCountTheBaselineEveryStepUntilItsDeadlineAndTheRecovery() {
    ChaosExperimentSpec spec =
        new ChaosExperimentSpec(
            "web", "x", null, null, List.of(), "30s", "5s",
            List.of(
                new FaultSpec("f1", "i", null, List.of(new TargetSelector(null, null, 1, null, null), new TargetSelector(null, null, 2, null, null)), Map.of(), "1m"),
                new FaultSpec("f2", "i", null, null, Map.of(), "30s")),
            List.of(), null, "1m", "30s", null, null);

    // Baseline 7, each 1m step until 1m30s: 19 each, the 30s step: 13, recovery 13.
    assertEquals(7 + 19 * 2 + 13 + 13, ChaosPlan.rounds(spec));
    assertEquals(150.0, ChaosPlan.plannedFaultSeconds(spec), 1e-9);
  }
}
