package io.bellwether.contracts.rolling;

/**
 * Payload of every operator control, signal or update: who asks, and why.
 *
 * @param by a person or bot identity, recorded in the audit trail
 * @param reason free text, recorded in the audit trail
 */
public record OperatorRequest(String by, String reason) {
  public static OperatorRequest of(String by, String reason) {
    return new OperatorRequest(by, reason);
  }
}
