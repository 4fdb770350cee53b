package io.bellwether.activities.haproxy;

import io.bellwether.activities.config.PoolConfig;
import io.bellwether.activities.router.PoolSwitch;
import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.activities.ServerState;
import io.bellwether.contracts.bluegreen.PoolState;
import io.bellwether.contracts.canary.SegmentRoute;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * {@link PoolSwitch} over HAProxy's runtime API. A pool is a live and a candidate backend (two of
 * {@code server-template} slots for blue-green; for a canary route the live one is an existing
 * backend with fixed servers), four keys in a map file and three segment map files that the
 * frontend routes by:
 *
 * <pre>
 * http-request set-var(txn.POOL_pct) str(POOL.candidate_pct),map(MAP,0)
 * use_backend %[str(POOL.candidate),map(MAP)] if { req.hdr(x-bellwether-preview) -m found } { str(POOL.preview),map(MAP,off) -m str on }
 * use_backend %[str(POOL.candidate),map(MAP)] if { req.hdr(x-bellwether-segment),map(POOL.seg-header.map) -m found }
 * use_backend %[str(POOL.candidate),map(MAP)] if { req.cook(bellwether_segment),map(POOL.seg-cookie.map) -m found }
 * use_backend %[str(POOL.candidate),map(MAP)] if { req.hdr(x-user-id),map(POOL.seg-user.map) -m found }
 * use_backend %[str(POOL.candidate),map(MAP)] if { rand(100),sub(txn.POOL_pct) -m int lt 0 }
 * use_backend %[str(POOL.live),map(MAP)]
 * </pre>
 *
 * Each request reads the map once per rule, and {@code set map} replaces one value atomically, so
 * a single command moves all traffic at once. HAProxy keeps neither maps nor runtime server changes
 * over a reload, so after every change the map files are rewritten from {@code show map} and {@code
 * show servers state} is saved to the state file; all writes are atomic renames. The segment map
 * files lie next to the pool's map file, named by {@link Segment#mapFile}.
 */
public final class HaproxyPoolSwitch implements PoolSwitch {
  /** The request header that, with preview on, reaches the candidate. */
  public static final String PREVIEW_HEADER = "x-bellwether-preview";

  /** The request header whose value, when listed in the segment route, reaches the candidate. */
  public static final String SEGMENT_HEADER = "x-bellwether-segment";

  /** The cookie whose value, when listed in the segment route, reaches the candidate. */
  public static final String SEGMENT_COOKIE = "bellwether_segment";

  /** The request header carrying the user id matched against the segment route's users. */
  public static final String USER_HEADER = "x-user-id";

  /**
   * What a segment value may be: it becomes a map key, written to a file and sent over the runtime
   * API, so no spaces, no {@code ;} (the API's command separator), no {@code #} (a comment in the
   * file) and no {@code ,} (HAProxy splits header values on it).
   */
  public static final Pattern SEGMENT_VALUE = Pattern.compile("[A-Za-z0-9._:@+=/~-]{1,200}");

  /** The three ways a request joins the segment route, each with its own map file. */
  public enum Segment {
    /** The value of {@link #SEGMENT_HEADER}. */
    HEADER("seg-header", "req.hdr(" + SEGMENT_HEADER + ")"),
    /** The value of the cookie {@link #SEGMENT_COOKIE}. */
    COOKIE("seg-cookie", "req.cook(" + SEGMENT_COOKIE + ")"),
    /** The value of {@link #USER_HEADER}. */
    USER("seg-user", "req.hdr(" + USER_HEADER + ")");

    private final String suffix;
    private final String fetch;

    Segment(String suffix, String fetch) {
      this.suffix = suffix;
      this.fetch = fetch;
    }

    /** {@code <pool>.seg-header.map} (or {@code seg-cookie}, {@code seg-user}) beside the pool map. */
    public Path mapFile(Path poolMapFile, String pool) {
      return poolMapFile.resolveSibling(pool + "." + suffix + ".map");
    }

    /** The HAProxy sample fetch whose value is looked up in the map. */
    public String fetch() {
      return fetch;
    }

    List<String> valuesOf(SegmentRoute route) {
      return switch (this) {
        case HEADER -> route.headerValues();
        case COOKIE -> route.cookieValues();
        case USER -> route.users();
      };
    }
  }

  private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]+");

  private final HaproxyRuntimeApi api;
  private final HaproxyMaps runtimeMaps;
  private final HaproxyRouter router;
  private final Map<String, PoolConfig> pools;
  private final Set<String> moreStateFiles;
  // Steps of one change must not interleave with another change to the same pool from this worker.
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

  /** {@code pools} by name; each must have two backends and a map file (checked at startup). */
  public HaproxyPoolSwitch(HaproxyRuntimeApi api, Map<String, PoolConfig> pools) {
    this(api, pools, Set.of());
  }

  /**
   * As {@link #HaproxyPoolSwitch(HaproxyRuntimeApi, Map)}, also saving the server state to {@code
   * moreStateFiles} (those of the router's experiment splits, whose slots are assigned here too).
   */
  public HaproxyPoolSwitch(
      HaproxyRuntimeApi api, Map<String, PoolConfig> pools, java.util.Collection<String> moreStateFiles) {
    this.api = api;
    this.runtimeMaps = new HaproxyMaps(api, "is it the path the frontend uses?");
    this.router = new HaproxyRouter(api);
    this.pools = Map.copyOf(pools);
    this.moreStateFiles = new LinkedHashSet<>(moreStateFiles == null ? Set.of() : moreStateFiles);
  }

  @Override
  public Set<String> pools() {
    return new TreeSet<>(pools.keySet());
  }

  @Override
  public List<String> backends(String pool) {
    return config(pool).backends();
  }

  @Override
  public PoolState state(String pool) {
    PoolConfig c = config(pool);
    return state(pool, c, readMap(c));
  }

  /** One {@code set map} of {@code <pool>.candidate_pct}. */
  @Override
  public PoolState setCandidatePercent(String pool, int percent) {
    if (percent < 0 || percent > 100) {
      throw new RouterRejectedException("candidate percent must be 0 to 100, got " + percent);
    }
    PoolConfig c = config(pool);
    synchronized (lock(pool)) {
      Map<String, String> map = readMap(c);
      runtimeMaps.set(c.mapFile(), map, pool + ".candidate_pct", Integer.toString(percent));
      persist(c);
      return state(pool);
    }
  }

  /**
   * Closes the preview first (preview requests would otherwise follow the candidate role to the old
   * live backend), then: candidate at 100%, live := {@code expectedLive}, 0% to the candidate,
   * candidate := the other backend. Between any two steps all requests reach {@code expectedLive},
   * so a crash half-way loses nothing and a retry continues from where the map stands. Refuses
   * ({@link RouterRejectedException}) when the candidate has less than 100% and the swap has not
   * begun, or when {@code expectedLive} is live while the other backend takes traffic.
   */
  @Override
  public PoolState promoteCandidate(String pool, String expectedLive) {
    PoolConfig c = config(pool);
    if (!c.backends().contains(expectedLive)) {
      throw new UnknownBackendException(
          "pool '" + pool + "' has no backend '" + expectedLive + "' (backends: " + c.backends() + ")");
    }
    String other = c.backends().get(0).equals(expectedLive) ? c.backends().get(1) : c.backends().get(0);
    synchronized (lock(pool)) {
      Map<String, String> map = readMap(c);
      String live = map.getOrDefault(pool + ".live", "");
      String candidate = map.getOrDefault(pool + ".candidate", "");
      int pct = percentOf(map.get(pool + ".candidate_pct"));
      boolean done = live.equals(expectedLive) && candidate.equals(other) && pct == 0;
      if (!done) {
        boolean begun = live.equals(expectedLive) && candidate.equals(expectedLive);
        boolean ready = candidate.equals(expectedLive) && pct == 100;
        if (!begun && !ready) {
          throw new RouterRejectedException(
              "pool '"
                  + pool
                  + "' cannot make '"
                  + expectedLive
                  + "' live safely: live="
                  + live
                  + " candidate="
                  + candidate
                  + " candidate_pct="
                  + pct
                  + " (the candidate must be '"
                  + expectedLive
                  + "' with 100% first)");
        }
        runtimeMaps.set(c.mapFile(), map, pool + ".preview", "off");
        runtimeMaps.set(c.mapFile(), map, pool + ".live", expectedLive);
        runtimeMaps.set(c.mapFile(), map, pool + ".candidate_pct", "0");
        runtimeMaps.set(c.mapFile(), map, pool + ".candidate", other);
      }
      persist(c);
      return state(pool);
    }
  }

  @Override
  public PoolState setPreview(String pool, boolean on) {
    PoolConfig c = config(pool);
    synchronized (lock(pool)) {
      Map<String, String> map = readMap(c);
      runtimeMaps.set(c.mapFile(), map, pool + ".preview", on ? "on" : "off");
      persist(c);
      return state(pool);
    }
  }

  /**
   * For each of the three segment maps: {@code del map} of every key not in {@code route}, then
   * {@code add map} of every value missing, so a value kept in the route keeps routing throughout;
   * a map already as wanted gets no command. Then every map file of the pool is rewritten. Refuses
   * a value that does not match {@link #SEGMENT_VALUE}, before changing anything.
   */
  @Override
  public PoolState setSegments(String pool, SegmentRoute route) {
    SegmentRoute wanted = route == null ? SegmentRoute.none() : route;
    PoolConfig c = config(pool);
    for (Segment segment : Segment.values()) {
      for (String value : segment.valuesOf(wanted)) {
        if (value == null || !SEGMENT_VALUE.matcher(value).matches()) {
          throw new RouterRejectedException(
              "segment value '"
                  + value
                  + "' ("
                  + segment.name().toLowerCase(Locale.ROOT)
                  + ") must be 1 to 200 of letters, digits and . _ : @ + = / ~ -");
        }
      }
    }
    synchronized (lock(pool)) {
      for (Segment segment : Segment.values()) {
        String file = segmentMap(c, pool, segment);
        Set<String> want = new LinkedHashSet<>(segment.valuesOf(wanted));
        Map<String, String> have = runtimeMaps.read(file);
        for (String key : have.keySet()) {
          if (!want.contains(key)) {
            runtimeMaps.runForgiving("del map " + file + " " + key);
          }
        }
        for (String value : want) {
          if (!have.containsKey(value)) {
            runtimeMaps.runForgiving("add map " + file + " " + value + " 1");
          }
        }
      }
      persistSegments(c, pool);
      return state(pool);
    }
  }

  /**
   * The pool's segment route as HAProxy holds it now, values in map order; all lists empty when
   * there is none. Read-only.
   */
  @Override
  public SegmentRoute segments(String pool) {
    PoolConfig c = config(pool);
    List<List<String>> lists = new ArrayList<>();
    for (Segment segment : Segment.values()) {
      lists.add(List.copyOf(runtimeMaps.read(segmentMap(c, pool, segment)).keySet()));
    }
    return new SegmentRoute(lists.get(0), lists.get(1), lists.get(2));
  }

  private static String segmentMap(PoolConfig c, String pool, Segment segment) {
    return segment.mapFile(Path.of(c.mapFile()), pool).toString();
  }

  /**
   * {@code set server B/S addr H port P} then READY (through {@link HaproxyRouter#setState}, which
   * also resumes an agent check). A slot already at the address and READY is left alone. The
   * address must be an IP address: HAProxy does not resolve names given at run time.
   */
  @Override
  public ServerInfo assignSlot(String backend, String server, String address) {
    ServerInfo current = find(backend, server);
    ServerInfo out;
    if (address == null || address.isBlank()) {
      out =
          current.state() == ServerState.MAINT
              ? current
              : router.setState(backend, server, ServerState.MAINT);
    } else {
      String[] hostPort = hostPort(address);
      String wanted = hostPort[0] + ":" + hostPort[1];
      if (!current.address().equals(wanted)) {
        String cmd = "set server " + backend + "/" + server + " addr " + hostPort[0] + " port " + hostPort[1];
        String answer = api.execute(cmd).strip();
        String lower = answer.toLowerCase(Locale.ROOT);
        if (lower.startsWith("no such")) {
          throw new UnknownBackendException(answer + " (" + cmd + ")");
        }
        // Success is a sentence about what changed, or that nothing needed to.
        if (!lower.contains("changed") && !lower.contains("no need to change")) {
          throw new RouterRejectedException("HAProxy refused '" + cmd + "': " + answer);
        }
      }
      out =
          current.address().equals(wanted) && current.state() == ServerState.READY
              ? current
              : router.setState(backend, server, ServerState.READY);
    }
    persistState();
    return out;
  }

  private ServerInfo find(String backend, String server) {
    for (ServerInfo s : router.servers(backend)) {
      if (s.name().equals(server)) {
        return s;
      }
    }
    throw new UnknownBackendException("backend '" + backend + "' has no server '" + server + "'");
  }

  private PoolState state(String pool, PoolConfig c, Map<String, String> map) {
    Map<String, List<ServerInfo>> servers = new LinkedHashMap<>();
    for (String backend : c.backends()) {
      servers.put(backend, router.servers(backend));
    }
    return new PoolState(
        pool,
        map.getOrDefault(pool + ".live", ""),
        map.getOrDefault(pool + ".candidate", ""),
        percentOf(map.get(pool + ".candidate_pct")),
        "on".equals(map.get(pool + ".preview")),
        servers);
  }

  /** Key to value as HAProxy holds the pool's map now, in the map's order. */
  private Map<String, String> readMap(PoolConfig c) {
    return runtimeMaps.read(c.mapFile());
  }

  /**
   * Rewrites the pool's map file from what HAProxy holds, then saves the server state. Runs after
   * every change, also after one that changed nothing, so a retry after a failed write repairs the
   * files.
   */
  private void persist(PoolConfig c) {
    runtimeMaps.writeFile(c.mapFile());
    persistState();
  }

  /**
   * Rewrites the pool's segment map files from what HAProxy holds, then saves the server state.
   * Only segment changes touch these files: a pool whose frontend has no segment rules keeps every
   * other change working.
   */
  private void persistSegments(PoolConfig c, String pool) {
    for (Segment segment : Segment.values()) {
      runtimeMaps.writeFile(segmentMap(c, pool, segment));
    }
    persistState();
  }

  /** Saves {@code show servers state} to every state file the pools (and splits) name. */
  private void persistState() {
    List<String> stateFiles = new ArrayList<>();
    pools.values().forEach(c -> stateFiles.add(c.stateFile()));
    stateFiles.addAll(moreStateFiles);
    runtimeMaps.saveServerState(stateFiles);
  }

  private PoolConfig config(String pool) {
    PoolConfig c = pool == null ? null : pools.get(pool);
    if (c == null) {
      throw new UnknownBackendException(
          "no pool named '" + pool + "' is configured; configured: "
              + (pools.isEmpty() ? "none" : String.join(", ", pools())));
    }
    return c;
  }

  private Object lock(String pool) {
    return locks.computeIfAbsent(pool, k -> new Object());
  }

  private static int percentOf(String value) {
    if (value == null) {
      return 0;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      // The frontend's 'sub' treats a non-number as 0 as well.
      return 0;
    }
  }

  private static String[] hostPort(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon <= 0 ? "" : address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = -1;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      // reported below
    }
    if (host.isEmpty() || !IP.matcher(host).matches() || port < 1 || port > 65535) {
      throw new RouterRejectedException(
          "slot address must be IP:port (HAProxy does not resolve names at run time), got '" + address + "'");
    }
    return new String[] {host, Integer.toString(port)};
  }
}
