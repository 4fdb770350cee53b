package io.bellwether.workflows.canary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanarySpecValidator;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The canary spec rules, through the loader a CLI uses: every problem with its field path. */
class CanarySpecValidatorTest {
  static final String GOOD =
      """
      kind: CanaryRelease
      service: web
      version: 2.0.0
      target: {router: edge, backend: web, pool: web, deployer: local, metrics: prom}
      replicas: 1
      steps:
        - setHeaderRoute: {headerValues: [beta]}
        - setWeight: 20
        - pause: {duration: 30s}
        - analysis:
            interval: 5s
            count: 4
            metrics:
              - name: error-ratio
                query: 'sum(rate(x{bellwether_instance=~"{{instances}}"}[{{interval}}]))'
                thresholdRange: {max: 0.01}
            judge: {minSamples: 10, step: 1s}
        - approval: {approvers: [alice]}
        - pause: {}
      """;

  @Test
  void aGoodSpecLoadsAndItsKindIsKnownWithOrWithoutTheKindField() {
    CanaryReleaseSpec spec = SpecLoader.canary(GOOD);

    assertEquals(6, spec.steps().size());
    assertEquals(List.of(), CanarySpecValidator.validate(spec));
    assertEquals(SpecLoader.KIND_CANARY, SpecLoader.kindOf(GOOD));
    assertEquals(SpecLoader.KIND_CANARY, SpecLoader.kindOf(GOOD.replace("kind: CanaryRelease\n", "")));
    assertEquals(SpecLoader.KIND_ROLLING, SpecLoader.kindOf("service: web\nversion: 1.0.0\n"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "replicas: 1|replicas: 11|replicas",
        "- setWeight: 20|- setWeight: 120|steps[1].setWeight",
        "- setWeight: 20|- {setWeight: 20, pause: {}}|steps[1]",
        "- setWeight: 20|- {}|steps[1]",
        "duration: 30s|duration: soon|steps[2].pause.duration",
        "count: 4|count: 0|steps[3].analysis.count",
        "interval: 5s|interval: 500ms|steps[3].analysis.interval",
        "[{{interval}}]|[{{window}}]|steps[3].analysis.metrics[0].query",
        "thresholdRange: {max: 0.01}|thresholdRange: {min: 2, max: 1}|steps[3].analysis.metrics[0].thresholdRange",
        "thresholdRange: {max: 0.01}|thresholdRange: {}|steps[3].analysis.metrics[0].thresholdRange",
        "thresholdRange: {max: 0.01}|direction: sideways|steps[3].analysis.metrics[0].direction",
        "minSamples: 10|minSamples: 50|steps[3].analysis.judge.minSamples",
        "step: 1s|step: 1s, confidence: 1.5|steps[3].analysis.judge.confidence",
        "step: 1s|step: 1s, pass: 50, marginal: 80|steps[3].analysis.judge.marginal",
        "approvers: [alice]|approvers: []|steps[4].approval.approvers",
        "approvers: [alice]|approvers: [alice], onTimeout: maybe|steps[4].approval.onTimeout",
        "headerValues: [beta]|headerValues: ['two words']|steps[0].setHeaderRoute.headerValues[0]",
        "headerValues: [beta]|headerValues: [beta], colour: red|steps[0].setHeaderRoute.colour",
        "metrics: prom}|metrics: prom, zone: a}|target.zone",
        "replicas: 1|replicas: 1\\nwhatever: 1|whatever",
        "- pause: {}|- pause: {until: friday}|steps[5].pause.until",
      })
  void everyProblemNamesItsField(String from, String to, String field) {
    String text = GOOD.replace(from, to.replace("\\n", "\n"));

    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.canary(text));

    assertTrue(
        e.violations().stream().anyMatch(v -> v.field().equals(field)),
        field + " not in " + e.violations());
  }

  @Test
  void aMissingDefaultProviderIsOnlyRequiredWhenAnAnalysisNamesNone() {
    String noMetrics = GOOD.replace(", metrics: prom}", "}");

    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.canary(noMetrics));
    assertTrue(e.violations().contains(new Violation("target.metrics", "is required")));

    String ownProvider = noMetrics.replace("interval: 5s", "interval: 5s\n      provider: prom");
    assertEquals(List.of(), CanarySpecValidator.validate(SpecLoader.canary(ownProvider)));
  }

  @Test
  void noStepsAndNoTargetAreBothReported() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class, () -> SpecLoader.canary("service: web\nversion: 2.0.0\nsteps: []\n"));

    List<String> fields = e.violations().stream().map(Violation::field).toList();
    assertTrue(fields.contains("steps"), fields.toString());
    assertTrue(fields.contains("target"), fields.toString());
  }

  @Test
  void theSharedPartsAreJudgedAsTheRollingChildWouldJudgeThem() {
    String bad = GOOD + "rollout: {maxUnavailable: 0}\nhealthCheck: {path: health}\n";

    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.canary(bad));

    List<String> fields = e.violations().stream().map(Violation::field).toList();
    assertTrue(fields.contains("rollout.maxUnavailable"), fields.toString());
    assertTrue(fields.contains("healthCheck.path"), fields.toString());
  }
}
