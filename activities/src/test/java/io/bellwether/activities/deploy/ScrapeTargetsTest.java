package io.bellwether.activities.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellwether.activities.config.DeployerConfig;
import io.bellwether.activities.metrics.ScrapeTargets;
import io.bellwether.activities.testapp.VersionServer;
import io.bellwether.contracts.activities.DeployResult;
import io.bellwether.contracts.activities.ProvisionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process deployer's Prometheus target files follow its instances. */
class ScrapeTargetsTest {
  @TempDir Path dir;

  @AfterEach
  void tearDown() {
    ProcessDeployer.stopAll(dir.resolve("work"));
  }

  private ProcessDeployer deployer(String targets) throws Exception {
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
        new DeployerConfig(
            "process", command, null, dir.resolve("work").toString(), Duration.ofSeconds(20),
            null, null, targets));
  }

  private static JsonNode read(Path file) throws Exception {
    return new ObjectMapper().readTree(Files.readString(file));
  }

  @Test
  void provisionWritesTheTargetFileDeployRewritesItAndDecommissionRemovesIt() throws Exception {
    Path targets = dir.resolve("prometheus/targets");
    ProcessDeployer d = deployer(targets.toString());
    assertEquals(targets, d.scrapeTargetsDir().orElseThrow());

    ProvisionResult p = d.provision("web-canary-1", "2.0.0", () -> {});
    assertTrue(p.ok(), p.output());
    JsonNode file = read(targets.resolve("web-canary-1.json"));
    assertEquals(p.address(), file.get(0).get("targets").get(0).asText());
    assertEquals("web-canary-1", file.get(0).get("labels").get("bellwether_instance").asText());
    // Only whole files: no temporary file is left where Prometheus looks.
    try (Stream<Path> s = Files.list(targets)) {
      assertEquals(List.of("web-canary-1.json"), s.map(f -> f.getFileName().toString()).toList());
    }

    // A lost file comes back with an idempotent provision.
    Files.delete(targets.resolve("web-canary-1.json"));
    ProvisionResult again = d.provision("web-canary-1", "2.0.0", () -> {});
    assertTrue(again.ok() && !again.changed(), again.output());
    assertTrue(Files.exists(targets.resolve("web-canary-1.json")));

    // Deploying in place keeps the instance's address in its file.
    DeployResult up = d.deploy("web-canary-1", p.address(), "2.1.0", () -> {});
    assertTrue(up.ok(), up.output());
    assertEquals(p.address(), read(targets.resolve("web-canary-1.json")).get(0).get("targets").get(0).asText());

    DeployResult gone = d.decommission("web-canary-1", () -> {});
    assertTrue(gone.ok() && gone.changed(), gone.output());
    assertFalse(Files.exists(targets.resolve("web-canary-1.json")));
    assertFalse(d.decommission("web-canary-1", () -> {}).changed());
  }

  @Test
  void aFailedProvisionLeavesNoTargetFile() throws Exception {
    Path targets = dir.resolve("targets");
    ProvisionResult p = deployer(targets.toString()).provision("web-canary-2", "crash", () -> {});
    assertFalse(p.ok(), p.output());
    assertFalse(Files.exists(targets.resolve("web-canary-2.json")));
  }

  @Test
  void anUnwritableTargetsDirectoryFailsTheProvisionAndStopsTheInstance() throws Exception {
    // A file where the directory should be: nothing can be written under it.
    Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
    ProcessDeployer d = deployer(blocker.toString());
    ProvisionResult p = d.provision("web-canary-3", "2.0.0", () -> {});
    assertFalse(p.ok(), p.output());
    assertTrue(p.output().contains("scrape target"), p.output());
    assertEquals("", d.currentVersion("web-canary-3", ""));
  }

  @Test
  void withoutTheSettingNoFileIsWritten() throws Exception {
    ProcessDeployer d = deployer(null);
    assertTrue(d.scrapeTargetsDir().isEmpty());
    ProvisionResult p = d.provision("web-canary-4", "2.0.0", () -> {});
    assertTrue(p.ok(), p.output());
    try (Stream<Path> s = Files.walk(dir)) {
      assertTrue(s.noneMatch(f -> f.toString().endsWith(".json")));
    }
  }

  @Test
  void namesAndAddressesAreChecked() {
    assertThrows(
        IllegalArgumentException.class, () -> ScrapeTargets.write(dir, "../etc/x", "127.0.0.1:1"));
    assertThrows(
        IllegalArgumentException.class, () -> ScrapeTargets.write(dir, "web-1", "127.0.0.1\"],\"x"));
  }
}
