package io.bellwether.contracts.activities;

/**
 * What a deployer did.
 *
 * @param ok whether the version is now in place
 * @param exitCode the command's exit code, or 0 where no command ran
 * @param output the tail of what the deployer printed, for the audit trail
 * @param changed false when the instance already ran the version and nothing was done
 */
public record DeployResult(boolean ok, int exitCode, String output, boolean changed) {}
