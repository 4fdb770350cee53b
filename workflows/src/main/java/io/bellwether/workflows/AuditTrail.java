package io.bellwether.workflows;

import io.bellwether.contracts.rolling.RunEvent;
import io.bellwether.workflows.gate.EventLog;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One run's audit trail: every line a workflow, its gates and its controls record, in order,
 * stamped with the workflow clock so that a replay rebuilds the same trail. Workflow state: use
 * from workflow code only.
 */
public final class AuditTrail implements EventLog {
  private final List<RunEvent> events = new ArrayList<>();

  /** Appends one line; a null detail is recorded as empty. Never fails. */
  @Override
  public void add(String by, String action, String detail) {
    events.add(new RunEvent(now(), by, action, detail == null ? "" : detail));
  }

  /** The lines so far, oldest first, as an immutable copy; empty before the first line. */
  public List<RunEvent> events() {
    return List.copyOf(events);
  }

  /**
   * The workflow clock as ISO-8601 text (such as {@code 2026-11-27T09:15:00Z}): the same on every
   * replay, unlike the system clock. Call from workflow code only.
   */
  public static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
