package io.bellwether.contracts.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every spec in examples/ loads and validates as documented. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  static List<Path> specs() throws IOException {
    return examples("rolling-");
  }

  static List<Path> blueGreenSpecs() throws IOException {
    return examples("bluegreen-");
  }

  private static List<Path> examples(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("blueGreenSpecs")
  void blueGreenExampleLoads(Path file) throws IOException {
    String text = Files.readString(file);
    assertEquals(SpecLoader.KIND_BLUE_GREEN, SpecLoader.kindOf(text));
    var spec = SpecLoader.blueGreen(text);
    assertEquals(List.of(), SpecValidator.validate(spec));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void exampleSpecLoads(Path file) throws IOException {
    RollingDeploymentSpec spec = SpecLoader.rolling(Files.readString(file));
    assertEquals(List.of(), SpecValidator.validate(spec));
    assertFalse(spec.service().isBlank());
  }

  @org.junit.jupiter.api.Test
  void thereAreExamples() throws IOException {
    assertEquals(3, specs().size(), specs().toString());
    assertEquals(2, blueGreenSpecs().size(), blueGreenSpecs().toString());
  }
}
