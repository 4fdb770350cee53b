package io.bellwether.contracts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

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

/** The chaos spec rules: every problem with its field path, all at once. */
class ChaosSpecValidatorTest {
  static final String GOOD =
      """
      kind: ChaosExperiment
      service: web
      name: kill-one
      hypothesis: Success stays at 99% while one instance is down
      requestedBy: alice
      probes:
        - name: success
          type: prometheus
          query: sum(rate(ok[30s])) / sum(rate(all[30s]))
          tolerance: {min: 0.99}
          duringFault: {min: 0.99}
        - name: shop
          type: http
          endpoint: shop
          tolerance: {max: 500, status: [200]}
        - name: up
          type: servers
          tolerance: {min: 3}
      baseline: 30s
      interval: 5s
      faults:
        - id: kill
          injector: web-kill
          targets: {count: 1, seed: 7}
          duration: 20s
        - injector: web-latency
          steps:
            - {names: [web-1]}
            - {percent: 25}
            - {zone: b}
          magnitude: {delayMs: "300"}
          duration: 30s
      guardrails:
        - name: errors
          query: sum(rate(errors[30s]))
          max: 0.05
          failureLimit: 2
      errorBudget: {maxFailedRequests: 200, maxFailedRatio: 0.01}
      recoveryTimeout: 1m
      grace: 30s
      approval: {approvers: [bob]}
      dryRun: false
      """;

  /** The problems of {@code text}, through the loader a CLI uses. */
  static List<Violation> problems(String text) {
    try {
      SpecLoader.chaos(text);
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
  void theGoodSpecLoadsWithEveryField() {
    ChaosExperimentSpec s = SpecLoader.chaos(GOOD);

    assertEquals("web", s.service());
    assertEquals(3, s.probes().size());
    assertEquals(new Tolerance(null, 500.0, List.of(200)), s.probes().get(1).tolerance());
    assertEquals("kill", s.faults().get(0).idOr(0));
    assertEquals("f2", s.faults().get(1).idOr(1));
    assertEquals(7L, s.faults().get(0).targets().seed());
    assertEquals(3, s.faults().get(1).stepsOrTargets().size());
    assertEquals("300", s.faults().get(1).magnitude().get("delayMs"));
    assertEquals(2, s.guardrails().get(0).failureLimitOrDefault());
    assertEquals(200L, s.errorBudget().maxFailedRequests());
    assertEquals(java.time.Duration.ofMinutes(1), s.recoveryTimeoutOrDefault());
    assertEquals(List.of("bob"), s.approval().approvers());
    assertEquals(false, s.dryRunOrDefault());
  }

  @Test
  void defaultsApplyWhenFieldsAreLeftOut() {
    ChaosExperimentSpec s =
        SpecLoader.chaos(
            """
            service: web
            name: minimal
            probes: [{name: up, type: servers, tolerance: {min: 1}}]
            faults: [{injector: disk-fill, duration: 10s}]
            """);

    assertEquals(java.time.Duration.ofSeconds(30), s.baselineOrDefault());
    assertEquals(java.time.Duration.ofSeconds(5), s.intervalOrDefault());
    assertEquals(java.time.Duration.ofMinutes(1), s.recoveryTimeoutOrDefault());
    assertEquals(java.time.Duration.ofSeconds(30), s.graceOrDefault());
    assertEquals(List.of(), s.guardrails());
    assertEquals(1, s.faults().get(0).stepsOrTargets().size());
    assertEquals(null, s.faults().get(0).stepsOrTargets().get(0), "no selector: every candidate");
    assertEquals(1, new StopCondition("g", "q", null, null, 1.0, null).failureLimitOrDefault());
  }

  static Stream<Arguments> brokenSpecs() {
    String many =
        "faults:\n"
            + IntStream.rangeClosed(1, 21)
                .mapToObj(i -> "  - {injector: web-kill, duration: 10s}\n")
                .collect(Collectors.joining());
    String manyProbes =
        "probes:\n"
            + IntStream.rangeClosed(1, 21)
                .mapToObj(i -> "  - {name: p" + i + ", type: servers, tolerance: {min: 1}}\n")
                .collect(Collectors.joining());
    String manySteps =
        "    steps:\n"
            + IntStream.rangeClosed(1, 11)
                .mapToObj(i -> "      - {count: 1}\n")
                .collect(Collectors.joining());
    return Stream.of(
        // The experiment
        arguments(replace("requestedBy: alice", "requestedBy: alice\ncolour: red"), "colour", "unknown field"),
        arguments(replace("service: web\n", ""), "service", "required"),
        arguments(replace("name: kill-one", "name: kill one"), "name", "letters, digits, . _ - (up to 63), not 'kill one'"),
        arguments(replace("baseline: 30s", "baseline: 2h"), "baseline", "must be 0s to 1h"),
        arguments(replace("baseline: 30s", "baseline: soon"), "baseline", "not a duration: 'soon' (like 30s, 5m, 1h)"),
        arguments(replace("interval: 5s", "interval: 500ms"), "interval", "must be 1s to 10m"),
        arguments(replace("interval: 5s", "interval: 11m"), "interval", "must be 1s to 10m"),
        arguments(replace("recoveryTimeout: 1m", "recoveryTimeout: 2h"), "recoveryTimeout", "must be 0s to 1h"),
        arguments(replace("grace: 30s", "grace: x"), "grace", "not a duration: 'x' (like 30s, 5m, 1h)"),
        arguments(replace("approval: {approvers: [bob]}", "approval: {approvers: [bob], when: now}"), "approval.when", "unknown field"),
        // Probes
        arguments(GOOD.replaceAll("(?s)probes:.*?baseline", "probes: []\nbaseline"), "probes", "at least one steady-state probe is required"),
        arguments(GOOD.replaceAll("(?s)probes:.*?baseline", manyProbes + "baseline"), "probes", "at most 20"),
        arguments(replace("- name: shop", "- name: success"), "probes[1].name", "'success' is used twice"),
        arguments(replace("type: servers", "type: tcp"), "probes[2].type", "must be http, prometheus or servers"),
        arguments(replace("    endpoint: shop\n", ""), "probes[1].endpoint", "required for http (a configured endpoint name)"),
        arguments(replace("    endpoint: shop\n", "    endpoint: shop\n    query: up\n"), "probes[1].query", "only for prometheus probes"),
        arguments(replace("    query: sum(rate(ok[30s])) / sum(rate(all[30s]))\n", ""), "probes[0].query", "required for prometheus (PromQL)"),
        arguments(replace("    query: sum(rate(ok[30s])) / sum(rate(all[30s]))\n", "    query: up\n    endpoint: shop\n"), "probes[0].endpoint", "only for http probes"),
        arguments(replace("    type: servers\n", "    type: servers\n    query: up\n"), "probes[2]", "a servers probe takes no endpoint or query"),
        arguments(replace("    tolerance: {min: 3}\n", ""), "probes[2].tolerance", "required: the steady state (min, max, status)"),
        arguments(replace("tolerance: {min: 3}", "tolerance: {}"), "probes[2].tolerance", "give min, max or both"),
        arguments(replace("tolerance: {max: 500, status: [200]}", "tolerance: {}"), "probes[1].tolerance", "give min, max or status"),
        arguments(replace("tolerance: {min: 3}", "tolerance: {min: 3, status: [200]}"), "probes[2].tolerance.status", "only for http probes"),
        arguments(replace("status: [200]", "status: [200, 700]"), "probes[1].tolerance.status", "HTTP statuses are 100 to 599, got 700"),
        arguments(replace("duringFault: {min: 0.99}", "duringFault: {min: 0.99, max: 0.5}"), "probes[0].duringFault", "min 0.99 is above max 0.5"),
        arguments(replace("    tolerance: {min: 3}\n", "    tolerance: {min: 3}\n    weight: 2\n"), "probes[2].weight", "unknown field"),
        arguments(replace("status: [200]", "status: [200, ~]"), "probes[1].tolerance.status", "HTTP statuses are 100 to 599, got null"),
        arguments(replace("  - name: up\n", "  - ~\n  - name: up\n"), "probes[2]", "empty"),
        // Faults
        arguments(GOOD.replaceAll("(?s)faults:.*?guardrails", "faults: []\nguardrails"), "faults", "at least one fault is required"),
        arguments(GOOD.replaceAll("(?s)faults:.*?guardrails", many + "guardrails"), "faults", "at most 20"),
        arguments(replace("id: kill", "id: kill!"), "faults[0].id", "letters, digits, . _ - (up to 63)"),
        arguments(replace("id: kill", "id: f2"), "faults[1].id", "'f2' is used twice"),
        arguments(replace("injector: web-kill", "injector: \"\""), "faults[0].injector", "required"),
        arguments(replace("duration: 20s", "duration: 7h"), "faults[0].duration", "must be 1s to 6h"),
        arguments(replace("    duration: 20s\n", ""), "faults[0].duration", "required (1s to 6h)"),
        arguments(replace("targets: {count: 1, seed: 7}", "targets: {count: 1, seed: 7}\n    steps: [{count: 1}]"), "faults[0]", "give targets or steps, not both"),
        arguments(replace("    steps:\n      - {names: [web-1]}\n      - {percent: 25}\n      - {zone: b}\n", "    steps: []\n"), "faults[1].steps", "1 to 10 steps"),
        arguments(replace("    steps:\n      - {names: [web-1]}\n      - {percent: 25}\n      - {zone: b}\n", manySteps), "faults[1].steps", "1 to 10 steps"),
        arguments(replace("targets: {count: 1, seed: 7}", "targets: {count: 1, percent: 10}"), "faults[0].targets", "give count or percent, not both"),
        arguments(replace("targets: {count: 1, seed: 7}", "targets: {count: 0}"), "faults[0].targets.count", "must be 1 or more"),
        arguments(replace("{percent: 25}", "{percent: 101}"), "faults[1].steps[1].percent", "must be 1 to 100"),
        arguments(replace("{names: [web-1]}", "{names: []}"), "faults[1].steps[0].names", "must not be empty"),
        arguments(replace("{names: [web-1]}", "{names: [\"web 1\"]}"), "faults[1].steps[0].names[0]", "letters, digits, . _ - (up to 63), not 'web 1'"),
        arguments(replace("{zone: b}", "{zone: \"b/c\"}"), "faults[1].steps[2].zone", "letters, digits, . _ - (up to 63), not 'b/c'"),
        arguments(replace("{zone: b}", "{zone: b, tag: x}"), "faults[1].steps[2].tag", "unknown field"),
        arguments(replace("magnitude: {delayMs: \"300\"}", "magnitude: {\"delay ms\": \"300\"}"), "faults[1].magnitude.delay ms", "setting names are letters, digits, . _ -"),
        arguments(replace("magnitude: {delayMs: \"300\"}", "magnitude: {delayMs: \"" + "9".repeat(65) + "\"}"), "faults[1].magnitude.delayMs", "a value of 1 to 64 characters"),
        arguments(replace("    duration: 30s\n", "    duration: 30s\n    repeat: 2\n"), "faults[1].repeat", "unknown field"),
        arguments(replace("{percent: 25}", "~"), "faults[1].steps[1]", "empty"),
        arguments(replace("{names: [web-1]}", "{names: [~]}"), "faults[1].steps[0].names[0]", "required"),
        arguments(replace("magnitude: {delayMs: \"300\"}", "magnitude: {delayMs: ~}"), "faults[1].magnitude.delayMs", "a value of 1 to 64 characters"),
        // Guardrails
        arguments(replace("  - name: errors\n", "  - name: errors\n    min: 1\n"), "guardrails[0]", "min 1.0 is above max 0.05"),
        arguments(replace("    query: sum(rate(errors[30s]))\n", ""), "guardrails[0].query", "required (PromQL)"),
        arguments(replace("failureLimit: 2", "failureLimit: 0"), "guardrails[0].failureLimit", "must be 1 to 100"),
        arguments(replace("failureLimit: 2", "failureLimit: 101"), "guardrails[0].failureLimit", "must be 1 to 100"),
        arguments(replace("failureLimit: 2", "failureLimit: 2\n  - {name: errors, query: x, max: 1}"), "guardrails[1].name", "'errors' is used twice"),
        arguments(replace("failureLimit: 2", "failureLimit: 2\n    action: page"), "guardrails[0].action", "unknown field"),
        // The error budget
        arguments(replace("errorBudget: {maxFailedRequests: 200, maxFailedRatio: 0.01}", "errorBudget: {}"), "errorBudget", "give maxFailedRequests, maxFailedRatio or both"),
        arguments(replace("maxFailedRequests: 200", "maxFailedRequests: -1"), "errorBudget.maxFailedRequests", "must be 0 or more"),
        arguments(replace("maxFailedRatio: 0.01", "maxFailedRatio: 0"), "errorBudget.maxFailedRatio", "must be above 0 and at most 1"),
        arguments(replace("maxFailedRatio: 0.01", "maxFailedRatio: 1.5"), "errorBudget.maxFailedRatio", "must be above 0 and at most 1"),
        arguments(replace("maxFailedRatio: 0.01", "maxFailedRatio: 0.01, window: 1h"), "errorBudget.window", "unknown field"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("brokenSpecs")
  void eachRuleNamesItsField(String text, String field, String reason) {
    List<Violation> found = problems(text);
    assertTrue(found.contains(new Violation(field, reason)), "expected " + field + ": " + reason + " in " + found);
  }

  @Test
  void everyProblemIsListedTogether() {
    String text =
        GOOD.replace("name: kill-one", "name: kill one")
            .replace("interval: 5s", "interval: 0s")
            .replace("type: servers", "type: tcp")
            .replace("id: kill", "id: kill!")
            .replace("failureLimit: 2", "failureLimit: 0")
            .replace("maxFailedRatio: 0.01", "maxFailedRatio: 2")
            .replace("requestedBy: alice", "requestedBy: alice\nsurprise: yes");

    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.chaos(text));

    List<String> fields = e.violations().stream().map(Violation::field).toList();
    assertEquals(
        List.of(
            "surprise", "name", "interval", "probes[2].type", "faults[0].id",
            "guardrails[0].failureLimit", "errorBudget.maxFailedRatio"),
        fields);
    for (String f : fields) {
      assertTrue(e.getMessage().contains(f), f + " in " + e.getMessage());
    }
  }

  @Test
  void noSpecAtAllIsOneProblem() {
    assertEquals(List.of(new Violation("(spec)", "missing")), ChaosSpecValidator.validate(null));
  }

  @Test
  void emptyEntriesAreProblemsNotCrashes() {
    ChaosExperimentSpec s =
        new ChaosExperimentSpec(
            "web", "x", null, null,
            java.util.Arrays.asList((ProbeSpec) null),
            null, null,
            java.util.Arrays.asList((FaultSpec) null),
            java.util.Arrays.asList((StopCondition) null),
            null, null, null, null, null);
    List<Violation> v = ChaosSpecValidator.validate(s);
    assertTrue(v.contains(new Violation("probes[0]", "empty")), v.toString());
    assertTrue(v.contains(new Violation("faults[0]", "empty")), v.toString());
    assertTrue(v.contains(new Violation("guardrails[0]", "empty")), v.toString());
  }
}
