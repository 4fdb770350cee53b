package io.bellwether.workflows.pool;

import io.bellwether.contracts.activities.DeployActivities;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.HealthActivities;
import io.bellwether.contracts.activities.HealthProbe;
import io.bellwether.contracts.activities.ProbeResult;
import io.bellwether.contracts.activities.ProvisionResult;
import io.bellwether.contracts.bluegreen.SwitchActivities;
import io.bellwether.workflows.Failures;
import io.bellwether.workflows.RunText;
import io.bellwether.workflows.gate.EventLog;
import io.temporal.failure.TemporalFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Instances a run adds into a backend's server slots through the deployer (blue-green's green, a
 * canary and its fresh baseline) and removes again: provision, put in the slot, verify, empty the
 * slot, stop. The slot is filled only after the instance runs and emptied before it stops, so the
 * router never sends a request to a process that is not there.
 *
 * <p>Every method returns the problem met as one line ({@code <instance>: why}), or null/empty
 * when all went well; a failure while the run is being interrupted (a rollback or cancel, which
 * the caller tells through {@code interrupted}) is not a problem of the instance and returns null.
 * Workflow code only: the activity stubs are the caller's, so it chooses timeouts and retries.
 */
public final class SlotInstances {
  private static final String BELLWETHER = "bellwether";

  private final EventLog trail;
  private final String router;
  private final String deployer;
  private final BooleanSupplier interrupted;

  /** For one run: its trail, the router and deployer names, and how to tell it is stopping. */
  public SlotInstances(EventLog trail, String router, String deployer, BooleanSupplier interrupted) {
    this.trail = trail;
    this.router = router;
    this.deployer = deployer;
    this.interrupted = interrupted;
  }

  /**
   * Starts {@code m} at {@code version} and points its slot of {@code backend} at it (READY). The
   * member is registered before the request: a provision that times out may still have started it,
   * so the teardown must remove it in any case.
   */
  public String provision(
      SwitchActivities pool, DeployActivities deploy, String backend, PoolMember m, String version) {
    try {
      m.progress = PoolMember.PROVISIONING;
      m.registered = true;
      ProvisionResult r = deploy.provision(deployer, m.instance, version);
      if (!r.ok()) {
        return failed(m, "provision of " + version + " failed: " + RunText.tail(r.output()));
      }
      m.running = true;
      m.address = r.address();
      m.version = version;
      m.see(pool.assignSlot(router, backend, m.slot, r.address()));
      trail.add(
          BELLWETHER, "provisioned", m.instance + " at " + r.address() + " in " + backend + "/" + m.slot);
      return null;
    } catch (TemporalFailure f) {
      return interrupted.getAsBoolean() ? null : failed(m, Failures.describe(f));
    }
  }

  /**
   * Waits for {@code m} to pass {@code health}, then {@code smoke} when not null ({@code smokePath}
   * names it in the message); VERIFIED when both passed.
   */
  public String verify(
      HealthActivities health, PoolMember m, HealthProbe healthProbe, HealthProbe smoke, String smokePath) {
    try {
      m.progress = PoolMember.VERIFYING;
      ProbeResult p = health.awaitHealthy(healthProbe);
      if (!p.passed()) {
        return failed(m, "health check did not pass: " + RunText.probe(p));
      }
      if (smoke != null) {
        p = health.awaitHealthy(smoke);
        if (!p.passed()) {
          return failed(m, "smoke check " + smokePath + " did not pass: " + RunText.probe(p));
        }
      }
      m.progress = PoolMember.VERIFIED;
      return null;
    } catch (TemporalFailure f) {
      return interrupted.getAsBoolean() ? null : failed(m, Failures.describe(f));
    }
  }

  /** Marks {@code m} FAILED with {@code why}, records it, and returns the one-line problem. */
  public String failed(PoolMember m, String why) {
    m.progress = PoolMember.FAILED;
    m.message = why;
    trail.add(BELLWETHER, "instance-failed", m.instance + ": " + why);
    return m.instance + ": " + why;
  }

  /**
   * Empties the slot (so it takes no request), then stops the instance. Idempotent: both calls are.
   * Returns the problems met; empty when the instance is gone.
   */
  public List<String> remove(SwitchActivities pool, DeployActivities deploy, String backend, PoolMember m) {
    try {
      m.see(pool.assignSlot(router, backend, m.slot, ""));
      m.address = "";
      DeployResult r = deploy.decommission(deployer, m.instance);
      if (!r.ok()) {
        m.message = "decommission failed: " + RunText.tail(r.output());
        return List.of(
            m.instance
                + ": decommission failed (exit "
                + r.exitCode()
                + "): "
                + RunText.tail(r.output()));
      }
      m.running = false;
      // A failed instance keeps FAILED, so status still says why it was torn down.
      if (PoolMember.FAILED.equals(m.progress)) {
        m.message = m.message + "; decommissioned";
      } else {
        m.progress = PoolMember.DECOMMISSIONED;
      }
      return List.of();
    } catch (TemporalFailure f) {
      m.message = "removal failed: " + Failures.describe(f);
      return List.of(m.instance + ": " + Failures.describe(f));
    }
  }

  /**
   * {@link #remove}s every member that was ever registered (asked to start), in order. Returns the
   * problems met; empty when all of them are gone.
   */
  public List<String> removeRegistered(
      SwitchActivities pool, DeployActivities deploy, String backend, List<PoolMember> members) {
    List<String> problems = new ArrayList<>();
    for (PoolMember m : members) {
      if (m.registered) {
        problems.addAll(remove(pool, deploy, backend, m));
      }
    }
    return problems;
  }
}
