package io.bellwether.contracts.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in specs: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h},
 * {@code 1m30s}, or ISO-8601 ({@code PT30S}). Pure, so workflow code may call it.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  /** Null when the text is not a duration. */
  public static Duration parse(String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.startsWith("P") || s.startsWith("p")) {
      try {
        return Duration.parse(s.toUpperCase());
      } catch (RuntimeException e) {
        return null;
      }
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.lookingAt() || m.find(end)) {
      if (m.start() != end) {
        return null;
      }
      long n = Long.parseLong(m.group(1));
      total =
          switch (m.group(2)) {
            case "ms" -> total.plusMillis(n);
            case "s" -> total.plusSeconds(n);
            case "m" -> total.plusMinutes(n);
            default -> total.plusHours(n);
          };
      end = m.end();
      if (end == s.length()) {
        return total;
      }
      m.region(end, s.length());
    }
    return null;
  }

  /** Parses text that has already passed validation, or returns the fallback when it is absent. */
  public static Duration parseOr(String text, Duration fallback) {
    Duration d = parse(text);
    return d == null ? fallback : d;
  }

  /** Formats a duration the way specs write it: {@code 1m30s}, {@code 250ms}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long h = d.toHours();
    int m = d.toMinutesPart();
    int s = d.toSecondsPart();
    int ms = d.toMillisPart();
    if (h > 0) sb.append(h).append('h');
    if (m > 0) sb.append(m).append('m');
    if (s > 0) sb.append(s).append('s');
    if (ms > 0) sb.append(ms).append("ms");
    return sb.toString();
  }
}
