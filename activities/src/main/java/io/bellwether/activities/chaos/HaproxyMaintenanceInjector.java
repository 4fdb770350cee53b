package io.bellwether.activities.chaos;

import static io.bellwether.activities.chaos.HaproxyFaultTargets.entry;
import static io.bellwether.activities.chaos.HaproxyFaultTargets.keysOf;
import static io.bellwether.activities.chaos.HaproxyFaultTargets.nameOf;
import static io.bellwether.activities.chaos.HaproxyFaultTargets.valueOf;

import io.bellwether.activities.haproxy.HaproxyMaps;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.router.RouterUnavailableException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault injector of type {@code haproxy-maintenance}, the zone cut: every target server is put in
 * maintenance (MAINT) through the runtime API, so HAProxy sends it no new request while requests in
 * flight finish; restoring puts each server back exactly as it was found: READY, DRAIN, or left in
 * MAINT when it was there already.
 *
 * <p><b>Where the state found lives.</b> In the record file (the configured {@code mapFile}), on
 * disk next to the router's own map files, one line per server: {@code <backend>/<server>
 * <STATE>,<faultId>}. It is written before the first server is touched (compensation recorded
 * before the change), so a worker that dies half-way through inject or restore, or restarts
 * between them, finds it again; and an entry is only dropped after its server was put back. The
 * alternative, handing the states to the workflow in {@link FaultState#detail()}, was not chosen:
 * {@code restore} takes the same {@link FaultRequest} as {@code inject}, and a restore after an
 * inject whose answer was lost would not have the states at all. The record is not loaded by
 * HAProxy and not touched by a reload; HAProxy's own server-state file (the configured {@code
 * stateFile}) is saved after every change so that a reload keeps the cut, and once restored,
 * does not bring it back.
 *
 * <p>Inject pauses a target's agent check (as {@link HaproxyRouter} does for MAINT, so an agent's
 * {@code ready} cannot end the cut); restore to READY resumes it. One process writes the record
 * at a time (calls are serialized per record file in this JVM); two workers sharing one record
 * file are not supported.
 */
public final class HaproxyMaintenanceInjector implements FaultInjector {
  public static final String TYPE = "haproxy-maintenance";

  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final String router;
  private final HaproxyRouter servers;
  private final HaproxyMaps maps;
  private final Path recordFile;
  private final String stateFile;

  /**
   * @param router the configured router's name, which targets must name (or leave null)
   * @param api that router's runtime API
   * @param recordFile where the states found are kept between inject and restore
   * @param stateFile HAProxy's server-state file, saved after every change; null or blank for none
   */
  public HaproxyMaintenanceInjector(
      String router, HaproxyRuntimeApi api, String recordFile, String stateFile) {
    if (recordFile == null || recordFile.isBlank()) {
      throw new IllegalArgumentException("a haproxy-maintenance injector needs its record file");
    }
    this.router = router;
    this.servers = new HaproxyRouter(api);
    this.maps = new HaproxyMaps(api, "");
    this.recordFile = Path.of(recordFile).toAbsolutePath();
    this.stateFile = stateFile == null || stateFile.isBlank() ? null : stateFile;
  }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Records the state of every target not yet recorded for this fault, then sets every target to
   * MAINT and saves the server state. A target recorded already keeps its first record: on a retry
   * it is in MAINT because of this fault, and that is not the state to restore.
   */
  @Override
  public FaultState inject(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    Map<String, FaultTarget> targets = HaproxyFaultTargets.resolve(request, router, servers);
    synchronized (lock()) {
      Map<String, String> record = readRecord();
      HaproxyFaultTargets.requireFree(record, targets.keySet(), id);
      boolean recorded = false;
      for (Map.Entry<String, FaultTarget> t : targets.entrySet()) {
        if (!record.containsKey(t.getKey())) {
          ServerState found = find(t.getValue().backend(), t.getValue().server()).state();
          record.put(t.getKey(), entry(found.name(), id));
          recorded = true;
        }
      }
      if (recorded) {
        writeRecord(record);
      }
      for (FaultTarget t : targets.values()) {
        servers.setState(t.backend(), t.server(), ServerState.MAINT);
      }
      saveServerState();
      return state(id, record, request);
    }
  }

  /**
   * Puts every server recorded for this fault back to its recorded state, drops its records and
   * saves the server state. A recorded server the router no longer has is dropped with a note in
   * the detail: there is nothing left to restore.
   */
  @Override
  public FaultState restore(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    synchronized (lock()) {
      Map<String, String> record = readRecord();
      List<String> restored = new ArrayList<>();
      List<String> gone = new ArrayList<>();
      for (String key : keysOf(record, id)) {
        String backend = key.substring(0, key.indexOf('/'));
        String server = key.substring(key.indexOf('/') + 1);
        ServerState before = parseState(valueOf(record.get(key)));
        try {
          if (before != ServerState.MAINT) {
            servers.setState(backend, server, before);
          }
          restored.add(key + "=" + before);
        } catch (UnknownBackendException e) {
          gone.add(key);
        }
        record.remove(key);
      }
      // Servers first, record after: a restore cut short is retried from the same record.
      writeRecord(record);
      saveServerState();
      String detail =
          restored.isEmpty() && gone.isEmpty()
              ? "no servers in maintenance by this fault"
              : "restored " + restored + (gone.isEmpty() ? "" : "; no longer in the router: " + gone);
      return new FaultState(id, false, List.of(), detail);
    }
  }

  /**
   * The servers recorded for this fault that HAProxy shows in maintenance now ({@code show servers
   * state} and {@code show stat}).
   */
  @Override
  public FaultState probe(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    return state(id, readRecord(), request);
  }

  private FaultState state(String id, Map<String, String> record, FaultRequest request) {
    List<String> affected = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    Map<String, List<ServerInfo>> byBackend = new LinkedHashMap<>();
    for (String key : keysOf(record, id)) {
      String backend = key.substring(0, key.indexOf('/'));
      String server = key.substring(key.indexOf('/') + 1);
      ServerInfo info =
          byBackend.computeIfAbsent(backend, servers::servers).stream()
              .filter(s -> s.name().equals(server))
              .findFirst()
              .orElse(null);
      if (info == null) {
        seen.add(key + " gone");
      } else {
        seen.add(key + " " + info.status() + " (was " + valueOf(record.get(key)) + ")");
        if (info.state() == ServerState.MAINT) {
          affected.add(nameOf(key, request));
        }
      }
    }
    String detail = seen.isEmpty() ? "no servers in maintenance by this fault" : "servers " + seen;
    return new FaultState(id, !affected.isEmpty(), affected, detail);
  }

  private ServerInfo find(String backend, String server) {
    return servers.servers(backend).stream()
        .filter(s -> s.name().equals(server))
        .findFirst()
        .orElseThrow(
            () -> new UnknownBackendException("backend '" + backend + "' has no server '" + server + "'"));
  }

  private void saveServerState() {
    if (stateFile != null) {
      maps.saveServerState(stateFile);
    }
  }

  private static ServerState parseState(String text) {
    try {
      return ServerState.valueOf(text);
    } catch (IllegalArgumentException e) {
      // A hand-edited record: READY is what a cut server was before in the common case.
      return ServerState.READY;
    }
  }

  private Object lock() {
    return LOCKS.computeIfAbsent(recordFile, p -> new Object());
  }

  /** Key to {@code <STATE>,<faultId>}, comments and blank lines left out; empty when missing. */
  private Map<String, String> readRecord() {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(recordFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new RouterUnavailableException("cannot read " + recordFile + ": " + e.getMessage(), e);
    }
    for (String line : lines) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] kv = l.split("\\s+", 2);
      out.put(kv[0], kv.length == 2 ? kv[1] : "");
    }
    return out;
  }

  private void writeRecord(Map<String, String> record) {
    StringBuilder text =
        new StringBuilder(
            "# Written by Bellwether (haproxy-maintenance): <backend>/<server> <state before>,<fault id>\n");
    record.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
    HaproxyMaps.write(recordFile, text.toString());
  }
}
