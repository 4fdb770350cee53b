package io.bellwether.contracts.chaos;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a probe reading must be within. Bounds are inclusive and either may be absent; {@code
 * status}, for HTTP probes, lists the statuses that pass (any status below 400 when absent). A
 * reading without a value (no data, the provider down, no answer) is never within tolerance.
 *
 * @param min lowest value that passes, or null
 * @param max highest value that passes, or null
 * @param status HTTP statuses that pass, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tolerance(Double min, Double max, List<Integer> status) {
  public Tolerance {
    // A null status is kept for the validator to report; List.copyOf would throw first.
    status = status == null ? null : Collections.unmodifiableList(new ArrayList<>(status));
  }

  /** Whether {@code reading} passes; {@code http} says whether the status counts. */
  public boolean admits(ProbeReading reading, boolean http) {
    return why(reading, http) == null;
  }

  /** Why {@code reading} does not pass, in words; null when it passes. */
  public String why(ProbeReading reading, boolean http) {
    if (reading == null || reading.value() == null) {
      return "no reading" + (reading == null || reading.detail() == null ? "" : ": " + reading.detail());
    }
    List<String> out = new ArrayList<>();
    double v = reading.value();
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (http) {
      int s = reading.status();
      boolean statusOk = status == null ? s > 0 && s < 400 : status.contains(s);
      if (!statusOk) {
        out.add("status " + s + (status == null ? " (expected < 400)" : " (expected " + status + ")"));
      }
    }
    if (min != null && v < min) {
      out.add(fmt(v) + " < min " + fmt(min));
    }
    if (max != null && v > max) {
      out.add(fmt(v) + " > max " + fmt(max));
    }
    return out.isEmpty() ? null : String.join(", ", out);
  }

  /** The tolerance in words, such as {@code >= 0.99} or {@code status [200], <= 500}. */
  public String describe() {
    List<String> out = new ArrayList<>();
    if (status != null) {
      out.add("status " + status);
    }
    if (min != null && max != null) {
      out.add(fmt(min) + ".." + fmt(max));
    } else if (min != null) {
      out.add(">= " + fmt(min));
    } else if (max != null) {
      out.add("<= " + fmt(max));
    }
    return out.isEmpty() ? "any" : String.join(", ", out);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
