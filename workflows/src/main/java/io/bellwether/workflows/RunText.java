package io.bellwether.workflows;

import io.bellwether.contracts.activities.ProbeResult;

/** The short texts runs put in events and messages about what activities returned. Pure code. */
public final class RunText {
  /** How much of a command's output a message keeps: the end, where errors usually are. */
  static final int OUTPUT_TAIL = 300;

  private RunText() {}

  /** One line on a probe's outcome: attempts, passes in a row, last status and last error. */
  public static String probe(ProbeResult p) {
    return p.attempts()
        + " probe(s), "
        + p.consecutivePasses()
        + " passing in a row, last status "
        + p.lastStatus()
        + (isBlank(p.lastError()) ? "" : ", " + p.lastError());
  }

  /** The last 300 characters of a command's output, stripped; empty for null. */
  public static String tail(String output) {
    if (output == null) {
      return "";
    }
    String s = output.strip();
    return s.length() <= OUTPUT_TAIL ? s : "..." + s.substring(s.length() - OUTPUT_TAIL);
  }

  /** True for null, empty or whitespace-only text. */
  public static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
