package io.bellwether.contracts.spec;

/** One problem with an input: the field path (such as {@code strategy.maxUnavailable}) and why. */
public record Violation(String field, String reason) {
  @Override
  public String toString() {
    return field + ": " + reason;
  }
}
