package io.bellwether.contracts.gate;

import java.util.List;

/**
 * A gate as {@code status} shows it.
 *
 * @param name where the gate stands, such as {@code after-first-batch} or {@code before-switch}
 * @param state PENDING (not reached), OPEN (waiting), APPROVED, REJECTED, TIMED_OUT_ABORTED,
 *     TIMED_OUT_PROCEEDED
 * @param approvers users who may decide, groups already resolved
 * @param requiredApprovals approvals needed
 * @param approvals distinct users whose approval counted so far
 * @param allowSelfApproval whether the run's starter may approve
 * @param requireVerifiedIdentity whether decisions must carry an attestation
 * @param deadline ISO-8601 instant when the gate times out; empty until it opens
 * @param onTimeout abort or proceed
 * @param decisions every decision offered, accepted or refused
 */
public record GateStatus(
    String name,
    String state,
    List<String> approvers,
    int requiredApprovals,
    List<String> approvals,
    boolean allowSelfApproval,
    boolean requireVerifiedIdentity,
    String deadline,
    String onTimeout,
    List<GateDecision> decisions) {}
