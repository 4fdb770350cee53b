package io.bellwether.activities;

import io.bellwether.activities.config.ApproversConfig;
import io.bellwether.activities.config.IdentityConfig;
import io.bellwether.activities.identity.Attestations;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.gate.ResolvedApprovers;
import io.bellwether.contracts.gate.VerifiedIdentity;
import io.bellwether.contracts.spec.Violation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** {@link GateActivities} over the worker's approver groups and attestation keys. */
public class GateActivitiesImpl implements GateActivities {
  private final ApproversConfig approvers;
  private final IdentityConfig identity;
  private final Clock clock;

  /** Over the registry's configuration, with the system clock. */
  public GateActivitiesImpl(AdapterRegistry registry) {
    this(registry.approvers(), registry.identity(), Clock.systemUTC());
  }

  /** With an explicit clock, for tests. */
  public GateActivitiesImpl(ApproversConfig approvers, IdentityConfig identity, Clock clock) {
    this.approvers = approvers;
    this.identity = identity;
    this.clock = clock;
  }

  /**
   * Named users (trimmed; a blank one is a problem at {@code approvers[i]}) plus the members of
   * every configured group; an unknown group is a problem at {@code approverGroups[i]} listing the
   * configured ones. Null lists count as empty. Read-only.
   */
  @Override
  public ResolvedApprovers resolveApprovers(List<String> users, List<String> groups) {
    TreeSet<String> out = new TreeSet<>();
    List<Violation> problems = new ArrayList<>();
    List<String> u = users == null ? List.of() : users;
    for (int i = 0; i < u.size(); i++) {
      String name = u.get(i);
      if (name == null || name.isBlank()) {
        problems.add(new Violation("approvers[" + i + "]", "is empty"));
      } else {
        out.add(name.strip());
      }
    }
    List<String> g = groups == null ? List.of() : groups;
    for (int i = 0; i < g.size(); i++) {
      List<String> members = g.get(i) == null ? null : approvers.groups().get(g.get(i));
      if (members == null) {
        problems.add(
            new Violation(
                "approverGroups[" + i + "]",
                "no approver group named '"
                    + g.get(i)
                    + "' is configured under bellwether.approvers.groups; configured: "
                    + (approvers.groups().isEmpty()
                        ? "none"
                        : String.join(", ", new TreeSet<>(approvers.groups().keySet())))));
      } else {
        members.stream().filter(m -> m != null && !m.isBlank()).map(String::strip).forEach(out::add);
      }
    }
    return new ResolvedApprovers(List.copyOf(out), problems);
  }

  /** {@link Attestations#verify} with the configured keys and max age, at the worker's clock. */
  @Override
  public VerifiedIdentity verifyAttestation(String attestation, String workflowId, String action) {
    return Attestations.verify(
        attestation, identity.keys(), workflowId, action, clock.instant(), identity.maxAge());
  }
}
