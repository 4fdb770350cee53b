package io.bellwether.starter.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting and stopping the sandbox's detached processes, which outlive the CLI that started them. */
public final class Processes {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final long START_TOLERANCE_MILLIS = 2_000;

  private Processes() {}

  /** The java launcher of the running JVM, so children run on the same Java. */
  public static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts {@code argv} in its own session (when setsid exists) so a Ctrl-C or the end of the
   * calling process does not reach it. Output is appended to {@code log}; stdin is /dev/null. No
   * pipes: a pipe nobody reads would block the child once it fills.
   */
  public static ProcessHandle startDetached(List<String> argv, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // Started from a JVM we are never a process-group leader, so setsid execs in place and
      // the PID we get is the program's own.
      command.add(SETSID.toString());
    }
    command.addAll(argv);
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start().toHandle();
  }

  /** Start time in epoch millis, or 0 when the OS does not say. */
  public static long startMillis(ProcessHandle h) {
    return h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
  }

  /**
   * The live process with this PID, provided it is the one recorded: a recycled PID with another
   * start time is not ours. Empty for PID 0 or when gone.
   */
  public static Optional<ProcessHandle> ours(long pid, long recordedStartMillis) {
    if (pid <= 0) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            h -> {
              long start = startMillis(h);
              return recordedStartMillis == 0
                  || start == 0
                  || Math.abs(start - recordedStartMillis) <= START_TOLERANCE_MILLIS;
            });
  }

  /** Whether the recorded process still runs. */
  public static boolean alive(long pid, long recordedStartMillis) {
    return ours(pid, recordedStartMillis).isPresent();
  }

  /**
   * SIGTERM, then SIGKILL after {@code grace}; returns once it is gone. Idempotent: a process
   * already gone (or a PID now used by another program) is left alone.
   */
  public static void stop(long pid, long recordedStartMillis, Duration grace) {
    Optional<ProcessHandle> h = ours(pid, recordedStartMillis);
    if (h.isEmpty()) {
      return;
    }
    ProcessHandle p = h.get();
    p.destroy();
    if (!waitForExit(p, grace)) {
      p.destroyForcibly();
      waitForExit(p, Duration.ofSeconds(10));
    }
  }

  /** SIGKILL, as a crash would; returns once it is gone. */
  public static void kill(long pid, long recordedStartMillis) {
    ours(pid, recordedStartMillis)
        .ifPresent(
            p -> {
              p.destroyForcibly();
              waitForExit(p, Duration.ofSeconds(10));
            });
  }

  static boolean waitForExit(ProcessHandle p, Duration timeout) {
    try {
      p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !p.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    } catch (Exception e) {
      return !p.isAlive();
    }
  }

  /** Whether something accepts TCP connections on 127.0.0.1:port. */
  public static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The last {@code maxBytes} of a log file, for error messages; empty when there is none. */
  public static String tail(Path log, int maxBytes) {
    if (log == null || !Files.isRegularFile(log)) {
      return "";
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, f.length() - maxBytes);
      byte[] buf = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
