package io.bellwether.contracts.spec;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown at the edge when a spec breaks rules. Carries every problem, not just the first. */
public class InvalidSpecException extends RuntimeException {
  private final transient List<Violation> violations;

  public InvalidSpecException(List<Violation> violations) {
    super(describe(violations));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }

  /** The message format shared by the CLI and the workflow's InvalidSpec failure. */
  public static String describe(List<Violation> violations) {
    return "spec is invalid ("
        + violations.size()
        + (violations.size() == 1 ? " problem" : " problems")
        + "):\n"
        + violations.stream().map(v -> "  - " + v).collect(Collectors.joining("\n"));
  }
}
