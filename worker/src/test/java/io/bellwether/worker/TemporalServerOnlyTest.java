package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TemporalServerOnlyTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--temporal-server-only                 | 7233",
        "--temporal-server-only --port=7300     | 7300",
        "--port 0 --temporal-server-only        | 0",
      })
  void readsThePort(String args, int expected) {
    assertEquals(expected, TemporalServerOnly.port(args.trim().split("\\s+")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--temporal-server-only --port=abc  | must be a number",
        "--temporal-server-only --port=70000 | 0 to 65535",
        "--temporal-server-only --port       | needs a value",
        "--temporal-server-only --host=0.0.0.0 | unknown argument",
      })
  void refusesAnythingElse(String args, String reason) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TemporalServerOnly.port(args.trim().split("\\s+")));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void runsAsItsOwnProcessPrintsOneLineAndStopsOnSigterm() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BellwetherWorkerApplication.class.getName(),
                "--temporal-server-only",
                "--port=0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return out.readLine();
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      Matcher m = Pattern.compile("Temporal server listening on 127\\.0\\.0\\.1:(\\d+)").matcher(first);
      assertTrue(m.matches(), "first line: " + first);

      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder()
                  .setTarget("127.0.0.1:" + m.group(1))
                  .build());
      try {
        assertTrue(
            stubs.blockingStub()
                .getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
                .hasCapabilities());
      } finally {
        stubs.shutdownNow();
      }

      // SIGTERM; Process.destroy() would also close our end of stdout before we read the rest.
      assertTrue(p.toHandle().destroy());
      assertTrue(p.waitFor(15, TimeUnit.SECONDS), "the server stops on SIGTERM");
      List<String> rest = out.lines().toList();
      assertEquals(List.of(), rest, "nothing else on stdout");
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    assertFalse(p.isAlive());
  }
}
