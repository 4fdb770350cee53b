package io.bellwether.contracts.gate;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Approval gates' view of the worker configuration. Read-only, so safe to repeat. */
@ActivityInterface
public interface GateActivities {
  /**
   * The users allowed to decide: {@code users} plus the members of {@code groups} as configured
   * under {@code bellwether.approvers.groups}. Unknown names come back as problems, not failures.
   */
  ResolvedApprovers resolveApprovers(List<String> users, List<String> groups);

  /**
   * Checks an attestation token against the keys in {@code bellwether.identity.keys}: signature,
   * expiry, and that it was issued for {@code workflowId} and {@code action}. Never throws for a
   * bad token: that is {@code verified=false} with the reason. The keys never leave the worker.
   */
  VerifiedIdentity verifyAttestation(String attestation, String workflowId, String action);
}
