package io.bellwether.contracts.activities;

/**
 * Facts from probing an instance; the workflow judges them.
 *
 * @param passed whether the threshold was reached in time
 * @param attempts probes sent
 * @param consecutivePasses passes in a row at the end
 * @param lastStatus last HTTP status, 0 when no answer
 * @param lastError last failure, empty when none
 */
public record ProbeResult(
    boolean passed, int attempts, int consecutivePasses, int lastStatus, String lastError) {}
