package io.bellwether.activities.chaos;

import static io.bellwether.activities.chaos.FaultTesting.BACKEND;
import static io.bellwether.activities.chaos.FaultTesting.ROUTER;
import static io.bellwether.activities.chaos.FaultTesting.request;
import static io.bellwether.activities.chaos.FaultTesting.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.config.RouterConfig;
import io.bellwether.activities.testapp.VersionServer;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a network namespace the test creates ({@code ip netns add bwtest-<random>}; skipped when that
 * fails): two {@link VersionServer}s and a real HAProxy, all started inside it with {@code ip netns
 * exec}, and requests made inside it with curl. HAProxy has {@code timeout connect 1s} and {@code
 * retries 0}, and no health checks, so that a request for a cut server fails within a second and
 * the header {@code x-server} picks the server ({@code use-server}). The fault cuts {@code web-2}.
 */
class NftablesPartitionInjectorTest {
  private static final String INJECTOR = "partition";
  private static final Duration CURL_TIMEOUT = Duration.ofSeconds(3);

  @TempDir Path dir;

  private String namespace;
  private boolean created;
  private final List<Process> processes = new ArrayList<>();
  private int frontendPort;
  private Path socket;
  private Path workDir;
  private FaultInjector injector;

  @BeforeEach
  void start() throws Exception {
    namespace = "bwtest-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    HostCommand.Result add = HostCommand.run(List.of("ip", "netns", "add", namespace), null, Duration.ofSeconds(10));
    assumeTrue(add.ok(), "cannot create a network namespace here: " + add.output());
    created = true;
    try {
      assertTrue(inNamespace("ip", "link", "set", "lo", "up").ok());
      String classes =
          Path.of(VersionServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      // A fresh namespace has every port free.
      int port1 = 20001;
      int port2 = 20002;
      frontendPort = 20080;
      for (int i = 1; i <= 2; i++) {
        launch(
            "web-" + i,
            java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classes, VersionServer.class.getName(),
            "--port", Integer.toString(i == 1 ? port1 : port2), "--version", "v-web-" + i, "--instance", "web-" + i);
      }
      socket = dir.resolve("admin.sock");
      Path cfg = dir.resolve("haproxy.cfg");
      Files.writeString(
          cfg,
          String.join(
              "\n",
              "global",
              "  stats socket " + socket + " mode 600 level admin",
              "defaults",
              "  mode http",
              "  timeout connect 1s",
              "  timeout client 10s",
              "  timeout server 10s",
              "  retries 0",
              "  option http-server-close",
              "frontend fe",
              "  bind 127.0.0.1:" + frontendPort,
              "  default_backend " + BACKEND,
              "backend " + BACKEND,
              "  use-server web-1 if { req.hdr(x-server) -m str web-1 }",
              "  use-server web-2 if { req.hdr(x-server) -m str web-2 }",
              "  server web-1 127.0.0.1:" + port1,
              "  server web-2 127.0.0.1:" + port2,
              ""));
      launch("haproxy", "haproxy", "-f", cfg.toString(), "-db");
      await(() -> answer("web-1").equals("200 v-web-1") && answer("web-2").equals("200 v-web-2"), "servers behind HAProxy");
      workDir = dir.resolve("partitions");
      injector = fromConfig();
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  @AfterEach
  void stop() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (created) {
      // Deleting the namespace takes its tables with it.
      HostCommand.run(List.of("ip", "netns", "delete", namespace), null, Duration.ofSeconds(10));
    }
  }

  private FaultInjector fromConfig() {
    return FaultInjectors.create(
        INJECTOR,
        new FaultInjectorConfig(
            NftablesPartitionInjector.TYPE, ROUTER, null, null, null, null, null, null, null, workDir.toString(), namespace),
        Map.of(ROUTER, new RouterConfig("haproxy", "unix:" + socket, null)));
  }

  private static FaultRequest cut(String id, String... servers) {
    List<FaultTarget> targets = new ArrayList<>();
    for (String s : servers) {
      targets.add(target(s, null));
    }
    return request(id, INJECTOR, targets, Map.of());
  }

  @Test
  void cutsOnlyTheTargetAndRestoresCompletelyThreeTimes() throws Exception {
    FaultRequest fault = cut("chaos-partition-1/f1", "web-2");
    int cycles = 0;
    for (int cycle = 1; cycle <= 3; cycle++) {
      FaultState injected = injector.inject(fault);
      assertTrue(injected.active(), injected.detail());
      assertEquals(List.of("web-2"), injected.affected(), injected.detail());
      assertEquals(List.of(NftablesPartitionInjector.table(fault.faultId())), bwTables());

      long start = System.nanoTime();
      String cutAnswer = answer("web-2");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(cutAnswer.startsWith("503") || cutAnswer.startsWith("000"), "cycle " + cycle + ": web-2 answered " + cutAnswer);
      assertTrue(millis >= 900, "the connection stalled until HAProxy's 1 s connect timeout: " + millis + " ms");
      assertEquals("200 v-web-1", answer("web-1"), "cycle " + cycle + ": the other server is untouched");
      assertTrue(injector.probe(fault).active());
      System.out.println("PARTITION cycle " + cycle + ": web-2 through HAProxy '" + cutAnswer + "' after " + millis + " ms; " + injected.detail());

      FaultState restored = injector.restore(fault);
      assertFalse(restored.active(), restored.detail());
      assertEquals("200 v-web-2", answer("web-2"), "cycle " + cycle + " restored");
      assertEquals("200 v-web-1", answer("web-1"));
      assertFalse(injector.probe(fault).active());
      assertEquals(0, leftBehind(), "cycle " + cycle);
      cycles++;
    }
    report("cutsOnlyTheTargetAndRestoresCompletelyThreeTimes", cycles);
  }

  @Test
  void injectAndRestoreAreIdempotentAndRefuseWhatTheyCannotDo() throws Exception {
    FaultRequest fault = cut("chaos-partition-2/f1", "web-2");
    FaultRequest never = cut("chaos-never/f9", "web-2");
    assertFalse(injector.restore(never).active(), "restoring a fault never injected is fine");
    assertFalse(injector.probe(never).active());

    injector.inject(fault);
    assertTrue(injector.inject(fault).active());
    assertEquals(1, bwTables().size(), "injecting again replaced the table, it did not add one");
    // A reject instead of a drop: the same table, the request fails at once.
    injector.inject(new FaultRequest(fault.faultId(), INJECTOR, fault.targets(), Map.of("action", "reject"), 60_000));
    assertEquals(1, bwTables().size());
    long start = System.nanoTime();
    String rejected = answer("web-2");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(rejected.startsWith("503") && millis < 900, "rejected at once: " + rejected + " after " + millis + " ms");

    assertThrows(FaultConflictException.class, () -> injector.inject(cut("chaos-other/f1", "web-1", "web-2")));
    assertEquals(1, bwTables().size(), "the conflict changed nothing");
    assertEquals("200 v-web-1", answer("web-1"));
    assertThrows(
        InvalidFaultException.class,
        () -> injector.inject(new FaultRequest("chaos-bad/f1", INJECTOR, fault.targets(), Map.of("action", "delay"), 60_000)));
    assertThrows(
        InvalidFaultException.class,
        () -> injector.inject(request("chaos-bad/f2", INJECTOR, List.of(new FaultTarget("host", null, null, null, null)), Map.of())));

    // A new injector, as after a worker restart: the table's name follows from the fault id.
    FaultInjector fresh = fromConfig();
    assertEquals(List.of("web-2"), fresh.probe(fault).affected());
    assertFalse(fresh.restore(fault).active());
    assertFalse(fresh.restore(fault).active(), "a second restore is fine");
    assertEquals("200 v-web-2", answer("web-2"));
    assertEquals(0, leftBehind());

    // A namespace that is gone: inject cannot work, restore has nothing left to do.
    FaultInjector elsewhere =
        FaultInjectors.create(
            INJECTOR,
            new FaultInjectorConfig(
                NftablesPartitionInjector.TYPE, ROUTER, null, null, null, null, null, null, null, workDir.toString(), namespace + "-gone"),
            Map.of(ROUTER, new RouterConfig("haproxy", "unix:" + socket, null)));
    FaultRequest lost = cut("chaos-partition-2/f2", "web-1");
    assertThrows(InjectorUnavailableException.class, () -> elsewhere.inject(lost));
    assertFalse(elsewhere.probe(lost).active());
    assertFalse(elsewhere.restore(lost).active());
    assertEquals(0, leftBehind());
    report("injectAndRestoreAreIdempotentAndRefuseWhatTheyCannotDo", 2);
  }

  /** {@code bw_} tables in the namespace. */
  private List<String> bwTables() {
    HostCommand.Result r = inNamespace("nft", "list", "tables");
    assertTrue(r.ok(), r.output());
    List<String> out = new ArrayList<>();
    for (String line : r.output().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3 && f[2].startsWith("bw_")) {
        out.add(f[2]);
      }
    }
    return out;
  }

  /** Tables and record files left, plus servers that do not answer through HAProxy. */
  private int leftBehind() {
    int n = bwTables().size() + FaultFiles.list(workDir, ".partition").size();
    for (String s : List.of("web-1", "web-2")) {
      if (!answer(s).equals("200 v-" + s)) {
        n++;
      }
    }
    return n;
  }

  private void report(String test, int cycles) {
    System.out.println(
        "FAULT-CYCLES " + NftablesPartitionInjector.TYPE + " " + cycles + " cycles, " + leftBehind()
            + " left behind (" + test + ")");
  }

  /** {@code <status> <body>} of {@code GET /version} through HAProxy for the server, from inside. */
  private String answer(String server) {
    HostCommand.Result r =
        inNamespace(
            "curl", "-s", "-m", Long.toString(CURL_TIMEOUT.toSeconds()), "-H", "x-server: " + server,
            "-o", "-", "-w", "\n%{http_code}",
            "http://127.0.0.1:" + frontendPort + "/version");
    String[] lines = r.output().split("\n");
    String status = lines[lines.length - 1].trim();
    String body = lines.length > 1 ? lines[0].trim() : "";
    return status + (status.equals("200") ? " " + body : "");
  }

  private HostCommand.Result inNamespace(String... argv) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    all.addAll(List.of(argv));
    return HostCommand.run(all, null, Duration.ofSeconds(10));
  }

  private void launch(String name, String... argv) throws Exception {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    all.addAll(List.of(argv));
    processes.add(
        new ProcessBuilder(all)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start());
  }

  private static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not come up within 20 s");
      }
      Thread.sleep(100);
    }
  }
}
