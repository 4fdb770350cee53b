package io.bellwether.starter.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.client.ChaosRun;
import io.bellwether.client.RunSummary;
import io.bellwether.contracts.chaos.BudgetStatus;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.Verdict;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosTextTest {
  @Test
  void theProgressLineNamesThePhaseTheActiveFaultTheBudgetAndTheVerdict() {
    assertEquals("FAULT_ACTIVE (kill step 1/1)  faults [----------] 0/1 restored  active kill#1 on web-2"
        + "  budget 3/200 failed  verdict PENDING", ChaosText.line(ChaosFixtures.running()));
    assertEquals("SUCCEEDED (done)  faults [##########] 1/1 restored  budget 5/200 failed  verdict HELD",
        ChaosText.line(ChaosFixtures.held()));
  }

  @Test
  void readingsComeInRoundsOnOneLineEach() {
    List<List<ProbeSample>> rounds = ChaosText.rounds(ChaosFixtures.held().samples());
    assertEquals(5 + 10 + 2, rounds.size());
    assertEquals("BASELINE 12:00:00  success 0.999 ok  shop 40 (200) ok  servers 4 ok",
        ChaosText.round(rounds.get(0), ZoneOffset.UTC));
    assertEquals("FAULT    12:00:07  success 0.995 ok  shop 60 (200) ok  servers 3 ok  guardrail:errors 0.1 ok  budget 0 ok",
        ChaosText.round(rounds.get(5), ZoneOffset.UTC));

    List<List<ProbeSample>> aborted = ChaosText.rounds(ChaosFixtures.aborted().samples());
    assertEquals("FAULT    12:00:10  success - OUT (no reading: provider down)  guardrail:errors 12 OUT (12 > max 5)",
        ChaosText.round(aborted.get(6), ZoneOffset.UTC));
  }

  @Test
  void theVerdictIsSaidInWords() {
    assertTrue(ChaosText.verdictWords(Verdict.HELD).startsWith("the hypothesis held"));
    assertTrue(ChaosText.verdictWords(Verdict.DEVIATED).startsWith("the hypothesis did not hold"));
    assertTrue(ChaosText.verdictWords(Verdict.NOT_STEADY).contains("nothing was injected"));
    assertTrue(ChaosText.verdictWords(Verdict.RESTORATION_FAILED).contains("look now"));
    for (Verdict v : Verdict.values()) {
      assertFalse(ChaosText.verdictWords(v).isBlank(), v.name());
    }
    assertEquals("held", ChaosText.hypothesisWords(Verdict.HELD, true));
    assertEquals("did not hold", ChaosText.hypothesisWords(Verdict.DEVIATED, false));
    assertEquals("not tested (nothing injected)", ChaosText.hypothesisWords(Verdict.NOT_STEADY, null));
    assertEquals("not decided (stopped before the faults ran their course)",
        ChaosText.hypothesisWords(Verdict.ABORTED, null));
  }

  @Test
  void theEndOfARunSaysVerdictFaultsBudgetBreachAndFindings() {
    List<String> held = ChaosText.result(ChaosFixtures.heldResult(), ZoneOffset.UTC);
    assertEquals("verdict HELD: " + ChaosText.verdictWords(Verdict.HELD), held.get(0));
    assertEquals("fault kill#1 web-kill on web-2 (zone a) for 20s: RESTORED, injected 12:00:06, restored 12:00:26"
        + " (duration)", held.get(1));
    assertEquals("error budget: 5 of 200 allowed failed requests burned (1500 requests seen); SLO 0.99,"
        + " 512 failed requests left in its window at the start", held.get(2));
    assertTrue(held.contains("finding: recovered: every probe within tolerance 1 s after restoration"), held.toString());
    assertFalse(held.stream().anyMatch(l -> l.startsWith("breach")), held.toString());

    List<String> aborted = ChaosText.result(ChaosFixtures.abortedResult(), ZoneOffset.UTC);
    assertTrue(aborted.contains("breach to restored: 4.2s"), aborted.toString());
    assertTrue(aborted.contains("fault cut#2 zone-cut on web-1 (zone a), web-2 (zone a) for 30s: PLANNED"),
        aborted.toString());
  }

  @Test
  void aPlanListsEveryStepWithTargetsZonesSeedAndShare() {
    List<String> plan = ChaosText.plan(ChaosFixtures.zoneFaults(), ChaosFixtures.zoneRadius());
    assertEquals(List.of(
        "cut step 1/2  zone-cut  1 of zone a  seed 7  for 30s",
        "    targets: web-1 (zone a)",
        "    blast radius: 1 of 4 servers (25%), zones a",
        "cut step 2/2  zone-cut  zone a  seed 8  for 30s",
        "    targets: web-1 (zone a), web-2 (zone a)",
        "    blast radius: 2 of 4 servers (50%), zones a"), plan);
    assertEquals(List.of("no fault step was planned"), ChaosText.plan(List.of(), List.of()));
  }

  @Test
  void theStatusBodyHasFaultsProbesBudgetAndFindings() {
    String s = String.join("\n", ChaosText.status(ChaosFixtures.aborted(), ZoneOffset.UTC));
    assertTrue(s.contains("verdict: ABORTED: aborted"), s);
    assertTrue(s.contains("reason: " + ChaosFixtures.BREACH), s);
    assertTrue(s.contains("FAULT      STEP  INJECTOR       SELECTOR         SEED"), s);
    assertTrue(s.contains("cut        1/2   zone-cut       1 of zone a      7                    web-1 (zone a)"
        + "         25%    RESTORED  12:00:06 12:00:14 guardrail errors"), s);
    assertTrue(s.contains("cut        2/2   zone-cut       zone a           8"), s);
    assertTrue(s.contains("success                  last 0.999, all 5 ok       last -, 2 of 2 out         last 0.998,"
        + " all 1 ok"), s);
    assertTrue(s.contains("error budget: 150 of 200 allowed"), s);
    assertTrue(s.contains("  - guardrail errors breached at 12:00:10"), s);
    assertFalse(s.contains("null"), s);
  }

  @Test
  void aHistoryRowSaysWhatEachRunFound() {
    RunSummary run = new RunSummary(ChaosFixtures.ZONE_ID, "r1", "ChaosExperiment", "COMPLETED",
        Instant.parse("2026-11-27T12:00:00Z"), null, "web", null);
    String row = ChaosText.historyRow(new ChaosRun(run, ChaosFixtures.abortedResult(), null), ZoneOffset.UTC);
    assertEquals("2026-11-27 12:00:00  zone-cut             ABORTED            -             cut=web-1 cut#2=web-1,web-2"
        + "    150/200     4.2s      chaos-web-zone-cut", row);
    String running = ChaosText.historyRow(
        new ChaosRun(new RunSummary(ChaosFixtures.ID, "r2", "ChaosExperiment", "RUNNING",
            Instant.parse("2026-11-27T13:00:00Z"), null, "web", null), null, ChaosFixtures.running()), ZoneOffset.UTC);
    assertTrue(running.contains("kill-one             PENDING            pending"), running);
    assertTrue(running.endsWith("chaos-web-kill-one (RUNNING)"), running);
    String unknown = ChaosText.historyRow(new ChaosRun(run, null, null), ZoneOffset.UTC);
    assertTrue(unknown.contains("  ?                    ?  "), unknown);
    assertTrue(ChaosText.historyHeader().startsWith("STARTED              EXPERIMENT           VERDICT"));
  }

  @Test
  void budgetWordsAndDurations() {
    assertEquals(null, ChaosText.budget(BudgetStatus.none()));
    assertEquals("3 failed requests burned (no limit set) (100 requests seen)",
        ChaosText.budget(new BudgetStatus(0, null, null, 3, 100)));
    assertEquals("20s", ChaosText.duration(20_000));
    assertEquals("1.5s", ChaosText.duration(1_500));
    assertEquals("1m30s", ChaosText.duration(90_000));
    assertEquals("1h", ChaosText.duration(3_600_000));
  }

  @Test
  void leasesAreATableOrSayThereAreNone() {
    assertEquals(List.of("no blast-radius lease is held"), ChaosText.leases(List.of(), ZoneOffset.UTC));
    List<String> t = ChaosText.leases(List.of(new LeaseRequest("chaos-web-kill-one/kill/1", ChaosFixtures.ID, "web",
        List.of("web-2"), Map.of("web-2", "a"), 4, Map.of("a", 2), 0.5,
        Instant.parse("2026-11-27T12:01:00Z").toEpochMilli())), ZoneOffset.UTC);
    assertEquals(3, t.size());
    assertTrue(t.get(1).startsWith("chaos-web-kill-one/kill/1                web        web-2 of 4"), t.get(1));
    assertTrue(t.get(1).endsWith("a                  50%        2026-11-27 12:01:00"), t.get(1));
    assertEquals("    held by chaos-web-kill-one", t.get(2));
  }
}
