package io.bellwether.worker;

import java.util.List;
import java.util.stream.Collectors;

/** The worker's configuration cannot work; the message lists every problem. Stops start-up. */
public class WorkerConfigurationException extends RuntimeException {
  private final transient List<String> problems;

  public WorkerConfigurationException(List<String> problems, Throwable cause) {
    super(describe(problems), cause);
    this.problems = List.copyOf(problems);
  }

  /** Each problem as one line, {@code property: reason} where the property is known. */
  public List<String> problems() {
    return problems;
  }

  static String describe(List<String> problems) {
    return "Bellwether worker configuration is invalid ("
        + problems.size()
        + (problems.size() == 1 ? " problem" : " problems")
        + "):\n"
        + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
  }
}
