package io.bellwether.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.activities.chaos.FaultConflictException;
import io.bellwether.activities.chaos.FaultInjector;
import io.bellwether.activities.chaos.InjectorUnavailableException;
import io.bellwether.activities.chaos.InvalidFaultException;
import io.bellwether.activities.config.BellwetherConfig;
import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.activities.haproxy.HaproxyLauncher;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.RouterUnavailableException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.activities.testing.EchoBackend;
import io.bellwether.contracts.FailureTypes;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault activities pick the injector by name and turn its exceptions into typed failures. */
class FaultActivitiesImplTest {
  private static final FaultRequest REQUEST =
      new FaultRequest(
          "chaos-web-x/f1",
          "scripted",
          List.of(new FaultTarget("web-1", "edge", "web", "web-1", "a")),
          Map.of("delayMs", "300"),
          60_000);

  @TempDir Path dir;

  /** An injector that answers or throws what the test says, and records what it was asked. */
  static final class ScriptedInjector implements FaultInjector {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    Supplier<RuntimeException> failure;
    int progressCalls;

    @Override
    public String type() {
      return "scripted";
    }

    private FaultState answer(String call, FaultRequest r, boolean active) {
      calls.add(call + " " + r.faultId());
      if (failure != null) {
        throw failure.get();
      }
      return new FaultState(r.faultId(), active, active ? List.of("web-1") : List.of(), call);
    }

    @Override
    public FaultState inject(FaultRequest r) {
      return answer("inject", r, true);
    }

    @Override
    public FaultState restore(FaultRequest r) {
      return answer("restore", r, false);
    }

    @Override
    public FaultState restore(FaultRequest r, Runnable progress) {
      for (int i = 0; i < progressCalls; i++) {
        progress.run();
      }
      return restore(r);
    }

    @Override
    public FaultState probe(FaultRequest r) {
      return answer("probe", r, true);
    }
  }

  private static AdapterRegistry registry(FaultInjector injector) {
    return new AdapterRegistry(
        Map.of(), Map.of(), Map.of(), Map.of(), null, null, Map.of(), null, Map.of(), Map.of(),
        Map.of(),
        Map.of("scripted", injector),
        Map.of("scripted", new FaultInjectorConfig("scripted", "edge", null, null)));
  }

  @Test
  void eachCallGoesToTheNamedInjector() {
    ScriptedInjector injector = new ScriptedInjector();
    FaultActivitiesImpl faults = new FaultActivitiesImpl(registry(injector), details -> {});
    assertTrue(faults.inject(REQUEST).active());
    assertTrue(faults.probe(REQUEST).active());
    assertFalse(faults.restore(REQUEST).active());
    assertEquals(
        List.of("inject chaos-web-x/f1", "probe chaos-web-x/f1", "restore chaos-web-x/f1"),
        injector.calls);
  }

  @Test
  void anUnconfiguredInjectorIsANonRetryableUnknownTargetListingTheConfiguredOnes() {
    FaultActivitiesImpl faults =
        new FaultActivitiesImpl(registry(new ScriptedInjector()), details -> {});
    FaultRequest other =
        new FaultRequest("f", "no-such", REQUEST.targets(), Map.of(), 1000);
    for (Runnable call :
        List.<Runnable>of(
            () -> faults.inject(other), () -> faults.restore(other), () -> faults.probe(other))) {
      ApplicationFailure f = assertThrows(ApplicationFailure.class, call::run);
      assertEquals(FailureTypes.UNKNOWN_TARGET, f.getType());
      assertTrue(f.isNonRetryable());
      assertTrue(f.getOriginalMessage().contains("'no-such'"), f.getOriginalMessage());
      assertTrue(f.getOriginalMessage().contains("configured: scripted"), f.getOriginalMessage());
    }
  }

  @Test
  void theInjectorsExceptionsBecomeTypedFailures() {
    record Case(Supplier<RuntimeException> thrown, String type, boolean nonRetryable) {}
    List<Case> cases =
        List.of(
            new Case(() -> new InvalidFaultException("delayMs must be 1 to 60000"), FailureTypes.INVALID_FAULT, true),
            new Case(() -> new FaultConflictException("web-1 is held by f0"), FailureTypes.FAULT_CONFLICT, true),
            new Case(() -> new UnknownBackendException("no server web-9"), FailureTypes.UNKNOWN_TARGET, true),
            new Case(() -> new RouterUnavailableException("socket gone", null), FailureTypes.ROUTER_UNAVAILABLE, false),
            new Case(() -> new RouterRejectedException("Unknown command"), FailureTypes.ROUTER_UNAVAILABLE, true),
            new Case(() -> new InjectorUnavailableException("restart timed out"), "InjectorUnavailable", false));
    for (Case c : cases) {
      ScriptedInjector injector = new ScriptedInjector();
      injector.failure = c.thrown();
      FaultActivitiesImpl faults = new FaultActivitiesImpl(registry(injector), details -> {});
      for (Runnable call :
          List.<Runnable>of(
              () -> faults.inject(REQUEST), () -> faults.restore(REQUEST), () -> faults.probe(REQUEST))) {
        ApplicationFailure f = assertThrows(ApplicationFailure.class, call::run, c.type());
        assertEquals(c.type(), f.getType(), f.getOriginalMessage());
        assertEquals(c.nonRetryable(), f.isNonRetryable(), c.type());
        assertTrue(
            f.getOriginalMessage().startsWith("fault injector 'scripted' (router 'edge')"),
            f.getOriginalMessage());
        assertTrue(f.getOriginalMessage().contains(c.thrown().get().getMessage()), f.getOriginalMessage());
      }
    }
    // Anything else is left for Temporal to retry as it is.
    ScriptedInjector injector = new ScriptedInjector();
    IllegalStateException odd = new IllegalStateException("odd");
    injector.failure = () -> odd;
    FaultActivitiesImpl faults = new FaultActivitiesImpl(registry(injector), details -> {});
    assertSame(odd, assertThrows(IllegalStateException.class, () -> faults.inject(REQUEST)));
  }

  @Test
  void aLongRestoreHeartbeatsAndFinishesEvenWhenTheHeartbeatSaysCancelled() {
    ScriptedInjector injector = new ScriptedInjector();
    injector.progressCalls = 3;
    List<Object> beats = new ArrayList<>();
    FaultActivitiesImpl faults = new FaultActivitiesImpl(registry(injector), beats::add);
    assertFalse(faults.restore(REQUEST).active());
    assertEquals(3, beats.size());
    assertTrue(beats.get(0).toString().startsWith("restoring chaos-web-x/f1"), beats.toString());

    ScriptedInjector second = new ScriptedInjector();
    second.progressCalls = 3;
    int[] beaten = {0};
    FaultActivitiesImpl cancelled =
        new FaultActivitiesImpl(
            registry(second),
            details -> {
              beaten[0]++;
              throw new IllegalStateException("activity cancelled");
            });
    FaultState restored = cancelled.restore(REQUEST);
    assertFalse(restored.active(), "the restore ran to its end");
    assertEquals(1, beaten[0], "and stopped beating after the first refusal");
    assertEquals(List.of("restore chaos-web-x/f1"), second.calls);
  }

  /** Through the configuration, a zone cut at a real HAProxy and back. */
  @Test
  void aConfiguredInjectorCutsAndRestoresServersAtARealHaproxy() throws Exception {
    List<EchoBackend> echo = List.of(EchoBackend.start("web-1"), EchoBackend.start("web-2"));
    Map<String, String> servers = new LinkedHashMap<>();
    echo.forEach(e -> servers.put(e.name(), e.address()));
    try (HaproxyLauncher haproxy =
        HaproxyLauncher.start(dir.resolve("haproxy"), HaproxyLauncher.freePort(), "web", servers)) {
      AdapterRegistry registry =
          AdapterRegistry.fromConfig(
              new BellwetherConfig(
                  Map.of("edge", haproxy.routerConfig()), null, null, null, null, null, null, null,
                  null,
                  Map.of(
                      "zone-cut",
                      new FaultInjectorConfig(
                          "haproxy-maintenance",
                          "edge",
                          dir.resolve("faults-maintenance.map").toString(),
                          haproxy.serverStateFile().toString()))));
      FaultActivitiesImpl faults = new FaultActivitiesImpl(registry, details -> {});
      HaproxyRouter router =
          new HaproxyRouter(new HaproxyRuntimeApi(haproxy.runtimeApi(), Duration.ofSeconds(2)));
      FaultRequest cut =
          new FaultRequest(
              "chaos-web-zone/f1",
              "zone-cut",
              List.of(new FaultTarget("web-1", "edge", "web", "web-1", "a")),
              Map.of(),
              60_000);
      int cycles = 0;
      int leftBehind = 0;
      for (int i = 0; i < 2; i++) {
        assertEquals(List.of("web-1"), faults.inject(cut).affected());
        assertEquals(ServerState.MAINT, state(router, "web-1"));
        assertEquals(ServerState.READY, state(router, "web-2"));
        assertTrue(faults.probe(cut).active());
        assertFalse(faults.restore(cut).active());
        cycles++;
        if (state(router, "web-1") != ServerState.READY || faults.probe(cut).active()) {
          leftBehind++;
        }
      }
      assertEquals(0, leftBehind);
      assertEquals(2, cycles);

      FaultRequest unknownServer =
          new FaultRequest(
              "chaos-web-zone/f2",
              "zone-cut",
              List.of(new FaultTarget("web-9", "edge", "web", "web-9", null)),
              Map.of(),
              60_000);
      ApplicationFailure f =
          assertThrows(ApplicationFailure.class, () -> faults.inject(unknownServer));
      assertTrue(f.isNonRetryable(), f.getType() + ": " + f.getOriginalMessage());
    } finally {
      echo.forEach(EchoBackend::close);
    }
  }

  private static ServerState state(HaproxyRouter router, String server) {
    return router.servers("web").stream()
        .filter(s -> s.name().equals(server))
        .map(ServerInfo::state)
        .findFirst()
        .orElseThrow();
  }
}
