package io.bellwether.activities.chaos;

import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What both HAProxy injectors check and share: the fault id, the targets as servers of the
 * injector's router, and the {@code <backend>/<server>} keys and {@code <value>,<faultId>} values
 * of their files.
 */
final class HaproxyFaultTargets {
  // No ',' (it separates the fault id from the value), no space and no ';' (the runtime API splits
  // commands on them).
  private static final Pattern FAULT_ID = Pattern.compile("[A-Za-z0-9_.:/@+-]{1,200}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

  private HaproxyFaultTargets() {}

  /** The request's fault id; {@link InvalidFaultException} when it cannot be stored in a map. */
  static String faultId(FaultRequest request) {
    String id = request == null ? null : request.faultId();
    if (id == null || !FAULT_ID.matcher(id).matches()) {
      throw new InvalidFaultException(
          "fault id must match " + FAULT_ID + " (no spaces, ',' or ';'), got: " + id);
    }
    return id;
  }

  /**
   * The request's targets by key {@code <backend>/<server>}, in request order. {@link
   * InvalidFaultException} when there are none or one has no backend or server; {@link
   * UnknownBackendException} for a target of another router or a server the router lacks (read
   * with {@code show servers state} / {@code show stat}, once per backend).
   */
  static Map<String, FaultTarget> resolve(FaultRequest request, String router, HaproxyRouter api) {
    if (request.targets().isEmpty()) {
      throw new InvalidFaultException("fault " + request.faultId() + " has no targets");
    }
    Map<String, FaultTarget> out = new LinkedHashMap<>();
    Map<String, List<ServerInfo>> byBackend = new HashMap<>();
    for (FaultTarget t : request.targets()) {
      if (t == null || t.backend() == null || t.server() == null) {
        throw new InvalidFaultException(
            "fault " + request.faultId() + ": target " + t + " is not a server of a backend");
      }
      if (t.router() != null && !t.router().equals(router)) {
        throw new UnknownBackendException(
            "target "
                + t.name()
                + " is in router '"
                + t.router()
                + "', this injector acts on router '"
                + router
                + "'");
      }
      if (!NAME.matcher(t.backend()).matches() || !NAME.matcher(t.server()).matches()) {
        throw new UnknownBackendException(
            "'" + t.backend() + "/" + t.server() + "' is not a valid HAProxy server name");
      }
      List<ServerInfo> servers = byBackend.computeIfAbsent(t.backend(), api::servers);
      if (servers.stream().noneMatch(s -> s.name().equals(t.server()))) {
        throw new UnknownBackendException(
            "backend '" + t.backend() + "' has no server '" + t.server() + "'");
      }
      out.put(key(t.backend(), t.server()), t);
    }
    return out;
  }

  static String key(String backend, String server) {
    return backend + "/" + server;
  }

  /** {@code <value>,<faultId>}. */
  static String entry(String value, String faultId) {
    return value + "," + faultId;
  }

  /** The fault id of an entry value; empty for a value without one. */
  static String faultOf(String entry) {
    int comma = entry.indexOf(',');
    return comma < 0 ? "" : entry.substring(comma + 1).trim();
  }

  /** The value part of an entry. */
  static String valueOf(String entry) {
    int comma = entry.indexOf(',');
    return (comma < 0 ? entry : entry.substring(0, comma)).trim();
  }

  /** Keys of {@code entries} that belong to {@code faultId}, in order. */
  static List<String> keysOf(Map<String, String> entries, String faultId) {
    List<String> out = new ArrayList<>();
    entries.forEach(
        (k, v) -> {
          if (faultOf(v).equals(faultId)) {
            out.add(k);
          }
        });
    return out;
  }

  /**
   * Before any change: a {@link FaultConflictException} when an entry of another fault holds one
   * of {@code keys}.
   */
  static void requireFree(Map<String, String> entries, Iterable<String> keys, String faultId) {
    for (String key : keys) {
      String held = entries.get(key);
      if (held != null && !faultOf(held).equals(faultId)) {
        throw new FaultConflictException(
            key + " is held by fault '" + faultOf(held) + "'; restore it before injecting " + faultId);
      }
    }
  }

  /** The target's name where the request names it, else the key: what {@code affected} lists. */
  static String nameOf(String key, FaultRequest request) {
    for (FaultTarget t : request.targets()) {
      if (t != null && t.backend() != null && key.equals(key(t.backend(), t.server()))) {
        return t.name() == null ? key : t.name();
      }
    }
    return key;
  }
}
