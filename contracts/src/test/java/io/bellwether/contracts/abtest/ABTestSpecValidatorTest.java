package io.bellwether.contracts.abtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The A/B test spec rules: every problem with its field path, all at once. */
class ABTestSpecValidatorTest {
  static final String GOOD =
      """
      kind: ABTest
      service: shop
      name: checkout-button
      hypothesis: A green button sells more
      requestedBy: alice
      target: {router: edge, backend: shop, split: shop_ab, deployer: local, healthCheck: http, metrics: prom}
      variants:
        - {name: control, version: 1.0.0, share: 40, users: [qa-1], headerValues: [beta-a]}
        - {name: green, version: 1.1.0-green, share: 40, replicas: 2, users: [qa-2], cookieValues: [green-c]}
      assignment: {stickiness: hash, salt: s1}
      goal:
        name: checkout
        exposures: sum(ab_exposures_total{instance=~"{{instances}}",randomized="true"})
        conversions: sum(ab_conversions_total{instance=~"{{instances}}",randomized="true"})
        direction: increase
      guardrails:
        - name: error-ratio
          query: sum(rate(http_server_requests_total{instance=~"{{instances}}",status=~"5.."}[{{interval}}]))
          max: 0.05
          failureLimit: 2
        - name: p95-latency
          query: max(x{service="{{service}}",experiment="{{experiment}}",variant="{{variant}}",version="{{ version }}"})
          max: 0.5
          min: 0
      plan: {baselineRate: 0.1, minimumDetectableEffect: 0.2, effectType: relative, alpha: 0.05, power: 0.8, expectedExposuresPerMinute: 600, method: fixed}
      interval: 10s
      maxDuration: 2h
      minDuration: 5m
      confirm: {approvers: [bob]}
      onWinner: rollout
      rollout: {maxUnavailable: 1}
      drainTimeout: 10s
      healthCheck: {path: /health}
      """;

  private static final String FEASIBILITY_ADVICE =
      "raise the shares, the traffic or maxDuration, or accept a larger minimumDetectableEffect";

  static ABTestSpec load(String text) {
    return SpecLoader.abTest(text);
  }

  /** The problems of {@code text}, through the loader a CLI uses. */
  static List<Violation> problems(String text) {
    try {
      SpecLoader.abTest(text);
      return List.of();
    } catch (InvalidSpecException e) {
      return e.violations();
    }
  }

  static String replace(String from, String to) {
    assertTrue(GOOD.contains(from), "GOOD has no '" + from + "'");
    assertEquals(GOOD.indexOf(from), GOOD.lastIndexOf(from), "'" + from + "' is not unique in GOOD");
    return GOOD.replace(from, to);
  }

  @Test
  void aGoodSpecIsValidByEveryPath() throws Exception {
    ABTestSpec spec = load(GOOD);

    assertEquals(List.of(), ABTestSpecValidator.validate(spec));
    // The plain JSON workflow input, read without the loader (kind included), gets the same answer.
    String json = SpecLoader.toJson(spec).replaceFirst("\\{", "{\"kind\":\"ABTest\",");
    assertEquals(List.of(), ABTestSpecValidator.validate(new ObjectMapper().readValue(json, ABTestSpec.class)));
  }

  @Test
  void theLeastASpecNeedsIsValid() {
    String minimal =
        """
        service: shop
        name: t
        target: {router: edge, backend: shop, split: shop_ab, deployer: local, metrics: prom}
        variants: [{name: a, version: "1", share: 50}, {name: b, version: "2", share: 50}]
        goal: {name: buy, exposures: sum(e), conversions: sum(c)}
        plan: {baselineRate: 0.5, minimumDetectableEffect: 0.5, expectedExposuresPerMinute: 10}
        maxDuration: 1h
        """;

    assertEquals(List.of(), problems(minimal));
  }

  @Test
  void aNullSpecIsOneProblem() {
    assertEquals(List.of(new Violation("(spec)", "is required")), ABTestSpecValidator.validate(null));
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        // unknown fields, everywhere
        arguments("onWinner: rollout", "onWinner: rollout\ncolour: red", "colour", "not a known field"),
        arguments("metrics: prom}", "metrics: prom, zone: a}", "target.zone", "not a known field"),
        arguments("replicas: 2,", "replicas: 2, weight: 3,", "variants[1].weight", "not a known field"),
        arguments("salt: s1}", "salt: s1, seed: 3}", "assignment.seed", "not a known field"),
        arguments("direction: increase", "direction: increase\n  unit: users", "goal.unit", "not a known field"),
        arguments("failureLimit: 2", "failureLimit: 2\n    window: 5m", "guardrails[0].window", "not a known field"),
        arguments("method: fixed}", "method: fixed, tails: 2}", "plan.tails", "not a known field"),
        arguments("approvers: [bob]}", "approvers: [bob], quorum: 1}", "confirm.quorum", "not a known field"),
        // names
        arguments("service: shop", "service: my shop", "service", "must be a name"),
        arguments("name: checkout-button", "name: ''", "name", "is required"),
        arguments("name: checkout-button", "name: ../etc", "name", "must be a name"),
        arguments("router: edge", "router: 127.0.0.1:80", "target.router", "must be a name"),
        arguments("split: shop_ab, ", "", "target.split", "is required"),
        arguments("deployer: local, ", "", "target.deployer", "is required"),
        arguments("backend: shop, ", "backend: '', ", "target.backend", "is required"),
        arguments(", metrics: prom}", "}", "target.metrics", "is required"),
        arguments("healthCheck: http", "healthCheck: h t t p", "target.healthCheck", "must be a name"),
        // variants
        arguments(
            "  - {name: green, version: 1.1.0-green, share: 40, replicas: 2, users: [qa-2], cookieValues: [green-c]}\n",
            "",
            "variants",
            "at least one treatment"),
        arguments("name: green,", "name: control,", "variants[1].name", "'control' is used twice"),
        arguments("name: green,", "name: gr/een,", "variants[1].name", "must be a name"),
        arguments("version: 1.1.0-green, ", "", "variants[1].version", "is required"),
        arguments("version: 1.1.0-green,", "version: 1.1 green,", "variants[1].version", "letters, digits"),
        arguments("share: 40, replicas", "share: 0, replicas", "variants[1].share", "more than 0"),
        arguments("share: 40, replicas", "share: 101, replicas", "variants[1].share", "1 to 100"),
        arguments("share: 40, replicas", "share: -5, replicas", "variants[1].share", "1 to 100"),
        arguments("share: 40, replicas", "replicas", "variants[1].share", "is required"),
        arguments("share: 40, users", "share: 70, users", "variants", "shares add up to 110%"),
        arguments("replicas: 2,", "replicas: 11,", "variants[1].replicas", "1 to 10"),
        arguments("replicas: 2,", "replicas: 0,", "variants[1].replicas", "1 to 10"),
        arguments("users: [qa-2]", "users: [qa 2]", "variants[1].users[0]", "one token"),
        arguments("users: [qa-1]", "users: [qa-1, qa-1]", "variants[0].users[1]", "listed twice"),
        arguments("users: [qa-2]", "users: [qa-1]", "variants[1].users[0]", "already routes to variant 'control'"),
        arguments(
            "cookieValues: [green-c]",
            "cookieValues: [green-c], headerValues: [beta-a]",
            "variants[1].headerValues[0]",
            "already routes to variant 'control'"),
        arguments("cookieValues: [green-c]", "cookieValues: ['a;b']", "variants[1].cookieValues[0]", "one token"),
        // assignment
        arguments("stickiness: hash", "stickiness: session", "assignment.stickiness", "hash or cookie"),
        arguments("salt: s1}", "salt: s-1}", "assignment.salt", "letters and digits"),
        arguments("salt: s1}", "salt: " + "s".repeat(33) + "}", "assignment.salt", "1 to 32"),
        // goal
        arguments("  name: checkout\n", "", "goal.name", "is required"),
        arguments("  exposures: sum", "  exposure: sum", "goal.exposures", "is required"),
        arguments(
            "conversions: sum(ab_conversions_total{instance=~\"{{instances}}\"",
            "conversions: sum(ab_conversions_total{instance=~\"{{canaryInstances}}\"",
            "goal.conversions",
            "unknown variable '{{canaryInstances}}'"),
        arguments(
            "conversions: sum(",
            "conversions: sum(" + "x".repeat(4001) + " + ",
            "goal.conversions",
            "at most 4000 characters"),
        arguments("direction: increase", "direction: sideways", "goal.direction", "increase or decrease"),
        // guardrails
        arguments("name: p95-latency", "name: error-ratio", "guardrails[1].name", "used twice"),
        arguments("    max: 0.05\n", "", "guardrails[0]", "set max, min or both"),
        arguments("    min: 0\n", "    min: 0.5\n", "guardrails[1].min", "below max"),
        arguments("    min: 0\n", "    min: 0.7\n", "guardrails[1].min", "below max"),
        arguments("failureLimit: 2", "failureLimit: 0", "guardrails[0].failureLimit", "1 to 100"),
        arguments("failureLimit: 2", "failureLimit: 101", "guardrails[0].failureLimit", "1 to 100"),
        arguments("query: max(", "query: max({{window}} + ", "guardrails[1].query", "unknown variable"),
        arguments("    query: max(x", "    quer: max(x", "guardrails[1].query", "is required"),
        arguments(
            "guardrails:\n",
            "guardrails:\n"
                + IntStream.range(0, 10)
                    .mapToObj(i -> "  - {name: g" + i + ", query: up, max: 1}\n")
                    .collect(Collectors.joining()),
            "guardrails",
            "at most 10"),
        // plan
        arguments("baselineRate: 0.1,", "", "plan.baselineRate", "is required"),
        arguments("baselineRate: 0.1,", "baselineRate: 0,", "plan.baselineRate", "above 0 and below 1"),
        arguments("baselineRate: 0.1,", "baselineRate: 1,", "plan.baselineRate", "above 0 and below 1"),
        arguments("baselineRate: 0.1,", "baselineRate: 12,", "plan.baselineRate", "above 0 and below 1"),
        arguments("minimumDetectableEffect: 0.2,", "", "plan.minimumDetectableEffect", "is required"),
        arguments("minimumDetectableEffect: 0.2,", "minimumDetectableEffect: 0,", "plan.minimumDetectableEffect", "more than 0"),
        arguments("minimumDetectableEffect: 0.2,", "minimumDetectableEffect: -0.1,", "plan.minimumDetectableEffect", "more than 0"),
        arguments("effectType: relative", "effectType: ratio", "plan.effectType", "relative or absolute"),
        arguments(
            "minimumDetectableEffect: 0.2,",
            "minimumDetectableEffect: 9,",
            "plan.minimumDetectableEffect",
            "puts the target rate at 1 (baseline × (1 + effect)): it must stay below 1"),
        arguments(
            "minimumDetectableEffect: 0.2, effectType: relative",
            "minimumDetectableEffect: 0.95, effectType: absolute",
            "plan.minimumDetectableEffect",
            "puts the target rate at 1.05 (baseline + effect)"),
        arguments("alpha: 0.05,", "alpha: 0,", "plan.alpha", "above 0 and at most 0.5"),
        arguments("alpha: 0.05,", "alpha: 0.6,", "plan.alpha", "above 0 and at most 0.5"),
        arguments("power: 0.8,", "power: 0.4,", "plan.power", "at least 0.5 and below 0.999"),
        arguments("power: 0.8,", "power: 0.999,", "plan.power", "at least 0.5 and below 0.999"),
        arguments("method: fixed", "method: bayesian", "plan.method", "fixed or sequential"),
        arguments("expectedExposuresPerMinute: 600, ", "", "plan.expectedExposuresPerMinute", "is required"),
        arguments("expectedExposuresPerMinute: 600,", "expectedExposuresPerMinute: 0,", "plan.expectedExposuresPerMinute", "more than 0"),
        arguments(
            "plan: {baselineRate: 0.1, minimumDetectableEffect: 0.2, effectType: relative, alpha: 0.05, power: 0.8, expectedExposuresPerMinute: 600, method: fixed}\n",
            "",
            "plan",
            "is required"),
        // durations
        arguments("interval: 10s", "interval: 500ms", "interval", "at least 1s"),
        arguments("interval: 10s", "interval: often", "interval", "must be a duration"),
        arguments("interval: 10s", "interval: 1s", "interval", "7,200 reads in maxDuration (2h), more than 5000"),
        arguments("maxDuration: 2h\n", "", "maxDuration", "is required"),
        arguments("maxDuration: 2h", "maxDuration: 2161h", "maxDuration", "at most 2160h (90 days)"),
        arguments("maxDuration: 2h", "maxDuration: P91D", "maxDuration", "at most 2160h (90 days)"),
        arguments("maxDuration: 2h", "maxDuration: 10s", "maxDuration", "longer than interval (10s)"),
        arguments("maxDuration: 2h", "maxDuration: a while", "maxDuration", "must be a duration"),
        arguments("minDuration: 5m", "minDuration: 3h", "minDuration", "not be longer than maxDuration (2h)"),
        arguments("minDuration: 5m", "minDuration: soon", "minDuration", "must be a duration"),
        // decision
        arguments("onWinner: rollout", "onWinner: keep", "onWinner", "rollout or revert"),
        arguments("approvers: [bob]", "approvers: []", "confirm.approvers", "at least one approver"),
        arguments("approvers: [bob]}", "approvers: [bob], onTimeout: maybe}", "confirm.onTimeout", "abort or proceed"),
        // the parts a rolling child gets
        arguments("maxUnavailable: 1}", "maxUnavailable: 0}", "rollout.maxUnavailable", "at least 1"),
        arguments("drainTimeout: 10s", "drainTimeout: 0s", "drainTimeout", "longer than 0s"),
        arguments("path: /health}", "path: health}", "healthCheck.path", "starting with /"),
        arguments("requestedBy: alice", "requestedBy: " + "a".repeat(129), "requestedBy", "at most 128"),
        arguments("drainTimeout: 10s", "drainTimeout: 10s\nsmokeCheck: {expectStatus: 99}", "smokeCheck.path", "is required"));
  }

  @ParameterizedTest(name = "{2}: {3}")
  @MethodSource("rules")
  void everyRuleNamesItsFieldAndSaysWhy(String from, String to, String field, String reason) {
    List<Violation> problems = problems(replace(from, to));

    assertTrue(
        problems.stream().anyMatch(v -> v.field().equals(field) && v.reason().contains(reason)),
        field + ": ..." + reason + "... not in " + problems);
  }

  @Test
  void numbersThatYamlCannotWriteAreCheckedToo() {
    // A spec built in code (or JSON input carrying "NaN") can hold numbers no YAML example shows.
    ABTestSpec good = load(GOOD);
    ABTestSpec odd =
        new ABTestSpec(
            good.service(),
            good.name(),
            good.hypothesis(),
            good.requestedBy(),
            good.target(),
            good.variants(),
            good.assignment(),
            good.goal(),
            List.of(new Guardrail("errors", "up", Double.POSITIVE_INFINITY, Double.NaN, null)),
            new StatsPlan(Double.NaN, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, Double.NaN),
            good.interval(),
            good.maxDuration(),
            good.minDuration(),
            good.confirm(),
            good.onWinner(),
            good.rollout(),
            good.drainTimeout(),
            good.healthCheck(),
            good.smokeCheck(),
            null);

    List<String> fields = ABTestSpecValidator.validate(odd).stream().map(Violation::field).toList();

    assertEquals(
        List.of(
            "guardrails[0].max",
            "guardrails[0].min",
            "plan.baselineRate",
            "plan.minimumDetectableEffect",
            "plan.alpha",
            "plan.power",
            "plan.expectedExposuresPerMinute"),
        fields);
  }

  @Test
  void sixVariantsAreTooMany() {
    String six =
        replace(
            "assignment:",
            IntStream.range(2, 6)
                    .mapToObj(i -> "  - {name: v" + i + ", version: 1.0." + i + ", share: 5}\n")
                    .collect(Collectors.joining())
                + "assignment:");

    List<Violation> problems = problems(six);

    assertTrue(
        problems.contains(
            new Violation("variants", "must be at most 5 (the control and 4 treatments), got 6")),
        problems.toString());
  }

  @Test
  void noVariantsAtAll() {
    List<Violation> problems = problems(GOOD.replaceAll("(?s)variants:.*?assignment:", "assignment:"));

    assertTrue(
        problems.contains(
            new Violation("variants", "list 2 to 5 variants: the control first, then the treatments")),
        problems.toString());
  }

  @Test
  void everyProblemIsReportedTogetherWithItsField() {
    List<Violation> problems =
        problems(
            """
            service: shop
            colour: red
            target: {router: edge, backend: shop, deployer: local, metrics: prom}
            variants:
              - {name: control, version: 1.0.0, share: 60, users: [qa-1]}
              - {name: control, share: 60, replicas: 20, users: [qa-1]}
            assignment: {stickiness: sticky}
            goal:
              name: buy
              exposures: sum(e{v="{{variant}}"})
              conversions: sum(c{x="{{canary}}"})
              direction: up
            guardrails:
              - {name: errors, query: up}
              - {name: errors, query: up, min: 2, max: 1, failureLimit: 0}
            plan: {baselineRate: 1.5, minimumDetectableEffect: 0, alpha: 0.9, power: 0.3, method: bandit}
            interval: 500ms
            minDuration: 1h
            onWinner: celebrate
            confirm: {approvers: []}
            drainTimeout: 0s
            """);

    List<String> fields = problems.stream().map(Violation::field).toList();
    assertEquals(
        List.of(
            "colour",
            "name",
            "target.split",
            "variants[1].name",
            "variants[1].version",
            "variants[1].replicas",
            "variants[1].users[0]",
            "variants",
            "assignment.stickiness",
            "goal.conversions",
            "goal.direction",
            "guardrails[0]",
            "guardrails[1].name",
            "guardrails[1].min",
            "guardrails[1].failureLimit",
            "plan.baselineRate",
            "plan.minimumDetectableEffect",
            "plan.alpha",
            "plan.power",
            "plan.method",
            "plan.expectedExposuresPerMinute",
            "interval",
            "maxDuration",
            "confirm.approvers",
            "onWinner",
            "drainTimeout"),
        fields,
        problems.stream().map(Violation::toString).collect(Collectors.joining("\n")));
    assertTrue(problems.contains(new Violation("colour", "is not a known field")));
    assertTrue(problems.contains(new Violation("variants[1].name", "'control' is used twice")));
    assertTrue(
        problems.contains(
            new Violation("variants", "shares add up to 120%, more than 100%: lower some shares")));
    assertTrue(
        problems.stream()
            .anyMatch(
                v -> v.field().equals("variants[1].users[0]") && v.reason().contains("'qa-1' already routes to variant 'control'")),
        problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(v -> v.field().equals("goal.conversions") && v.reason().contains("'{{canary}}'")),
        problems.toString());
  }

  @Test
  void aPlanThatCannotReachItsSampleSizeInMaxDurationIsRefused() {
    // 3,841 per variant (see SampleSizeTest); at 20/min a 40% share gets 8/min: 480.1 minutes.
    List<Violation> problems =
        problems(replace("expectedExposuresPerMinute: 600", "expectedExposuresPerMinute: 20"));

    assertEquals(
        List.of(
            new Violation(
                "plan",
                "needs 3,841 exposures per variant (alpha 0.05 per comparison, power 0.8, baseline"
                    + " 0.1 → target 0.12); at 20/min the slowest variant (control, 40%) needs about"
                    + " 481 min (8.0h) but maxDuration is 2h (120 min): "
                    + FEASIBILITY_ADVICE)),
        problems);
  }

  @Test
  void theSlowestVariantIsTheOneWithTheSmallestShareAndAlphaIsSharedAmongTreatments() {
    String three =
        replace("share: 40, replicas", "share: 50, replicas")
            .replace("share: 40, users", "share: 45, users")
            .replace("assignment:", "  - {name: blue, version: 1.2.0, share: 5}\nassignment:");

    List<Violation> problems = problems(three);

    // Two treatments: alpha 0.025 per comparison, 4,652 per variant; 5% of 600/min is 30/min.
    assertEquals(1, problems.size(), problems.toString());
    Violation v = problems.get(0);
    assertEquals("plan", v.field());
    assertTrue(v.reason().startsWith("needs 4,652 exposures per variant (alpha 0.025 per comparison"), v.reason());
    assertTrue(v.reason().contains("at 600/min the slowest variant (blue, 5%) needs about 156 min (2.6h)"), v.reason());
    assertTrue(v.reason().contains("but maxDuration is 2h (120 min)"), v.reason());
    // Long enough, the same plan fits.
    assertEquals(List.of(), problems(three.replace("maxDuration: 2h", "maxDuration: 3h")));
  }

  @Test
  void theSampleSizeIsOnlyCheckedWhenThePlanSharesAndDurationsAreOtherwiseValid() {
    String slow = replace("expectedExposuresPerMinute: 600", "expectedExposuresPerMinute: 20");

    for (String[] broken :
        new String[][] {
          {"share: 40, users", "share: 70, users"},
          {"share: 40, replicas", "share: 0, replicas"},
          {"alpha: 0.05", "alpha: 0.9"},
          {"effectType: relative", "effectType: odds"},
          {"maxDuration: 2h", "maxDuration: 1s"},
          {"minDuration: 5m", "minDuration: 3h"},
          {"interval: 10s", "interval: 100ms"},
        }) {
      List<Violation> problems = problems(slow.replace(broken[0], broken[1]));
      assertFalse(problems.isEmpty(), broken[1]);
      assertFalse(
          problems.stream().anyMatch(v -> v.field().equals("plan")),
          broken[1] + ": " + problems);
    }
  }

  @Test
  void kindAndUnknownFieldsAreCaughtOnThePlainJsonPathToo() throws Exception {
    // The worker reads its input without SpecLoader: the model keeps what it does not know.
    String json =
        SpecLoader.toJson(load(GOOD))
            .replaceFirst("\\{", "{\"kind\":\"CanaryRelease\",\"colour\":\"red\",")
            .replace("\"name\":\"green\"", "\"name\":\"green\",\"weight\":1")
            .replace("\"baselineRate\":0.1", "\"baselineRate\":0.1,\"prior\":0.5");
    ABTestSpec spec = new ObjectMapper().readValue(json, ABTestSpec.class);

    List<Violation> problems = ABTestSpecValidator.validate(spec);

    assertTrue(problems.contains(new Violation("kind", "must be ABTest, got 'CanaryRelease'")), problems.toString());
    assertTrue(problems.contains(new Violation("colour", "is not a known field")), problems.toString());
    assertTrue(problems.contains(new Violation("variants[1].weight", "is not a known field")), problems.toString());
    assertTrue(problems.contains(new Violation("plan.prior", "is not a known field")), problems.toString());
    assertEquals(4, problems.size(), problems.toString());
  }

  @Test
  void aSpecLoadedWithTheWrongKindIsRefused() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class, () -> load(GOOD.replace("kind: ABTest", "kind: CanaryRelease")));

    assertEquals(
        List.of(new Violation("kind", "must be ABTest, got 'CanaryRelease'")), e.violations());
  }
}
