package io.bellwether.workflows;

import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.spec.Violation;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.util.List;

/** Reading Temporal failures the way runs report them in status, events and results. Pure code. */
public final class Failures {
  private Failures() {}

  /**
   * The type of the first {@link ApplicationFailure} in the cause chain (a name from {@code
   * FailureTypes} when an activity raised a typed failure), or null when the chain has none (a
   * timeout, a cancel).
   */
  public static String type(TemporalFailure f) {
    Throwable t = f;
    while (t != null) {
      if (t instanceof ApplicationFailure a) {
        return a.getType();
      }
      t = t.getCause();
    }
    return null;
  }

  /**
   * The innermost message of a failure chain: what actually went wrong, not the activity wrapper.
   * Never null for a failure that carries a message.
   */
  public static String innermostMessage(TemporalFailure f) {
    Throwable t = f;
    while (t.getCause() != null && t instanceof ActivityFailure) {
      t = t.getCause();
    }
    return t instanceof ApplicationFailure a ? a.getOriginalMessage() : t.getMessage();
  }

  /** {@link #innermostMessage}, prefixed with {@code "<type>: "} when the chain has a type. */
  public static String describe(TemporalFailure f) {
    String text = innermostMessage(f);
    String type = type(f);
    return type == null ? text : type + ": " + text;
  }

  /**
   * The failure a run ends with when its spec does not hold: non-retryable, type InvalidSpec, with
   * the violations as its one detail (a JSON list of {field, reason}) so that callers can show
   * every problem at once.
   */
  public static ApplicationFailure invalidSpec(String text, List<Violation> problems) {
    return ApplicationFailure.newNonRetryableFailure(
        text, FailureTypes.INVALID_SPEC, List.copyOf(problems));
  }

  /**
   * The failure a run ends with when its spec was refused: {@link #invalidSpec} with every
   * violation in {@code all}, or, when {@code onlyUnknownNames} (the spec holds but names what the
   * configuration lacks), the same non-retryable failure typed UnknownTarget so that people look
   * at the configuration.
   */
  public static ApplicationFailure refusedSpec(
      String text, boolean onlyUnknownNames, List<Violation> all) {
    if (onlyUnknownNames) {
      return ApplicationFailure.newNonRetryableFailure(
          text, FailureTypes.UNKNOWN_TARGET, List.copyOf(all));
    }
    return invalidSpec(text, all);
  }
}
