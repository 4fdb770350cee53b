package io.bellwether.activities.chaos;

import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Fault injector of type {@code nftables-partition}: a network partition between the router and
 * its target servers. Inside the configured network namespace (the one the router runs in, created
 * by whoever runs the system; commands go through {@code ip netns exec <namespace> nft}), one
 * nftables table per fault, {@code inet bw_<16 hex digits of the fault id's SHA-256>}, drops (or,
 * with magnitude {@code action=reject}, rejects with a TCP reset) every TCP packet to each target's
 * address and port, on the output, input and forward hooks: the router's connections and health
 * checks to the target stall, so HAProxy times out and marks the server DOWN, while other servers
 * answer as before. Restoring deletes the table.
 *
 * <p>The addresses come from the router ({@code show servers state}), as {@code <ip>:<port>}; a
 * server without a port cannot be cut without cutting the whole host and is refused. The table is
 * replaced in one nftables transaction (declare, delete, define), so injecting again changes
 * nothing or swaps in the new targets atomically. Its name follows from the fault id alone, so a
 * restarted worker finds it without any file; the record {@code <workDir>/<fault key>.partition}
 * (written before the table) only names the targets, for {@link #probe} and for {@link
 * FaultConflictException} when another fault's table cuts one of them already.
 */
public final class NftablesPartitionInjector implements FaultInjector {
  public static final String TYPE = "nftables-partition";
  /** The magnitude key: {@code drop} (default: connections time out) or {@code reject}. */
  public static final String ACTION = "action";

  private static final String SUFFIX = ".partition";
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final String router;
  private final HaproxyRouter servers;
  private final String namespace;
  private final Path workDir;

  /**
   * @param router the configured router's name, which targets must name (or leave null)
   * @param api that router's runtime API
   * @param namespace the network namespace the rules go in ({@code ip netns} name)
   * @param workDir where the records of the targets are kept
   */
  public NftablesPartitionInjector(String router, HaproxyRuntimeApi api, String namespace, Path workDir) {
    if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "an nftables-partition injector needs its namespace (letters, digits, '.', '_', '-'), got " + namespace);
    }
    if (workDir == null) {
      throw new IllegalArgumentException("an nftables-partition injector needs its work-dir");
    }
    this.router = router;
    this.servers = new HaproxyRouter(api);
    this.namespace = namespace;
    this.workDir = workDir.toAbsolutePath();
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** The table of a fault: {@code bw_} and 16 hex digits of the SHA-256 of its id. */
  public static String table(String faultId) {
    return "bw_" + FaultFiles.hash(faultId, 16);
  }

  /**
   * Records the targets, then replaces the fault's table with one cutting every target. {@link
   * InvalidFaultException} for an unknown action or a target without an IP and port; {@link
   * InjectorUnavailableException} when nft fails (no such namespace, nft missing).
   */
  @Override
  public FaultState inject(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    String action = action(request);
    Map<String, FaultTarget> targets = HaproxyFaultTargets.resolve(request, router, servers);
    Map<String, List<ServerInfo>> byBackend = new HashMap<>();
    Map<String, Endpoint> cut = new LinkedHashMap<>();
    for (Map.Entry<String, FaultTarget> t : targets.entrySet()) {
      FaultTarget target = t.getValue();
      ServerInfo info =
          byBackend.computeIfAbsent(target.backend(), servers::servers).stream()
              .filter(s -> s.name().equals(target.server()))
              .findFirst()
              .orElseThrow(() -> new UnknownBackendException("backend '" + target.backend() + "' has no server '" + target.server() + "'"));
      cut.put(t.getKey(), Endpoint.parse(id, t.getKey(), info.address(), nameOf(target)));
    }
    synchronized (LOCKS.computeIfAbsent(workDir, p -> new Object())) {
      Path file = recordFile(id);
      for (Path other : FaultFiles.list(workDir, SUFFIX)) {
        if (other.equals(file)) {
          continue;
        }
        Record held = Record.parse(FaultFiles.read(other).orElse(""));
        for (String key : cut.keySet()) {
          if (held.targets().containsKey(key) && tableExists(table(held.faultId()))) {
            throw new FaultConflictException(
                key + " is cut by fault '" + held.faultId() + "'; restore it before injecting " + id);
          }
        }
      }
      FaultFiles.write(file, new Record(id, cut).format());
      nft(script(id, cut, action), "replacing table " + table(id));
      FaultState now = probe(request);
      return new FaultState(
          id, now.active(), now.affected(), action + " TCP to " + describe(cut) + "; " + now.detail());
    }
  }

  /** Deletes the fault's table (also one without a record) and the record. */
  @Override
  public FaultState restore(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    synchronized (LOCKS.computeIfAbsent(workDir, p -> new Object())) {
      String table = table(id);
      HostCommand.Result listed = run(List.of("list", "table", "inet", table), null);
      if (noNamespace(listed)) {
        // The tables of a namespace go with it: there is nothing left to restore.
        FaultFiles.delete(recordFile(id));
        return new FaultState(
            id, false, List.of(), "network namespace " + namespace + " is gone, and its tables with it");
      }
      boolean existed = listed.ok();
      if (!existed && !isMissing(listed)) {
        throw new InjectorUnavailableException(
            "cannot list table inet " + table + " in namespace " + namespace + ": " + listed.output());
      }
      if (existed) {
        HostCommand.Result r = run(List.of("delete", "table", "inet", table), null);
        if (!r.ok() && tableExists(table)) {
          throw new InjectorUnavailableException(
              "cannot delete table inet " + table + " in namespace " + namespace + ": " + r.output());
        }
      }
      FaultFiles.delete(recordFile(id));
      return new FaultState(
          id,
          false,
          List.of(),
          existed ? "deleted table inet " + table + " in namespace " + namespace : "no table of this fault");
    }
  }

  /** Active while the fault's table exists; affected are the recorded targets its rules name. */
  @Override
  public FaultState probe(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    String table = table(id);
    HostCommand.Result r = run(List.of("list", "table", "inet", table), null);
    if (!r.ok()) {
      if (isMissing(r) || noNamespace(r)) {
        return new FaultState(id, false, List.of(), "no table of this fault in namespace " + namespace);
      }
      throw new InjectorUnavailableException("cannot list table inet " + table + ": " + r.output());
    }
    Record record = Record.parse(FaultFiles.read(recordFile(id)).orElse(""));
    List<String> affected = new ArrayList<>();
    for (Endpoint e : record.targets().values()) {
      if (r.output().contains(e.daddr() + " tcp dport " + e.port() + " ")) {
        affected.add(e.name());
      }
    }
    if (affected.isEmpty()) {
      affected.add(table);
    }
    return new FaultState(
        id, true, affected, "table inet " + table + " in namespace " + namespace + " cuts " + describe(record.targets()));
  }

  private boolean tableExists(String table) {
    HostCommand.Result r = run(List.of("list", "table", "inet", table), null);
    if (r.ok()) {
      return true;
    }
    if (isMissing(r) && !noNamespace(r)) {
      return false;
    }
    throw new InjectorUnavailableException("cannot list table inet " + table + " in namespace " + namespace + ": " + r.output());
  }

  private static boolean isMissing(HostCommand.Result r) {
    return r.output().contains("No such file or directory");
  }

  private void nft(String script, String what) {
    HostCommand.Result r = run(List.of("-f", "-"), script);
    if (!r.ok()) {
      throw new InjectorUnavailableException(
          what + " in namespace " + namespace + " failed (" + r.exitCode() + "): " + r.output());
    }
  }

  private HostCommand.Result run(List<String> nftArgs, String input) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "nft"));
    argv.addAll(nftArgs);
    return HostCommand.run(argv, input, COMMAND_TIMEOUT);
  }

  /** {@code ip netns exec} could not enter the namespace: it does not exist (any more). */
  private static boolean noNamespace(HostCommand.Result r) {
    return !r.ok() && r.output().contains("Cannot open network namespace");
  }

  /**
   * One transaction: declare the table (so the delete cannot fail), delete it, define it anew. The
   * comment names the fault for whoever lists the ruleset.
   */
  static String script(String faultId, Map<String, Endpoint> cut, String action) {
    String table = table(faultId);
    String verdict = action.equals("reject") ? "reject with tcp reset" : "drop";
    StringBuilder s = new StringBuilder();
    s.append("table inet ").append(table).append(" {}\n");
    s.append("delete table inet ").append(table).append('\n');
    s.append("table inet ").append(table).append(" {\n");
    s.append("  comment \"bellwether fault ").append(faultId).append("\"\n");
    for (String hook : List.of("output", "input", "forward")) {
      s.append("  chain ").append(hook).append(" {\n");
      s.append("    type filter hook ").append(hook).append(" priority filter; policy accept;\n");
      for (Endpoint e : cut.values()) {
        s.append("    ").append(e.family()).append(" daddr ").append(e.daddr()).append(" tcp dport ")
            .append(e.port()).append(' ').append(verdict).append('\n');
      }
      s.append("  }\n");
    }
    s.append("}\n");
    return s.toString();
  }

  private static String action(FaultRequest request) {
    String raw = request.magnitude().getOrDefault(ACTION, "drop").trim().toLowerCase(Locale.ROOT);
    if (!raw.equals("drop") && !raw.equals("reject")) {
      throw new InvalidFaultException(
          "fault " + request.faultId() + ": " + ACTION + " must be drop or reject, got " + raw);
    }
    return raw;
  }

  private static String nameOf(FaultTarget t) {
    return t.name() == null || t.name().isBlank() ? t.server() : t.name();
  }

  private static String describe(Map<String, Endpoint> cut) {
    List<String> out = new ArrayList<>();
    cut.forEach((k, e) -> out.add(k + " " + e.address()));
    return out.toString();
  }

  private Path recordFile(String faultId) {
    return workDir.resolve(FaultFiles.fileKey(faultId) + SUFFIX);
  }

  /** A target as its packets show: family, address, port. */
  record Endpoint(String name, String daddr, int port, boolean ipv6) {
    String family() {
      return ipv6 ? "ip6" : "ip";
    }

    String address() {
      return (ipv6 ? "[" + daddr + "]" : daddr) + ":" + port;
    }

    /**
     * From a router address {@code <ip>:<port>} (an IPv6 address may be bracketed). {@link
     * InvalidFaultException} for anything else: only a literal address can go into a rule.
     */
    static Endpoint parse(String faultId, String key, String address, String name) {
      int colon = address == null ? -1 : address.lastIndexOf(':');
      String host = colon < 0 ? "" : address.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port = -1;
      try {
        port = colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        // reported below
      }
      boolean v4 = IPV4.matcher(host).matches();
      boolean v6 = !v4 && host.contains(":") && IPV6.matcher(host).matches();
      if (port < 1 || port > 65535 || !(v4 || v6)) {
        throw new InvalidFaultException(
            "fault " + faultId + ": server " + key + " has address '" + address
                + "'; a partition needs an IP address and a port");
      }
      return new Endpoint(name, host, port, v6);
    }
  }

  /** The record file: the fault id, then {@code <backend>/<server> <name> <address>} a line. */
  private record Record(String faultId, Map<String, Endpoint> targets) {
    String format() {
      StringBuilder s = new StringBuilder("# fault ").append(faultId).append('\n');
      s.append("# Written by Bellwether (nftables-partition): backend/server, name, address cut\n");
      targets.forEach((k, e) -> s.append(k).append(' ').append(e.name()).append(' ').append(e.address()).append('\n'));
      return s.toString();
    }

    static Record parse(String text) {
      String id = "";
      Map<String, Endpoint> targets = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        if (line.startsWith("# fault ")) {
          id = line.substring("# fault ".length()).strip();
        } else if (!line.isBlank() && !line.startsWith("#")) {
          String[] f = line.strip().split("\\s+");
          if (f.length == 3) {
            try {
              targets.put(f[0], Endpoint.parse(id, f[0], f[2], f[1]));
            } catch (InvalidFaultException e) {
              // a hand-edited line: not ours to interpret
            }
          }
        }
      }
      return new Record(id, targets);
    }
  }
}
