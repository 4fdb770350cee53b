package io.bellwether.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class BellwetherCliTest {
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

  private static String expectedDefaultTarget() {
    String env = System.getenv("BELLWETHER_TEMPORAL");
    return env == null || env.isEmpty() ? "127.0.0.1:7233" : env;
  }

  @Test
  void globalOptionsWorkBeforeAndAfterTheSubcommand() {
    CommandLine cmd = cli();
    ParseResult before = cmd.parseArgs("--temporal", "10.0.0.5:7233", "--namespace", "prod", "status", "rolling-web-2.0.0");
    BellwetherCli root = cmd.getCommand();
    assertEquals("10.0.0.5:7233", root.temporal());
    assertEquals("prod", root.namespace());
    assertEquals("rolling-web-2.0.0", ((StatusCommand) before.subcommand().commandSpec().userObject()).id);

    CommandLine cmd2 = cli();
    cmd2.parseArgs("status", "rolling-web-2.0.0", "--temporal", "10.0.0.6:7233", "--json");
    BellwetherCli root2 = cmd2.getCommand();
    StatusCommand status = cmd2.getSubcommands().get("status").getCommand();
    assertEquals("10.0.0.6:7233", status.root.temporal());
    assertEquals(root2, status.root);
    assertTrue(status.json);
  }

  @Test
  void temporalDefaultsToTheEnvironmentOrLocalhost() {
    CommandLine cmd = cli();
    cmd.parseArgs("list");
    BellwetherCli root = cmd.getCommand();
    assertEquals(expectedDefaultTarget(), root.temporal());
    assertEquals("default", root.namespace());
  }

  @Test
  void upAndDemoOptionsHaveTheDocumentedDefaults() {
    CommandLine cmd = cli();
    cmd.parseArgs("up");
    UpCommand up = cmd.getSubcommands().get("up").getCommand();
    assertEquals(4, up.instances);
    assertEquals("1.0.0", up.version);
    assertEquals(7233, up.temporalPort);
    cmd = cli();
    cmd.parseArgs("up", "--instances", "6", "--version", "2.0.0", "--temporal-port", "17233", "--dir", "/tmp/x");
    up = cmd.getSubcommands().get("up").getCommand();
    assertEquals(6, up.options().instances());
    assertEquals("2.0.0", up.options().version());
    assertEquals(17233, up.options().temporalPort());
    assertEquals(Path.of("/tmp/x"), up.options().dir());

    cmd = cli();
    cmd.parseArgs("demo", "--summary-json", "/tmp/demo.json");
    DemoCommand demo = cmd.getSubcommands().get("demo").getCommand();
    assertEquals(Path.of("/tmp/demo.json"), demo.summaryJson);
    assertEquals(4, demo.instances);
    assertEquals(40, demo.rate);
    assertEquals(0.3, demo.postShare);
  }

  @Test
  void controlsNeedAReasonAndDefaultByToTheUser() {
    assertEquals(2, cli().execute("pause", "rolling-web-2.0.0"));
    assertTrue(err.toString().contains("--reason"), err.toString());

    CommandLine cmd = cli();
    cmd.parseArgs("rollback", "rolling-web-2.0.0", "--reason", "errors up");
    ControlCommand rollback = cmd.getSubcommands().get("rollback").getCommand();
    String user = System.getenv("USER");
    assertEquals(user == null || user.isEmpty() ? System.getProperty("user.name") : user,
        BellwetherCli.operator(rollback.by));
    assertEquals("errors up", rollback.reason);
    assertEquals("rollback", rollback.action());

    cmd = cli();
    cmd.parseArgs("resume", "rolling-web-2.0.0", "--reason", "ok", "--by", "alice");
    ControlCommand resume = cmd.getSubcommands().get("resume").getCommand();
    assertEquals("alice", BellwetherCli.operator(resume.by));
  }

  @Test
  void anInvalidSpecIsExitTwoListsEveryProblemAndNeverContactsTemporal() throws Exception {
    Path spec = tmp.resolve("bad.yaml");
    Files.writeString(spec, String.join("\n",
        "service: web",
        "version: 'two point oh'",
        "target: {router: edge, backend: web}",
        "strategy: {maxUnavailable: 0, bakeTime: soon}",
        "colour: blue",
        ""));
    int code = cli().execute("deploy", "-f", spec.toString());
    assertEquals(2, code);
    assertEquals(0, clientsOpened.get());
    String e = err.toString();
    assertTrue(e.contains("nothing was started"), e);
    assertTrue(e.contains("  version: "), e);
    assertTrue(e.contains("  target.deployer: is required"), e);
    assertTrue(e.contains("  strategy.maxUnavailable: must be at least 1"), e);
    assertTrue(e.contains("  strategy.bakeTime: "), e);
    assertTrue(e.contains("  colour: is not a known field"), e);
  }

  @Test
  void deployFillsInTheRequesterOnlyWhenTheSpecHasNone() {
    var spec = io.bellwether.starter.demo.DemoSpecs.good();
    assertEquals("bellwether-demo", DeployCommand.withRequester(spec, "alice").requestedBy());
    var anonymous = new io.bellwether.contracts.spec.RollingDeploymentSpec(
        spec.service(), spec.version(), spec.target(), spec.instances(), spec.strategy(),
        spec.drainTimeout(), spec.healthCheck(), spec.smokeCheck(), null);
    var filled = DeployCommand.withRequester(anonymous, "alice");
    assertEquals("alice", filled.requestedBy());
    assertEquals(spec.strategy(), filled.strategy());
    assertEquals(spec.smokeCheck(), filled.smokeCheck());
  }

  @Test
  void aMissingSpecFileIsExitTwoWithoutTemporal() {
    assertEquals(2, cli().execute("deploy", "-f", tmp.resolve("nope.yaml").toString()));
    assertEquals(0, clientsOpened.get());
    assertTrue(err.toString().contains("cannot read"), err.toString());
  }

  @Test
  void deployWithoutAFileIsAUsageError() {
    assertEquals(2, cli().execute("deploy"));
    assertTrue(err.toString().contains("--file"), err.toString());
  }

  @Test
  void noSubcommandPrintsUsage() {
    assertEquals(0, cli().execute());
    assertTrue(out.toString().contains("deploy"), out.toString());
    assertFalse(out.toString().isBlank());
  }
}
