package io.bellwether.client;

import io.bellwether.contracts.chaos.BudgetStatus;
import io.bellwether.contracts.chaos.ChaosResult;
import io.bellwether.contracts.chaos.ChaosStatus;
import io.bellwether.contracts.chaos.FaultRecord;
import io.bellwether.contracts.chaos.Verdict;
import java.util.List;

/**
 * One run of a chaos experiment in a service's history: the listing's facts, and what the run
 * concluded. A completed run has its {@code result} (read from its history, no worker needed);
 * a run still going, or one that failed or was canceled, has its {@code status} instead when a
 * worker answered; both are null when neither could be read.
 *
 * @param run the run as the namespace's listing shows it
 * @param result its result, when it completed
 * @param status its status query answer, when there is no result and a worker answered
 */
public record ChaosRun(RunSummary run, ChaosResult result, ChaosStatus status) {
  /** The experiment's name; null when neither result nor status could be read. */
  public String experiment() {
    return result != null ? result.name() : status != null ? status.name() : null;
  }

  /** What the run concluded, or {@link Verdict#PENDING} while it runs; null when unknown. */
  public Verdict verdict() {
    return result != null ? result.verdict() : status != null ? status.verdict() : null;
  }

  /** Whether the hypothesis held; null when no fault ran or it is not known. */
  public Boolean hypothesisHeld() {
    if (result != null) {
      return result.hypothesisHeld();
    }
    if (status == null || status.verdict() == null) {
      return null;
    }
    return switch (status.verdict()) {
      case HELD -> Boolean.TRUE;
      case DEVIATED -> Boolean.FALSE;
      default -> null;
    };
  }

  /** Every fault step the run recorded (planned or done); empty when unknown. */
  public List<FaultRecord> faults() {
    List<FaultRecord> f = result != null ? result.faults() : status != null ? status.faults() : null;
    return f == null ? List.of() : f;
  }

  /** The error budget as the run saw it; null when unknown. */
  public BudgetStatus budget() {
    return result != null ? result.budget() : status != null ? status.budget() : null;
  }

  /** Workflow time from a breach (or rollback) to every fault restored; 0 without one or result. */
  public long breachToRestoredMillis() {
    return result == null ? 0 : result.breachToRestoredMillis();
  }

  /** Why it aborted or failed; null otherwise. */
  public String reason() {
    return result != null ? result.reason() : status != null ? status.reason() : null;
  }
}
