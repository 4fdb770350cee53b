package io.bellwether.workflows.gate;

import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.contracts.gate.ResolvedApprovers;
import io.bellwether.contracts.gate.VerifiedIdentity;
import io.bellwether.contracts.spec.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A GateActivities mock backed by a small configuration: groups of users, and attestation tokens
 * the "worker" would accept. A token is accepted only for the run and action it was issued for,
 * like the real verifier.
 */
public final class FakeApprovers {
  public final GateActivities activities =
      mock(GateActivities.class, withSettings().withoutAnnotations());

  /** Group name to members. */
  public final Map<String, List<String>> groups = new ConcurrentHashMap<>();

  /** Token to "identity workflowId action" it attests. */
  public final Map<String, String> tokens = new ConcurrentHashMap<>();

  /** Every verifyAttestation call as "token workflowId action". */
  public final List<String> verifications = new CopyOnWriteArrayList<>();

  public FakeApprovers() {
    doAnswer(inv -> resolve(inv.getArgument(0), inv.getArgument(1)))
        .when(activities)
        .resolveApprovers(anyList(), anyList());
    doAnswer(inv -> verify(inv.getArgument(0), inv.getArgument(1), inv.getArgument(2)))
        .when(activities)
        .verifyAttestation(anyString(), anyString(), anyString());
  }

  /** Issues a token proving {@code user} for one run and action. */
  public String issue(String token, String user, String workflowId, String action) {
    tokens.put(token, user + " " + workflowId + " " + action);
    return token;
  }

  private ResolvedApprovers resolve(List<String> users, List<String> groupNames) {
    TreeSet<String> all = new TreeSet<>(users);
    List<Violation> problems = new ArrayList<>();
    for (int i = 0; i < groupNames.size(); i++) {
      List<String> members = groups.get(groupNames.get(i));
      if (members == null) {
        problems.add(
            new Violation(
                "approverGroups[" + i + "]", "no group named '" + groupNames.get(i) + "'"));
      } else {
        all.addAll(members);
      }
    }
    return new ResolvedApprovers(List.copyOf(all), problems);
  }

  private VerifiedIdentity verify(String token, String workflowId, String action) {
    verifications.add(token + " " + workflowId + " " + action);
    String claim = tokens.get(token);
    if (claim == null) {
      return new VerifiedIdentity(false, "", "bad signature");
    }
    String[] parts = claim.split(" ");
    if (!parts[1].equals(workflowId) || !parts[2].equals(action)) {
      return new VerifiedIdentity(false, "", "issued for another run or action");
    }
    return new VerifiedIdentity(true, parts[0], "");
  }
}
