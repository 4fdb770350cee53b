package io.bellwether.starter.report;

import static io.bellwether.starter.report.CanaryReportTest.byClass;
import static io.bellwether.starter.report.CanaryReportTest.svgText;
import static io.bellwether.starter.report.CanaryReportTest.svgs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.abtest.ABTestResult;
import io.bellwether.contracts.abtest.ABTestStatus;
import io.bellwether.contracts.abtest.Comparison;
import io.bellwether.contracts.abtest.Evaluation;
import io.bellwether.contracts.abtest.Outcome;
import io.bellwether.contracts.abtest.VariantPoint;
import io.bellwether.contracts.abtest.VariantStatus;
import io.bellwether.contracts.gate.GateDecision;
import io.bellwether.contracts.gate.GateStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class ABTestReportTest {
  private static final List<String> VARIANTS = List.of("control", "one-page", "two-step", "buggy");

  private final String html =
      ABTestReport.html(ABTestFixtures.rolledOut(), ABTestFixtures.spec(), "abtest-web-checkout", ZoneOffset.UTC);

  @Test
  void thePageLoadsNothingFromAnywhere() {
    String lower = html.toLowerCase();
    for (String external : List.of("<script", "http://", "https://", "url(", "@import", "<link", "src=", "<iframe", "<img")) {
      assertFalse(lower.contains(external), "the report contains " + external);
    }
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<title>A/B test report: web checkout (abtest-web-checkout)</title>"), html);
    assertTrue(html.trim().endsWith("</html>"));
  }

  @Test
  void theOutcomeDecisionAndConfirmationComeFirst() {
    int verdict = html.indexOf("id=\"verdict\"");
    int firstChart = html.indexOf("<svg class=\"chart");
    assertTrue(verdict > 0 && verdict < firstChart, "the verdict is not above the charts");
    String banner = html.substring(html.lastIndexOf("<div", verdict), html.indexOf("</header>"));
    assertTrue(banner.contains("class=\"verdict ok\""), banner);
    assertTrue(banner.contains(">WINNER: one-page<"), banner);
    assertTrue(banner.contains("rolled out: one-page (4.1.0)"), banner);
    assertTrue(banner.contains("confirmed by <strong>alice</strong>"), banner);
    assertTrue(banner.contains(CanaryReport.esc(ABTestFixtures.SUMMARY)), banner);
    assertFalse(banner.contains("id=\"reason\""), banner);
    // The hypothesis right after.
    int hypothesis = html.indexOf("id=\"hypothesis\"");
    assertTrue(hypothesis > verdict && hypothesis < firstChart);
    assertTrue(html.contains("<blockquote>" + ABTestFixtures.HYPOTHESIS + "</blockquote>"));
  }

  @Test
  void everyVariantHasItsRowWithCountsRateAndWhyItStopped() {
    String table = section("variants");
    for (String v : VARIANTS) {
      assertTrue(table.contains("data-variant=\"" + v + "\""), v + " missing: " + table);
    }
    assertTrue(table.contains("control <span class=\"tag\">control</span>"), table);
    assertTrue(table.contains("<td>4800</td><td>715</td><td>14.90%</td><td>4680</td><td>103%</td>"), table);
    assertTrue(table.contains("<tr class=\"bad\" data-variant=\"buggy\">"), table);
    assertTrue(table.contains("yes: " + CanaryReport.esc(ABTestFixtures.STOP)), table);
    assertTrue(table.contains("web-ab-one-page-1 at 127.0.0.1:18102 READY"), table);
  }

  @Test
  void oneChartOverTimePerMeasureWithALinePerVariant() throws Exception {
    List<Element> charts = svgs(html, "chart over-time");
    assertEquals(List.of("conversion-rate", "exposures", "guardrail-error-rate", "guardrail-latency-p99"),
        charts.stream().map(e -> e.getAttribute("data-chart")).toList());
    for (Element chart : charts) {
      List<String> lines = byClass(chart, "polyline", "series-line").stream().map(e -> e.getAttribute("data-variant")).toList();
      assertEquals(VARIANTS, lines, chart.getAttribute("data-chart"));
      Map<String, Long> points = byClass(chart, "circle", "series-point").stream()
          .collect(Collectors.groupingBy(e -> e.getAttribute("data-variant"), Collectors.counting()));
      // Six reads each; buggy was stopped after two.
      assertEquals(Map.of("control", 6L, "one-page", 6L, "two-step", 6L, "buggy", 2L), points);
    }
    // The conversion rate in percent: one-page's line sits above the control's.
    Element rate = charts.get(0);
    double onePage = y(byClass(rate, "circle", "series-point"), "one-page");
    double control = y(byClass(rate, "circle", "series-point"), "control");
    assertTrue(onePage < control, "SVG y grows downwards: one-page converts better");
    assertTrue(svgText(rate).contains("one-page"));
  }

  @Test
  void exposuresAreDrawnAgainstTheRequiredSampleSize() throws Exception {
    Element exposures = svgs(html, "chart over-time").get(1);
    List<Element> bounds = byClass(exposures, "line", "bound");
    assertEquals(1, bounds.size());
    assertTrue(svgText(exposures).contains("required 4680"), svgText(exposures));
    double required = Double.parseDouble(bounds.get(0).getAttribute("y1"));
    // 4800 exposures at the last read: above the line.
    List<Element> control = byClass(exposures, "circle", "series-point").stream()
        .filter(e -> e.getAttribute("data-variant").equals("control")).toList();
    assertTrue(Double.parseDouble(control.get(5).getAttribute("cy")) < required);
    assertTrue(Double.parseDouble(control.get(4).getAttribute("cy")) > required);
  }

  @Test
  void eachGuardrailIsDrawnPerVariantWithItsBound() throws Exception {
    Element errors = svgs(html, "chart over-time").get(2);
    List<Element> bounds = byClass(errors, "line", "bound");
    assertEquals(1, bounds.size(), "only max is set");
    assertTrue(svgText(errors).contains("max 0.05"));
    double max = Double.parseDouble(bounds.get(0).getAttribute("y1"));
    for (Element p : byClass(errors, "circle", "series-point")) {
      double cy = Double.parseDouble(p.getAttribute("cy"));
      // Only buggy broke the guardrail: its points are above the bound, everyone else's below.
      assertEquals(p.getAttribute("data-variant").equals("buggy"), cy < max, p.getAttribute("data-variant"));
    }
    assertTrue(html.contains("Guardrail error-rate <span class=\"muted\">bound &lt;= 0.05: a variant outside it for 1 read(s)"));
    assertTrue(html.contains("Guardrail latency-p99 <span class=\"muted\">bound &lt;= 0.5: a variant outside it for 3 read(s)"));
  }

  @Test
  void withoutTheSpecTheGuardrailsAreStillDrawnButWithoutBounds() throws Exception {
    String page = ABTestReport.html(ABTestFixtures.rolledOut());

    List<Element> charts = svgs(page, "chart over-time");
    assertEquals(4, charts.size());
    assertEquals(0, byClass(charts.get(2), "line", "bound").size());
    assertTrue(page.contains("Guardrail error-rate <span class=\"muted\">bounds unknown"), page);
    assertTrue(page.contains("its spec could not be read"));
    // The plan still reads from the status.
    assertTrue(page.contains("<tr><th>minimum detectable effect</th><td>+2.00 pts (+20.0%), to 12.00%</td></tr>"), page);
  }

  @Test
  void theNumbersTableHasThePlanAndEveryComparison() {
    String numbers = section("numbers");
    assertTrue(numbers.contains("<tr><th>baseline rate</th><td>10.00%</td></tr>"), numbers);
    assertTrue(numbers.contains("<tr><th>minimum detectable effect</th><td>+20.0% relative (+2.00 pts, to 12.00%)</td></tr>"), numbers);
    assertTrue(numbers.contains("<tr><th>alpha</th><td>0.05 overall, 0.01667 per comparison"), numbers);
    assertTrue(numbers.contains("<tr><th>power</th><td>0.8</td></tr>"), numbers);
    assertTrue(numbers.contains("<tr><th>sample size</th><td>4680 exposures per variant</td></tr>"), numbers);
    assertTrue(numbers.contains("<tr><th>expected duration</th><td>about 52 min at 300 exposures/min</td></tr>"), numbers);
    assertTrue(numbers.contains("<tr><th>goal</th><td>checkout (higher is better)</td></tr>"), numbers);
    // Per treatment: rates, difference, lift, interval, p, adjusted p, significant, z.
    assertTrue(numbers.contains("<tr class=\"ok\" data-variant=\"one-page\"><td>one-page</td><td>10.13%</td><td>14.90%</td>"
        + "<td>+4.77 pts</td><td>+47.1%</td><td>+3.52 .. +6.02 pts (97.5%)</td><td>&lt;0.0001</td><td>&lt;0.0001</td>"
        + "<td><strong>yes</strong></td><td>7.05</td></tr>"), numbers);
    assertTrue(numbers.contains("<tr class=\"\" data-variant=\"two-step\"><td>two-step</td><td>10.13%</td><td>10.23%</td>"
        + "<td>+0.11 pts</td><td>+1.0%</td><td>-1.08 .. +1.29 pts (97.5%)</td><td>0.8657</td><td>0.8657</td>"
        + "<td><strong>no</strong></td>"), numbers);
    assertTrue(numbers.contains("Omnibus chi-square across the 3 active variants: <strong>62.37</strong> (df 2), p = &lt;0.0001"),
        numbers);
    assertFalse(numbers.contains("never decides"), "a final evaluation is not an interim one");
  }

  @Test
  void theIntervalsAreDrawnAgainstZeroAndTheMinimumEffect() throws Exception {
    List<Element> plots = svgs(html, "chart intervals");
    assertEquals(1, plots.size());
    Element p = plots.get(0);
    assertEquals(List.of("one-page", "two-step"), byClass(p, "line", "ci").stream().map(e -> e.getAttribute("data-variant")).toList());
    double zero = Double.parseDouble(byClass(p, "line", "zero").get(0).getAttribute("x1"));
    double mde = Double.parseDouble(byClass(p, "line", "mde").get(0).getAttribute("x1"));
    assertTrue(mde > zero);
    Element onePage = byClass(p, "line", "ci").get(0);
    Element twoStep = byClass(p, "line", "ci").get(1);
    // one-page's whole interval is right of zero; two-step's spans it.
    assertTrue(Double.parseDouble(onePage.getAttribute("x1")) > zero);
    assertTrue(Double.parseDouble(twoStep.getAttribute("x1")) < zero && Double.parseDouble(twoStep.getAttribute("x2")) > zero);
    List<Element> estimates = byClass(p, "circle", "estimate");
    assertFalse(estimates.get(0).hasAttribute("stroke"), "significant: filled");
    assertEquals("#fff", estimates.get(1).getAttribute("fill"), "not significant: hollow");
    assertTrue(svgText(p).contains("97.5% intervals"));
  }

  @Test
  void theDecisionShowsWhoConfirmedItAndEveryGateDecision() {
    String decision = section("decision");
    assertTrue(decision.contains("<tr><th>outcome</th><td>WINNER: one-page</td></tr>"), decision);
    assertTrue(decision.contains("<tr><th>winner</th><td>one-page (4.1.0)</td></tr>"), decision);
    assertTrue(decision.contains("<tr><th>confirmed by</th><td>alice</td></tr>"), decision);
    assertTrue(decision.contains("child rolling deployment abtest-web-checkout-rollout"), decision);
    assertTrue(decision.contains("<td>bob</td><td>approve</td><td>update</td><td>declared</td>"
        + "<td>no: the run&#39;s requester may not approve it</td><td>ship it</td>"), decision);
    assertTrue(decision.contains("<td>alice</td><td>approve</td><td>update</td><td>verified</td><td>yes</td>"), decision);
  }

  @Test
  void theTimelineListsEveryEventInOrder() {
    String t = html.substring(html.indexOf("id=\"timeline\""));
    int last = -1;
    for (RunEvent e : ABTestFixtures.events()) {
      int at = t.indexOf("<td>" + e.action() + "</td>");
      assertTrue(at > last, e.action() + " missing or out of order");
      last = at;
    }
    assertTrue(t.contains("2026-11-27 10:09:00"));
  }

  @Test
  void anInterimLookIsMarkedAsNotDeciding() {
    String page = ABTestReport.html(ABTestFixtures.collecting(), ABTestFixtures.spec(), null, ZoneOffset.UTC);

    assertTrue(page.contains(">PENDING<"), page);
    assertTrue(page.contains("class=\"verdict info\""), page);
    assertTrue(page.contains("collecting data: no decision yet"), page);
    assertTrue(page.contains("<h3 id=\"evaluation\">Interim evaluation <span class=\"muted\">fixed method, alpha 0.05, after 6 min"),
        page);
    assertTrue(page.contains("an interim look never decides"), page);
    assertTrue(page.contains("<tr><th>confirmed by</th><td>no confirmation gate</td></tr>"), page);
  }

  @Test
  void aStoppedTestIsRedWithItsReason() {
    ABTestStatus s = ABTestFixtures.rolledOut();
    ABTestStatus stopped = new ABTestStatus(s.service(), s.experiment(), s.hypothesis(), Phase.ROLLED_BACK, false,
        s.salt(), s.plan(), s.startedCollectingMillis(), s.variants(), s.interim(), null, Outcome.STOPPED, null,
        ABTestResult.REVERTED, null, null, false, null, "the control broke guardrail error-rate", s.events());

    String page = ABTestReport.html(stopped);

    assertTrue(page.contains("class=\"verdict bad\""), page);
    assertTrue(page.contains(">STOPPED<"), page);
    assertTrue(page.contains("reverted: the split is cleared and the variant instances are removed"), page);
    assertTrue(page.contains("Stopped because:</strong> the control broke guardrail error-rate"), page);
  }

  @Test
  void everythingFromTheRunIsEscaped() throws Exception {
    String evil = "<script>alert('x')</script>&\"";
    VariantStatus v0 = new VariantStatus(evil, evil, true, 50, evil, List.of(), 100, 10, 200, false, null,
        List.of(new VariantPoint(ABTestFixtures.T0, 100L, 10L, Map.of(evil, 0.5))));
    VariantStatus v1 = new VariantStatus(evil + "2", evil, false, 50, evil, List.of(), 100, 20, 200, true, evil,
        List.of(new VariantPoint(ABTestFixtures.T0, 100L, 20L, Map.of(evil, 0.7))));
    Evaluation e = new Evaluation(ABTestFixtures.T0, evil, 0.05,
        List.of(new Comparison(evil + "2", 0.1, 0.2, 0.1, 1.0, 0.01, 0.19, 0.95, 0.04, 0.04, true, 2.0)),
        7.0, 0.01, Outcome.WINNER, evil + "2", evil);
    GateStatus gate = new GateStatus(evil, evil, List.of(evil), 1, List.of(evil), false, false, evil, evil,
        List.of(new GateDecision(evil, evil, evil, evil, evil, false, false, evil)));
    ABTestStatus bad = new ABTestStatus(evil, evil, evil, Phase.SUCCEEDED, true, evil, ABTestFixtures.plan(),
        ABTestFixtures.T0, List.of(v0, v1), e, e, Outcome.WINNER, evil + "2", evil, evil, gate, false, evil, evil,
        List.of(new RunEvent(evil, evil, evil, evil)));

    String page = ABTestReport.html(bad, null, evil, ZoneOffset.UTC);

    assertFalse(page.contains("<script"), "unescaped script");
    assertFalse(page.contains("alert('x')"), "unescaped quote");
    assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
    // Every chart stays well-formed XML with hostile names in it: three over time, one of intervals.
    assertEquals(4, svgs(page, "chart").size());
    assertEquals(2, byClass(svgs(page, "chart over-time").get(0), "circle", "series-point").size());
  }

  @Test
  void aTestWithNothingYetStillRenders() {
    ABTestStatus empty = new ABTestStatus("web", "checkout", null, Phase.VALIDATING, false, null, null, 0, null, null,
        null, Outcome.PENDING, null, null, null, null, false, null, null, null);

    String page = ABTestReport.html(empty);

    assertTrue(page.contains("None was written down."));
    assertTrue(page.contains("No variant yet."));
    assertTrue(page.contains("No reads yet."));
    assertTrue(page.contains("No evaluation yet."));
    assertTrue(page.contains("No events."));
    assertFalse(page.contains("<svg class=\"chart"));
  }

  // --- helpers ---

  private String section(String id) {
    int from = html.indexOf("<section id=\"" + id + "\"");
    assertTrue(from >= 0, id + " missing");
    return html.substring(from, html.indexOf("</section>", from));
  }

  private static double y(List<Element> points, String variant) {
    return points.stream().filter(e -> e.getAttribute("data-variant").equals(variant))
        .mapToDouble(e -> Double.parseDouble(e.getAttribute("cy"))).average().orElseThrow();
  }
}
