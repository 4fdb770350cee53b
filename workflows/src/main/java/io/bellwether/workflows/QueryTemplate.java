package io.bellwether.workflows;

import io.bellwether.contracts.canary.CanarySpecValidator;
import io.bellwether.contracts.spec.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Renders metric query templates ({@code {{service}}}, {@code {{instances}}}, ...): a canary
 * analysis's for one side, canary or baseline (see {@code MetricCheck}), and an A/B test's goal and
 * guardrails for one variant. Pure code.
 *
 * <p>Instance sets become a regex alternation of the names ({@code web-1|web-2}) with every regex
 * metacharacter escaped for use inside a PromQL double-quoted string ({@code web\\.1}), which is
 * how a template uses them: {@code bellwether_instance=~"{{instances}}"}. An empty set renders as
 * a pattern that matches no name, so a query about nobody comes back empty (inconclusive) instead
 * of matching every series.
 */
public final class QueryTemplate {
  /** Matches no instance name (names never contain a space). */
  public static final String NO_INSTANCE = "no instance";

  private QueryTemplate() {}

  /**
   * The variables of one side: {@code version} and {@code instances} are that side's, the rest
   * are the same for both.
   */
  public static Map<String, String> variables(
      String service,
      String canaryVersion,
      String stableVersion,
      List<String> canaryInstances,
      List<String> baselineInstances,
      Duration interval,
      boolean canarySide) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("service", service);
    v.put("canaryVersion", canaryVersion);
    v.put("stableVersion", stableVersion);
    v.put("canaryInstances", alternation(canaryInstances));
    v.put("baselineInstances", alternation(baselineInstances));
    v.put("interval", Durations.format(interval));
    v.put("version", canarySide ? canaryVersion : stableVersion);
    v.put("instances", alternation(canarySide ? canaryInstances : baselineInstances));
    return v;
  }

  /**
   * The variables of one A/B test variant: {@code service}, {@code experiment}, {@code variant},
   * {@code version}, {@code instances} (its instances) and {@code interval}.
   */
  public static Map<String, String> variant(
      String service,
      String experiment,
      String variant,
      String version,
      List<String> instances,
      Duration interval) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("service", service);
    v.put("experiment", experiment);
    v.put("variant", variant);
    v.put("version", version);
    v.put("instances", alternation(instances));
    v.put("interval", Durations.format(interval));
    return v;
  }

  /** {@code template} with every known variable replaced; unknown ones are left as written. */
  public static String render(String template, Map<String, String> variables) {
    Matcher m = CanarySpecValidator.TEMPLATE_VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code a|b|c}, each name regex-escaped for a PromQL double-quoted string. */
  public static String alternation(List<String> names) {
    if (names == null || names.isEmpty()) {
      return NO_INSTANCE;
    }
    StringBuilder out = new StringBuilder();
    for (String n : names) {
      if (out.length() > 0) {
        out.append('|');
      }
      for (char c : n.toCharArray()) {
        if ("\\.^$|?*+()[]{}".indexOf(c) >= 0) {
          // One backslash for the regex, doubled because PromQL reads the string first.
          out.append("\\\\");
        }
        out.append(c);
      }
    }
    return out.toString();
  }
}
