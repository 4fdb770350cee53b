package io.bellwether.contracts.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.canary.CanarySpecValidator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads a spec document (YAML or JSON; JSON is YAML) at the edge: unknown fields, wrong types and
 * rule violations all come back together in one {@link InvalidSpecException}. Unknown fields are
 * collected by the model itself, so a spec that reaches the worker by another path (the {@code
 * temporal} CLI) gets the same answer from the workflow's own validation.
 */
public final class SpecLoader {
  public static final String KIND_ROLLING = "RollingDeployment";
  public static final String KIND_BLUE_GREEN = "BlueGreenDeployment";
  public static final String KIND_CANARY = CanaryReleaseSpec.KIND;
  public static final String KIND_AB_TEST = io.bellwether.contracts.abtest.ABTestSpec.KIND;
  public static final String KIND_CHAOS = io.bellwether.contracts.chaos.ChaosExperimentSpec.KIND;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecLoader() {}

  /** Parses and validates; throws {@link InvalidSpecException} with every problem found. */
  public static RollingDeploymentSpec rolling(String text) {
    return read(text, KIND_ROLLING, RollingDeploymentSpec.class, SpecValidator::validate);
  }

  /** Parses and validates a blue-green spec, like {@link #rolling(String)}. */
  public static BlueGreenDeploymentSpec blueGreen(String text) {
    return read(text, KIND_BLUE_GREEN, BlueGreenDeploymentSpec.class, SpecValidator::validate);
  }

  /** Parses and validates a canary spec ({@code kind: CanaryRelease}), like {@link #rolling(String)}. */
  public static CanaryReleaseSpec canary(String text) {
    return read(text, KIND_CANARY, CanaryReleaseSpec.class, CanarySpecValidator::validate);
  }

  /** Parses and validates an A/B test spec ({@code kind: ABTest}), like {@link #rolling(String)}. */
  public static io.bellwether.contracts.abtest.ABTestSpec abTest(String text) {
    return read(
        text,
        KIND_AB_TEST,
        io.bellwether.contracts.abtest.ABTestSpec.class,
        io.bellwether.contracts.abtest.ABTestSpecValidator::validate);
  }

  /** Parses and validates a chaos experiment ({@code kind: ChaosExperiment}), like {@link #rolling(String)}. */
  public static io.bellwether.contracts.chaos.ChaosExperimentSpec chaos(String text) {
    return read(
        text,
        KIND_CHAOS,
        io.bellwether.contracts.chaos.ChaosExperimentSpec.class,
        io.bellwether.contracts.chaos.ChaosSpecValidator::validate);
  }

  /**
   * The document's {@code kind}; without one, {@link #KIND_CHAOS} when it has {@code faults},
   * {@link #KIND_AB_TEST} when it has {@code variants},
   * {@link #KIND_CANARY} when it has {@code steps} (only a canary has them), else {@link #KIND_ROLLING}, so that a CLI can pick the workflow. Throws
   * {@link InvalidSpecException} when the text is not an object.
   */
  public static String kindOf(String text) {
    ObjectNode tree = tree(text);
    var kind = tree.get("kind");
    if (kind != null) {
      return kind.asText();
    }
    if (tree.has("faults")) {
      return KIND_CHAOS;
    }
    if (tree.has("variants")) {
      return KIND_AB_TEST;
    }
    return tree.has("steps") ? KIND_CANARY : KIND_ROLLING;
  }

  private static ObjectNode tree(String text) {
    try {
      var node = YAML.readTree(text == null ? "" : text);
      if (node == null || !node.isObject()) {
        throw new InvalidSpecException(
            List.of(new Violation("(document)", "must be a YAML or JSON object")));
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(
          List.of(new Violation("(document)", "is not valid YAML or JSON: " + e.getOriginalMessage())));
    }
  }

  private static <T> T read(
      String text, String expectedKind, Class<T> type, Function<T, List<Violation>> rules) {
    List<Violation> problems = new ArrayList<>();
    ObjectNode tree = tree(text);
    // kind names the document type; the model itself does not carry it.
    var kind = tree.remove("kind");
    if (kind != null && !expectedKind.equals(kind.asText())) {
      problems.add(new Violation("kind", "must be " + expectedKind + ", got '" + kind.asText() + "'"));
    }
    T spec = null;
    try {
      spec = YAML.treeToValue(tree, type);
    } catch (MismatchedInputException e) {
      String field =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."))
              .replace(".[", "[");
      problems.add(
          new Violation(
              field.isEmpty() ? "(document)" : field, "has the wrong type: " + e.getOriginalMessage()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problems.add(new Violation("(document)", e.getMessage()));
    }
    if (spec != null) {
      problems.addAll(rules.apply(spec));
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return spec;
  }

  /** The JSON form of a spec: exactly the workflow input. */
  public static String toJson(Object spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
