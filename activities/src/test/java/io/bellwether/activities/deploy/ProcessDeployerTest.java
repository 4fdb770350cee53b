package io.bellwether.activities.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.testapp.VersionServer;
import io.bellwether.contracts.activities.DeployResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the test-classpath {@link VersionServer} as real, detached processes. */
class ProcessDeployerTest {
  @TempDir Path dir;

  private ProcessDeployer deployer;
  private String address;

  @BeforeEach
  void setUp() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classes =
        Path.of(VersionServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    List<String> command =
        List.of(
            java,
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classes,
            VersionServer.class.getName(),
            "--port",
            "{port}",
            "--version",
            "{version}",
            "--instance",
            "{instance}");
    deployer =
        new ProcessDeployer(
            new DeployerConfig("process", command, null, dir.toString(), Duration.ofSeconds(20)));
    address = "127.0.0.1:" + HaproxyLauncher.freePort();
  }

  @AfterEach
  void tearDown() {
    ProcessDeployer.stopAll(dir);
  }

  @Test
  void startsUpgradesIsIdempotentAndStops() throws Exception {
    assertEquals("", deployer.currentVersion("web-1", address), "never deployed");

    AtomicInteger progress = new AtomicInteger();
    DeployResult first = deployer.deploy("web-1", address, "1.0.0", progress::incrementAndGet);
    assertTrue(first.ok(), first.output());
    assertTrue(first.changed());
    assertEquals("1.0.0", get("/version"));
    assertEquals("1.0.0", deployer.currentVersion("web-1", address));
    long pid1 = pid("web-1");
    assertTrue(Processes.isRunning(ProcessHandle.of(pid1).orElseThrow()));
    assertTrue(
        ProcessHandle.of(pid1).orElseThrow().info().command().orElse("").endsWith("java"),
        "the pid file names the instance itself, not a wrapper");
    assertNotEquals(sessionOf(ProcessHandle.current().pid()), sessionOf(pid1), "own session");

    DeployResult again = deployer.deploy("web-1", address, "1.0.0", () -> {});
    assertEquals(new DeployResult(true, 0, "web-1 already runs 1.0.0", false), again);
    assertEquals(pid1, pid("web-1"), "left alone");

    DeployResult upgrade = deployer.deploy("web-1", address, "2.0.0", () -> {});
    assertTrue(upgrade.ok(), upgrade.output());
    assertTrue(upgrade.changed());
    long pid2 = pid("web-1");
    assertNotEquals(pid1, pid2);
    assertTrue(CommandDeployerTest.gone(pid1), "old process stopped");
    assertEquals("2.0.0", get("/version"));
    assertEquals("2.0.0", deployer.currentVersion("web-1", address));
    assertTrue(Files.readString(dir.resolve("web-1.log")).contains("version-server web-1 2.0.0"));

    deployer.stop("web-1");
    assertTrue(CommandDeployerTest.gone(pid2));
    assertFalse(Files.exists(dir.resolve("web-1.pid")));
    assertEquals("", deployer.currentVersion("web-1", address));
    deployer.stop("web-1"); // idempotent
  }

  @Test
  void anInstanceThatDiesAtStartIsAFailedDeployWithItsLog() {
    DeployResult r = deployer.deploy("web-1", address, "crash", () -> {});
    assertFalse(r.ok());
    assertEquals(3, r.exitCode());
    assertTrue(r.output().contains("refusing to start version crash"), r.output());
    assertEquals("", deployer.currentVersion("web-1", address));
  }

  @Test
  void anInstanceAnsweringAnotherVersionIsNotOk() {
    DeployResult r = deployer.deploy("web-1", address, "liar", () -> {});
    assertFalse(r.ok());
    assertTrue(r.output().contains("'0.0.0'"), r.output());
  }

  @Test
  void stopAllStopsEveryInstance() throws Exception {
    String other = "127.0.0.1:" + HaproxyLauncher.freePort();
    assertTrue(deployer.deploy("web-1", address, "1.0.0", () -> {}).ok());
    assertTrue(deployer.deploy("web-2", other, "1.0.0", () -> {}).ok());
    long p1 = pid("web-1");
    long p2 = pid("web-2");
    ProcessDeployer.stopAll(dir);
    assertTrue(CommandDeployerTest.gone(p1));
    assertTrue(CommandDeployerTest.gone(p2));
    assertEquals(List.of(), Files.list(dir).filter(f -> f.toString().endsWith(".pid")).toList());
    ProcessDeployer.stopAll(dir.resolve("missing")); // nothing there, nothing to do
  }

  @Test
  void onlyLocalAddressesAndPlainInstanceNames() {
    assertThrows(
        IllegalArgumentException.class,
        () -> deployer.deploy("web-1", "10.1.2.3:80", "1", () -> {}));
    assertThrows(
        IllegalArgumentException.class,
        () -> deployer.deploy("web-1", "example.com:80", "1", () -> {}));
    assertThrows(
        IllegalArgumentException.class, () -> deployer.deploy("../etc", address, "1", () -> {}));
    assertThrows(
        IllegalArgumentException.class, () -> deployer.deploy("web-1", "127.0.0.1", "1", () -> {}));
  }

  private long pid(String instance) throws Exception {
    return Long.parseLong(Files.readString(dir.resolve(instance + ".pid")).trim());
  }

  private String get(String path) throws Exception {
    HttpResponse<String> res =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + address + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return res.body();
  }

  private static String sessionOf(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after "(comm)": state ppid pgrp session ...
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3];
  }
}
