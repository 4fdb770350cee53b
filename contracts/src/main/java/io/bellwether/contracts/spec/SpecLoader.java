package io.bellwether.contracts.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a spec document (YAML or JSON; JSON is YAML) at the edge: unknown fields, wrong types and
 * rule violations all come back together in one {@link InvalidSpecException}. Unknown fields are
 * collected by the model itself, so a spec that reaches the worker by another path (the {@code
 * temporal} CLI) gets the same answer from the workflow's own validation.
 */
public final class SpecLoader {
  public static final String KIND_ROLLING = "RollingDeployment";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecLoader() {}

  /** Parses and validates; throws {@link InvalidSpecException} with every problem found. */
  public static RollingDeploymentSpec rolling(String text) {
    List<Violation> problems = new ArrayList<>();
    ObjectNode tree;
    try {
      var node = YAML.readTree(text == null ? "" : text);
      if (node == null || !node.isObject()) {
        throw new InvalidSpecException(List.of(new Violation("(document)", "must be a YAML or JSON object")));
      }
      tree = (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(
          List.of(new Violation("(document)", "is not valid YAML or JSON: " + e.getOriginalMessage())));
    }
    // kind names the document type; the model itself does not carry it.
    var kind = tree.remove("kind");
    if (kind != null && !KIND_ROLLING.equals(kind.asText())) {
      problems.add(new Violation("kind", "must be " + KIND_ROLLING + ", got '" + kind.asText() + "'"));
    }
    RollingDeploymentSpec spec = null;
    try {
      spec = YAML.treeToValue(tree, RollingDeploymentSpec.class);
    } catch (MismatchedInputException e) {
      String field =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining(".")).replace(".[", "[");
      problems.add(new Violation(field.isEmpty() ? "(document)" : field, "has the wrong type: " + e.getOriginalMessage()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problems.add(new Violation("(document)", e.getMessage()));
    }
    if (spec != null) {
      problems.addAll(SpecValidator.validate(spec));
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
