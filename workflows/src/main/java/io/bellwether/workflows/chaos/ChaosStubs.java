package io.bellwether.workflows.chaos;

import io.bellwether.contracts.chaos.ChaosActivities;
import io.bellwether.contracts.chaos.FaultActivities;
import io.bellwether.contracts.chaos.LeaseActivities;
import io.bellwether.contracts.gate.GateActivities;
import io.bellwether.workflows.ActivityOptionsCatalog;
import io.bellwether.workflows.gate.ApprovalGate;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * The activity stubs of a chaos experiment, with the timeouts and retries of {@link
 * ActivityOptionsCatalog}: reads before injecting follow the router's forward retries; probe
 * rounds are short, tried twice and never waited for on cancel; injection gives up soon;
 * restoration is the most patient call there is. Building stubs issues no command.
 */
final class ChaosStubs {
  /** Activity type names of the reads that take a probe round's options. */
  static final String READ_PROBES = "ReadProbes";

  static final String READ_SLO = "ReadSlo";

  /** Config check, candidates, max share; probe rounds and SLO readings. */
  final ChaosActivities chaos;

  /** Injection. */
  final FaultActivities inject;

  /** Restoration and the read-only check that a fault is gone. */
  final FaultActivities restore;

  /** Lease requests. */
  final LeaseActivities lease;

  /** Lease returns. */
  final LeaseActivities release;

  final GateActivities gate;

  private ChaosStubs() {
    ActivityOptions probeRound = ActivityOptionsCatalog.probeRoundCall();
    chaos =
        Workflow.newActivityStub(
            ChaosActivities.class,
            ActivityOptionsCatalog.chaosReadCall(),
            Map.of(READ_PROBES, probeRound, READ_SLO, probeRound));
    inject = Workflow.newActivityStub(FaultActivities.class, ActivityOptionsCatalog.injectCall());
    restore =
        Workflow.newActivityStub(
            FaultActivities.class,
            ActivityOptionsCatalog.restoreCall(),
            Map.of("Probe", ActivityOptionsCatalog.faultProbeCall()));
    lease = Workflow.newActivityStub(LeaseActivities.class, ActivityOptionsCatalog.leaseCall());
    release =
        Workflow.newActivityStub(LeaseActivities.class, ActivityOptionsCatalog.leaseReleaseCall());
    gate = ApprovalGate.newActivities();
  }

  /** The stubs of the current run. Call from workflow code only. */
  static ChaosStubs create() {
    return new ChaosStubs();
  }
}
