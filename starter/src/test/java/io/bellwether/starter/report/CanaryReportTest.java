package io.bellwether.starter.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.canary.AnalysisRecord;
import io.bellwether.contracts.canary.CanaryStatus;
import io.bellwether.contracts.canary.Judgement;
import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.canary.MetricJudgement;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RunEvent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class CanaryReportTest {
  private static final Pattern SVG = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL);

  private final String html = CanaryReport.html(CanaryFixtures.rolledBack(), "canary-web-2.4.0", ZoneOffset.UTC);

  @Test
  void thePageLoadsNothingFromAnywhere() {
    String lower = html.toLowerCase();
    for (String external : List.of("<script", "http://", "https://", "url(", "@import", "<link", "src=", "<iframe", "<img")) {
      assertFalse(lower.contains(external), "the report contains " + external);
    }
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<style>"));
    assertTrue(html.trim().endsWith("</html>"));
  }

  @Test
  void theVerdictScoreAndRollbackReasonComeFirst() {
    int verdict = html.indexOf("id=\"verdict\"");
    int firstChart = html.indexOf("<svg class=\"chart");
    assertTrue(verdict > 0 && verdict < firstChart, "the verdict is not above the charts");
    String banner = html.substring(html.lastIndexOf("<div", verdict), html.indexOf("</header>"));
    assertTrue(banner.contains(">ROLLED_BACK<"), banner);
    assertTrue(banner.contains("class=\"verdict bad\""), banner);
    // The last judgement's verdict and score.
    assertTrue(banner.contains(">FAIL</span> score <strong>50</strong> / 100"), banner);
    assertTrue(banner.contains("analyses: 1 of 2 successful"), banner);
    assertTrue(banner.contains("Rolled back because:</strong> " + CanaryReport.esc(CanaryFixtures.REASON)), banner);
  }

  @Test
  void oneRoundsChartPerMetricPerAnalysis() throws Exception {
    List<Element> charts = svgs(html, "chart rounds");
    // Two analyses with two metrics each.
    assertEquals(4, charts.size());
    assertEquals(List.of("error-ratio", "latency-p99", "error-ratio", "latency-p99"),
        charts.stream().map(e -> e.getAttribute("data-metric")).toList());
    Element latency = charts.get(3);
    assertEquals(3, byClass(latency, "circle", "canary-point").size());
    assertEquals(3, byClass(latency, "circle", "baseline-point").size());
    assertEquals(1, byClass(latency, "polyline", "canary-line").size());
    assertEquals(1, byClass(latency, "polyline", "baseline-line").size());
    // The two failed rounds are marked, and nothing else is.
    assertEquals(2, byClass(latency, "rect", "failed-round").size());
    assertEquals(2, byClass(latency, "path", "fail-mark").size());
    assertEquals(0, byClass(charts.get(1), "rect", "failed-round").size());
  }

  @Test
  void theThresholdIsDrawnWhereTheValuesSay() throws Exception {
    Element latency = svgs(html, "chart rounds").get(3);
    assertEquals(1, byClass(latency, "rect", "threshold-band").size());
    List<Element> bounds = byClass(latency, "line", "threshold");
    assertEquals(1, bounds.size(), "only max is set");
    assertTrue(svgText(latency).contains("max 0.3"));
    double maxY = Double.parseDouble(bounds.get(0).getAttribute("y1"));
    List<Element> canary = byClass(latency, "circle", "canary-point");
    // SVG y grows downwards: 0.28 passes (below the line), 0.45 and 0.47 fail (above it).
    assertTrue(Double.parseDouble(canary.get(0).getAttribute("cy")) > maxY);
    assertTrue(Double.parseDouble(canary.get(1).getAttribute("cy")) < maxY);
    assertTrue(Double.parseDouble(canary.get(2).getAttribute("cy")) < maxY);
    // The band is the pass side: values up to max, from the max line down to the plot's bottom.
    Element band = byClass(latency, "rect", "threshold-band").get(0);
    assertEquals(maxY, Double.parseDouble(band.getAttribute("y")), 0.2);
    double bandBottom = Double.parseDouble(band.getAttribute("y")) + Double.parseDouble(band.getAttribute("height"));
    Element plot = (Element) latency.getElementsByTagName("rect").item(0);
    assertEquals(Double.parseDouble(plot.getAttribute("y")) + Double.parseDouble(plot.getAttribute("height")), bandBottom, 0.2);
  }

  @Test
  void aRoundWithoutDataIsAGapMarkedWithItsStatus() throws Exception {
    Element errors = svgs(html, "chart rounds").get(2);
    assertEquals(1, byClass(errors, "rect", "nodata-round").size());
    assertTrue(svgText(errors).contains("UNAVAILABLE"));
    assertEquals(2, byClass(errors, "circle", "canary-point").size());
    // Rounds 1 and 3 are not joined across the gap.
    assertEquals(0, byClass(errors, "polyline", "canary-line").size());
  }

  @Test
  void theJudgesSamplesPValueEffectAndResultAreShown() throws Exception {
    List<Element> plots = svgs(html, "chart samples");
    // One for the first analysis' metric, two for the second's.
    assertEquals(3, plots.size());
    Element latency = plots.get(1);
    assertEquals("latency-p99", latency.getAttribute("data-metric"));
    assertEquals(20, byClass(latency, "circle", "canary-sample").size());
    assertEquals(20, byClass(latency, "circle", "baseline-sample").size());
    assertEquals(1, byClass(latency, "rect", "canary-box").size());
    assertEquals(1, byClass(latency, "line", "baseline-median").size());
    String caption = svgText(latency);
    assertTrue(caption.contains("p = <0.0001"), caption);
    assertTrue(caption.contains("effect +0.152 (+127.0%)"), caption);
    assertTrue(caption.contains("HIGH"), caption);
    // The canary's samples sit to the right of the baseline's: higher latency.
    double canaryMedian = Double.parseDouble(byClass(latency, "line", "canary-median").get(0).getAttribute("x1"));
    double baselineMedian = Double.parseDouble(byClass(latency, "line", "baseline-median").get(0).getAttribute("x1"));
    assertTrue(canaryMedian > baselineMedian + 100, canaryMedian + " vs " + baselineMedian);
    // And the judge's table has the numbers too.
    assertTrue(html.contains("<td>&lt;0.0001</td><td>+0.152</td><td>+127.0%</td><td><strong>HIGH</strong>"), html);
    assertTrue(html.contains("latency-p99 <span class=\"tag\">critical</span>"));
  }

  @Test
  void theTimelineListsEveryEventInOrder() {
    int timeline = html.indexOf("id=\"timeline\"");
    assertTrue(timeline > 0);
    String t = html.substring(timeline);
    int last = -1;
    for (RunEvent e : CanaryFixtures.rolledBack().events()) {
      int at = t.indexOf("<td>" + e.action() + "</td>");
      assertTrue(at > last, e.action() + " missing or out of order");
      last = at;
    }
    assertTrue(t.contains("2026-11-27 10:00:21"));
  }

  @Test
  void everythingFromTheRunIsEscaped() throws Exception {
    CanaryStatus s = CanaryFixtures.rolledBack();
    String evil = "<script>alert('x')</script>&\"";
    AnalysisRecord a = new AnalysisRecord(0, AnalysisRecord.FAILED,
        List.of(CanaryFixtures.m(evil, 1, 0.5, 0.1, Measurement.FAILURE, CanaryFixtures.ERROR_RANGE)),
        new Judgement(Judgement.FAIL, 0.0, List.of(new MetricJudgement(evil, "increase", true, 1,
            List.of(1.0, 2.0), List.of(0.0, 0.5), 0.01, 1.0, null, MetricJudgement.HIGH, evil)), evil),
        evil, 0, 0);
    CanaryStatus bad = new CanaryStatus(evil, evil, evil, Phase.ROLLED_BACK, 0, 1, evil, 0, null, List.of(),
        List.of(evil), List.of(a), null, false, evil, evil, List.of(new RunEvent(evil, evil, evil, evil)));

    String page = CanaryReport.html(bad, evil, ZoneOffset.UTC);

    assertFalse(page.contains("<script"), "unescaped script");
    assertFalse(page.contains("alert('x')"), "unescaped quote");
    assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
    // The charts stay well-formed XML with hostile names in them.
    assertEquals(2, svgs(page, "chart").size());
    assertTrue(s.events().size() > 0);
  }

  @Test
  void aRunWithNothingYetStillRenders() {
    CanaryStatus empty = new CanaryStatus("web", "2.0.0", null, Phase.PROGRESSING, 0, 3, null, 0, null, null, null,
        null, null, false, null, null, null);

    String page = CanaryReport.html(empty);

    assertTrue(page.contains("No analysis has run yet."));
    assertTrue(page.contains("No events."));
    assertTrue(page.contains("class=\"verdict info\""));
    assertFalse(page.contains("<svg class=\"chart"));
  }

  @Test
  void aPassingRunIsGreen() {
    CanaryStatus s = CanaryFixtures.rolledBack();
    CanaryStatus ok = new CanaryStatus(s.service(), s.version(), s.stableVersion(), Phase.SUCCEEDED, 6, 6, "", 0,
        null, List.of(), List.of(), List.of(CanaryFixtures.passed()), null, false, "canary-web-2.4.0-rollout", null,
        List.of());

    String page = CanaryReport.html(ok);

    assertTrue(page.contains("class=\"verdict ok\""));
    assertTrue(page.contains(">PASS</span> score <strong>100</strong> / 100"));
    assertFalse(page.contains("id=\"reason\""));
    assertTrue(page.contains("child rolling deployment canary-web-2.4.0-rollout"));
  }

  // --- helpers: every chart must parse as XML on its own ---

  static List<Element> svgs(String page, String classPrefix) throws Exception {
    List<Element> out = new ArrayList<>();
    Matcher m = SVG.matcher(page);
    while (m.find()) {
      Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8)));
      Element svg = d.getDocumentElement();
      if (svg.getAttribute("class").startsWith(classPrefix)) {
        out.add(svg);
      }
    }
    return out;
  }

  static List<Element> byClass(Element root, String tag, String cls) {
    List<Element> out = new ArrayList<>();
    NodeList all = root.getElementsByTagName(tag);
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (e.getAttribute("class").equals(cls)) {
        out.add(e);
      }
    }
    return out;
  }

  static String svgText(Element root) {
    StringBuilder b = new StringBuilder();
    NodeList texts = root.getElementsByTagName("text");
    for (int i = 0; i < texts.getLength(); i++) {
      b.append(texts.item(i).getTextContent()).append('\n');
    }
    return b.toString();
  }
}
