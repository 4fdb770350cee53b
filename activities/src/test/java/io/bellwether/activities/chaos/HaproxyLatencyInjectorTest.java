package io.bellwether.activities.chaos;

import static io.bellwether.activities.chaos.FaultTesting.BACKEND;
import static io.bellwether.activities.chaos.FaultTesting.ROUTER;
import static io.bellwether.activities.chaos.FaultTesting.call;
import static io.bellwether.activities.chaos.FaultTesting.readMapFile;
import static io.bellwether.activities.chaos.FaultTesting.request;
import static io.bellwether.activities.chaos.FaultTesting.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.chaos.FaultTesting.Answer;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.haproxy.HaproxyMaps;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.activities.testing.EchoBackend;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real HAProxy started {@code withLatencyFaults()}, backend {@code web} of three echo
 * servers in round-robin; the fault delays {@code web-2}.
 *
 * <p>The delay is a lower bound HAProxy cannot undercut ({@code core.msleep}), so "at least the
 * delay" is exact; "undelayed" is checked against half the delay, far above a local round trip.
 */
class HaproxyLatencyInjectorTest {
  private static final String INJECTOR = "edge-latency";
  private static final int DELAY = 300;

  @TempDir Path dir;

  private List<EchoBackend> echo;
  private HaproxyLauncher haproxy;
  private HaproxyMaps maps;
  private FaultInjector injector;

  @BeforeEach
  void start() throws Exception {
    echo = FaultTesting.echoServers(3);
    haproxy =
        HaproxyLauncher.start(
            dir,
            HaproxyLauncher.freePort(),
            BACKEND,
            FaultTesting.servers(echo),
            HaproxyLauncher.Options.defaults().withLatencyFaults());
    HaproxyRuntimeApi api = new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2));
    maps = new HaproxyMaps(api, "test");
    injector =
        FaultInjectors.create(
            INJECTOR,
            new FaultInjectorConfig(
                HaproxyLatencyInjector.TYPE, ROUTER, haproxy.latencyFaultMapFile().toString(), null),
            Map.of(ROUTER, haproxy.routerConfig()));
  }

  @AfterEach
  void stop() {
    if (haproxy != null) haproxy.close();
    echo.forEach(EchoBackend::close);
  }

  private static FaultRequest fault(String id, int delayMs) {
    return request(
        id,
        INJECTOR,
        List.of(target("web-2", "b")),
        Map.of(HaproxyLatencyInjector.DELAY_MS, Integer.toString(delayMs)));
  }

  @Test
  void delaysOnlyTheTargetAndRestoresCompletelyThreeTimes() throws Exception {
    FaultRequest fault = fault("chaos-web-latency-1/f1", DELAY);
    int cycles = 0;
    for (int cycle = 1; cycle <= 3; cycle++) {
      FaultState injected = injector.inject(fault);
      assertTrue(injected.active());
      assertEquals(List.of("web-2"), injected.affected());
      assertEquals(
          Map.of("web/web-2", DELAY + "," + fault.faultId()),
          readMapFile(haproxy.latencyFaultMapFile()),
          "the map file holds the fault, so a reload keeps it");

      List<Answer> during = answers(9);
      for (Answer a : during) {
        if (a.server().equals("web-2")) {
          assertTrue(a.millis() >= DELAY, "cycle " + cycle + ": web-2 took " + a.millis() + " ms");
        } else {
          assertTrue(a.millis() < DELAY / 2, "cycle " + cycle + ": " + a + " was delayed");
        }
      }
      assertEquals(3, during.stream().filter(a -> a.server().equals("web-2")).count(), "round robin");
      assertEquals(List.of("web-2"), injector.probe(fault).affected());

      FaultState restored = injector.restore(fault);
      assertFalse(restored.active());
      assertEquals(List.of(), restored.affected());
      for (Answer a : answers(9)) {
        assertTrue(a.millis() < DELAY / 2, "cycle " + cycle + " restored: " + a + " still delayed");
      }
      assertEquals(0, leftBehind(), "cycle " + cycle);
      FaultState probed = injector.probe(fault);
      assertFalse(probed.active());
      assertEquals(List.of(), probed.affected());
      cycles++;
    }
    report("delaysOnlyTheTargetAndRestoresCompletelyThreeTimes", cycles);
  }

  @Test
  void theSleepDoesNotHoldOtherRequests() throws Exception {
    // HAProxy runs 2 threads here. Were the sleep blocking, the 4 delayed requests of 12 would
    // take two rounds of 800 ms, and the 8 others would wait behind them.
    int delay = 800;
    FaultRequest fault = fault("chaos-web-latency-2/f1", delay);
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      // Without the fault first: connections, threads and the echo servers warmed up, and a
      // baseline for the line printed below.
      List<Long> baseline = parallel(pool, 12).stream().map(Answer::millis).toList();
      injector.inject(fault);
      long start = System.nanoTime();
      List<Answer> answers = parallel(pool, 12);
      long wall = (System.nanoTime() - start) / 1_000_000;
      List<Long> slow = new ArrayList<>();
      List<Long> fast = new ArrayList<>();
      for (Answer a : answers) {
        (a.server().equals("web-2") ? slow : fast).add(a.millis());
      }
      System.out.println(
          "LATENCY-CONCURRENCY delay " + delay + " ms, 12 parallel: web-2 " + slow + " ms, others "
              + fast + " ms, wall " + wall + " ms; without the fault " + baseline + " ms");
      assertEquals(4, slow.size());
      slow.forEach(ms -> assertTrue(ms >= delay && ms < 2 * delay, "delayed answer took " + ms));
      fast.forEach(ms -> assertTrue(ms < delay / 2, "undelayed answer took " + ms));
      assertTrue(wall < delay * 3 / 2, "12 parallel requests took " + wall + " ms");
    } finally {
      pool.shutdownNow();
    }
    injector.restore(fault);
    assertEquals(0, leftBehind());
    report("theSleepDoesNotHoldOtherRequests", 1);
  }

  @Test
  void injectAndRestoreAreIdempotentAndRefuseWhatTheyCannotDo() throws Exception {
    FaultRequest fault = fault("chaos-web-latency-3/f1", DELAY);
    FaultRequest never = fault("chaos-never/f9", DELAY);
    assertFalse(injector.restore(never).active(), "restoring a fault never injected is fine");
    assertFalse(injector.probe(never).active());

    injector.inject(fault);
    FaultState again = injector.inject(fault);
    assertTrue(again.active());
    assertEquals(Map.of("web/web-2", DELAY + "," + fault.faultId()), maps.read(mapFile()));

    // The same fault with a new magnitude replaces its delay; another fault may not take web-2.
    injector.inject(fault(fault.faultId(), 500));
    assertEquals(Map.of("web/web-2", "500," + fault.faultId()), maps.read(mapFile()));
    assertThrows(FaultConflictException.class, () -> injector.inject(fault("chaos-other/f1", 100)));
    assertEquals(Map.of("web/web-2", "500," + fault.faultId()), maps.read(mapFile()));
    assertFalse(injector.restore(never).active());
    assertTrue(injector.probe(fault).active(), "restoring another fault left this one alone");

    for (String bad : List.of("0", "60001", "abc", "")) {
      assertThrows(
          InvalidFaultException.class,
          () ->
              injector.inject(
                  request(
                      "chaos-bad/f1",
                      INJECTOR,
                      List.of(target("web-1", "a")),
                      Map.of(HaproxyLatencyInjector.DELAY_MS, bad))),
          bad);
    }
    assertThrows(
        UnknownBackendException.class,
        () ->
            injector.inject(
                request("chaos-bad/f2", INJECTOR, List.of(target("web-9", "a")), Map.of("delayMs", "5"))));
    assertThrows(InvalidFaultException.class, () -> injector.inject(fault("bad id;show info", 5)));

    assertFalse(injector.restore(fault).active());
    assertFalse(injector.restore(fault).active(), "a second restore is fine");
    assertEquals(0, leftBehind());
    report("injectAndRestoreAreIdempotentAndRefuseWhatTheyCannotDo", 1);
  }

  @Test
  void aRestartKeepsTheFaultAndARestoreAfterItClearsIt() throws Exception {
    FaultRequest fault = fault("chaos-web-latency-4/f1", DELAY);
    injector.inject(fault);
    haproxy.restart();
    assertTrue(injector.probe(fault).active(), "HAProxy loaded the fault from the map file");
    assertTrue(slowest(answers(6)) >= DELAY, "web-2 still delayed after the restart");

    injector.restore(fault);
    haproxy.restart();
    assertFalse(injector.probe(fault).active());
    assertTrue(slowest(answers(6)) < DELAY / 2, "nothing delayed after restore and restart");
    assertEquals(0, leftBehind());
    report("aRestartKeepsTheFaultAndARestoreAfterItClearsIt", 1);
  }

  private String mapFile() {
    return haproxy.latencyFaultMapFile().toString();
  }

  /** Entries HAProxy holds plus lines the map file holds. */
  private int leftBehind() throws Exception {
    return maps.read(mapFile()).size() + readMapFile(haproxy.latencyFaultMapFile()).size();
  }

  private List<Answer> answers(int n) throws Exception {
    List<Answer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Answer a = call(haproxy, false);
      assertEquals(200, a.status());
      out.add(a);
    }
    return out;
  }

  private List<Answer> parallel(ExecutorService pool, int n) {
    List<CompletableFuture<Answer>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return call(haproxy, false);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              pool));
    }
    return calls.stream().map(CompletableFuture::join).toList();
  }

  private static long slowest(List<Answer> answers) {
    return answers.stream().mapToLong(Answer::millis).max().orElse(0);
  }

  private void report(String test, int cycles) throws Exception {
    System.out.println(
        "FAULT-CYCLES " + HaproxyLatencyInjector.TYPE + " " + cycles + " cycles, " + leftBehind()
            + " left behind (" + test + ")");
  }
}
