package io.bellwether.contracts;

/** Task queue names. Stable: workers, the CLI and other services all use them. */
public final class TaskQueues {
  /** The one queue every Bellwether workflow and activity runs on. */
  public static final String BELLWETHER = "bellwether";

  private TaskQueues() {}
}
