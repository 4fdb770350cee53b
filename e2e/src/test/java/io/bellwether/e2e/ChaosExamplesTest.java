package io.bellwether.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.contracts.chaos.ChaosExperimentSpec;
import io.bellwether.contracts.chaos.FaultSpec;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.StopCondition;
import io.bellwether.contracts.chaos.TargetSelector;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.demo.DemoSpecs;
import io.bellwether.starter.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The chaos examples a user copies, and the demo's experiment, are valid specs that name only what
 * the sandbox's worker configuration has: service {@value Sandbox#SERVICE}, its endpoints and
 * zones, its fault injectors and its metrics provider. No sandbox is started.
 */
class ChaosExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> INJECTORS =
      Set.of(Sandbox.LATENCY_INJECTOR, Sandbox.ZONE_CUT_INJECTOR, Sandbox.KILL_INJECTOR, Sandbox.STRESS_INJECTOR);

  @ParameterizedTest
  @ValueSource(strings = {"chaos-kill-one.json", "chaos-latency.yaml", "chaos-zone-cut.yaml"})
  void everyChaosExampleLoadsAndNamesOnlyWhatTheSandboxConfigures(String name) throws Exception {
    String text = Files.readString(example(name));
    assertEquals(SpecLoader.KIND_CHAOS, SpecLoader.kindOf(text), name);
    ChaosExperimentSpec spec = SpecLoader.chaos(text);
    assertNamesTheSandbox(spec);
  }

  @Test
  void theKillOneExampleIsPlainWorkflowInputForTheTemporalCli() throws Exception {
    JsonNode json = JSON.readTree(Files.readString(example("chaos-kill-one.json")));
    // temporal workflow start --type ChaosExperiment --input: exactly the spec, no kind.
    assertFalse(json.has("kind"), "no kind: the input is the spec itself");
    ChaosExperimentSpec spec = JSON.treeToValue(json, ChaosExperimentSpec.class);
    assertTrue(spec.unknownFields().isEmpty(), "no field the workflow would refuse: " + spec.unknownFields());
    assertEquals(1, spec.faults().size());
    FaultSpec kill = spec.faults().get(0);
    assertEquals(Sandbox.KILL_INJECTOR, kill.injector());
    assertEquals(1, kill.targets().count());
    assertNotNull(kill.targets().seed(), "the victim is drawn reproducibly");
    assertNotNull(spec.errorBudget());
  }

  @Test
  void theZoneCutExampleStepsFromOneServerToAQuarterToAZone() throws Exception {
    ChaosExperimentSpec spec = SpecLoader.chaos(Files.readString(example("chaos-zone-cut.yaml")));
    List<TargetSelector> steps = spec.faults().get(0).stepsOrTargets();
    assertEquals(3, steps.size());
    assertEquals(1, steps.get(0).count());
    assertEquals(25, steps.get(1).percent());
    assertEquals(Sandbox.ZONE_A, steps.get(2).zone());
  }

  @Test
  void theDemoExperimentKillsOneInstanceWithAGuardrailAndAnErrorBudget() {
    ChaosExperimentSpec spec = DemoSpecs.chaos(4);
    assertNamesTheSandbox(spec);
    assertEquals(Sandbox.KILL_INJECTOR, spec.faults().get(0).injector());
    assertEquals(1, spec.faults().get(0).targets().count());
    assertEquals(DemoSpecs.CHAOS_SEED, spec.faults().get(0).targets().seed());
    assertEquals(0.95, spec.guardrails().get(0).min());
    assertNotNull(spec.errorBudget());
    ProbeSpec success = spec.probes().get(0);
    assertEquals(0.99, success.duringFault().min(), "hypothesis: success >= 99% while one instance is down");
  }

  private static void assertNamesTheSandbox(ChaosExperimentSpec spec) {
    assertEquals(Sandbox.SERVICE, spec.service());
    for (ProbeSpec p : spec.probes()) {
      if (ProbeSpec.HTTP.equals(p.type())) {
        assertTrue(Sandbox.ENDPOINTS.contains(p.endpoint()), "endpoint " + p.endpoint());
      }
      if (p.metrics() != null) {
        assertEquals(Sandbox.METRICS, p.metrics());
      }
    }
    for (StopCondition g : spec.guardrails()) {
      assertTrue(g.metrics() == null || g.metrics().equals(Sandbox.METRICS), "metrics " + g.metrics());
    }
    for (FaultSpec f : spec.faults()) {
      assertTrue(INJECTORS.contains(f.injector()), "injector " + f.injector());
      for (TargetSelector s : f.stepsOrTargets()) {
        if (s != null && s.zone() != null) {
          assertTrue(Set.of(Sandbox.ZONE_A, Sandbox.ZONE_B).contains(s.zone()), "zone " + s.zone());
        }
      }
    }
  }

  private static Path example(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("examples"))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "examples/ not found above " + Path.of("").toAbsolutePath());
    return dir.resolve("examples").resolve(name);
  }
}
