package io.bellwether.workflows.chaos;

import io.bellwether.contracts.chaos.ProbeReading;
import io.bellwether.contracts.chaos.ProbeSample;
import io.bellwether.contracts.chaos.ProbeSpec;
import io.bellwether.contracts.chaos.Stage;
import io.bellwether.contracts.chaos.Tolerance;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The probe readings and findings of one experiment. Every reading becomes a {@link ProbeSample}
 * with the verdict of the tolerance in force at its stage. A very long run keeps its readings
 * bounded: past {@link #MAX_SAMPLES}, every other passing reading is dropped (oldest first), while
 * every failing one is kept, since those are what a report must show. Workflow state; the clock is
 * passed in, so the class itself is pure.
 */
public final class ChaosJournal {
  /** The most readings kept in status. */
  public static final int MAX_SAMPLES = 5000;

  /** Prefix of a guardrail's readings in the journal. */
  public static final String GUARDRAIL = "guardrail:";

  /** Name of the error budget's readings in the journal. */
  public static final String BUDGET = "budget";

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final List<ProbeSample> samples = new ArrayList<>();
  private final List<String> findings = new ArrayList<>();

  /**
   * Records one reading of {@code probe} at {@code atMillis} against {@code tolerance} (null: only
   * recorded) and returns why it is outside, or null when it passes or nothing applies.
   */
  public String add(
      long atMillis, Stage stage, String name, boolean http, ProbeReading r, Tolerance tolerance) {
    String why = tolerance == null ? null : tolerance.why(r, http);
    String detail = why != null ? why : r == null ? "" : nullToEmpty(r.detail());
    add(
        new ProbeSample(
            iso(atMillis),
            stage,
            name,
            r == null ? null : r.value(),
            r == null ? 0 : r.status(),
            why == null,
            detail));
    return why;
  }

  /** Records a sample as given. */
  public void add(ProbeSample s) {
    samples.add(s);
    if (samples.size() > MAX_SAMPLES) {
      thin();
    }
  }

  /** Adds a finding once (the same words twice are kept once). */
  public void finding(String text) {
    if (!findings.contains(text)) {
      findings.add(text);
    }
  }

  public List<ProbeSample> samples() {
    return List.copyOf(samples);
  }

  public List<String> findings() {
    return List.copyOf(findings);
  }

  /** Whether an HTTP probe: its status counts. */
  public static boolean http(ProbeSpec p) {
    return ProbeSpec.HTTP.equals(p.type());
  }

  /** ISO-8601 text of a workflow-clock instant. */
  public static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /** The time of day of a workflow-clock instant, as findings write it: {@code 12:00:05}. */
  public static String clock(long millis) {
    return CLOCK.format(Instant.ofEpochMilli(millis));
  }

  /** Milliseconds as findings write them: {@code 0.4 s}, {@code 12 s}, {@code 2.5 min}. */
  public static String seconds(long millis) {
    if (millis < 10_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    if (millis < 120_000) {
      return Math.round(millis / 1000.0) + " s";
    }
    return String.format(Locale.ROOT, "%.1f min", millis / 60_000.0);
  }

  /** A request count as findings write it. */
  public static String count(double n) {
    return String.format(Locale.ROOT, "%.0f", n);
  }

  private void thin() {
    thin(true);
    if (samples.size() > MAX_SAMPLES) {
      // Nearly all failing: the bound still holds, failing readings are thinned too.
      thin(false);
    }
  }

  /** Drops every other reading of the oldest half (only passing ones when {@code passingOnly}). */
  private void thin(boolean passingOnly) {
    int eligible = 0;
    for (ProbeSample s : samples) {
      if (s.ok() || !passingOnly) {
        eligible++;
      }
    }
    int toVisit = eligible / 2;
    boolean drop = false;
    for (Iterator<ProbeSample> it = samples.iterator(); it.hasNext() && toVisit > 0; ) {
      ProbeSample s = it.next();
      if (passingOnly && !s.ok()) {
        continue;
      }
      toVisit--;
      if (drop) {
        it.remove();
      }
      drop = !drop;
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
