package io.bellwether.contracts.gate;

/**
 * The worker's verdict on an attestation.
 *
 * @param verified whether the token is well formed, signed with a configured key, unexpired, and
 *     bound to this run and action
 * @param by the identity the token attests (empty when not verified)
 * @param reason why it was not verified; empty when it was
 */
public record VerifiedIdentity(boolean verified, String by, String reason) {}
