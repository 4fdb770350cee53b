package io.bellwether.contracts.chaos;

/**
 * The coordinator's answer.
 *
 * @param granted whether the lease is held now
 * @param reason why not, or what it granted, in words (names the other holders when refused)
 */
public record LeaseDecision(boolean granted, String reason) {}
