package io.bellwether.contracts.abtest;

import io.bellwether.contracts.canary.CanarySpecValidator;
import io.bellwether.contracts.spec.Durations;
import io.bellwether.contracts.spec.SpecValidator;
import io.bellwether.contracts.spec.Violation;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Structural rules of an {@link ABTestSpec}, including whether its plan can reach its sample size
 * in {@code maxDuration}. Pure and deterministic: the CLI calls it before starting a run and the
 * workflow calls it again first thing. Every problem comes back with its field path; names are
 * checked against the worker's configuration separately.
 *
 * <p>Names, segment values, query templates, the confirm gate and the parts a rolling child gets
 * (health and smoke checks, rollout, drain timeout, requestedBy) are judged by the canary's and
 * the rolling deployment's own rules, so the kinds can never disagree on them.
 */
public final class ABTestSpecValidator {
  /** Control plus treatments at most. */
  public static final int MAX_VARIANTS = 5;

  /** Instances per variant at most. */
  public static final int MAX_REPLICAS = 10;

  /** Guardrails at most. */
  public static final int MAX_GUARDRAILS = 10;

  /** Reads of counts at most ({@code maxDuration / interval}): each adds to the run's history. */
  public static final int MAX_READS = 5000;

  /** The variables a goal or guardrail template may use. */
  public static final Set<String> TEMPLATE_VARIABLES =
      Set.of("service", "experiment", "variant", "version", "instances", "interval");

  /** An assignment salt: it becomes part of the sticky cookie's value and of map keys. */
  public static final Pattern SALT = Pattern.compile("[A-Za-z0-9]{1,32}");

  /** The longest a test may collect data. */
  public static final Duration MAX_DURATION = Duration.ofDays(90);

  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private ABTestSpecValidator() {}

  /** Every problem with the spec, each with its field path; empty when it is valid. */
  public static List<Violation> validate(ABTestSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("(spec)", "is required"));
      return out;
    }
    for (var field : spec.unknownFields().entrySet()) {
      if (!field.getKey().equals("kind")) {
        CanarySpecValidator.unknown(out, "", field.getKey());
      } else if (!ABTestSpec.KIND.equals(field.getValue())) {
        out.add(
            new Violation("kind", "must be " + ABTestSpec.KIND + ", got '" + field.getValue() + "'"));
      }
    }
    CanarySpecValidator.name(out, "service", spec.service(), true);
    CanarySpecValidator.name(out, "name", spec.name(), true);
    target(out, spec.target());
    boolean sharesOk = variants(out, spec.variants());
    assignment(out, spec.assignment());
    goal(out, spec.goal());
    guardrails(out, spec.guardrails());
    boolean planOk = plan(out, spec.plan());
    Duration maxDuration = durations(out, spec);
    CanarySpecValidator.gate(out, "confirm", spec.confirm());
    String onWinner = spec.onWinner();
    if (onWinner != null
        && !ABTestSpec.ON_WINNER_ROLLOUT.equals(onWinner)
        && !ABTestSpec.ON_WINNER_REVERT.equals(onWinner)) {
      out.add(new Violation("onWinner", "must be rollout or revert, got '" + onWinner + "'"));
    }
    CanarySpecValidator.shared(
        out,
        spec.rollout(),
        spec.drainTimeout(),
        spec.healthCheck(),
        spec.smokeCheck(),
        spec.requestedBy());
    if (sharesOk && planOk && maxDuration != null) {
      feasible(out, spec, maxDuration);
    }
    return out;
  }

  private static void target(List<Violation> out, ABTestTarget t) {
    if (t == null) {
      out.add(
          new Violation(
              "target", "is required: router, backend, split, deployer and metrics by name"));
      return;
    }
    t.unknownFields().keySet().forEach(f -> CanarySpecValidator.unknown(out, "target.", f));
    CanarySpecValidator.name(out, "target.router", t.router(), true);
    CanarySpecValidator.name(out, "target.backend", t.backend(), true);
    CanarySpecValidator.name(out, "target.split", t.split(), true);
    CanarySpecValidator.name(out, "target.deployer", t.deployer(), true);
    CanarySpecValidator.name(out, "target.healthCheck", t.healthCheck(), false);
    CanarySpecValidator.name(out, "target.metrics", t.metrics(), true);
  }

  /** The variants' rules; true when their count and shares are fit for the sample-size check. */
  private static boolean variants(List<Violation> out, List<Variant> variants) {
    if (variants == null || variants.isEmpty()) {
      out.add(
          new Violation(
              "variants",
              "list 2 to " + MAX_VARIANTS + " variants: the control first, then the treatments"));
      return false;
    }
    boolean countOk = variants.size() >= 2 && variants.size() <= MAX_VARIANTS;
    if (variants.size() < 2) {
      out.add(
          new Violation(
              "variants", "needs a control and at least one treatment, got 1 variant"));
    } else if (variants.size() > MAX_VARIANTS) {
      out.add(
          new Violation(
              "variants",
              "must be at most "
                  + MAX_VARIANTS
                  + " (the control and "
                  + (MAX_VARIANTS - 1)
                  + " treatments), got "
                  + variants.size()));
    }
    Set<String> names = new HashSet<>();
    // Each segment value (per kind) routes to one variant only: the router's maps have one key.
    Map<String, Integer> users = new HashMap<>();
    Map<String, Integer> headerValues = new HashMap<>();
    Map<String, Integer> cookieValues = new HashMap<>();
    int total = 0;
    boolean sharesOk = true;
    for (int i = 0; i < variants.size(); i++) {
      Variant v = variants.get(i);
      String at = "variants[" + i + "]";
      if (v == null) {
        out.add(new Violation(at, "is empty: name, version and share are required"));
        sharesOk = false;
        continue;
      }
      v.unknownFields().keySet().forEach(f -> CanarySpecValidator.unknown(out, at + ".", f));
      CanarySpecValidator.name(out, at + ".name", v.name(), true);
      if (v.name() != null && !names.add(v.name())) {
        out.add(new Violation(at + ".name", "'" + v.name() + "' is used twice"));
      }
      if (v.version() == null || v.version().isBlank()) {
        out.add(new Violation(at + ".version", "is required"));
      } else if (!SpecValidator.VERSION.matcher(v.version()).matches()) {
        out.add(
            new Violation(
                at + ".version",
                "must be letters, digits and . _ + - (up to 128), got '" + v.version() + "'"));
      }
      Integer share = v.share();
      if (share == null) {
        out.add(new Violation(at + ".share", "is required: the percent of users it gets, 1 to 100"));
        sharesOk = false;
      } else if (share == 0) {
        out.add(
            new Violation(
                at + ".share",
                "must be more than 0: a variant without a share gets no randomized users to compare"));
        sharesOk = false;
      } else if (share < 0 || share > 100) {
        out.add(new Violation(at + ".share", "must be 1 to 100, got " + share));
        sharesOk = false;
      } else {
        total += share;
      }
      if (v.replicas() != null && (v.replicas() < 1 || v.replicas() > MAX_REPLICAS)) {
        out.add(new Violation(at + ".replicas", "must be 1 to " + MAX_REPLICAS));
      }
      segments(out, variants, i, at + ".users", v.users(), users);
      segments(out, variants, i, at + ".headerValues", v.headerValues(), headerValues);
      segments(out, variants, i, at + ".cookieValues", v.cookieValues(), cookieValues);
    }
    if (sharesOk && total > 100) {
      out.add(
          new Violation(
              "variants", "shares add up to " + total + "%, more than 100%: lower some shares"));
      sharesOk = false;
    }
    return countOk && sharesOk;
  }

  /**
   * One variant's list of segment values: each a valid token, none twice in the list (as the canary
   * judges them), and none already routed to another variant ({@code owners}: value to variant).
   */
  private static void segments(
      List<Violation> out,
      List<Variant> variants,
      int variant,
      String at,
      List<String> values,
      Map<String, Integer> owners) {
    CanarySpecValidator.values(out, at, values);
    for (int k = 0; k < values.size(); k++) {
      String value = values.get(k);
      if (value == null || !CanarySpecValidator.SEGMENT_VALUE.matcher(value).matches()) {
        continue;
      }
      Integer owner = owners.putIfAbsent(value, variant);
      if (owner != null && owner != variant) {
        Variant o = variants.get(owner);
        String label =
            o.name() == null ? "variants[" + owner + "]" : "variant '" + o.name() + "'";
        out.add(
            new Violation(
                at + "[" + k + "]",
                "'" + value + "' already routes to " + label + ": a value may route to one variant"));
      }
    }
  }

  private static void assignment(List<Violation> out, Assignment a) {
    if (a == null) {
      return;
    }
    a.unknownFields().keySet().forEach(f -> CanarySpecValidator.unknown(out, "assignment.", f));
    String s = a.stickiness();
    if (s != null && !Assignment.HASH.equals(s) && !Assignment.COOKIE.equals(s)) {
      out.add(new Violation("assignment.stickiness", "must be hash or cookie, got '" + s + "'"));
    }
    if (a.salt() != null && !SALT.matcher(a.salt()).matches()) {
      out.add(
          new Violation(
              "assignment.salt", "must be 1 to 32 letters and digits, got '" + a.salt() + "'"));
    }
  }

  private static void goal(List<Violation> out, GoalMetric g) {
    if (g == null) {
      out.add(
          new Violation(
              "goal", "is required: a name and the exposures and conversions query templates"));
      return;
    }
    g.unknownFields().keySet().forEach(f -> CanarySpecValidator.unknown(out, "goal.", f));
    CanarySpecValidator.name(out, "goal.name", g.name(), true);
    CanarySpecValidator.query(out, "goal.exposures", g.exposures(), TEMPLATE_VARIABLES);
    CanarySpecValidator.query(out, "goal.conversions", g.conversions(), TEMPLATE_VARIABLES);
    String d = g.direction();
    if (d != null && !GoalMetric.INCREASE.equals(d) && !GoalMetric.DECREASE.equals(d)) {
      out.add(new Violation("goal.direction", "must be increase or decrease, got '" + d + "'"));
    }
  }

  private static void guardrails(List<Violation> out, List<Guardrail> guardrails) {
    if (guardrails.size() > MAX_GUARDRAILS) {
      out.add(new Violation("guardrails", "must be at most " + MAX_GUARDRAILS));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < guardrails.size(); i++) {
      Guardrail g = guardrails.get(i);
      String at = "guardrails[" + i + "]";
      if (g == null) {
        out.add(new Violation(at, "is empty: name, query and max or min are required"));
        continue;
      }
      g.unknownFields().keySet().forEach(f -> CanarySpecValidator.unknown(out, at + ".", f));
      CanarySpecValidator.name(out, at + ".name", g.name(), true);
      if (g.name() != null && !names.add(g.name())) {
        out.add(new Violation(at + ".name", "'" + g.name() + "' is used twice"));
      }
      CanarySpecValidator.query(out, at + ".query", g.query(), TEMPLATE_VARIABLES);
      if (g.max() == null && g.min() == null) {
        out.add(new Violation(at, "set max, min or both: without a bound it stops nothing"));
      }
      CanarySpecValidator.finite(out, at + ".max", g.max());
      CanarySpecValidator.finite(out, at + ".min", g.min());
      if (g.min() != null
          && g.max() != null
          && Double.isFinite(g.min())
          && Double.isFinite(g.max())
          && !(g.min() < g.max())) {
        out.add(new Violation(at + ".min", "must be below max"));
      }
      if (g.failureLimit() != null && (g.failureLimit() < 1 || g.failureLimit() > 100)) {
        out.add(new Violation(at + ".failureLimit", "must be 1 to 100"));
      }
    }
  }

  /** The plan's rules; true when it is fit for the sample-size check. */
  private static boolean plan(List<Violation> out, StatsPlan p) {
    if (p == null) {
      out.add(
          new Violation(
              "plan",
              "is required: baselineRate, minimumDetectableEffect and expectedExposuresPerMinute"));
      return false;
    }
    int before = out.size();
    p.unknownFields().keySet().forEach(f -> CanarySpecValidator.unknown(out, "plan.", f));
    Double b = p.baselineRate();
    boolean baselineOk = false;
    if (b == null) {
      out.add(
          new Violation(
              "plan.baselineRate", "is required: the control's expected rate, such as 0.05 for 5%"));
    } else if (!(b > 0 && b < 1)) {
      out.add(
          new Violation(
              "plan.baselineRate", "must be above 0 and below 1, such as 0.05 for 5%, got " + b));
    } else {
      baselineOk = true;
    }
    Double m = p.minimumDetectableEffect();
    boolean effectOk = false;
    if (m == null) {
      out.add(
          new Violation(
              "plan.minimumDetectableEffect",
              "is required: the smallest effect worth detecting, such as 0.1 (+10% of the baseline)"));
    } else if (!(m > 0 && Double.isFinite(m))) {
      out.add(new Violation("plan.minimumDetectableEffect", "must be more than 0, got " + m));
    } else {
      effectOk = true;
    }
    String type = p.effectType();
    boolean typeOk = type == null || StatsPlan.RELATIVE.equals(type) || StatsPlan.ABSOLUTE.equals(type);
    if (!typeOk) {
      out.add(new Violation("plan.effectType", "must be relative or absolute, got '" + type + "'"));
    }
    if (baselineOk && effectOk && typeOk) {
      double t = p.targetRate();
      if (!(t > 0 && t < 1)) {
        out.add(
            new Violation(
                "plan.minimumDetectableEffect",
                "puts the target rate at "
                    + number(t)
                    + " ("
                    + (StatsPlan.ABSOLUTE.equals(p.effectTypeOrDefault())
                        ? "baseline + effect"
                        : "baseline × (1 + effect)")
                    + "): it must stay below 1"));
      } else if (t == b) {
        out.add(
            new Violation(
                "plan.minimumDetectableEffect", "is too small to change the baseline rate"));
      }
    }
    Double alpha = p.alpha();
    if (alpha != null && !(alpha > 0 && alpha <= 0.5)) {
      out.add(
          new Violation("plan.alpha", "must be above 0 and at most 0.5, such as 0.05, got " + alpha));
    }
    Double power = p.power();
    if (power != null && !(power >= 0.5 && power < 0.999)) {
      out.add(
          new Violation(
              "plan.power", "must be at least 0.5 and below 0.999, such as 0.8, got " + power));
    }
    String method = p.method();
    if (method != null && !StatsPlan.FIXED.equals(method) && !StatsPlan.SEQUENTIAL.equals(method)) {
      out.add(new Violation("plan.method", "must be fixed or sequential, got '" + method + "'"));
    }
    Double e = p.expectedExposuresPerMinute();
    if (e == null) {
      out.add(
          new Violation(
              "plan.expectedExposuresPerMinute",
              "is required: exposures per minute at 100% share, to check that the plan fits in"
                  + " maxDuration"));
    } else if (!(e > 0 && Double.isFinite(e))) {
      out.add(
          new Violation("plan.expectedExposuresPerMinute", "must be more than 0, got " + e));
    }
    return out.size() == before;
  }

  /** interval, maxDuration and minDuration; maxDuration when all three are valid, else null. */
  private static Duration durations(List<Violation> out, ABTestSpec spec) {
    int before = out.size();
    Duration interval = DEFAULT_INTERVAL;
    boolean intervalOk = true;
    if (spec.interval() != null) {
      interval = parse(out, "interval", spec.interval());
      if (interval != null && interval.compareTo(MIN_INTERVAL) < 0) {
        out.add(new Violation("interval", "must be at least 1s (the provider's resolution)"));
        interval = null;
      }
      intervalOk = interval != null;
    }
    Duration max = null;
    if (spec.maxDuration() == null || spec.maxDuration().isBlank()) {
      out.add(
          new Violation(
              "maxDuration",
              "is required: the longest the test collects data, such as 2h or 168h"));
    } else {
      max = parse(out, "maxDuration", spec.maxDuration());
      if (max != null && max.compareTo(MAX_DURATION) > 0) {
        out.add(new Violation("maxDuration", "must be at most 2160h (90 days)"));
        max = null;
      } else if (max != null && intervalOk && max.compareTo(interval) <= 0) {
        out.add(
            new Violation(
                "maxDuration",
                "must be longer than interval (" + Durations.format(interval) + ")"));
        max = null;
      }
    }
    if (max != null && intervalOk) {
      long reads = max.toMillis() / interval.toMillis();
      if (reads > MAX_READS) {
        out.add(
            new Violation(
                "interval",
                "gives "
                    + String.format(Locale.ROOT, "%,d", reads)
                    + " reads in maxDuration ("
                    + Durations.format(max)
                    + "), more than "
                    + MAX_READS
                    + ": each read adds to the run's history; use a longer interval"));
      }
    }
    if (spec.minDuration() != null) {
      Duration min = parse(out, "minDuration", spec.minDuration());
      if (min != null && max != null && min.compareTo(max) > 0) {
        out.add(
            new Violation(
                "minDuration",
                "must not be longer than maxDuration (" + Durations.format(max) + ")"));
      }
    }
    return out.size() == before ? max : null;
  }

  private static Duration parse(List<Violation> out, String field, String value) {
    Duration d = Durations.parse(value);
    if (d == null) {
      out.add(
          new Violation(
              field, "must be a duration such as 30s, 10m or 2h, got '" + value + "'"));
    } else if (d.isNegative()) {
      out.add(new Violation(field, "must not be negative"));
      return null;
    }
    return d;
  }

  /**
   * Refuses a plan that cannot reach its sample size in {@code maxDuration}: the slowest variant
   * (the smallest share) decides how long the test takes.
   */
  private static void feasible(List<Violation> out, ABTestSpec spec, Duration maxDuration) {
    List<Variant> variants = spec.variants();
    int[] shares = variants.stream().mapToInt(Variant::shareOrZero).toArray();
    StatsPlan plan = spec.plan();
    SamplePlan p = SampleSize.plan(plan, variants.size() - 1, shares);
    double maxMinutes = maxDuration.toMillis() / 60_000.0;
    if (!(p.expectedMinutes() > maxMinutes)) {
      return;
    }
    int slowest = 0;
    for (int i = 1; i < shares.length; i++) {
      if (shares[i] < shares[slowest]) {
        slowest = i;
      }
    }
    Function<Double, String> minutes =
        m -> String.format(Locale.ROOT, "%,d", (long) Math.ceil(m)) + " min";
    out.add(
        new Violation(
            "plan",
            "needs "
                + String.format(Locale.ROOT, "%,d", p.perVariant())
                + " exposures per variant (alpha "
                + number(p.alphaPerComparison())
                + " per comparison, power "
                + number(p.power())
                + ", baseline "
                + number(p.baselineRate())
                + " → target "
                + number(p.targetRate())
                + "); at "
                + number(plan.expectedExposuresPerMinute())
                + "/min the slowest variant ("
                + (variants.get(slowest).name() == null
                    ? "variants[" + slowest + "]"
                    : variants.get(slowest).name())
                + ", "
                + shares[slowest]
                + "%) needs about "
                + minutes.apply(p.expectedMinutes())
                + roughly(p.expectedMinutes())
                + " but maxDuration is "
                + Durations.format(maxDuration)
                + " ("
                + minutes.apply(maxMinutes)
                + "): raise the shares, the traffic or maxDuration, or accept a larger"
                + " minimumDetectableEffect"));
  }

  /** Long spans again in hours or days, so that a person sees how far off the plan is. */
  private static String roughly(double minutes) {
    if (minutes >= 2 * 24 * 60) {
      return String.format(Locale.ROOT, " (%,.1f days)", minutes / (24 * 60));
    }
    if (minutes >= 120) {
      return String.format(Locale.ROOT, " (%.1fh)", minutes / 60);
    }
    return "";
  }

  /** Four significant digits without trailing zeros ({@code 0.12}, {@code 0.025}); 1,234 above. */
  private static String number(double x) {
    if (!Double.isFinite(x)) {
      return String.valueOf(x);
    }
    if (Math.abs(x) >= 1000) {
      return String.format(Locale.ROOT, "%,d", Math.round(x));
    }
    return new BigDecimal(x).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
