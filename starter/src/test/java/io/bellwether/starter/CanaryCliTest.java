package io.bellwether.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bellwether.contracts.canary.CanaryReleaseSpec;
import io.bellwether.contracts.rolling.OperatorRequest;
import io.bellwether.contracts.spec.SpecLoader;
import io.bellwether.starter.report.CanaryFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's canary parts that need no server: deploy checks, status table, promote --full, report file. */
class CanaryCliTest {
  static final String CANARY =
      """
      kind: CanaryRelease
      service: web
      version: 2.0.0
      target: {router: edge, backend: web, pool: web, deployer: demo, healthCheck: http, metrics: prom}
      healthCheck: {path: /health, successThreshold: 2, period: 500ms, timeout: 30s}
      steps:
        - setWeight: 20
        - pause: {duration: 10s}
      """;

  @TempDir Path tmp;

  private final AtomicInteger clientsOpened = new AtomicInteger();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    BellwetherCli root = new BellwetherCli((target, namespace) -> {
      clientsOpened.incrementAndGet();
      fail("no Temporal client may be opened, asked for " + target);
      return null;
    }, false);
    CommandLine cmd = BellwetherCli.commandLine(root);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd;
  }

  @Test
  void anInvalidCanarySpecIsExitTwoWithItsProblemsAndNoTemporal() throws Exception {
    Path spec = tmp.resolve("bad-canary.yaml");
    Files.writeString(spec, CANARY.replace("setWeight: 20", "setWeight: 150").replace("metrics: prom", "metrics: prom, colour: red"));

    assertEquals(2, cli().execute("deploy", "-f", spec.toString()));

    assertEquals(0, clientsOpened.get());
    String e = err.toString();
    assertTrue(e.contains("nothing was started"), e);
    assertTrue(e.contains("steps[0]"), e);
    assertTrue(e.contains("colour"), e);
  }

  @Test
  void anUnknownKindNamesEveryKind() throws Exception {
    Path spec = tmp.resolve("odd.yaml");
    Files.writeString(spec, "kind: Canary\nservice: web\n");
    assertEquals(2, cli().execute("deploy", "-f", spec.toString()));
    assertTrue(err.toString().contains("RollingDeployment, BlueGreenDeployment, CanaryRelease, ABTest or ChaosExperiment"), err.toString());
  }

  @Test
  void deployFillsInTheCanaryRequesterOnlyWhenMissing() {
    CanaryReleaseSpec anonymous = SpecLoader.canary(CANARY);
    CanaryReleaseSpec filled = DeployCommand.withRequester(anonymous, "alice");
    assertEquals("alice", filled.requestedBy());
    assertEquals(anonymous.steps(), filled.steps());
    assertEquals(anonymous.target(), filled.target());
    assertEquals("carol", DeployCommand.withRequester(SpecLoader.canary(CANARY + "requestedBy: carol\n"), "alice").requestedBy());
  }

  @Test
  void promoteFullIsCarriedOnlyWhenAsked() {
    CommandLine cmd = cli();
    cmd.parseArgs("promote", "canary-web-2.0.0", "--reason", "good enough", "--full", "--by", "dave");
    ControlCommand full = cmd.getSubcommands().get("promote").getCommand();
    OperatorRequest r = full.request("dave", null);
    assertTrue(r.fullOrDefault());
    assertEquals("good enough", r.reason());

    cmd = cli();
    cmd.parseArgs("promote", "canary-web-2.0.0", "--reason", "next step");
    ControlCommand plain = cmd.getSubcommands().get("promote").getCommand();
    assertNull(plain.request("dave", null).full());

    cmd = cli();
    cmd.parseArgs("rollback", "canary-web-2.0.0", "--reason", "errors");
    assertNull(((ControlCommand) cmd.getSubcommands().get("rollback").getCommand()).request("dave", null).full());
    // --full belongs to promote alone.
    assertEquals(2, cli().execute("rollback", "canary-web-2.0.0", "--reason", "x", "--full"));
  }

  @Test
  void statusPrintsTheCanaryTables() {
    StringWriter sw = new StringWriter();
    StatusCommand.print(new PrintWriter(sw), "canary-web-2.4.0", CanaryFixtures.rolledBack(), ZoneOffset.UTC);
    String s = sw.toString();

    assertTrue(s.startsWith("canary-web-2.4.0  web 2.0.0 -> 2.4.0  ROLLED_BACK\n"), s);
    assertTrue(s.contains("  reason: " + CanaryFixtures.REASON), s);
    assertTrue(s.contains("  segment: header beta; users u-17"), s);
    assertTrue(s.contains("  ANALYSIS  METRIC               ROUND  CANARY       BASELINE     RANGE          VERDICT"), s);
    assertTrue(s.contains("  #2 s4     latency-p99              3  0.47         0.13         <= 0.3         FAILURE"), s);
    assertTrue(s.contains("  JUDGE     METRIC               P         EFFECT      REL       SAMPLES  RESULT"), s);
    assertTrue(s.contains("  #2        => FAIL score 50"), s);
    assertTrue(s.contains("rolled-back"), s);
    assertTrue(s.contains("charts: bellwether report canary-web-2.4.0"), s);
    assertFalse(s.contains("null"), s);
  }

  @Test
  void theReportGoesToItsDefaultFileOrTheOneGiven() throws Exception {
    assertEquals("canary-web-2.4.0-report.html", ReportCommand.defaultFile("canary-web-2.4.0"));
    assertEquals("canary-a_b-1-report.html", ReportCommand.defaultFile("canary-a/b-1"));

    Path file = tmp.resolve("sub/dir/r.html");
    ReportCommand.write(file, "<html>one</html>");
    ReportCommand.write(file, "<html>two</html>");
    assertEquals("<html>two</html>", Files.readString(file));
    assertEquals(List.of(file), Files.list(file.getParent()).toList(), "no temporary file left behind");
  }

  @Test
  void reportNeedsAnId() {
    assertEquals(2, cli().execute("report"));
    assertEquals(0, clientsOpened.get());
  }
}
