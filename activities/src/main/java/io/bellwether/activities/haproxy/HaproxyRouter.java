package io.bellwether.activities.haproxy;

import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.TrafficRouter;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@link TrafficRouter} over HAProxy's runtime API.
 *
 * <p>Reads join two tables: {@code show servers state} (administrative flags, address, user weight,
 * agent flags) and {@code show stat} (current sessions and the status HAProxy shows).
 *
 * <p>An agent check whose reply contains {@code ready} clears a drain or maintenance set through
 * the runtime API within one agent interval. So this router pauses a server's agent check while it
 * puts the server in DRAIN or MAINT, and resumes it on READY; otherwise the application's agent
 * would put an instance back into rotation in the middle of its upgrade.
 */
public final class HaproxyRouter implements TrafficRouter {
  // HAProxy's own rule for proxy and server names. Checking it also keeps a name from smuggling a
  // second command in: the runtime API treats ';' as a command separator.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

  // srv_admin_state bits (HAProxy's enum srv_admin, mask SRV_ADMF_MAINT): forced, inherited and
  // resolution-caused maintenance; forced and inherited drain. The config bit (0x04, a server
  // declared 'disabled') stays set after 'state ready' while the server serves, so it is no sign of
  // maintenance: server-template slots start disabled and are made ready at run time.
  private static final int ADMIN_MAINT = 0x01 | 0x02 | 0x20;
  private static final int ADMIN_DRAIN = 0x08 | 0x10;
  // srv_agent_state bits (HAProxy's CHK_ST_*): the check exists, and it is running.
  private static final int CHECK_CONFIGURED = 0x02;
  private static final int CHECK_ENABLED = 0x04;

  private final HaproxyRuntimeApi api;

  public HaproxyRouter(HaproxyRuntimeApi api) {
    this.api = api;
  }

  /** The runtime API this router talks to. */
  public HaproxyRuntimeApi api() {
    return api;
  }

  /**
   * Servers of {@code backend} in configuration order; an empty list for a backend without servers.
   * Read-only. {@link UnknownBackendException} when the backend does not exist.
   */
  @Override
  public List<ServerInfo> servers(String backend) {
    List<Server> servers = read(backend);
    List<ServerInfo> out = new ArrayList<>(servers.size());
    for (Server s : servers) {
      out.add(s.info());
    }
    return out;
  }

  /**
   * Sets the administrative state with {@code set server B/S state}, pausing the server's agent
   * check for DRAIN and MAINT and resuming it for READY. Idempotent. Returns the server as read
   * afterwards. {@link UnknownBackendException} for an unknown backend or server; {@link
   * RouterRejectedException} when HAProxy refuses.
   */
  @Override
  public ServerInfo setState(String backend, String server, ServerState state) {
    Server current = find(backend, server);
    String target = backend + "/" + server;
    if (state == ServerState.READY) {
      command("set server " + target + " state ready");
      if (current.hasAgent() && !current.agentEnabled()) {
        command("enable agent " + target);
      }
    } else {
      // Agent first: pausing it after the state change would leave a window for a 'ready' reply.
      if (current.hasAgent() && current.agentEnabled()) {
        command("disable agent " + target);
      }
      command("set server " + target + " state " + state.name().toLowerCase(Locale.ROOT));
    }
    return find(backend, server).info();
  }

  /**
   * Sets the user weight with {@code set server B/S weight N}. Idempotent. Returns the server as
   * read afterwards. {@link RouterRejectedException} when HAProxy refuses the weight (out of range,
   * or a static balancing algorithm).
   */
  @Override
  public ServerInfo setWeight(String backend, String server, int weight) {
    find(backend, server);
    command("set server " + backend + "/" + server + " weight " + weight);
    return find(backend, server).info();
  }

  private Server find(String backend, String server) {
    checkName("server", server);
    for (Server s : read(backend)) {
      if (s.info().name().equals(server)) {
        return s;
      }
    }
    throw new UnknownBackendException("backend '" + backend + "' has no server '" + server + "'");
  }

  private List<Server> read(String backend) {
    checkName("backend", backend);
    String stateText = api.execute("show servers state " + backend);
    if (isError(stateText)) {
      throw errorFor(stateText, backend);
    }
    List<Map<String, String>> states = parseServersState(stateText);
    if (states.isEmpty()) {
      return List.of();
    }
    String backendId = states.get(0).get("be_id");
    // Only this backend's server rows: "show stat <iid> <type mask 4 = servers> <sid -1 = all>".
    String statText = api.execute("show stat " + backendId + " 4 -1");
    Map<String, Map<String, String>> stats = new HashMap<>();
    for (Map<String, String> row : parseStat(statText)) {
      if (backend.equals(row.get("pxname"))) {
        stats.put(row.get("svname"), row);
      }
    }
    List<Server> out = new ArrayList<>(states.size());
    for (Map<String, String> st : states) {
      Map<String, String> stat = stats.getOrDefault(st.get("srv_name"), Map.of());
      int admin = intOf(st.get("srv_admin_state"));
      int agent = intOf(st.get("srv_agent_state"));
      ServerState state =
          (admin & ADMIN_MAINT) != 0
              ? ServerState.MAINT
              : (admin & ADMIN_DRAIN) != 0 ? ServerState.DRAIN : ServerState.READY;
      String port = st.getOrDefault("srv_port", "");
      String address = st.get("srv_addr") + (port.isEmpty() || port.equals("0") ? "" : ":" + port);
      ServerInfo info =
          new ServerInfo(
              st.get("srv_name"),
              address,
              state,
              intOf(st.get("srv_uweight")),
              intOf(stat.get("scur")),
              stat.getOrDefault("status", ""));
      out.add(new Server(info, (agent & CHECK_CONFIGURED) != 0, (agent & CHECK_ENABLED) != 0));
    }
    return out;
  }

  private void command(String command) {
    String answer = api.execute(command);
    // Successful 'set server' / 'enable agent' / 'disable agent' commands answer nothing.
    if (!answer.isBlank()) {
      throw errorFor(answer, command);
    }
  }

  private static boolean isError(String answer) {
    return !answer.contains("\n# ");
  }

  private static RuntimeException errorFor(String answer, String context) {
    String text = answer.strip();
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("no such server")
        || lower.startsWith("no such backend")
        || lower.startsWith("can't find backend")) {
      return new UnknownBackendException(text + " (" + context + ")");
    }
    return new RouterRejectedException("HAProxy refused '" + context + "': " + text);
  }

  private List<Map<String, String>> parseServersState(String text) {
    try {
      return HaproxyStatParser.parseServersState(text);
    } catch (IllegalArgumentException e) {
      throw new RouterRejectedException(
          "unexpected 'show servers state' answer: " + e.getMessage());
    }
  }

  private List<Map<String, String>> parseStat(String text) {
    try {
      return HaproxyStatParser.parseStat(text);
    } catch (IllegalArgumentException e) {
      throw new RouterRejectedException("unexpected 'show stat' answer: " + e.getMessage());
    }
  }

  private static void checkName(String kind, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      // No such name can exist in HAProxy, so this is the same fact as a missing one.
      throw new UnknownBackendException("'" + name + "' is not a valid HAProxy " + kind + " name");
    }
  }

  private static int intOf(String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private record Server(ServerInfo info, boolean hasAgent, boolean agentEnabled) {}
}
