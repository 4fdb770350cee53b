package io.bellwether.contracts.gate;

import io.bellwether.contracts.spec.Violation;
import java.util.List;

/**
 * Who may decide at a gate, resolved against the worker configuration.
 *
 * @param users every allowed user: the named users plus the members of the named groups, sorted,
 *     without repeats
 * @param problems names the configuration lacks (field {@code approverGroups[i]} or {@code
 *     approvers[i]}); empty when all are known
 */
public record ResolvedApprovers(List<String> users, List<Violation> problems) {}
