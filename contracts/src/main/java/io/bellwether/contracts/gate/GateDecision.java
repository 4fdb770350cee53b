package io.bellwether.contracts.gate;

/**
 * One decision offered at a gate, accepted or refused: the audit trail of who, when, why and how.
 *
 * @param time ISO-8601 instant from the workflow clock
 * @param by who decided (as declared, or as attested when {@code verified})
 * @param action {@code approve} or {@code reject}
 * @param reason why, as given
 * @param channel {@code signal}, {@code update}, or {@code timeout} for the gate's own decision
 * @param verified whether the identity was proven by an attestation
 * @param accepted whether it counted
 * @param refusal why it did not count; empty when accepted
 */
public record GateDecision(
    String time,
    String by,
    String action,
    String reason,
    String channel,
    boolean verified,
    boolean accepted,
    String refusal) {}
