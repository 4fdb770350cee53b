package io.bellwether.contracts.chaos;

import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a chaos spec on its own (names against the configuration are checked by {@link
 * ChaosActivities#checkExperiment}). Returns every problem with its field path; empty when valid.
 */
public final class ChaosSpecValidator {
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  public static final int MAX_FAULTS = 20;
  public static final int MAX_STEPS = 10;
  public static final int MAX_PROBES = 20;
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_INTERVAL = Duration.ofMinutes(10);
  private static final Duration MAX_FAULT = Duration.ofHours(6);

  private ChaosSpecValidator() {}

  public static List<Violation> validate(ChaosExperimentSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("(spec)", "missing"));
      return out;
    }
    unknown("", spec.unknownFields(), out);
    name("service", spec.service(), out);
    name("name", spec.name(), out);
    duration("baseline", spec.baseline(), Duration.ZERO, Duration.ofHours(1), out);
    duration("interval", spec.interval(), MIN_INTERVAL, MAX_INTERVAL, out);
    duration("recoveryTimeout", spec.recoveryTimeout(), Duration.ZERO, Duration.ofHours(1), out);
    duration("grace", spec.grace(), Duration.ZERO, Duration.ofHours(1), out);
    if (spec.probes() == null || spec.probes().isEmpty()) {
      out.add(new Violation("probes", "at least one steady-state probe is required"));
    } else if (spec.probes().size() > MAX_PROBES) {
      out.add(new Violation("probes", "at most " + MAX_PROBES));
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < spec.probes().size(); i++) {
        probe("probes[" + i + "]", spec.probes().get(i), seen, out);
      }
    }
    if (spec.faults() == null || spec.faults().isEmpty()) {
      out.add(new Violation("faults", "at least one fault is required"));
    } else if (spec.faults().size() > MAX_FAULTS) {
      out.add(new Violation("faults", "at most " + MAX_FAULTS));
    } else {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < spec.faults().size(); i++) {
        fault("faults[" + i + "]", spec.faults().get(i), i, ids, out);
      }
    }
    Set<String> guards = new HashSet<>();
    for (int i = 0; i < spec.guardrails().size(); i++) {
      StopCondition g = spec.guardrails().get(i);
      String p = "guardrails[" + i + "]";
      if (g == null) {
        out.add(new Violation(p, "empty"));
        continue;
      }
      unknown(p + ".", g.unknownFields(), out);
      if (name(p + ".name", g.name(), out) && !guards.add(g.name())) {
        out.add(new Violation(p + ".name", "'" + g.name() + "' is used twice"));
      }
      if (g.query() == null || g.query().isBlank()) {
        out.add(new Violation(p + ".query", "required (PromQL)"));
      }
      range(p, g.min(), g.max(), out);
      if (g.failureLimit() != null && (g.failureLimit() < 1 || g.failureLimit() > 100)) {
        out.add(new Violation(p + ".failureLimit", "must be 1 to 100"));
      }
    }
    ErrorBudgetSpec b = spec.errorBudget();
    if (b != null) {
      unknown("errorBudget.", b.unknownFields(), out);
      if (b.maxFailedRequests() == null && b.maxFailedRatio() == null) {
        out.add(new Violation("errorBudget", "give maxFailedRequests, maxFailedRatio or both"));
      }
      if (b.maxFailedRequests() != null && b.maxFailedRequests() < 0) {
        out.add(new Violation("errorBudget.maxFailedRequests", "must be 0 or more"));
      }
      if (b.maxFailedRatio() != null && !(b.maxFailedRatio() > 0 && b.maxFailedRatio() <= 1)) {
        out.add(new Violation("errorBudget.maxFailedRatio", "must be above 0 and at most 1"));
      }
    }
    if (spec.approval() != null) {
      unknown("approval.", spec.approval().unknownFields(), out);
    }
    return out;
  }

  private static void probe(String p, ProbeSpec probe, Set<String> seen, List<Violation> out) {
    if (probe == null) {
      out.add(new Violation(p, "empty"));
      return;
    }
    unknown(p + ".", probe.unknownFields(), out);
    if (name(p + ".name", probe.name(), out) && !seen.add(probe.name())) {
      out.add(new Violation(p + ".name", "'" + probe.name() + "' is used twice"));
    }
    String type = probe.type();
    if (!ProbeSpec.HTTP.equals(type)
        && !ProbeSpec.PROMETHEUS.equals(type)
        && !ProbeSpec.SERVERS.equals(type)) {
      out.add(new Violation(p + ".type", "must be http, prometheus or servers"));
    } else if (ProbeSpec.HTTP.equals(type)) {
      if (probe.endpoint() == null || probe.endpoint().isBlank()) {
        out.add(new Violation(p + ".endpoint", "required for http (a configured endpoint name)"));
      }
      if (probe.query() != null) {
        out.add(new Violation(p + ".query", "only for prometheus probes"));
      }
    } else if (ProbeSpec.PROMETHEUS.equals(type)) {
      if (probe.query() == null || probe.query().isBlank()) {
        out.add(new Violation(p + ".query", "required for prometheus (PromQL)"));
      }
      if (probe.endpoint() != null) {
        out.add(new Violation(p + ".endpoint", "only for http probes"));
      }
    } else if (probe.endpoint() != null || probe.query() != null) {
      out.add(new Violation(p, "a servers probe takes no endpoint or query"));
    }
    if (probe.tolerance() == null) {
      out.add(new Violation(p + ".tolerance", "required: the steady state (min, max, status)"));
    } else {
      tolerance(p + ".tolerance", probe.tolerance(), ProbeSpec.HTTP.equals(type), out);
    }
    if (probe.duringFault() != null) {
      tolerance(p + ".duringFault", probe.duringFault(), ProbeSpec.HTTP.equals(type), out);
    }
  }

  private static void tolerance(String p, Tolerance t, boolean http, List<Violation> out) {
    if (t.min() == null && t.max() == null && t.status() == null) {
      out.add(new Violation(p, "give min, max" + (http ? " or status" : " or both")));
    }
    if (t.status() != null && !http) {
      out.add(new Violation(p + ".status", "only for http probes"));
    }
    if (t.status() != null) {
      for (Integer s : t.status()) {
        if (s == null || s < 100 || s > 599) {
          out.add(new Violation(p + ".status", "HTTP statuses are 100 to 599, got " + s));
        }
      }
    }
    range(p, t.min(), t.max(), out);
  }

  private static void range(String p, Double min, Double max, List<Violation> out) {
    if (min != null && max != null && min > max) {
      out.add(new Violation(p, "min " + min + " is above max " + max));
    }
    if ((min != null && min.isNaN()) || (max != null && max.isNaN())) {
      out.add(new Violation(p, "bounds must be numbers"));
    }
  }

  private static void fault(String p, FaultSpec f, int i, Set<String> ids, List<Violation> out) {
    if (f == null) {
      out.add(new Violation(p, "empty"));
      return;
    }
    unknown(p + ".", f.unknownFields(), out);
    String id = f.idOr(i);
    if (f.id() != null && !NAME.matcher(f.id()).matches()) {
      out.add(new Violation(p + ".id", "letters, digits, . _ - (up to 63)"));
    } else if (!ids.add(id)) {
      out.add(new Violation(p + ".id", "'" + id + "' is used twice"));
    }
    name(p + ".injector", f.injector(), out);
    if (f.duration() == null || f.duration().isBlank()) {
      out.add(new Violation(p + ".duration", "required (1s to 6h)"));
    } else {
      duration(p + ".duration", f.duration(), Duration.ofSeconds(1), MAX_FAULT, out);
    }
    if (f.steps() != null && f.targets() != null) {
      out.add(new Violation(p, "give targets or steps, not both"));
    }
    if (f.steps() != null) {
      if (f.steps().isEmpty() || f.steps().size() > MAX_STEPS) {
        out.add(new Violation(p + ".steps", "1 to " + MAX_STEPS + " steps"));
      }
      for (int k = 0; k < f.steps().size(); k++) {
        selector(p + ".steps[" + k + "]", f.steps().get(k), out);
      }
    } else if (f.targets() != null) {
      selector(p + ".targets", f.targets(), out);
    }
    for (Map.Entry<String, String> m : f.magnitude().entrySet()) {
      if (!NAME.matcher(m.getKey()).matches()) {
        out.add(new Violation(p + ".magnitude." + m.getKey(), "setting names are letters, digits, . _ -"));
      }
      if (m.getValue() == null || m.getValue().length() > 64) {
        out.add(new Violation(p + ".magnitude." + m.getKey(), "a value of 1 to 64 characters"));
      }
    }
  }

  private static void selector(String p, TargetSelector s, List<Violation> out) {
    if (s == null) {
      out.add(new Violation(p, "empty"));
      return;
    }
    unknown(p + ".", s.unknownFields(), out);
    if (s.count() != null && s.percent() != null) {
      out.add(new Violation(p, "give count or percent, not both"));
    }
    if (s.count() != null && s.count() < 1) {
      out.add(new Violation(p + ".count", "must be 1 or more"));
    }
    if (s.percent() != null && (s.percent() < 1 || s.percent() > 100)) {
      out.add(new Violation(p + ".percent", "must be 1 to 100"));
    }
    if (s.names() != null) {
      if (s.names().isEmpty()) {
        out.add(new Violation(p + ".names", "must not be empty"));
      }
      for (int k = 0; k < s.names().size(); k++) {
        name(p + ".names[" + k + "]", s.names().get(k), out);
      }
    }
    if (s.zone() != null) {
      name(p + ".zone", s.zone(), out);
    }
  }

  private static boolean name(String field, String value, List<Violation> out) {
    if (value == null || value.isBlank()) {
      out.add(new Violation(field, "required"));
      return false;
    }
    if (!NAME.matcher(value).matches()) {
      out.add(new Violation(field, "letters, digits, . _ - (up to 63), not '" + value + "'"));
      return false;
    }
    return true;
  }

  private static Duration duration(
      String field, String text, Duration min, Duration max, List<Violation> out) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Duration d = Durations.parse(text);
    if (d == null) {
      out.add(new Violation(field, "not a duration: '" + text + "' (like 30s, 5m, 1h)"));
      return null;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      out.add(new Violation(field, "must be " + Durations.format(min) + " to " + Durations.format(max)));
      return null;
    }
    return d;
  }

  private static void unknown(String prefix, Map<String, Object> fields, List<Violation> out) {
    for (String k : new java.util.TreeSet<>(fields.keySet())) {
      out.add(new Violation(prefix + k, "unknown field"));
    }
  }
}
