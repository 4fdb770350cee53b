package io.bellwether.activities.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.testapp.VersionServer;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ProvisionResult;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning and decommissioning new instances, with both deployer types. */
class ProvisionTest {
  @TempDir Path dir;

  @AfterEach
  void tearDown() {
    ProcessDeployer.stopAll(dir);
  }

  private ProcessDeployer processDeployer() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classes =
        Path.of(VersionServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    List<String> command =
        List.of(
            java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classes,
            VersionServer.class.getName(),
            "--port", "{port}", "--version", "{version}", "--instance", "{instance}");
    return new ProcessDeployer(
        new DeployerConfig("process", command, null, dir.toString(), Duration.ofSeconds(20)));
  }

  @Test
  void processProvisionStartsOnAFreePortIsIdempotentAndDecommissionRemovesEverything()
      throws Exception {
    ProcessDeployer deployer = processDeployer();
    AtomicInteger progress = new AtomicInteger();
    ProvisionResult first = deployer.provision("shop-green-1", "2.0.0", progress::incrementAndGet);
    assertTrue(first.ok(), first.output());
    assertTrue(first.changed());
    assertTrue(first.address().matches("127\\.0\\.0\\.1:\\d+"), first.address());
    assertEquals("2.0.0", get(first.address()));
    assertEquals(
        first.address().substring(first.address().indexOf(':') + 1),
        Files.readString(dir.resolve("shop-green-1.port")).trim());
    long pid = Long.parseLong(Files.readString(dir.resolve("shop-green-1.pid")).trim());

    ProvisionResult again = deployer.provision("shop-green-1", "2.0.0", () -> {});
    assertTrue(again.ok());
    assertFalse(again.changed());
    assertEquals(first.address(), again.address());
    assertEquals(pid, Long.parseLong(Files.readString(dir.resolve("shop-green-1.pid")).trim()));

    ProvisionResult other = deployer.provision("shop-green-2", "2.0.0", () -> {});
    assertTrue(other.ok(), other.output());
    assertNotEquals(first.address(), other.address());

    DeployResult gone = deployer.decommission("shop-green-1", () -> {});
    assertTrue(gone.ok());
    assertTrue(gone.changed());
    assertTrue(CommandDeployerTest.gone(pid));
    for (String ext : List.of("pid", "version", "port", "log")) {
      assertFalse(Files.exists(dir.resolve("shop-green-1." + ext)), ext);
    }
    DeployResult twice = deployer.decommission("shop-green-1", () -> {});
    assertTrue(twice.ok());
    assertFalse(twice.changed());
    assertEquals("2.0.0", get(other.address()), "the other instance is untouched");
  }

  @Test
  void processProvisionAtAnotherVersionReplacesTheInstance() throws Exception {
    ProcessDeployer deployer = processDeployer();
    ProvisionResult v1 = deployer.provision("shop-green-1", "1.0.0", () -> {});
    long pid1 = Long.parseLong(Files.readString(dir.resolve("shop-green-1.pid")).trim());
    ProvisionResult v2 = deployer.provision("shop-green-1", "2.0.0", () -> {});
    assertTrue(v1.ok() && v2.ok(), v2.output());
    assertTrue(v2.changed());
    assertTrue(CommandDeployerTest.gone(pid1));
    assertEquals("2.0.0", get(v2.address()));
    assertEquals("2.0.0", deployer.currentVersion("shop-green-1", v2.address()));
  }

  @Test
  void aFailedProvisionLeavesNothingRunning() throws Exception {
    ProcessDeployer deployer = processDeployer();
    ProvisionResult r = deployer.provision("shop-green-1", "crash", () -> {});
    assertFalse(r.ok());
    assertEquals("", r.address());
    assertTrue(r.output().contains("refusing to start version crash"), r.output());
    assertFalse(Files.exists(dir.resolve("shop-green-1.pid")));
    assertFalse(Files.exists(dir.resolve("shop-green-1.port")));
    assertThrows(IllegalArgumentException.class, () -> deployer.provision("../x", "1", () -> {}));
  }

  @Test
  void commandProvisionTakesTheLastLineAsTheAddress() throws Exception {
    Path log = dir.resolve("calls");
    CommandDeployer deployer =
        new CommandDeployer(
            new DeployerConfig(
                "command",
                List.of("true"),
                null,
                null,
                Duration.ofSeconds(10),
                List.of(
                    "sh", "-c",
                    "echo provision $0 $1 >> " + log + "; echo starting; echo noise >&2; echo 10.0.0.7:8080",
                    "{instance}", "{version}"),
                List.of("sh", "-c", "echo decommission $0 >> " + log, "{instance}")));
    assertTrue(deployer.canProvision());
    ProvisionResult r = deployer.provision("shop-green-1", "2.0.0", () -> {});
    assertEquals("10.0.0.7:8080", r.address());
    assertTrue(r.ok());
    assertTrue(r.output().contains("noise"), r.output());
    DeployResult d = deployer.decommission("shop-green-1", () -> {});
    assertTrue(d.ok());
    assertEquals(
        List.of("provision shop-green-1 2.0.0", "decommission shop-green-1"),
        Files.readAllLines(log));
  }

  @Test
  void commandProvisionFailuresAreNotOk() {
    CommandDeployer noAddress =
        new CommandDeployer(
            new DeployerConfig(
                "command", List.of("true"), null, null, null,
                List.of("sh", "-c", "echo started somewhere"),
                List.of("true")));
    ProvisionResult r = noAddress.provision("g", "2", () -> {});
    assertFalse(r.ok());
    assertEquals("", r.address());
    assertTrue(r.output().contains("host:port"), r.output());

    CommandDeployer failing =
        new CommandDeployer(
            new DeployerConfig(
                "command", List.of("true"), null, null, null,
                List.of("sh", "-c", "echo 127.0.0.1:80; exit 4"),
                List.of("sh", "-c", "exit 5")));
    assertFalse(failing.provision("g", "2", () -> {}).ok());
    DeployResult d = failing.decommission("g", () -> {});
    assertFalse(d.ok());
    assertEquals(5, d.exitCode());

    CommandDeployer upgradeOnly =
        new CommandDeployer(new DeployerConfig("command", List.of("true"), null, null, null));
    assertFalse(upgradeOnly.canProvision());
    assertThrows(IllegalArgumentException.class, () -> upgradeOnly.provision("g", "2", () -> {}));
    assertThrows(IllegalArgumentException.class, () -> upgradeOnly.decommission("g", () -> {}));
  }

  private static String get(String address) throws Exception {
    HttpResponse<String> res =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + address + "/version")).build(),
                HttpResponse.BodyHandlers.ofString());
    return res.body();
  }
}
