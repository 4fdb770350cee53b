package io.bellwether.activities.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Stopping processes together with what they started. */
final class Processes {
  private static final long POLL_MILLIS = 20;

  private Processes() {}

  /**
   * SIGTERM to {@code root}, up to {@code grace} for it to exit (none when zero), then SIGKILL to
   * it and to every descendant seen before the first signal (once the root dies its children are
   * re-parented and can no longer be found from it), and up to 5 s for all of them to go. Returns
   * whether the root is gone.
   */
  static boolean stopTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> descendants = root.descendants().toList();
    if (!grace.isZero()) {
      root.destroy();
      awaitExit(root, grace);
    }
    if (isRunning(root)) {
      root.destroyForcibly();
    }
    for (ProcessHandle d : descendants) {
      d.destroyForcibly();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    for (ProcessHandle d : descendants) {
      awaitExit(d, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    return awaitExit(root, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  /** Waits until the process has exited; returns whether it did within {@code timeout}. */
  static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isRunning(handle)) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !isRunning(handle);
      }
    }
    return true;
  }

  /**
   * Alive and not a zombie. An exited process whose parent has not collected it yet still counts as
   * alive for {@link ProcessHandle#isAlive()}; in a container whose init does not reap, that can
   * last forever, and a stopped instance must not look like it is running.
   */
  static boolean isRunning(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
      // "pid (comm) S ...": the state follows the last ')', since comm may hold spaces or ')'.
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return handle.isAlive();
    }
  }
}
