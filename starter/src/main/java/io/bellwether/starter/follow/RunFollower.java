package io.bellwether.starter.follow;

import io.bellwether.contracts.rolling.RollingStatus;
import io.bellwether.contracts.rolling.RunEvent;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;

/**
 * Prints a run as it goes from successive status answers: each new audit event once, and the
 * progress line. On a terminal the line is redrawn in place; otherwise (CI, pipes, files) it is
 * printed as a plain line whenever it changes, with no carriage returns.
 */
public final class RunFollower {
  private static final String CLEAR_LINE = "\r\033[2K";

  private final PrintWriter out;
  private final boolean tty;
  private final ZoneId zone;
  private int eventsShown;
  private String lastLine = "";
  private boolean lineOpen;

  public RunFollower(PrintWriter out, boolean tty, ZoneId zone) {
    this.out = out;
    this.tty = tty;
    this.zone = zone;
  }

  /** Prints what is new in {@code status} since the previous call. Never throws on missing parts. */
  public void render(RollingStatus status) {
    List<RunEvent> events = status.events() == null ? List.of() : status.events();
    String line = ProgressView.line(status, zone);
    boolean newEvents = events.size() > eventsShown;
    if (tty) {
      if (newEvents) {
        out.print(CLEAR_LINE);
        for (int i = eventsShown; i < events.size(); i++) {
          out.println(ProgressView.event(events.get(i), zone));
        }
        lineOpen = false;
      }
      if (newEvents || !line.equals(lastLine) || !lineOpen) {
        out.print(CLEAR_LINE + line);
        lineOpen = true;
      }
    } else {
      for (int i = eventsShown; i < events.size(); i++) {
        out.println(ProgressView.event(events.get(i), zone));
      }
      if (!line.equals(lastLine)) {
        out.println(line);
      }
    }
    eventsShown = Math.max(eventsShown, events.size());
    lastLine = line;
    out.flush();
  }

  /** Prints a note (such as a lost connection) on its own line without breaking the progress line. */
  public void note(String text) {
    if (tty && lineOpen) {
      out.print(CLEAR_LINE);
      lineOpen = false;
    }
    out.println(text);
    out.flush();
  }

  /** Ends the progress line so later output starts on a fresh line. Idempotent. */
  public void finish() {
    if (tty && lineOpen) {
      out.println();
      lineOpen = false;
    }
    out.flush();
  }
}
