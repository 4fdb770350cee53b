package io.bellwether.activities.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.contracts.activities.DeployResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandDeployerTest {
  @TempDir Path dir;

  private static CommandDeployer deployer(
      List<String> command, List<String> version, Duration timeout) {
    return new CommandDeployer(new DeployerConfig("command", command, version, null, timeout));
  }

  @Test
  void successKeepsExitCodeAndOutput() {
    DeployResult r =
        deployer(
                List.of(
                    "sh", "-c", "echo deploying $0 $1; echo warn >&2", "{instance}", "{version}"),
                null,
                null)
            .deploy("web-1", "127.0.0.1:8080", "2.0.0", () -> {});
    assertEquals(new DeployResult(true, 0, "deploying web-1 2.0.0\nwarn\n", true), r);
  }

  @Test
  void aFailingCommandIsNotOkWithItsExitCode() {
    DeployResult r =
        deployer(List.of("sh", "-c", "echo disk full; exit 7"), null, null)
            .deploy("web-1", "127.0.0.1:8080", "2.0.0", () -> {});
    assertFalse(r.ok());
    assertEquals(7, r.exitCode());
    assertEquals("disk full\n", r.output());
  }

  @Test
  void placeholdersAreFilledWithoutAShell() throws Exception {
    Path marker = dir.resolve("pwned");
    String hostile = "2.0; touch " + marker + " $(touch " + marker + ")";
    DeployResult r =
        deployer(
                List.of(
                    "printf",
                    "[%s]\\n",
                    "{instance}",
                    "{host}",
                    "{port}",
                    "{address}",
                    "{version}"),
                null,
                null)
            .deploy("web 1", "127.0.0.1:8080", hostile, () -> {});
    assertTrue(r.ok(), r.output());
    assertEquals("[web 1]\n[127.0.0.1]\n[8080]\n[127.0.0.1:8080]\n[" + hostile + "]\n", r.output());
    assertFalse(Files.exists(marker), "nothing was interpreted");
  }

  @Test
  void aTimeoutKillsTheWholeProcessTree() throws Exception {
    Path childPid = dir.resolve("child.pid");
    AtomicInteger progress = new AtomicInteger();
    long start = System.nanoTime();
    DeployResult r =
        deployer(
                List.of("sh", "-c", "sleep 60 & echo $! > " + childPid + "; echo started; wait"),
                null,
                Duration.ofMillis(2500))
            .deploy("web-1", "127.0.0.1:8080", "2.0.0", progress::incrementAndGet);
    assertFalse(r.ok());
    assertEquals(CommandDeployer.NO_EXIT_CODE, r.exitCode());
    assertTrue(r.output().startsWith("started\n"), r.output());
    assertTrue(r.output().contains("timed out"), r.output());
    assertTrue(
        Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30, "did not wait for sleep");
    assertTrue(progress.get() >= 1, "progress while waiting");
    long pid = Long.parseLong(Files.readString(childPid).trim());
    assertTrue(gone(pid), "grandchild killed");
  }

  @Test
  void aMissingProgramIsAFailedDeployNotAnException() {
    DeployResult r =
        deployer(List.of(dir.resolve("no-such-script").toString()), null, null)
            .deploy("web-1", "127.0.0.1:8080", "2.0.0", () -> {});
    assertFalse(r.ok());
    assertTrue(r.output().contains("cannot start"), r.output());
  }

  @Test
  void anAbortFromProgressKillsTheCommand() throws Exception {
    Path pidFile = dir.resolve("self.pid");
    CommandDeployer d =
        deployer(List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60"), null, null);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                d.deploy(
                    "web-1",
                    "127.0.0.1:8080",
                    "2.0.0",
                    () -> {
                      throw new IllegalStateException("cancelled");
                    }));
    assertEquals("cancelled", e.getMessage());
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertTrue(gone(pid));
  }

  static boolean gone(long pid) {
    return ProcessHandle.of(pid)
        .map(h -> Processes.awaitExit(h, Duration.ofSeconds(5)))
        .orElse(true);
  }

  @Test
  void currentVersionIsTheTrimmedOutputOfVersionCommand() {
    CommandDeployer d =
        deployer(
            List.of("true"),
            List.of("sh", "-c", "echo '  1.4.2 '; echo noise >&2", "{instance}"),
            null);
    assertEquals("1.4.2", d.currentVersion("web-1", "127.0.0.1:8080"));
    assertEquals(
        "", deployer(List.of("true"), null, null).currentVersion("web-1", "127.0.0.1:8080"));
    assertEquals(
        "",
        deployer(List.of("true"), List.of("sh", "-c", "echo 1.0; exit 1"), null)
            .currentVersion("web-1", "127.0.0.1:8080"),
        "a failing version command cannot tell");
  }

  @Test
  void anInstanceAlreadyAtTheVersionIsLeftAlone() throws Exception {
    Path ran = dir.resolve("ran");
    CommandDeployer d = deployer(List.of("touch", ran.toString()), List.of("echo", "2.0.0"), null);
    assertEquals(
        new DeployResult(true, 0, "web-1 already runs 2.0.0", false),
        d.deploy("web-1", "127.0.0.1:8080", "2.0.0", () -> {}));
    assertFalse(Files.exists(ran));
    assertTrue(d.deploy("web-1", "127.0.0.1:8080", "3.0.0", () -> {}).changed());
    assertTrue(Files.exists(ran));
  }
}
