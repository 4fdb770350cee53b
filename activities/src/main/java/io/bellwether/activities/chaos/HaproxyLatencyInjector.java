package io.bellwether.activities.chaos;

import static io.bellwether.activities.chaos.HaproxyFaultTargets.entry;
import static io.bellwether.activities.chaos.HaproxyFaultTargets.keysOf;
import static io.bellwether.activities.chaos.HaproxyFaultTargets.nameOf;
import static io.bellwether.activities.chaos.HaproxyFaultTargets.valueOf;

import io.bellwether.activities.haproxy.HaproxyMaps;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fault injector of type {@code haproxy-latency}: every response a target server gives is held
 * back {@code delayMs} (1 to 60000) milliseconds at HAProxy before it goes on to the client; the
 * other servers answer as before.
 *
 * <p>The delay lives in HAProxy's latency map (the configured {@code mapFile}), one entry per
 * server, key {@code <backend>/<server>}, value {@code <delayMs>,<faultId>}. Every backend looks up
 * the server that answered and, when there is an entry, runs a Lua action that sleeps the delay
 * with {@code core.msleep}, which yields instead of blocking HAProxy's thread (see {@code
 * HaproxyLauncher.Options.withLatencyFaults()}, which generates the action, the rules and the empty
 * map). The injector changes entries with {@code add map}/{@code set map}/{@code del map}, in
 * force for the next response, and then rewrites the map file from what HAProxy holds, so a reload
 * keeps the fault and, once restored, does not bring it back.
 *
 * <p>The fault id in each value is what makes the calls idempotent without any other memory:
 * {@code probe} and {@code restore} find this fault's entries by it, and {@code inject} refuses a
 * server that another fault's entry holds.
 */
public final class HaproxyLatencyInjector implements FaultInjector {
  public static final String TYPE = "haproxy-latency";
  /** The magnitude key: milliseconds added to every response of a target. */
  public static final String DELAY_MS = "delayMs";

  static final int MAX_DELAY_MS = 60_000;

  private final String router;
  private final HaproxyRouter servers;
  private final HaproxyMaps maps;
  private final String mapFile;

  /**
   * @param router the configured router's name, which targets must name (or leave null)
   * @param api that router's runtime API
   * @param mapFile the latency map, exactly as the HAProxy configuration names it
   */
  public HaproxyLatencyInjector(String router, HaproxyRuntimeApi api, String mapFile) {
    if (mapFile == null || mapFile.isBlank()) {
      throw new IllegalArgumentException("a haproxy-latency injector needs its map file");
    }
    this.router = router;
    this.servers = new HaproxyRouter(api);
    this.maps = new HaproxyMaps(api, "is it the latency map the backends' rules name?");
    this.mapFile = mapFile;
  }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Sets {@code <delayMs>,<faultId>} for every target, then rewrites the map file. {@link
   * InvalidFaultException} for a missing or out-of-range {@code delayMs}.
   */
  @Override
  public FaultState inject(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    int delay = delayMs(request);
    Map<String, FaultTarget> targets = HaproxyFaultTargets.resolve(request, router, servers);
    Map<String, String> held = maps.read(mapFile);
    HaproxyFaultTargets.requireFree(held, targets.keySet(), id);
    for (String key : targets.keySet()) {
      maps.set(mapFile, held, key, entry(Integer.toString(delay), id));
    }
    maps.writeFile(mapFile);
    return state(id, held, request);
  }

  /** Deletes every entry of the fault, then rewrites the map file (also when there was none). */
  @Override
  public FaultState restore(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    Map<String, String> held = maps.read(mapFile);
    List<String> removed = keysOf(held, id);
    for (String key : removed) {
      maps.set(mapFile, held, key, null);
    }
    // Also with nothing removed: a retry after a failed write must still clean the file.
    maps.writeFile(mapFile);
    FaultState left = state(id, held, request);
    return new FaultState(
        id,
        left.active(),
        left.affected(),
        removed.isEmpty() ? "no latency entries of this fault" : "removed the delay from " + removed);
  }

  /** The fault's entries as HAProxy holds them now ({@code show map}). */
  @Override
  public FaultState probe(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    return state(id, maps.read(mapFile), request);
  }

  private FaultState state(String id, Map<String, String> held, FaultRequest request) {
    List<String> affected = new ArrayList<>();
    List<String> where = new ArrayList<>();
    for (String key : keysOf(held, id)) {
      affected.add(nameOf(key, request));
      where.add(key + " +" + valueOf(held.get(key)) + "ms");
    }
    String detail =
        where.isEmpty() ? "no latency entries of this fault" : "responses delayed: " + where;
    return new FaultState(id, !affected.isEmpty(), affected, detail);
  }

  private static int delayMs(FaultRequest request) {
    String raw = request.magnitude().get(DELAY_MS);
    try {
      int ms = Integer.parseInt(raw == null ? "" : raw.trim());
      if (ms >= 1 && ms <= MAX_DELAY_MS) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidFaultException(
        "fault " + request.faultId() + ": " + DELAY_MS + " must be 1 to " + MAX_DELAY_MS + ", got " + raw);
  }
}
