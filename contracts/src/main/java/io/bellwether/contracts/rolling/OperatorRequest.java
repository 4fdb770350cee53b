package io.bellwether.contracts.rolling;

/**
 * Payload of every operator control, signal or update: who asks, and why.
 *
 * @param by a person or bot identity, recorded in the audit trail. On its own it is only declared,
 *     never verified.
 * @param reason free text, recorded in the audit trail
 * @param attestation optional proof of identity from an authenticated path (the operator API, a
 *     chat bot that checked its user): a token signed with a key that only the worker's
 *     configuration holds, bound to this run and action. The token is no secret; the key never
 *     enters workflow history. See docs/api.md, "Verified identity".
 * @param full only for {@code promote} of a canary: skip the remaining analyses too (recorded);
 *     null or false otherwise
 */
public record OperatorRequest(String by, String reason, String attestation, Boolean full) {
  public OperatorRequest(String by, String reason) {
    this(by, reason, null, null);
  }

  public OperatorRequest(String by, String reason, String attestation) {
    this(by, reason, attestation, null);
  }

  /** Whether {@code full} was asked for. */
  public boolean fullOrDefault() {
    return Boolean.TRUE.equals(full);
  }

  public static OperatorRequest of(String by, String reason) {
    return new OperatorRequest(by, reason, null, null);
  }
}
