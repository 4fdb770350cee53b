package io.bellwether.starter.follow;

import io.bellwether.contracts.rolling.InstanceStatus;
import io.bellwether.contracts.rolling.Phase;
import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Text for a run's progress. Pure, so it is unit-tested without a server. */
public final class ProgressView {
  /** Width of the bar between the brackets. */
  public static final int BAR_WIDTH = 10;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private ProgressView() {}

  /**
   * One line: {@code batch 2/4 [###-------] web-2 VERIFYING}, the bar filled by the share of
   * instances UPGRADED, followed by the current batch's instances and, when it is not simply
   * progressing, the phase.
   */
  public static String line(RollingStatus s, ZoneId zone) {
    List<InstanceStatus> instances = s.instances() == null ? List.of() : s.instances();
    long upgraded = instances.stream().filter(i -> "UPGRADED".equals(i.progress())).count();
    StringBuilder b = new StringBuilder();
    b.append("batch ").append(s.batch()).append('/').append(s.totalBatches()).append(' ');
    b.append(bar(upgraded, instances.size()));
    for (InstanceStatus i : instances) {
      if (i.batch() == s.batch() && s.batch() > 0) {
        b.append(' ').append(i.name()).append(' ').append(i.progress());
      }
    }
    Phase phase = s.phase();
    if (phase != null && phase != Phase.PROGRESSING) {
      b.append("  ").append(phase);
    } else if (s.step() != null && !s.step().isBlank()) {
      b.append("  (").append(s.step()).append(')');
    }
    if (s.paused() && phase != Phase.PAUSED) {
      b.append("  pause requested");
    }
    return b.toString();
  }

  /** {@code [###-------]}: {@code done} of {@code total} filled, rounded to the nearest cell. */
  public static String bar(long done, long total) {
    int filled = total <= 0 ? 0 : (int) Math.round((double) Math.min(done, total) * BAR_WIDTH / total);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  /** {@code 14:03:07  bellwether    batch-done    web-1}, the time in {@code zone}. */
  public static String event(RunEvent e, ZoneId zone) {
    return String.format(
            "%s  %-12s %-14s %s", clock(e.time(), zone), nz(e.by()), nz(e.action()), nz(e.detail()))
        .stripTrailing()
        // A multi-line detail (a deployer's log tail) stays visibly part of its event.
        .replace("\n", "\n          ");
  }

  static String clock(String iso, ZoneId zone) {
    if (iso == null) {
      return "--:--:--";
    }
    try {
      return CLOCK.format(Instant.parse(iso).atZone(zone));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
