package io.bellwether.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bellwether.activities.identity.Attestations;
import io.bellwether.contracts.bluegreen.BlueGreenDeploymentSpec;
import io.bellwether.contracts.gate.VerifiedIdentity;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.contracts.spec.WorkflowIds;
import io.bellwether.starter.demo.DemoSpecs;
import io.bellwether.starter.sandbox.RepoHome;
import io.bellwether.starter.sandbox.Sandbox;
import io.bellwether.starter.sandbox.SandboxState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's blue-green and gate parts that need no server. */
class BlueGreenCliTest {
  @TempDir Path tmp;

  private final AtomicInteger clientsOpened = new AtomicInteger();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    BellwetherCli root =
        new BellwetherCli(
            (target, namespace) -> {
              clientsOpened.incrementAndGet();
              fail("no Temporal client may be opened, asked for " + target);
              return null;
            },
            false);
    CommandLine cmd = BellwetherCli.commandLine(root);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd;
  }

  @Test
  void anInvalidBlueGreenSpecIsExitTwoWithEveryProblemAndNoTemporal() throws Exception {
    Path spec = tmp.resolve("bad-bg.yaml");
    Files.writeString(spec, String.join("\n",
        "kind: BlueGreenDeployment",
        "service: shop",
        "version: 2.0.0",
        "target: {router: edge, pool: shop}",
        "replicas: 0",
        "trafficShift: {steps: [50, 20]}",
        "approval: {onTimeout: shrug}",
        "colour: green",
        ""));
    assertEquals(2, cli().execute("deploy", "-f", spec.toString()));
    assertEquals(0, clientsOpened.get());
    String e = err.toString();
    assertTrue(e.contains("nothing was started"), e);
    for (String line : List.of(
        "  target.deployer: is required",
        "  replicas: must be 1 to 50",
        "  trafficShift.steps[1]: ",
        "  trafficShift.steps: must end at 100",
        "  approval.approvers: ",
        "  approval.onTimeout: ",
        "  colour: is not a known field")) {
      assertTrue(e.contains(line), "missing '" + line + "' in:\n" + e);
    }
  }

  @Test
  void anUnknownKindIsExitTwoWithoutTemporal() throws Exception {
    Path spec = tmp.resolve("shadow.yaml");
    Files.writeString(spec, "kind: ShadowRelease\nservice: web\nversion: 2.0.0\n");
    assertEquals(2, cli().execute("deploy", "-f", spec.toString()));
    assertEquals(0, clientsOpened.get());
    assertTrue(err.toString().contains(
            "kind: must be RollingDeployment, BlueGreenDeployment, CanaryRelease, ABTest or ChaosExperiment, got 'ShadowRelease'"),
        err.toString());
  }

  @Test
  void gateCommandsNeedAReasonAndNameTheirUpdates() {
    for (String action : List.of("approve", "reject", "promote")) {
      StringWriter e = new StringWriter();
      CommandLine cmd = cli();
      cmd.setErr(new PrintWriter(e, true));
      assertEquals(2, cmd.execute(action, "bluegreen-shop-2.0.0"), action);
      assertTrue(e.toString().contains("--reason"), e.toString());

      cmd = cli();
      cmd.parseArgs(action, "bluegreen-shop-2.0.0", "--reason", "ok", "--by", "alice", "--attest");
      ControlCommand c = cmd.getSubcommands().get(action).getCommand();
      assertEquals(action, c.action());
      assertEquals(action + "Update", c.updateName());
      assertEquals("alice", BellwetherCli.operator(c.by));
      assertTrue(c.attest);
    }
  }

  /** --attest signs for this run and action with the sandbox's key; the worker's check accepts it. */
  @Test
  void attestSignsWithTheSandboxKeyForThisRunAndAction() throws Exception {
    Path dir = tmp.resolve("sb");
    Path keyFile = Sandbox.createIdentityKey(dir.resolve("identity"), Sandbox.IDENTITY_KEY_ID);
    SandboxState state = new SandboxState();
    state.dir = dir.toString();
    state.identityKeyId = Sandbox.IDENTITY_KEY_ID;
    state.identityKeyFile = keyFile.toString();
    state.save(dir.resolve(Sandbox.STATE_FILE));
    String secret = Files.readString(keyFile).strip();

    CommandLine cmd = cli();
    cmd.parseArgs("approve", "bluegreen-shop-2.0.0", "--reason", "ok", "--by", "alice", "--attest",
        "--dir", dir.toString());
    ControlCommand approve = cmd.getSubcommands().get("approve").getCommand();
    Instant now = Instant.now();
    String token = approve.attestation("alice", now);

    assertFalse(token.contains(secret), "the token never carries the secret");
    Map<String, String> keys = Map.of(Sandbox.IDENTITY_KEY_ID, secret);
    VerifiedIdentity ok =
        Attestations.verify(token, keys, "bluegreen-shop-2.0.0", "approve", now, Duration.ofMinutes(10));
    assertTrue(ok.verified(), ok.reason());
    assertEquals("alice", ok.by());
    VerifiedIdentity otherRun =
        Attestations.verify(token, keys, "bluegreen-shop-3.0.0", "approve", now, Duration.ofMinutes(10));
    assertFalse(otherRun.verified());
    VerifiedIdentity otherAction =
        Attestations.verify(token, keys, "bluegreen-shop-2.0.0", "reject", now, Duration.ofMinutes(10));
    assertFalse(otherAction.verified());
    assertEquals(0, clientsOpened.get());
  }

  @Test
  void blueGreenRequesterIsFilledInOnlyWhenTheSpecHasNone() {
    BlueGreenDeploymentSpec demo = DemoSpecs.blueGreen();
    assertEquals("demo", DeployCommand.withRequester(demo, "alice").requestedBy());
    BlueGreenDeploymentSpec anonymous = new BlueGreenDeploymentSpec(
        demo.service(), demo.version(), demo.target(), demo.replicas(), demo.healthCheck(),
        demo.smokeCheck(), demo.preview(), demo.approval(), demo.trafficShift(), demo.watchWindow(),
        demo.blueRetention(), null);
    BlueGreenDeploymentSpec filled = DeployCommand.withRequester(anonymous, "alice");
    assertEquals("alice", filled.requestedBy());
    assertEquals(demo.approval(), filled.approval());
    assertEquals(demo.blueRetention(), filled.blueRetention());
  }

  @Test
  void theDemoReleaseIsGatedForReleaseManagersWithShortWaits() {
    BlueGreenDeploymentSpec bg = DemoSpecs.blueGreen();
    assertEquals("bluegreen-shop-2.0.0", WorkflowIds.blueGreen(bg));
    assertEquals(List.of(Sandbox.APPROVER_GROUP), bg.approval().approverGroups());
    assertFalse(bg.approval().allowSelfApprovalOrDefault());
    assertTrue(Sandbox.APPROVERS.contains(DemoSpecs.BLUE_GREEN_APPROVER));
    assertFalse(Sandbox.APPROVERS.contains(bg.requestedBy()), "the requester is no approver");
    assertEquals("3s", bg.watchWindow());
    assertEquals("2s", bg.blueRetention().scaleDownDelay());
    assertEquals(null, bg.trafficShift(), "one instant switch");
  }

  /** The blue-green examples are valid specs; rolling-* examples are the contracts' business. */
  @Test
  void theBlueGreenExamplesLoad() throws Exception {
    Path examples = RepoHome.locate().resolve("examples");
    List<Path> files;
    try (Stream<Path> list = Files.list(examples)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("bluegreen-")).sorted().toList();
    }
    assertEquals(2, files.size(), files.toString());
    for (Path f : files) {
      String text = Files.readString(f);
      assertEquals(SpecLoader.KIND_BLUE_GREEN, SpecLoader.kindOf(text), f.toString());
      BlueGreenDeploymentSpec spec = SpecLoader.blueGreen(text);
      assertEquals("shop", spec.target().pool(), f.toString());
      assertTrue(spec.approval() != null, f + " has a gate");
    }
  }
}
