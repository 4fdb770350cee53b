package io.bellwether.starter.report;

import static io.bellwether.starter.report.CanaryReport.BASELINE_COLOR;
import static io.bellwether.starter.report.CanaryReport.CANARY_COLOR;
import static io.bellwether.starter.report.CanaryReport.FAIL_COLOR;
import static io.bellwether.starter.report.CanaryReport.esc;
import static io.bellwether.starter.report.CanaryReport.num;

import io.bellwether.contracts.canary.Measurement;
import io.bellwether.contracts.canary.MetricJudgement;
import io.bellwether.contracts.canary.ThresholdRange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The report's inline SVG charts. Plain SVG elements only, with {@code <title>} as tooltips. */
final class Charts {
  private static final int W = 680;
  private static final int H = 250;
  private static final int LEFT = 70;
  private static final int RIGHT = 16;
  private static final int TOP = 30;
  private static final int BOTTOM = 36;

  private Charts() {}

  /**
   * One metric of one analysis: canary and baseline per measurement round, the pass range as a
   * green band with its bounds dashed, failed rounds in red and rounds without data in grey.
   */
  static void rounds(StringBuilder b, String metric, List<Measurement> rounds, ThresholdRange range) {
    int n = Math.max(1, rounds.size());
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Measurement m : rounds) {
      for (Double v : new Double[] {m.canary(), m.baseline()}) {
        if (finite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (range != null) {
      for (Double v : new Double[] {range.min(), range.max()}) {
        if (finite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > 0 && lo < hi) {
      // Rates and latencies read best against zero when they are not far from it.
      lo = lo < hi * 0.6 ? 0 : lo;
    }
    Numbers.Axis axis = Numbers.axis(lo, hi);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    Function<Double, Double> y = v -> TOP + plotH - (v - axis.low()) / (axis.high() - axis.low()) * plotH;
    Function<Integer, Double> x = i -> LEFT + (i + 0.5) * plotW / n;
    double colW = (double) plotW / n;

    b.append("<svg class=\"chart rounds\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"")
        .append(esc(metric)).append(": canary and baseline per round\" data-metric=\"").append(esc(metric)).append("\">\n");
    b.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotW)
        .append("\" height=\"").append(plotH).append("\" fill=\"#fcfcfc\" stroke=\"#ccc\"/>\n");
    // The pass band: between the bounds, open bounds running to the chart's edge.
    if (range != null && (range.min() != null || range.max() != null)) {
      double top = range.max() == null ? TOP : clampY(y.apply(range.max()));
      double bottom = range.min() == null ? TOP + plotH : clampY(y.apply(range.min()));
      b.append("<rect class=\"threshold-band\" x=\"").append(LEFT).append("\" y=\"").append(num(top))
          .append("\" width=\"").append(plotW).append("\" height=\"").append(num(Math.max(0, bottom - top)))
          .append("\" fill=\"#2e7d32\" fill-opacity=\"0.10\"><title>pass range ")
          .append(esc(Numbers.range(range.min(), range.max()))).append("</title></rect>\n");
      bound(b, "max", range.max(), y, plotW);
      bound(b, "min", range.min(), y, plotW);
    }
    for (double t : axis.ticks()) {
      double ty = y.apply(t);
      b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"").append(num(ty))
          .append("\" y2=\"").append(num(ty)).append("\" stroke=\"#eee\"/>")
          .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(num(ty + 4))
          .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">").append(Numbers.fmt(t)).append("</text>\n");
    }
    // Failed and dataless rounds as columns behind the lines, so they stand out at a glance.
    for (int i = 0; i < rounds.size(); i++) {
      Measurement m = rounds.get(i);
      double cx = x.apply(i);
      if (Measurement.FAILURE.equals(m.verdict())) {
        b.append("<rect class=\"failed-round\" x=\"").append(num(cx - colW / 2)).append("\" y=\"").append(TOP)
            .append("\" width=\"").append(num(colW)).append("\" height=\"").append(plotH).append("\" fill=\"")
            .append(FAIL_COLOR).append("\" fill-opacity=\"0.12\"><title>round ").append(m.index())
            .append(" failed: canary ").append(Numbers.fmt(m.canary())).append(" outside the pass range</title></rect>\n");
      } else if (Measurement.INCONCLUSIVE.equals(m.verdict())) {
        b.append("<rect class=\"nodata-round\" x=\"").append(num(cx - colW / 2)).append("\" y=\"").append(TOP)
            .append("\" width=\"").append(num(colW)).append("\" height=\"").append(plotH)
            .append("\" fill=\"#9e9e9e\" fill-opacity=\"0.18\"><title>round ").append(m.index()).append(": no number (")
            .append(esc(m.status() == null ? "?" : m.status().name())).append(")</title></rect>")
            .append("<text x=\"").append(num(cx)).append("\" y=\"").append(TOP + plotH / 2)
            .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"#616161\">")
            .append(esc(m.status() == null ? "no data" : m.status().name())).append("</text>\n");
      }
    }
    series(b, "baseline", BASELINE_COLOR, rounds, Measurement::baseline, x, y);
    series(b, "canary", CANARY_COLOR, rounds, Measurement::canary, x, y);
    for (int i = 0; i < rounds.size(); i++) {
      Measurement m = rounds.get(i);
      if (Measurement.FAILURE.equals(m.verdict()) && finite(m.canary())) {
        double cx = x.apply(i);
        double cy = y.apply(m.canary());
        b.append("<path class=\"fail-mark\" d=\"M").append(num(cx - 6)).append(' ').append(num(cy - 6)).append(" L")
            .append(num(cx + 6)).append(' ').append(num(cy + 6)).append(" M").append(num(cx - 6)).append(' ')
            .append(num(cy + 6)).append(" L").append(num(cx + 6)).append(' ').append(num(cy - 6))
            .append("\" stroke=\"").append(FAIL_COLOR).append("\" stroke-width=\"2.5\"/>\n");
      }
      b.append("<text x=\"").append(num(x.apply(i))).append("\" y=\"").append(TOP + plotH + 16)
          .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">#").append(m.index()).append("</text>\n");
    }
    b.append("<text x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(H - 4)
        .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">measurement round</text>\n");
    legend(b);
    b.append("</svg>\n");
  }

  private static void bound(StringBuilder b, String which, Double v, Function<Double, Double> y, int plotW) {
    if (!finite(v)) {
      return;
    }
    double by = clampY(y.apply(v));
    b.append("<line class=\"threshold\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW)
        .append("\" y1=\"").append(num(by)).append("\" y2=\"").append(num(by))
        .append("\" stroke=\"#2e7d32\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
        .append("<text x=\"").append(LEFT + plotW - 4).append("\" y=\"").append(num(by - 4))
        .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#2e7d32\">").append(which).append(' ')
        .append(Numbers.fmt(v)).append("</text>\n");
  }

  private static void series(
      StringBuilder b,
      String name,
      String color,
      List<Measurement> rounds,
      Function<Measurement, Double> value,
      Function<Integer, Double> x,
      Function<Double, Double> y) {
    // Lines break where a round has no number: a gap is a fact, not something to interpolate.
    List<String> run = new ArrayList<>();
    StringBuilder dots = new StringBuilder();
    for (int i = 0; i <= rounds.size(); i++) {
      Double v = i < rounds.size() ? value.apply(rounds.get(i)) : null;
      if (finite(v)) {
        double px = x.apply(i);
        double py = y.apply(v);
        run.add(num(px) + "," + num(py));
        Measurement m = rounds.get(i);
        dots.append("<circle class=\"").append(name).append("-point\" cx=\"").append(num(px)).append("\" cy=\"")
            .append(num(py))
            // Baseline hollow and larger, so that a canary point on top of it leaves it visible.
            .append(name.equals("canary") ? "\" r=\"3.5\" fill=\"" + color + "\""
                : "\" r=\"5\" fill=\"#fff\" stroke-width=\"2\" stroke=\"" + color + "\"")
            .append("><title>round ").append(m.index())
            .append(' ').append(name).append(' ').append(Numbers.fmt(v))
            .append(name.equals("canary") && m.verdict() != null ? " (" + esc(m.verdict()) + ")" : "")
            .append("</title></circle>\n");
      } else {
        if (run.size() > 1) {
          b.append("<polyline class=\"").append(name).append("-line\" points=\"").append(String.join(" ", run))
              .append("\" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\"/>\n");
        }
        run.clear();
      }
    }
    b.append(dots);
  }

  private static void legend(StringBuilder b) {
    int lx = LEFT;
    int ly = 14;
    b.append("<g class=\"legend\" font-size=\"11\">")
        .append(swatchLine(lx, ly, CANARY_COLOR, "canary"))
        .append(swatchLine(lx + 80, ly, BASELINE_COLOR, "baseline"))
        .append("<rect x=\"").append(lx + 170).append("\" y=\"").append(ly - 8)
        .append("\" width=\"14\" height=\"10\" fill=\"#2e7d32\" fill-opacity=\"0.25\"/><text x=\"").append(lx + 188)
        .append("\" y=\"").append(ly).append("\">pass range</text>")
        .append("<rect x=\"").append(lx + 260).append("\" y=\"").append(ly - 8).append("\" width=\"14\" height=\"10\" fill=\"")
        .append(FAIL_COLOR).append("\" fill-opacity=\"0.3\"/><text x=\"").append(lx + 278).append("\" y=\"").append(ly)
        .append("\">failed round</text>")
        .append("<rect x=\"").append(lx + 360).append("\" y=\"").append(ly - 8)
        .append("\" width=\"14\" height=\"10\" fill=\"#9e9e9e\" fill-opacity=\"0.4\"/><text x=\"").append(lx + 378)
        .append("\" y=\"").append(ly).append("\">no data</text></g>\n");
  }

  private static String swatchLine(int x, int y, String color, String label) {
    return "<line x1=\"" + x + "\" x2=\"" + (x + 18) + "\" y1=\"" + (y - 4) + "\" y2=\"" + (y - 4) + "\" stroke=\""
        + color + "\" stroke-width=\"2.5\"/><text x=\"" + (x + 22) + "\" y=\"" + y + "\">" + label + "</text>";
  }

  /**
   * The judge's samples of one metric as a distribution plot: a row of dots per side with its
   * box (quartiles) and median, on one axis, captioned with p-value, effect and result.
   */
  static void samples(StringBuilder b, MetricJudgement m) {
    List<Double> canary = m.canary().stream().filter(Charts::finite).toList();
    List<Double> baseline = m.baseline().stream().filter(Charts::finite).toList();
    int w = W;
    int h = 130;
    int left = 110;
    int right = 16;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : canary) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (double v : baseline) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    Numbers.Axis axis = Numbers.axis(lo, hi);
    int plotW = w - left - right;
    Function<Double, Double> x = v -> left + (v - axis.low()) / (axis.high() - axis.low()) * plotW;
    // Escaped once, whole: "<0.0001" is as unsafe in markup as any name.
    String caption = esc(m.metric() + ": p = " + Numbers.p(m.pValue()) + ", effect " + Numbers.signed(m.effect())
        + (m.relativeEffect() == null ? "" : " (" + Numbers.percent(m.relativeEffect()) + ")") + ", " + m.result());
    b.append("<svg class=\"chart samples\" width=\"").append(w).append("\" height=\"").append(h)
        .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
        .append(caption).append("\" data-metric=\"").append(esc(m.metric())).append("\">\n")
        .append("<text x=\"4\" y=\"14\" font-size=\"12\" font-weight=\"600\" fill=\"")
        .append("PASS".equals(m.result()) ? "#2e7d32" : "INCONCLUSIVE".equals(m.result()) ? "#ef8f00" : FAIL_COLOR)
        .append("\">").append(caption).append("</text>\n");
    int top = 26;
    int bottom = h - 22;
    for (double t : axis.ticks()) {
      double tx = x.apply(t);
      b.append("<line x1=\"").append(num(tx)).append("\" x2=\"").append(num(tx)).append("\" y1=\"").append(top)
          .append("\" y2=\"").append(bottom).append("\" stroke=\"#eee\"/><text x=\"").append(num(tx)).append("\" y=\"")
          .append(bottom + 14).append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">")
          .append(Numbers.fmt(t)).append("</text>\n");
    }
    strip(b, "baseline", BASELINE_COLOR, baseline, top + 22, x, left);
    strip(b, "canary", CANARY_COLOR, canary, top + 62, x, left);
    b.append("</svg>\n");
  }

  private static void strip(
      StringBuilder b, String name, String color, List<Double> values, int cy, Function<Double, Double> x, int left) {
    b.append("<text x=\"").append(left - 8).append("\" y=\"").append(cy + 4)
        .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"").append(color).append("\">").append(name)
        .append(" (n=").append(values.size()).append(")</text>\n");
    if (values.isEmpty()) {
      return;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    double q1 = quantile(sorted, 0.25);
    double med = quantile(sorted, 0.5);
    double q3 = quantile(sorted, 0.75);
    b.append("<line x1=\"").append(num(x.apply(sorted.get(0)))).append("\" x2=\"")
        .append(num(x.apply(sorted.get(sorted.size() - 1)))).append("\" y1=\"").append(cy).append("\" y2=\"").append(cy)
        .append("\" stroke=\"").append(color).append("\" stroke-opacity=\"0.6\"/>")
        .append("<rect class=\"").append(name).append("-box\" x=\"").append(num(x.apply(q1))).append("\" y=\"")
        .append(cy - 10).append("\" width=\"").append(num(Math.max(1, x.apply(q3) - x.apply(q1))))
        .append("\" height=\"20\" fill=\"").append(color).append("\" fill-opacity=\"0.15\" stroke=\"").append(color)
        .append("\"><title>").append(name).append(": quartiles ").append(Numbers.fmt(q1)).append(" .. ")
        .append(Numbers.fmt(q3)).append(", median ").append(Numbers.fmt(med)).append("</title></rect>")
        .append("<line class=\"").append(name).append("-median\" x1=\"").append(num(x.apply(med))).append("\" x2=\"")
        .append(num(x.apply(med))).append("\" y1=\"").append(cy - 12).append("\" y2=\"").append(cy + 12)
        .append("\" stroke=\"").append(color).append("\" stroke-width=\"2.5\"/>\n");
    for (int i = 0; i < values.size(); i++) {
      // A fixed spread instead of random jitter: the same samples always draw the same picture.
      int dy = (i * 7) % 13 - 6;
      b.append("<circle class=\"").append(name).append("-sample\" cx=\"").append(num(x.apply(values.get(i))))
          .append("\" cy=\"").append(cy + dy).append("\" r=\"2.2\" fill=\"").append(color)
          .append("\" fill-opacity=\"0.7\"/>");
    }
    b.append('\n');
  }

  // --- over time, one line per variant (A/B tests) ---

  /**
   * One variant's values over time.
   *
   * @param name the variant (shown in the legend and tooltips, escaped)
   * @param color its colour
   * @param x minutes since the test began collecting, ascending
   * @param y the value at each x; null or NaN where there was no number (a gap in the line)
   */
  record Line(String name, String color, List<Double> x, List<Double> y) {}

  /** A dashed horizontal line across a chart, such as a guardrail's bound or the sample size. */
  record Bound(String label, double value, String color) {}

  /**
   * Values over time, one line per variant, each point with a tooltip, and dashed bounds with
   * their labels. The chart is named by {@code data-chart="<chart>"}; each line and point carries
   * {@code data-variant}. Lines break where a value is missing.
   */
  static void overTime(StringBuilder b, String chart, String title, List<Line> lines, List<Bound> bounds) {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Line l : lines) {
      for (int i = 0; i < l.x().size(); i++) {
        Double v = l.y().get(i);
        if (finite(v)) {
          x0 = Math.min(x0, l.x().get(i));
          x1 = Math.max(x1, l.x().get(i));
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    for (Bound bd : bounds) {
      if (finite(bd.value())) {
        lo = Math.min(lo, bd.value());
        hi = Math.max(hi, bd.value());
      }
    }
    if (lo > 0 && lo < hi) {
      lo = lo < hi * 0.6 ? 0 : lo;
    }
    Numbers.Axis yAxis = Numbers.axis(lo, hi);
    Numbers.Axis xAxis = x0 <= x1 ? Numbers.axis(Math.min(0, x0), x1) : Numbers.axis(0, 1);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    Function<Double, Double> y = v -> TOP + plotH - (v - yAxis.low()) / (yAxis.high() - yAxis.low()) * plotH;
    Function<Double, Double> x = v -> LEFT + (v - xAxis.low()) / (xAxis.high() - xAxis.low()) * plotW;

    b.append("<svg class=\"chart over-time\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"")
        .append(esc(title)).append("\" data-chart=\"").append(esc(chart)).append("\">\n");
    b.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotW)
        .append("\" height=\"").append(plotH).append("\" fill=\"#fcfcfc\" stroke=\"#ccc\"/>\n");
    for (double t : yAxis.ticks()) {
      double ty = y.apply(t);
      b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"").append(num(ty))
          .append("\" y2=\"").append(num(ty)).append("\" stroke=\"#eee\"/>")
          .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(num(ty + 4))
          .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">").append(Numbers.fmt(t)).append("</text>\n");
    }
    for (double t : xAxis.ticks()) {
      b.append("<text x=\"").append(num(x.apply(t))).append("\" y=\"").append(TOP + plotH + 16)
          .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">").append(Numbers.fmt(t)).append("</text>\n");
    }
    for (Bound bd : bounds) {
      if (!finite(bd.value())) {
        continue;
      }
      double by = Math.max(TOP, Math.min(TOP + plotH, y.apply(bd.value())));
      b.append("<line class=\"bound\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW)
          .append("\" y1=\"").append(num(by)).append("\" y2=\"").append(num(by)).append("\" stroke=\"")
          .append(bd.color()).append("\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>")
          .append(esc(bd.label())).append("</title></line>")
          .append("<text x=\"").append(LEFT + plotW - 4).append("\" y=\"").append(num(by - 4))
          .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"").append(bd.color()).append("\">")
          .append(esc(bd.label())).append("</text>\n");
    }
    for (Line l : lines) {
      List<String> run = new ArrayList<>();
      StringBuilder dots = new StringBuilder();
      // Dots only while they stay readable; the line carries the rest.
      boolean withDots = l.x().size() <= 60;
      for (int i = 0; i <= l.x().size(); i++) {
        Double v = i < l.x().size() ? l.y().get(i) : null;
        if (finite(v)) {
          double px = x.apply(l.x().get(i));
          double py = y.apply(v);
          run.add(num(px) + "," + num(py));
          if (withDots) {
            dots.append("<circle class=\"series-point\" data-variant=\"").append(esc(l.name())).append("\" cx=\"")
                .append(num(px)).append("\" cy=\"").append(num(py)).append("\" r=\"3\" fill=\"").append(l.color())
                .append("\"><title>").append(esc(l.name())).append(" at ").append(Numbers.fmt(l.x().get(i)))
                .append(" min: ").append(Numbers.fmt(v)).append("</title></circle>");
          }
        } else {
          if (run.size() > 1) {
            b.append("<polyline class=\"series-line\" data-variant=\"").append(esc(l.name())).append("\" points=\"")
                .append(String.join(" ", run)).append("\" fill=\"none\" stroke=\"").append(l.color())
                .append("\" stroke-width=\"2\"/>\n");
          }
          run.clear();
        }
      }
      b.append(dots).append('\n');
    }
    b.append("<text x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(H - 4)
        .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">minutes since the split opened</text>\n");
    b.append("<g class=\"legend\" font-size=\"11\">");
    int lx = LEFT;
    for (Line l : lines) {
      b.append(swatchLine(lx, 14, l.color(), esc(shorten(l.name(), 16))));
      lx += 130;
    }
    b.append("</g>\n</svg>\n");
  }

  // --- a treatment's effect with its interval (A/B tests) ---

  /**
   * One treatment's effect against the control.
   *
   * @param name the treatment
   * @param color its colour
   * @param estimate the difference (treatment minus control), as a proportion
   * @param low the interval's lower end
   * @param high its upper end
   * @param significant whether the test found it significant (filled dot) or not (hollow)
   */
  record Interval(String name, String color, double estimate, double low, double high, boolean significant) {}

  /**
   * Each treatment's difference from the control in percentage points with its confidence
   * interval, against zero (no effect) and, when given, the planned minimum detectable effect.
   */
  static void intervals(StringBuilder b, List<Interval> rows, Double mde, String caption) {
    int left = 170;
    int right = 24;
    int rowH = 30;
    int top = 30;
    int h = top + rowH * Math.max(1, rows.size()) + 34;
    double lo = 0;
    double hi = 0;
    for (Interval r : rows) {
      for (double v : new double[] {r.estimate(), r.low(), r.high()}) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v * 100);
          hi = Math.max(hi, v * 100);
        }
      }
    }
    if (finite(mde)) {
      lo = Math.min(lo, mde * 100);
      hi = Math.max(hi, mde * 100);
    }
    Numbers.Axis axis = Numbers.axis(lo, hi);
    int plotW = W - left - right;
    Function<Double, Double> x = v -> left + (v - axis.low()) / (axis.high() - axis.low()) * plotW;
    int bottom = top + rowH * Math.max(1, rows.size());
    b.append("<svg class=\"chart intervals\" width=\"").append(W).append("\" height=\"").append(h)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
        .append(esc(caption)).append("\">\n")
        .append("<text x=\"4\" y=\"16\" font-size=\"12\" font-weight=\"600\" fill=\"#333\">").append(esc(caption))
        .append("</text>\n");
    for (double t : axis.ticks()) {
      double tx = x.apply(t);
      b.append("<line x1=\"").append(num(tx)).append("\" x2=\"").append(num(tx)).append("\" y1=\"").append(top)
          .append("\" y2=\"").append(bottom).append("\" stroke=\"#eee\"/><text x=\"").append(num(tx)).append("\" y=\"")
          .append(bottom + 14).append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">")
          .append(Numbers.fmt(t)).append("</text>\n");
    }
    b.append("<line class=\"zero\" x1=\"").append(num(x.apply(0.0))).append("\" x2=\"").append(num(x.apply(0.0)))
        .append("\" y1=\"").append(top - 4).append("\" y2=\"").append(bottom).append("\" stroke=\"#333\"/>\n");
    if (finite(mde)) {
      double mx = x.apply(mde * 100);
      b.append("<line class=\"mde\" x1=\"").append(num(mx)).append("\" x2=\"").append(num(mx)).append("\" y1=\"")
          .append(top - 4).append("\" y2=\"").append(bottom).append("\" stroke=\"#2e7d32\" stroke-dasharray=\"6 4\">")
          .append("<title>planned minimum detectable effect</title></line><text x=\"").append(num(mx + 4))
          .append("\" y=\"").append(top - 6).append("\" font-size=\"11\" fill=\"#2e7d32\">MDE</text>\n");
    }
    for (int i = 0; i < rows.size(); i++) {
      Interval r = rows.get(i);
      int cy = top + rowH * i + rowH / 2;
      b.append("<text x=\"").append(left - 8).append("\" y=\"").append(cy + 4)
          .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"").append(r.color()).append("\">")
          .append(esc(shorten(r.name(), 22))).append("</text>");
      if (Double.isFinite(r.low()) && Double.isFinite(r.high())) {
        double a = x.apply(r.low() * 100);
        double z = x.apply(r.high() * 100);
        b.append("<line class=\"ci\" data-variant=\"").append(esc(r.name())).append("\" x1=\"").append(num(a))
            .append("\" x2=\"").append(num(z)).append("\" y1=\"").append(cy).append("\" y2=\"").append(cy)
            .append("\" stroke=\"").append(r.color()).append("\" stroke-width=\"2.5\"><title>")
            .append(esc(r.name() + ": " + Numbers.interval(r.low(), r.high()))).append("</title></line>")
            .append("<line x1=\"").append(num(a)).append("\" x2=\"").append(num(a)).append("\" y1=\"").append(cy - 6)
            .append("\" y2=\"").append(cy + 6).append("\" stroke=\"").append(r.color()).append("\" stroke-width=\"2\"/>")
            .append("<line x1=\"").append(num(z)).append("\" x2=\"").append(num(z)).append("\" y1=\"").append(cy - 6)
            .append("\" y2=\"").append(cy + 6).append("\" stroke=\"").append(r.color()).append("\" stroke-width=\"2\"/>");
      }
      if (Double.isFinite(r.estimate())) {
        b.append("<circle class=\"estimate\" data-variant=\"").append(esc(r.name())).append("\" cx=\"")
            .append(num(x.apply(r.estimate() * 100))).append("\" cy=\"").append(cy).append("\" r=\"5\" ")
            .append(r.significant() ? "fill=\"" + r.color() + "\"" : "fill=\"#fff\" stroke-width=\"2\" stroke=\"" + r.color() + "\"")
            .append("><title>").append(esc(r.name() + ": " + Numbers.points(r.estimate())
                + (r.significant() ? ", significant" : ", not significant"))).append("</title></circle>");
      }
      b.append('\n');
    }
    b.append("<text x=\"").append(left + plotW / 2).append("\" y=\"").append(h - 4)
        .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">difference from the control, percentage points</text>\n")
        .append("</svg>\n");
  }

  private static String shorten(String s, int max) {
    String t = s == null ? "" : s;
    return t.length() <= max ? t : t.substring(0, max - 1) + "\u2026";
  }

  /** Linear-interpolated quantile of sorted, non-empty values. */
  static double quantile(List<Double> sorted, double q) {
    double pos = q * (sorted.size() - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(sorted.size() - 1, i + 1);
    return sorted.get(i) + (sorted.get(j) - sorted.get(i)) * (pos - i);
  }

  private static double clampY(double y) {
    return Math.max(TOP, Math.min(H - BOTTOM, y));
  }

  private static boolean finite(Double v) {
    return v != null && !v.isNaN() && !v.isInfinite();
  }
}
