package io.bellwether.starter;

import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/** A stand-in coordinator: holds the leases it was started with, grants every request, returns on release. */
public class FakeBlastRadius implements BlastRadiusWorkflow {
  private final List<LeaseRequest> held = new ArrayList<>();

  @Override
  public void run(List<LeaseRequest> leases) {
    held.addAll(leases == null ? List.of() : leases);
    Workflow.await(() -> false);
  }

  @Override
  public LeaseDecision acquire(LeaseRequest request) {
    held.removeIf(l -> l.leaseId().equals(request.leaseId()));
    held.add(request);
    return new LeaseDecision(true, "granted");
  }

  @Override
  public void release(String leaseId) {
    held.removeIf(l -> l.leaseId().equals(leaseId));
  }

  @Override
  public List<LeaseRequest> leases() {
    return List.copyOf(held);
  }
}
