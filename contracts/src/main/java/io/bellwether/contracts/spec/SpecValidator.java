package io.bellwether.contracts.spec;

import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.bluegreen.BlueGreenTarget;
import io.bellwether.contracts.bluegreen.BlueRetentionSpec;
import io.bellwether.contracts.bluegreen.TrafficShiftSpec;
import io.bellwether.contracts.gate.ApprovalGateSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Structural rules of a spec. Pure and deterministic: the CLI calls it before starting a run, and
 * the workflow calls it again first thing, so a spec that arrives by any path is checked. Names
 * are checked against the worker's configuration separately, by an activity.
 */
public final class SpecValidator {
  /** Names of services, instances, routers, backends, deployers: no paths, no spaces, no shell. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  /** Versions as release tools write them: 1.2.3, 2.0.0-rc.1, 1.0+build.5. */
  public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");

  private static final Pattern HTTP_PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@/%?-]*");
  private static final Duration MAX_WAIT = Duration.ofHours(24);

  private SpecValidator() {}

  /** Every problem with the spec; empty when it is valid. */
  public static List<Violation> validate(RollingDeploymentSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("(spec)", "is required"));
      return out;
    }
    topLevel(out, spec.unknownFields(), SpecLoader.KIND_ROLLING, spec.service(), spec.version());
    TargetRef t = spec.target();
    if (t == null) {
      out.add(new Violation("target", "is required: router, backend and deployer by name"));
    } else {
      t.unknownFields().keySet().forEach(f -> unknown(out, "target.", f));
      name(out, "target.router", t.router(), true);
      name(out, "target.backend", t.backend(), true);
      name(out, "target.deployer", t.deployer(), true);
      name(out, "target.healthCheck", t.healthCheck(), false);
    }
    List<String> instances = spec.instances();
    if (instances != null) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < instances.size(); i++) {
        String field = "instances[" + i + "]";
        name(out, field, instances.get(i), true);
        if (instances.get(i) != null && !seen.add(instances.get(i))) {
          out.add(new Violation(field, "'" + instances.get(i) + "' is listed twice"));
        }
      }
    }
    RollingStrategy s = spec.strategy();
    if (s != null) {
      s.unknownFields().keySet().forEach(f -> unknown(out, "strategy.", f));
      IntOrPercent mu = s.maxUnavailable();
      if (mu != null) {
        Integer n = mu.number();
        if (n == null) {
          out.add(
              new Violation(
                  "strategy.maxUnavailable",
                  "must be a whole number or a percentage such as 25%, got '" + mu.raw() + "'"));
        } else if (mu.isPercent() && (n < 1 || n > 100)) {
          out.add(new Violation("strategy.maxUnavailable", "percentage must be 1% to 100%"));
        } else if (!mu.isPercent() && n < 1) {
          out.add(new Violation("strategy.maxUnavailable", "must be at least 1"));
        }
      }
      duration(out, "strategy.bakeTime", s.bakeTime(), true);
      if (s.failureLimit() != null && s.failureLimit() < 0) {
        out.add(new Violation("strategy.failureLimit", "must be 0 or more"));
      }
    }
    duration(out, "drainTimeout", spec.drainTimeout(), false);
    healthCheck(out, spec.healthCheck());
    smokeCheck(out, spec.smokeCheck());
    requestedBy(out, spec.requestedBy());
    gate(out, "approvalAfterFirstBatch", spec.approvalAfterFirstBatch());
    return out;
  }

  /** Every problem with a blue-green spec; empty when it is valid. */
  public static List<Violation> validate(BlueGreenDeploymentSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("(spec)", "is required"));
      return out;
    }
    topLevel(out, spec.unknownFields(), SpecLoader.KIND_BLUE_GREEN, spec.service(), spec.version());
    BlueGreenTarget t = spec.target();
    if (t == null) {
      out.add(new Violation("target", "is required: router, pool and deployer by name"));
    } else {
      t.unknownFields().keySet().forEach(f -> unknown(out, "target.", f));
      name(out, "target.router", t.router(), true);
      name(out, "target.pool", t.pool(), true);
      name(out, "target.deployer", t.deployer(), true);
      name(out, "target.healthCheck", t.healthCheck(), false);
    }
    if (spec.replicas() != null && (spec.replicas() < 1 || spec.replicas() > 50)) {
      out.add(new Violation("replicas", "must be 1 to 50"));
    }
    healthCheck(out, spec.healthCheck());
    smokeCheck(out, spec.smokeCheck());
    gate(out, "approval", spec.approval());
    TrafficShiftSpec shift = spec.trafficShift();
    if (shift != null) {
      shift.unknownFields().keySet().forEach(f -> unknown(out, "trafficShift.", f));
      List<Integer> steps = shift.steps() == null ? List.of() : shift.steps();
      if (steps.isEmpty()) {
        out.add(new Violation("trafficShift.steps", "list at least one percentage, ending at 100"));
      }
      int previous = 0;
      for (int i = 0; i < steps.size(); i++) {
        Integer step = steps.get(i);
        if (step == null || step < 1 || step > 100) {
          out.add(new Violation("trafficShift.steps[" + i + "]", "must be 1 to 100"));
        } else if (step <= previous) {
          out.add(new Violation("trafficShift.steps[" + i + "]", "must be higher than the step before"));
        } else {
          previous = step;
        }
      }
      if (!steps.isEmpty() && !Integer.valueOf(100).equals(steps.get(steps.size() - 1))) {
        out.add(new Violation("trafficShift.steps", "must end at 100"));
      }
      duration(out, "trafficShift.interval", shift.interval(), false);
    }
    duration(out, "watchWindow", spec.watchWindow(), true);
    BlueRetentionSpec r = spec.blueRetention();
    if (r != null) {
      r.unknownFields().keySet().forEach(f -> unknown(out, "blueRetention.", f));
      if (r.mode() != null
          && !BlueRetentionSpec.SCALE_DOWN.equals(r.mode())
          && !BlueRetentionSpec.KEEP_IDLE.equals(r.mode())) {
        out.add(new Violation("blueRetention.mode", "must be scaleDown or keepIdle, got '" + r.mode() + "'"));
      }
      duration(out, "blueRetention.scaleDownDelay", r.scaleDownDelay(), true);
    }
    requestedBy(out, spec.requestedBy());
    return out;
  }

  /** Throws {@link InvalidSpecException} listing every problem, or returns the spec unchanged. */
  public static RollingDeploymentSpec requireValid(RollingDeploymentSpec spec) {
    List<Violation> v = validate(spec);
    if (!v.isEmpty()) {
      throw new InvalidSpecException(v);
    }
    return spec;
  }

  static void healthCheck(List<Violation> out, HealthCheckSpec h) {
    if (h == null) {
      return;
    }
    h.unknownFields().keySet().forEach(f -> unknown(out, "healthCheck.", f));
    path(out, "healthCheck.path", h.path(), false);
    if (h.successThreshold() != null && (h.successThreshold() < 1 || h.successThreshold() > 100)) {
      out.add(new Violation("healthCheck.successThreshold", "must be 1 to 100"));
    }
    Duration period = duration(out, "healthCheck.period", h.period(), false);
    Duration timeout = duration(out, "healthCheck.timeout", h.timeout(), false);
    if (period != null && timeout != null && period.compareTo(timeout) > 0) {
      out.add(new Violation("healthCheck.period", "must not be longer than healthCheck.timeout"));
    }
  }

  static void smokeCheck(List<Violation> out, SmokeCheckSpec smoke) {
    if (smoke == null) {
      return;
    }
    smoke.unknownFields().keySet().forEach(f -> unknown(out, "smokeCheck.", f));
    path(out, "smokeCheck.path", smoke.path(), true);
    if (smoke.expectStatus() != null && (smoke.expectStatus() < 100 || smoke.expectStatus() > 599)) {
      out.add(new Violation("smokeCheck.expectStatus", "must be an HTTP status, 100 to 599"));
    }
  }

  /**
   * What every spec has at its top: no unknown fields ({@code kind}, when a document carries it,
   * must name this spec's kind), a service name and a version.
   */
  private static void topLevel(
      List<Violation> out, Map<String, Object> unknownFields, String kind, String service, String version) {
    for (var field : unknownFields.entrySet()) {
      if (!field.getKey().equals("kind")) {
        unknown(out, "", field.getKey());
      } else if (!kind.equals(field.getValue())) {
        out.add(new Violation("kind", "must be " + kind + ", got '" + field.getValue() + "'"));
      }
    }
    name(out, "service", service, true);
    version(out, version);
  }

  static void version(List<Violation> out, String version) {
    if (version == null || version.isBlank()) {
      out.add(new Violation("version", "is required"));
    } else if (!VERSION.matcher(version).matches()) {
      out.add(
          new Violation(
              "version", "must be letters, digits and . _ + - (up to 128), got '" + version + "'"));
    }
  }

  static void requestedBy(List<Violation> out, String requestedBy) {
    if (requestedBy != null && requestedBy.length() > 128) {
      out.add(new Violation("requestedBy", "must be at most 128 characters"));
    }
  }

  /** Rules of an approval gate at {@code field}; nothing when the gate is absent. */
  static void gate(List<Violation> out, String field, ApprovalGateSpec g) {
    if (g == null) {
      return;
    }
    g.unknownFields().keySet().forEach(f -> unknown(out, field + ".", f));
    for (int i = 0; i < g.approversOrEmpty().size(); i++) {
      name(out, field + ".approvers[" + i + "]", g.approversOrEmpty().get(i), true);
    }
    for (int i = 0; i < g.approverGroupsOrEmpty().size(); i++) {
      name(out, field + ".approverGroups[" + i + "]", g.approverGroupsOrEmpty().get(i), true);
    }
    if (g.approversOrEmpty().isEmpty() && g.approverGroupsOrEmpty().isEmpty()) {
      out.add(new Violation(field + ".approvers", "name at least one approver or approverGroup"));
    }
    if (g.requiredApprovals() != null && (g.requiredApprovals() < 1 || g.requiredApprovals() > 20)) {
      out.add(new Violation(field + ".requiredApprovals", "must be 1 to 20"));
    }
    duration(out, field + ".timeout", g.timeout(), false);
    if (g.onTimeout() != null
        && !ApprovalGateSpec.ABORT.equals(g.onTimeout())
        && !ApprovalGateSpec.PROCEED.equals(g.onTimeout())) {
      out.add(new Violation(field + ".onTimeout", "must be abort or proceed, got '" + g.onTimeout() + "'"));
    }
  }

  static void unknown(List<Violation> out, String prefix, String field) {
    out.add(new Violation(prefix + field, "is not a known field"));
  }

  static void name(List<Violation> out, String field, String value, boolean required) {
    if (value == null || value.isEmpty()) {
      if (required) {
        out.add(new Violation(field, "is required"));
      }
    } else if (!NAME.matcher(value).matches()) {
      out.add(
          new Violation(
              field,
              "must be a name (letters, digits, . _ -, up to 63, starting with a letter or digit), got '"
                  + value
                  + "'"));
    }
  }

  static Duration duration(
      List<Violation> out, String field, String value, boolean zeroAllowed) {
    if (value == null) {
      return null;
    }
    Duration d = Durations.parse(value);
    if (d == null) {
      out.add(new Violation(field, "must be a duration such as 500ms, 30s, 2m or 1h, got '" + value + "'"));
    } else if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      out.add(new Violation(field, zeroAllowed ? "must not be negative" : "must be longer than 0s"));
    } else if (d.compareTo(MAX_WAIT) > 0) {
      out.add(new Violation(field, "must be at most 24h"));
    }
    return d;
  }

  static void path(List<Violation> out, String field, String value, boolean required) {
    if (value == null) {
      if (required) {
        out.add(new Violation(field, "is required"));
      }
    } else if (!HTTP_PATH.matcher(value).matches() || value.startsWith("//")) {
      out.add(new Violation(field, "must be a path on the instance starting with /, got '" + value + "'"));
    }
  }
}
