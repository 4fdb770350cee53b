package io.bellwether.workflows.chaos;

import io.bellwether.contracts.chaos.BlastRadiusWorkflow;
import io.bellwether.contracts.chaos.LeaseActivities;
import io.bellwether.contracts.chaos.LeaseDecision;
import io.bellwether.contracts.chaos.LeaseRequest;
import io.bellwether.workflows.ActivityOptionsCatalog;
import io.bellwether.workflows.Failures;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;

/**
 * The {@code ChaosBlastRadius} coordinator: one run (id {@value BlastRadiusWorkflow#WORKFLOW_ID})
 * holds every blast-radius lease and grants new ones by the rule of {@link LeaseBook}. While it
 * holds any, it looks every minute for leases past their expiry and for holders whose run is no
 * longer open, and takes those back, so that a crashed or terminated experiment cannot keep a
 * lease. Idle, it only waits (no timer runs). It continues as new, carrying the leases, after
 * {@value #CONTINUE_AFTER} requests or when its history grows long, once no request is in flight.
 *
 * <p>Deterministic: it reads the workflow clock, awaits, and calls {@link LeaseActivities#isOpen}.
 */
public class BlastRadiusWorkflowImpl implements BlastRadiusWorkflow {
  /** Requests (acquire and release) after which the coordinator continues as new. */
  public static final int CONTINUE_AFTER = 500;

  /** History events after which the coordinator continues as new (the every-minute checks). */
  public static final long MAX_HISTORY = 10_000;

  /** How often held leases are checked for expiry and for holders that are gone. */
  public static final Duration CHECK_EVERY = Duration.ofMinutes(1);

  private static final Logger log = Workflow.getLogger(BlastRadiusWorkflowImpl.class);

  private final LeaseBook book = new LeaseBook(List.of());
  private final LeaseActivities holders =
      Workflow.newActivityStub(LeaseActivities.class, ActivityOptionsCatalog.leaseHolderCheckCall());
  private int handled;

  @Override
  public void run(List<LeaseRequest> carried) {
    if (carried != null) {
      for (LeaseRequest l : carried) {
        book.hold(l);
      }
    }
    while (true) {
      if (book.isEmpty()) {
        Workflow.await(() -> !book.isEmpty() || continueNow());
      } else {
        Workflow.await(CHECK_EVERY, this::continueNow);
        reclaim();
      }
      if (continueNow()) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(book.leases());
      }
    }
  }

  private boolean continueNow() {
    return handled >= CONTINUE_AFTER || Workflow.getInfo().getHistoryLength() > MAX_HISTORY;
  }

  /** Takes back leases past their expiry and those whose holder's run is not open. */
  private void reclaim() {
    for (LeaseRequest l : book.expire(Workflow.currentTimeMillis())) {
      log.info("lease {} of {} expired and was taken back", l.leaseId(), l.holder());
    }
    for (String holder : book.holders()) {
      boolean open;
      try {
        open = holders.isOpen(holder);
      } catch (TemporalFailure f) {
        // Cannot tell now: kept until the next check or its expiry.
        log.warn("could not check lease holder {}: {}", holder, Failures.describe(f));
        continue;
      }
      if (!open) {
        for (LeaseRequest l : book.dropHolder(holder)) {
          log.info("lease {} taken back: its holder {} is not running", l.leaseId(), holder);
        }
      }
    }
  }

  @Override
  public LeaseDecision acquire(LeaseRequest request) {
    handled++;
    // Expired leases never stand in the way, even between two checks.
    book.expire(Workflow.currentTimeMillis());
    return book.acquire(request);
  }

  @Override
  public void release(String leaseId) {
    handled++;
    book.release(leaseId);
  }

  @Override
  public List<LeaseRequest> leases() {
    return book.leases();
  }
}
