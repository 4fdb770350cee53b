package io.bellwether.contracts.abtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.spec.InvalidSpecException;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.Violation;
import io.bellwether.contracts.spec.WorkflowIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code kind: ABTest} documents through the loader a CLI uses. */
class ABTestSpecLoaderTest {
  private static final String GOOD = ABTestSpecValidatorTest.GOOD;

  @Test
  void loadsEveryField() {
    ABTestSpec spec = SpecLoader.abTest(GOOD);

    assertEquals("shop", spec.service());
    assertEquals("checkout-button", spec.name());
    assertEquals("shop_ab", spec.target().split());
    assertEquals("control", spec.control().name());
    assertEquals(List.of("green"), spec.treatments().stream().map(Variant::name).toList());
    assertEquals(2, spec.treatments().get(0).replicasOrDefault());
    assertEquals(List.of("qa-1"), spec.control().users());
    assertEquals(List.of("green-c"), spec.treatments().get(0).cookieValues());
    assertEquals("s1", spec.assignmentOrDefault().salt());
    assertTrue(spec.goal().higherIsBetter());
    assertEquals(2, spec.guardrails().get(0).failureLimitOrDefault());
    assertEquals(0.12, spec.plan().targetRate(), 1e-12);
    assertEquals(Duration.ofSeconds(10), spec.intervalOrDefault());
    assertEquals(Duration.ofMinutes(5), spec.minDurationOrDefault());
    assertEquals(List.of("bob"), spec.confirm().approversOrEmpty());
    assertEquals("abtest-shop-checkout-button", WorkflowIds.abTest(spec));
  }

  @Test
  void theJsonFormIsTheWorkflowInputAndRoundTrips() {
    ABTestSpec spec = SpecLoader.abTest(GOOD);
    String json = SpecLoader.toJson(spec);

    assertFalse(json.contains("unknownFields"), json);
    assertFalse(json.contains("\"kind\""), json);
    assertEquals(spec, SpecLoader.abTest(json));
  }

  @Test
  void theKindComesFromTheFieldOrFromTheVariants() {
    String noKind = GOOD.replace("kind: ABTest\n", "");

    assertEquals(SpecLoader.KIND_AB_TEST, SpecLoader.kindOf(GOOD));
    assertEquals(SpecLoader.KIND_AB_TEST, SpecLoader.kindOf(noKind));
    assertEquals(SpecLoader.KIND_AB_TEST, SpecLoader.kindOf("{\"service\":\"shop\",\"variants\":[]}"));
    // An explicit kind always wins; without variants the older guesses stand.
    assertEquals(SpecLoader.KIND_CANARY, SpecLoader.kindOf("kind: CanaryRelease\n" + noKind));
    assertEquals(SpecLoader.KIND_CANARY, SpecLoader.kindOf("service: web\nsteps: []\n"));
    assertEquals(SpecLoader.KIND_ROLLING, SpecLoader.kindOf("service: web\nversion: 1.0.0\n"));
    assertEquals(List.of(), ABTestSpecValidator.validate(SpecLoader.abTest(noKind)));
  }

  @Test
  void wrongTypesAreViolationsWithTheirPath() {
    InvalidSpecException share =
        assertThrows(
            InvalidSpecException.class,
            () -> SpecLoader.abTest(GOOD.replace("share: 40, users: [qa-1]", "share: lots, users: [qa-1]")));
    InvalidSpecException variants =
        assertThrows(
            InvalidSpecException.class,
            () -> SpecLoader.abTest("service: shop\nvariants: {control: 1.0.0}\n"));

    assertEquals(
        List.of("variants[0].share"), share.violations().stream().map(Violation::field).toList());
    assertEquals(
        List.of("variants"), variants.violations().stream().map(Violation::field).toList());
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", "examples"))) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("ab-"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void thereAreExamples() throws IOException {
    assertTrue(examples().count() > 0);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleLoadsAndIsValid(Path file) throws IOException {
    String text = Files.readString(file);

    assertEquals(SpecLoader.KIND_AB_TEST, SpecLoader.kindOf(text));
    assertEquals(List.of(), ABTestSpecValidator.validate(SpecLoader.abTest(text)));
  }
}
