package io.bellwether.workflows.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.chaos.ProbeReading;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.Stage;
import io.bellwether.contracts.chaos.Tolerance;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Samples with their verdicts, bounded journals, findings and the words they use. */
class ChaosJournalTest {
  static final long NOON = Instant.parse("2026-11-27T12:00:05.250Z").toEpochMilli();

  @Test
  void aReadingIsJudgedByTheToleranceOfItsStage() {
    ChaosJournal j = new ChaosJournal();

    String why = j.add(NOON, Stage.FAULT, "success", false, new ProbeReading("success", 0.93, 0, "93 of 100"), new Tolerance(0.99, null, null));
    String none = j.add(NOON, Stage.FAULT, "shop", true, new ProbeReading("shop", 900.0, 503, "GET 503"), null);

    assertEquals("0.93 < min 0.99", why);
    assertNull(none, "no tolerance: only recorded");
    List<ProbeSample> s = j.samples();
    assertEquals(new ProbeSample("2026-11-27T12:00:05.250Z", Stage.FAULT, "success", 0.93, 0, false, "0.93 < min 0.99"), s.get(0));
    assertEquals(new ProbeSample("2026-11-27T12:00:05.250Z", Stage.FAULT, "shop", 900.0, 503, true, "GET 503"), s.get(1));
  }

  @Test
  void aMissingReadingIsRecordedWithoutAValue() {
    ChaosJournal j = new ChaosJournal();

    String why = j.add(NOON, Stage.BASELINE, "shop", true, null, new Tolerance(null, 500.0, null));

    assertEquals("no reading", why);
    assertNull(j.samples().get(0).value());
  }

  @Test
  void aLongJournalDropsPassingReadingsAndKeepsEveryFailingOne() {
    ChaosJournal j = new ChaosJournal();
    for (int i = 0; i < ChaosJournal.MAX_SAMPLES + 100; i++) {
      boolean fail = i % 50 == 0;
      j.add(new ProbeSample(ChaosJournal.iso(NOON + i * 1000L), Stage.FAULT, "p", (double) i, 0, !fail, ""));
    }

    List<ProbeSample> s = j.samples();
    assertTrue(s.size() <= ChaosJournal.MAX_SAMPLES, String.valueOf(s.size()));
    assertEquals((ChaosJournal.MAX_SAMPLES + 100) / 50, s.stream().filter(x -> !x.ok()).count(), "every failing reading kept");
    assertEquals((double) (ChaosJournal.MAX_SAMPLES + 99), s.get(s.size() - 1).value(), "the newest kept");
    for (int i = 1; i < s.size(); i++) {
      assertTrue(s.get(i - 1).value() < s.get(i).value(), "still in order");
    }
  }

  @Test
  void aJournalOfFailuresOnlyStaysBoundedToo() {
    ChaosJournal j = new ChaosJournal();
    for (int i = 0; i < ChaosJournal.MAX_SAMPLES * 2; i++) {
      j.add(new ProbeSample(ChaosJournal.iso(NOON), Stage.FAULT, "p", (double) i, 0, false, ""));
    }
    assertTrue(j.samples().size() <= ChaosJournal.MAX_SAMPLES);
  }

  @Test
  void findingsAreKeptOnceInOrder() {
    ChaosJournal j = new ChaosJournal();
    j.finding("b");
    j.finding("a");
    j.finding("b");
    assertEquals(List.of("b", "a"), j.findings());
  }

  @Test
  void timesAndDurationsInWords() {
    assertEquals("12:00:05", ChaosJournal.clock(NOON));
    assertEquals("0.4 s", ChaosJournal.seconds(400));
    assertEquals("9.9 s", ChaosJournal.seconds(9_949));
    assertEquals("12 s", ChaosJournal.seconds(12_400));
    assertEquals("2.5 min", ChaosJournal.seconds(150_000));
    assertEquals("200", ChaosJournal.count(200.0));
    assertFalse(ChaosJournal.http(FakeProbes.prometheus()));
    assertTrue(ChaosJournal.http(ChaosExperimentWorkflowTest.SHOP));
  }

  /** Probes for the tests that need one. */
  static final class FakeProbes {
    static io.bellwether.contracts.chaos.ProbeSpec prometheus() {
      return ChaosExperimentWorkflowTest.SUCCESS;
    }
  }
}
