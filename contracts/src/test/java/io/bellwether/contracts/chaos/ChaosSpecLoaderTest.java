package io.bellwether.contracts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading chaos specs at the edge: kind, YAML and JSON, types, and the plain JSON input. */
class ChaosSpecLoaderTest {
  @Test
  void aDocumentWithFaultsIsAChaosExperiment() {
    assertEquals(SpecLoader.KIND_CHAOS, SpecLoader.kindOf("service: web\nfaults: []\n"));
    assertEquals(SpecLoader.KIND_CHAOS, SpecLoader.kindOf("{\"faults\": [], \"steps\": [], \"variants\": []}"), "faults decide first");
    assertEquals("ChaosExperiment", SpecLoader.kindOf("kind: ChaosExperiment\n"));
    assertEquals(SpecLoader.KIND_ROLLING, SpecLoader.kindOf("service: web\nversion: 1\n"));
    assertEquals(ChaosExperimentSpec.KIND, ChaosExperimentWorkflow.TYPE);
  }

  @Test
  void aDocumentThatIsNotAnObjectIsRefused() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.kindOf("- a\n- b\n"));
    assertEquals(List.of(new Violation("(document)", "must be a YAML or JSON object")), e.violations());
  }

  @Test
  void anotherKindIsRefusedWithTheRestOfTheProblems() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () -> SpecLoader.chaos(ChaosSpecValidatorTest.GOOD.replace("kind: ChaosExperiment", "kind: CanaryRelease").replace("interval: 5s", "interval: 0s")));
    assertTrue(e.violations().contains(new Violation("kind", "must be ChaosExperiment, got 'CanaryRelease'")), e.violations().toString());
    assertTrue(e.violations().stream().anyMatch(v -> v.field().equals("interval")), e.violations().toString());
  }

  @Test
  void aWrongTypeNamesItsField() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () -> SpecLoader.chaos(ChaosSpecValidatorTest.GOOD.replace("targets: {count: 1, seed: 7}", "targets: {count: many}")));
    assertTrue(e.violations().get(0).field().equals("faults[0].targets.count"), e.violations().toString());
    assertTrue(e.violations().get(0).reason().startsWith("has the wrong type"), e.violations().toString());
  }

  @Test
  void theJsonFormIsThePlainWorkflowInputAndReadsBackTheSame() throws Exception {
    ChaosExperimentSpec spec = SpecLoader.chaos(ChaosSpecValidatorTest.GOOD);

    String json = SpecLoader.toJson(spec);
    ChaosExperimentSpec back = SpecLoader.chaos(json);

    assertEquals(spec, back);
    assertTrue(!json.contains("unknownFields") && !json.contains("stepsOrTargets"), json);
    assertEquals(SpecLoader.KIND_CHAOS, SpecLoader.kindOf(json));
    // What the Temporal data converter sees: the same record from the same JSON.
    assertEquals(spec, new ObjectMapper().readValue(json, ChaosExperimentSpec.class));
  }

  @Test
  void aDryRunIsTheSameSpecWithOneFlag() {
    ChaosExperimentSpec spec = SpecLoader.chaos(ChaosSpecValidatorTest.GOOD);
    ChaosExperimentSpec dry = spec.withDryRun(true);
    assertTrue(dry.dryRunOrDefault());
    assertEquals(spec.faults(), dry.faults());
    assertEquals("chaos-web-kill-one", WorkflowIds.chaos(spec));
    assertEquals("chaos-web-", WorkflowIds.chaosPrefix("web"));
  }
}
