package io.bellwether.starter.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosReportTest {
  @TempDir Path tmp;

  private static String held() {
    return ChaosReport.of(ChaosFixtures.ID, ChaosFixtures.spec(), ChaosFixtures.held(), ChaosFixtures.heldResult(),
        ZoneOffset.UTC).html();
  }

  private static int count(String page, String what) {
    return page.split(Pattern.quote(what), -1).length - 1;
  }

  @Test
  void theVerdictAndWhetherTheHypothesisHeldComeFirstInWords() {
    String page = held();

    assertTrue(page.contains("<title>Chaos experiment report: web kill-one (chaos-web-kill-one)</title>"), page);
    int verdict = page.indexOf("id=\"verdict\"");
    assertTrue(verdict > 0 && verdict < page.indexOf("id=\"probes\""), "verdict before the charts");
    assertTrue(page.contains("<div class=\"verdict ok\" id=\"verdict\">\n<div class=\"big\">HELD</div>"), page);
    assertTrue(page.contains("The hypothesis <strong class=\"ok-text\">held</strong>"), page);
    assertTrue(page.contains(CanaryReport.esc(ChaosText.verdictWords(Verdict.HELD))), page);
    assertTrue(page.contains("<blockquote>" + CanaryReport.esc(ChaosFixtures.HYPOTHESIS) + "</blockquote>"), page);
  }

  @Test
  void everyProbeAndGuardrailHasAChartWithTheFaultWindowShadedAndTheBoundsDrawn() {
    String page = held();

    // success, shop, servers, guardrail errors, and the budget.
    assertEquals(5, count(page, "<svg class=\"chart chaos\""), page);
    assertTrue(page.contains("data-probe=\"success\""), page);
    assertTrue(page.contains("data-probe=\"guardrail:errors\""), page);
    assertTrue(page.contains("data-probe=\"budget\""), page);
    // One injection window per chart, from +6 s to +26 s of a 28 s run.
    assertEquals(5, count(page, "<rect class=\"fault-window\""), page);
    Matcher w = Pattern.compile("<rect class=\"fault-window\" x=\"([0-9.]+)\" y=\"34\" width=\"([0-9.]+)\"").matcher(page);
    assertTrue(w.find(), page);
    double x = Double.parseDouble(w.group(1));
    double width = Double.parseDouble(w.group(2));
    // The axis runs 0..30 s over 594 px from x=70: the window starts at 6 s and lasts 20 s.
    assertEquals(70 + 6 * 594 / 30.0, x, 0.2);
    assertEquals(20 * 594 / 30.0, width, 0.2);
    assertTrue(page.contains("<title>kill#1 web-kill on web-2: injected at 6 s, restored at 26 s</title>"), page);
    // The tolerances: steady and during-fault bounds for success, the guardrail's max, the allowance.
    assertTrue(page.contains("<title>steady min 0.99</title>"), page);
    assertTrue(page.contains("<title>during fault min 0.99</title>"), page);
    assertTrue(page.contains("<title>during fault min 3</title>"), page);
    assertTrue(page.contains("<title>guardrail max 5</title>"), page);
    assertTrue(page.contains("<title>allowed 200</title>"), page);
    // Stages labelled along the top: baseline, fault, recovery.
    assertTrue(page.contains("data-stage=\"baseline\""), page);
    assertTrue(page.contains("data-stage=\"fault\""), page);
    assertTrue(page.contains("data-stage=\"recovery\""), page);
  }

  @Test
  void theTargetsOfEveryStepAreListedWithZonesAndShare() {
    String page = ChaosReport.of(ChaosFixtures.ZONE_ID, null, ChaosFixtures.aborted(), ChaosFixtures.abortedResult(),
        ZoneOffset.UTC).html();

    assertTrue(page.contains("<td class=\"target-list\">web-1 (zone a)</td>"), page);
    assertTrue(page.contains("<td class=\"target-list\">web-1 (zone a), web-2 (zone a)</td>"), page);
    assertTrue(page.contains("<td>1 of 4 servers (25%)</td>"), page);
    assertTrue(page.contains("<td>2 of 4 servers (50%)</td>"), page);
    assertTrue(page.contains("<td>guardrail errors</td>"), page);
    assertTrue(page.contains("<td>1 of zone a</td><td>7</td>"), page);
  }

  @Test
  void anAbortedRunSaysWhyAndHowFastEverythingWasRestored() {
    String page = ChaosReport.of(ChaosFixtures.ZONE_ID, null, ChaosFixtures.aborted(), ChaosFixtures.abortedResult(),
        ZoneOffset.UTC).html();

    assertTrue(page.contains("<div class=\"verdict warn\" id=\"verdict\">\n<div class=\"big\">ABORTED</div>"), page);
    assertTrue(page.contains("<strong>Stopped because:</strong> " + CanaryReport.esc(ChaosFixtures.BREACH)), page);
    assertTrue(page.contains("<tr><th>breach to restored</th><td>4.2s from the breach (or rollback) to every fault"
        + " restored</td></tr>"), page);
    assertTrue(page.contains("every injected fault step was restored (1 of 1)"), page);
    // Readings outside the tolerance are crossed, one without a value marked on the axis.
    assertEquals(3, count(page, "<path class=\"out-of-tolerance\""), page);
    assertEquals(1, count(page, "<path class=\"no-reading\""), page);
    // Without the spec, the page says the tolerances are not known.
    assertTrue(page.contains("tolerance unknown"), page);
    assertTrue(page.contains("its spec could not be read"), page);
    assertTrue(page.contains("guardrail errors breached at 12:00:10; all faults restored 4.2 s later"), page);
  }

  @Test
  void theBudgetIsBurnedAgainstAllowedAndTheFindingsAndEventsAreThere() {
    String page = held();

    assertTrue(page.contains("aria-label=\"5 of 200 allowed failed requests burned\""), page);
    assertTrue(page.contains("<tr><th>allowed</th><td>200 failed requests</td></tr>"), page);
    assertTrue(page.contains("<li>every probe stayed within its during-fault tolerance while web-2 was down</li>"), page);
    assertTrue(page.contains("<td>inject</td><td>kill#1 web-kill on web-2 (seed 42)</td>"), page);
    assertTrue(page.contains("<code>sum(rate(haproxy_backend_http_responses_total{proxy=&quot;web&quot;,"
        + "code=&quot;5xx&quot;}[10s]))</code>"), page);
  }

  @Test
  void thePageIsSelfContainedAndEscapesWhatTheRunSays() {
    ChaosStatus s = ChaosFixtures.held();
    ChaosStatus evil = new ChaosStatus(s.service(), "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        s.phase(), s.verdict(), s.step(), s.faults(), s.blastRadius(), s.samples(), s.budget(), null, false,
        "<b>bold</b>", List.of("<i>x</i>"), s.events());
    String page = ChaosReport.of("chaos-web-x", null, evil, null, ZoneOffset.UTC).html();

    assertFalse(page.contains("<script"), page);
    assertFalse(page.contains("<img"), page);
    assertFalse(page.contains("<b>bold"), page);
    assertFalse(page.contains("http://") || page.contains("https://"), page);
  }

  @Test
  void aRunningExperimentShowsItsOpenWindowAndNoVerdictYet() {
    String page = ChaosReport.of(ChaosFixtures.ID, ChaosFixtures.spec(), ChaosFixtures.running(), null, ZoneOffset.UTC)
        .html();

    assertTrue(page.contains("<div class=\"big\">PENDING</div>"), page);
    assertTrue(page.contains("The hypothesis <strong class=\"\">not decided yet</strong>"), page);
    assertTrue(page.contains("still active</title>"), page);
    assertTrue(page.contains("1 fault step(s) still in force"), page);
  }

  @Test
  void theJsonIsTheWholeJournal() throws Exception {
    ChaosReport r = ChaosReport.of(ChaosFixtures.ID, ChaosFixtures.spec(), ChaosFixtures.held(),
        ChaosFixtures.heldResult(), ZoneOffset.UTC);
    JsonNode j = new ObjectMapper().readTree(r.json());

    assertEquals(ChaosFixtures.ID, j.path("workflowId").asText());
    assertEquals("HELD", j.path("verdict").asText());
    assertTrue(j.path("hypothesisHeld").asBoolean());
    assertEquals("web-kill", j.path("spec").path("faults").get(0).path("injector").asText());
    assertEquals(0.99, j.path("spec").path("probes").get(0).path("tolerance").path("min").asDouble());
    assertEquals(ChaosFixtures.held().samples().size(), j.path("status").path("samples").size());
    assertEquals("web-2", j.path("result").path("faults").get(0).path("targets").get(0).path("name").asText());
    assertEquals(5, j.path("status").path("events").size());
    assertEquals("verdict HELD, hypothesis held", r.summary());
  }

  @Test
  void writeToPutsThePageAndItsJsonSideBySide() throws Exception {
    Path html = tmp.resolve("out/demo-chaos-report.html");
    ChaosReport r = ChaosReport.of(ChaosFixtures.ID, ChaosFixtures.spec(), ChaosFixtures.held(),
        ChaosFixtures.heldResult(), ZoneOffset.UTC);

    r.writeTo(html);

    assertEquals(r.html(), Files.readString(html));
    assertEquals(r.json(), Files.readString(tmp.resolve("out/demo-chaos-report.json")));
    assertEquals(tmp.resolve("x.json"), ChaosReport.jsonFileFor(tmp.resolve("x")));
    assertEquals(List.of("demo-chaos-report.html", "demo-chaos-report.json"),
        Files.list(tmp.resolve("out")).map(p -> p.getFileName().toString()).sorted().toList());
  }

  @Test
  void aReportNeedsTheStatusOrTheResult() {
    assertThrows(IllegalArgumentException.class, () -> ChaosReport.of("x", null, null, null, ZoneOffset.UTC));
    // From the result alone (no worker to answer the status): faults, budget and findings, no readings.
    String page = ChaosReport.of(ChaosFixtures.ID, null, null, ChaosFixtures.heldResult(), ZoneOffset.UTC).html();
    assertTrue(page.contains("No reading was recorded (the status could not be read)"), page);
    assertTrue(page.contains("<td class=\"target-list\">web-2 (zone a)</td>"), page);
    assertTrue(page.contains("<div class=\"big\">HELD</div>"), page);
  }
}
