package io.bellwether.activities.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A command run to its end, with no shell, its output (stdout and stderr) collected. */
final class HostCommand {
  private static final int OUTPUT_LIMIT = 4000;

  /** How a command ended: exit code and the last 4000 characters of its output. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private HostCommand() {}

  /**
   * Runs {@code argv}, writing {@code input} (when not null) to its standard input, and waits up to
   * {@code timeout}. {@link InjectorUnavailableException} when it cannot be started or does not end
   * in time (it is killed then); a non-zero exit is a result, for the caller to judge.
   */
  static Result run(List<String> argv, String input, Duration timeout) {
    Process process;
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      if (input == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      }
      process = pb.start();
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot run " + argv + ": " + e.getMessage(), e);
    }
    // A thread of its own: the common pool may have a single thread on a small machine, and a
    // command blocked on a full pipe would wait for it.
    CompletableFuture<String> output = new CompletableFuture<>();
    Thread reader =
        new Thread(() -> output.complete(drain(process.getInputStream())), "host-command-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (input != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // It exited before reading all of it; its exit code and output say why.
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new InjectorUnavailableException(
            argv + " did not end within " + timeout.toSeconds() + " s; killed");
      }
      return new Result(process.exitValue(), output.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InjectorUnavailableException("interrupted while running " + argv, e);
    } catch (ExecutionException | TimeoutException e) {
      return new Result(process.exitValue(), "(output not read: " + e + ")");
    }
  }

  private static String drain(InputStream in) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        all.write(buf, 0, n);
      }
    } catch (IOException e) {
      // The process is gone; what was read is what there is.
    }
    String text = all.toString(StandardCharsets.UTF_8).strip();
    return text.length() <= OUTPUT_LIMIT ? text : "..." + text.substring(text.length() - OUTPUT_LIMIT);
  }
}
