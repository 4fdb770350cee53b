package io.bellwether.contracts.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A count ({@code 1}) or a share ({@code "25%"}), as Kubernetes' {@code maxUnavailable}. Kept as
 * the raw text so that a bad value reaches the validator instead of failing deserialization.
 */
public final class IntOrPercent {
  private final String raw;

  private IntOrPercent(String raw) {
    this.raw = raw;
  }

  @JsonCreator
  public static IntOrPercent of(Object value) {
    return value == null ? null : new IntOrPercent(String.valueOf(value).trim());
  }

  @JsonValue
  public Object json() {
    return isPercent() ? raw : (isInteger(raw) ? Integer.parseInt(raw) : raw);
  }

  public String raw() {
    return raw;
  }

  public boolean isPercent() {
    return raw.endsWith("%");
  }

  /** Null when the text is neither a whole number nor a whole percentage. */
  public Integer number() {
    String digits = isPercent() ? raw.substring(0, raw.length() - 1).trim() : raw;
    return isInteger(digits) ? Integer.parseInt(digits) : null;
  }

  /**
   * The count this value stands for out of {@code total}. Percentages round down, as Kubernetes
   * does for maxUnavailable, but never below one so that a rollout always makes progress.
   */
  public int resolve(int total) {
    Integer n = number();
    if (n == null) {
      throw new IllegalStateException("not a count or percentage: " + raw);
    }
    int count = isPercent() ? (int) Math.floor(total * n / 100.0) : n;
    return Math.max(1, Math.min(total, count));
  }

  private static boolean isInteger(String s) {
    return s.matches("-?\\d{1,9}");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IntOrPercent other && other.raw.equals(raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  @Override
  public String toString() {
    return raw;
  }
}
