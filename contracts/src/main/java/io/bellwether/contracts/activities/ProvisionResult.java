package io.bellwether.contracts.activities;

/**
 * What a deployer did when asked for a new instance.
 *
 * @param ok whether the instance runs the version now
 * @param address host:port where it listens; empty when not ok
 * @param output the tail of what the deployer printed
 * @param changed false when the instance already ran and nothing was done
 */
public record ProvisionResult(boolean ok, String address, String output, boolean changed) {}
