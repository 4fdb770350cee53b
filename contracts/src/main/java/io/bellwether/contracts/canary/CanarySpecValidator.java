package io.bellwether.contracts.canary;

import io.bellwether.contracts.gate.ApprovalGateSpec;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.HealthCheckSpec;
import io.bellwether.contracts.spec.RollingDeploymentSpec;
import io.bellwether.contracts.spec.RollingStrategy;
import io.bellwether.contracts.spec.SmokeCheckSpec;
import io.bellwether.contracts.spec.SpecValidator;
import io.bellwether.contracts.spec.TargetRef;
import io.bellwether.contracts.spec.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structural rules of a {@link CanaryReleaseSpec}. Pure and deterministic: the CLI calls it before
 * starting a run and the workflow calls it again first thing, so a spec that arrives by any path
 * (plain JSON through {@code temporal workflow start}) gets the same answer. Every problem comes
 * back with its field path; names are checked against the worker's configuration separately.
 *
 * <p>The parts a canary shares with a rolling deployment (health and smoke checks, the rollout
 * strategy, drain timeout, approval gates) are judged by {@link SpecValidator} itself, so the two
 * kinds can never disagree on them.
 */
public final class CanarySpecValidator {
  /** The most canary instances a run adds. */
  public static final int MAX_REPLICAS = 10;

  /** A bound on history size and on what a person can follow. */
  public static final int MAX_STEPS = 100;

  /** Measurements per analysis at most: each adds activity calls to the run's history. */
  public static final int MAX_COUNT = 1000;

  /** {@code {{name}}} in a query template, spaces inside the braces allowed. */
  public static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z]*)\\s*}}");

  /** The variables a query template may use (see {@link MetricCheck}). */
  public static final Set<String> TEMPLATE_VARIABLES =
      Set.of(
          "service",
          "version",
          "instances",
          "canaryVersion",
          "stableVersion",
          "canaryInstances",
          "baselineInstances",
          "interval");

  /**
   * Segment values end up as keys of the router's map files: one token, no spaces or quotes, so a
   * value can never change the meaning of the map.
   */
  public static final Pattern SEGMENT_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:+=-]{0,127}");

  private static final Duration MAX_WAIT = Duration.ofHours(24);
  private static final int MAX_QUERY = 4000;

  private CanarySpecValidator() {}

  /** Every problem with the spec, each with its field path; empty when it is valid. */
  public static List<Violation> validate(CanaryReleaseSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("(spec)", "is required"));
      return out;
    }
    for (var field : spec.unknownFields().entrySet()) {
      if (!field.getKey().equals("kind")) {
        unknown(out, "", field.getKey());
      } else if (!CanaryReleaseSpec.KIND.equals(field.getValue())) {
        out.add(
            new Violation(
                "kind", "must be " + CanaryReleaseSpec.KIND + ", got '" + field.getValue() + "'"));
      }
    }
    name(out, "service", spec.service(), true);
    if (spec.version() == null || spec.version().isBlank()) {
      out.add(new Violation("version", "is required"));
    } else if (!SpecValidator.VERSION.matcher(spec.version()).matches()) {
      out.add(
          new Violation(
              "version",
              "must be letters, digits and . _ + - (up to 128), got '" + spec.version() + "'"));
    }
    if (spec.stableVersion() != null && !SpecValidator.VERSION.matcher(spec.stableVersion()).matches()) {
      out.add(
          new Violation(
              "stableVersion",
              "must be letters, digits and . _ + - (up to 128), got '" + spec.stableVersion() + "'"));
    } else if (spec.stableVersion() != null && spec.stableVersion().equals(spec.version())) {
      out.add(new Violation("stableVersion", "is the canary version itself: nothing to compare"));
    }
    target(out, spec);
    if (spec.replicas() != null && (spec.replicas() < 1 || spec.replicas() > MAX_REPLICAS)) {
      out.add(new Violation("replicas", "must be 1 to " + MAX_REPLICAS));
    }
    shared(out, spec);
    List<CanaryStep> steps = spec.steps() == null ? List.of() : spec.steps();
    if (steps.isEmpty()) {
      out.add(
          new Violation(
              "steps", "list at least one step: setWeight, pause, analysis, approval, setHeaderRoute"));
    } else if (steps.size() > MAX_STEPS) {
      out.add(new Violation("steps", "must be at most " + MAX_STEPS));
    }
    for (int i = 0; i < steps.size(); i++) {
      step(out, spec, "steps[" + i + "]", steps.get(i));
    }
    return out;
  }

  private static void target(List<Violation> out, CanaryReleaseSpec spec) {
    CanaryTarget t = spec.target();
    if (t == null) {
      out.add(
          new Violation(
              "target", "is required: router, backend, pool, deployer and metrics by name"));
      return;
    }
    t.unknownFields().keySet().forEach(f -> unknown(out, "target.", f));
    name(out, "target.router", t.router(), true);
    name(out, "target.backend", t.backend(), true);
    name(out, "target.pool", t.pool(), true);
    name(out, "target.deployer", t.deployer(), true);
    name(out, "target.healthCheck", t.healthCheck(), false);
    boolean needsDefault =
        spec.steps() != null
            && spec.steps().stream()
                .anyMatch(
                    s ->
                        s != null
                            && s.analysis() != null
                            && (s.analysis().provider() == null
                                || s.analysis().provider().isBlank()));
    name(out, "target.metrics", t.metrics(), needsDefault);
  }

  private static void shared(List<Violation> out, CanaryReleaseSpec spec) {
    shared(
        out,
        spec.rollout(),
        spec.drainTimeout(),
        spec.healthCheck(),
        spec.smokeCheck(),
        spec.requestedBy());
  }

  /**
   * Health and smoke checks, the rollout, drain timeout and requestedBy, as a rolling deployment
   * judges them: a rolling child gets exactly these, so it must accept them. Problems name the
   * fields as a spec with a {@code rollout} field has them. Shared with the A/B test's validator.
   */
  public static void shared(
      List<Violation> out,
      RollingStrategy rollout,
      String drainTimeout,
      HealthCheckSpec healthCheck,
      SmokeCheckSpec smokeCheck,
      String requestedBy) {
    RollingDeploymentSpec probe =
        new RollingDeploymentSpec(
            "probe",
            "1.0.0",
            new TargetRef("probe", "probe", "probe", null),
            null,
            rollout,
            drainTimeout,
            healthCheck,
            smokeCheck,
            requestedBy);
    for (Violation v : SpecValidator.validate(probe)) {
      out.add(rename(v, "strategy", "rollout"));
    }
  }

  private static void step(List<Violation> out, CanaryReleaseSpec spec, String at, CanaryStep s) {
    if (s == null) {
      out.add(new Violation(at, "is empty: set exactly one of setWeight, pause, analysis, approval, setHeaderRoute"));
      return;
    }
    s.unknownFields().keySet().forEach(f -> unknown(out, at + ".", f));
    if (s.kindsSet() != 1) {
      out.add(
          new Violation(
              at,
              s.kindsSet() == 0
                  ? "set exactly one of setWeight, pause, analysis, approval, setHeaderRoute"
                  : "sets " + s.kindsSet() + " kinds; a step does exactly one thing"));
    }
    if (s.setWeight() != null && (s.setWeight() < 0 || s.setWeight() > 100)) {
      out.add(new Violation(at + ".setWeight", "must be 0 to 100"));
    }
    if (s.pause() != null) {
      s.pause().unknownFields().keySet().forEach(f -> unknown(out, at + ".pause.", f));
      if (s.pause().duration() != null) {
        duration(out, at + ".pause.duration", s.pause().duration(), false);
      }
    }
    if (s.approval() != null) {
      gate(out, at + ".approval", s.approval());
    }
    if (s.setHeaderRoute() != null) {
      segment(out, at + ".setHeaderRoute", s.setHeaderRoute());
    }
    if (s.analysis() != null) {
      analysis(out, at + ".analysis", s.analysis());
    }
  }

  /**
   * The approval gate's own rules, as every other workflow applies them, with problems named under
   * {@code at}; nothing when the gate is absent.
   */
  public static void gate(List<Violation> out, String at, ApprovalGateSpec g) {
    if (g == null) {
      return;
    }
    RollingDeploymentSpec probe =
        new RollingDeploymentSpec(
            "probe",
            "1.0.0",
            new TargetRef("probe", "probe", "probe", null),
            null,
            null,
            null,
            null,
            null,
            null,
            g,
            Map.of());
    for (Violation v : SpecValidator.validate(probe)) {
      out.add(rename(v, "approvalAfterFirstBatch", at));
    }
  }

  private static void segment(List<Violation> out, String at, SegmentRoute r) {
    // Early canary histories carry an "empty" property that SegmentRoute.isEmpty() once made
    // Jackson write (it is @JsonIgnore now); it is not the user's typo.
    r.unknownFields().keySet().stream()
        .filter(f -> !f.equals("empty"))
        .forEach(f -> unknown(out, at + ".", f));
    values(out, at + ".headerValues", r.headerValues());
    values(out, at + ".cookieValues", r.cookieValues());
    values(out, at + ".users", r.users());
  }

  /**
   * Segment values (header, cookie, user ids) at {@code at}: each one {@link #SEGMENT_VALUE} token,
   * none listed twice.
   */
  public static void values(List<Violation> out, String at, List<String> values) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v == null || !SEGMENT_VALUE.matcher(v).matches()) {
        out.add(
            new Violation(
                at + "[" + i + "]",
                "must be one token (letters, digits and . _ @ : + = -, up to 128), got '" + v + "'"));
      } else if (!seen.add(v)) {
        out.add(new Violation(at + "[" + i + "]", "'" + v + "' is listed twice"));
      }
    }
  }

  private static void analysis(List<Violation> out, String at, AnalysisStep a) {
    a.unknownFields().keySet().forEach(f -> unknown(out, at + ".", f));
    name(out, at + ".provider", a.provider(), false);
    Duration interval = duration(out, at + ".interval", a.interval(), false);
    if (interval != null && interval.compareTo(Duration.ofSeconds(1)) < 0) {
      out.add(new Violation(at + ".interval", "must be at least 1s (the provider's resolution)"));
    }
    if (a.count() != null && (a.count() < 1 || a.count() > MAX_COUNT)) {
      out.add(new Violation(at + ".count", "must be 1 to " + MAX_COUNT));
    }
    duration(out, at + ".initialDelay", a.initialDelay(), true);
    if (a.failureLimit() != null && a.failureLimit() < 0) {
      out.add(new Violation(at + ".failureLimit", "must be 0 or more"));
    }
    if (a.consecutiveErrorLimit() != null && a.consecutiveErrorLimit() < 0) {
      out.add(new Violation(at + ".consecutiveErrorLimit", "must be 0 or more"));
    }
    List<MetricCheck> metrics = a.metrics() == null ? List.of() : a.metrics();
    if (metrics.isEmpty()) {
      out.add(new Violation(at + ".metrics", "list at least one metric"));
    }
    Set<String> names = new HashSet<>();
    for (int j = 0; j < metrics.size(); j++) {
      MetricCheck m = metrics.get(j);
      String mAt = at + ".metrics[" + j + "]";
      if (m == null) {
        out.add(new Violation(mAt, "is empty"));
        continue;
      }
      metric(out, mAt, m, a.judge() != null);
      if (m.name() != null && !names.add(m.name())) {
        out.add(new Violation(mAt + ".name", "'" + m.name() + "' is used twice in this analysis"));
      }
    }
    JudgeSpec j = a.judge();
    if (j != null) {
      judge(out, at + ".judge", j, a);
    }
  }

  private static void metric(List<Violation> out, String at, MetricCheck m, boolean judged) {
    m.unknownFields().keySet().forEach(f -> unknown(out, at + ".", f));
    name(out, at + ".name", m.name(), true);
    query(out, at + ".query", m.query(), TEMPLATE_VARIABLES);
    ThresholdRange r = m.thresholdRange();
    if (r != null) {
      if (r.min() == null && r.max() == null) {
        out.add(new Violation(at + ".thresholdRange", "set min, max or both"));
      }
      finite(out, at + ".thresholdRange.min", r.min());
      finite(out, at + ".thresholdRange.max", r.max());
      if (r.min() != null && r.max() != null && r.min() > r.max()) {
        out.add(new Violation(at + ".thresholdRange", "min must not be above max"));
      }
    } else if (!judged) {
      out.add(
          new Violation(
              at + ".thresholdRange",
              "is required when the analysis has no judge: without it the metric decides nothing"));
    }
    String d = m.direction();
    if (d != null
        && !MetricCheck.INCREASE.equals(d)
        && !MetricCheck.DECREASE.equals(d)
        && !MetricCheck.EITHER.equals(d)) {
      out.add(new Violation(at + ".direction", "must be increase, decrease or either, got '" + d + "'"));
    }
    if (m.weight() != null && (!Double.isFinite(m.weight()) || m.weight() <= 0)) {
      out.add(new Violation(at + ".weight", "must be more than 0"));
    }
    if (m.tolerance() != null && (!Double.isFinite(m.tolerance()) || m.tolerance() < 0)) {
      out.add(new Violation(at + ".tolerance", "must be 0 or more (0.1 is 10%)"));
    }
    if (m.absoluteTolerance() != null
        && (!Double.isFinite(m.absoluteTolerance()) || m.absoluteTolerance() < 0)) {
      out.add(new Violation(at + ".absoluteTolerance", "must be 0 or more"));
    }
  }

  private static void judge(List<Violation> out, String at, JudgeSpec j, AnalysisStep a) {
    j.unknownFields().keySet().forEach(f -> unknown(out, at + ".", f));
    if (j.confidence() != null && !(j.confidence() > 0.5 && j.confidence() < 1)) {
      out.add(new Violation(at + ".confidence", "must be above 0.5 and below 1, such as 0.95"));
    }
    boolean marginalOk = percent(out, at + ".marginal", j.marginal());
    boolean passOk = percent(out, at + ".pass", j.pass());
    if (marginalOk && passOk && j.marginalOrDefault() > j.passOrDefault()) {
      out.add(new Violation(at + ".marginal", "must not be above pass"));
    }
    if (j.minSamples() != null && (j.minSamples() < 3 || j.minSamples() > 10_000)) {
      out.add(new Violation(at + ".minSamples", "must be 3 to 10000"));
    }
    Duration step = duration(out, at + ".step", j.step(), false);
    if (step != null && (step.toMillis() % 1000 != 0 || step.isZero())) {
      out.add(new Violation(at + ".step", "must be whole seconds, at least 1s"));
      return;
    }
    Duration interval = Durations.parse(a.intervalOrDefault());
    Duration judgeStep = Durations.parse(j.stepOrDefault());
    if (interval != null && judgeStep != null && !judgeStep.isZero()) {
      long window = interval.toSeconds() * a.countOrDefault();
      long samples = window / Math.max(1, judgeStep.toSeconds());
      if (samples < j.minSamplesOrDefault()) {
        out.add(
            new Violation(
                at + ".minSamples",
                "the analysis window (count × interval = "
                    + window
                    + "s) gives about "
                    + samples
                    + " sample(s) per side at step "
                    + j.stepOrDefault()
                    + ", fewer than "
                    + j.minSamplesOrDefault()
                    + ": the judge could never decide"));
      }
    }
  }

  /**
   * A query template at {@code at}: required, at most 4000 characters, and every {@link
   * #TEMPLATE_VARIABLE} one of {@code variables}.
   */
  public static void query(List<Violation> out, String at, String template, Set<String> variables) {
    if (template == null || template.isBlank()) {
      out.add(new Violation(at, "is required"));
    } else if (template.length() > MAX_QUERY) {
      out.add(new Violation(at, "must be at most " + MAX_QUERY + " characters"));
    } else {
      Matcher v = TEMPLATE_VARIABLE.matcher(template);
      while (v.find()) {
        if (!variables.contains(v.group(1))) {
          out.add(
              new Violation(
                  at,
                  "unknown variable '"
                      + v.group()
                      + "'; known: "
                      + String.join(", ", variables.stream().sorted().toList())));
        }
      }
    }
  }

  private static boolean percent(List<Violation> out, String at, Double v) {
    if (v != null && !(v >= 0 && v <= 100)) {
      out.add(new Violation(at, "must be 0 to 100"));
      return false;
    }
    return true;
  }

  /** A number at {@code at}, when present, must be finite. */
  public static void finite(List<Violation> out, String at, Double v) {
    if (v != null && !Double.isFinite(v)) {
      out.add(new Violation(at, "must be a finite number"));
    }
  }

  private static Violation rename(Violation v, String from, String to) {
    String f = v.field();
    if (f.equals(from) || f.startsWith(from + ".") || f.startsWith(from + "[")) {
      return new Violation(to + f.substring(from.length()), v.reason());
    }
    return v;
  }

  /** {@code prefix + field} is not a field of the model. */
  public static void unknown(List<Violation> out, String prefix, String field) {
    out.add(new Violation(prefix + field, "is not a known field"));
  }

  /** A configured or user-given name ({@link SpecValidator#NAME}) at {@code field}. */
  public static void name(List<Violation> out, String field, String value, boolean required) {
    if (value == null || value.isEmpty()) {
      if (required) {
        out.add(new Violation(field, "is required"));
      }
    } else if (!SpecValidator.NAME.matcher(value).matches()) {
      out.add(
          new Violation(
              field,
              "must be a name (letters, digits, . _ -, up to 63, starting with a letter or digit), got '"
                  + value
                  + "'"));
    }
  }

  private static Duration duration(List<Violation> out, String field, String value, boolean zeroAllowed) {
    if (value == null) {
      return null;
    }
    Duration d = Durations.parse(value);
    if (d == null) {
      out.add(new Violation(field, "must be a duration such as 500ms, 30s, 2m or 1h, got '" + value + "'"));
    } else if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      out.add(new Violation(field, zeroAllowed ? "must not be negative" : "must be longer than 0s"));
      return null;
    } else if (d.compareTo(MAX_WAIT) > 0) {
      out.add(new Violation(field, "must be at most 24h"));
      return null;
    }
    return d;
  }
}
