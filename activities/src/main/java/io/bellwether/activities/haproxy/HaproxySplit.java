package io.bellwether.activities.haproxy;

import io.bellwether.activities.config.SplitConfig;
import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.RouterUnavailableException;
import io.bellwether.activities.router.SplitRouter;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.abtest.Assignment;
import io.bellwether.contracts.abtest.SplitRoutes;
import io.bellwether.contracts.abtest.SplitState;
import io.bellwether.contracts.abtest.VariantRoute;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link SplitRouter} over HAProxy's runtime API. A split is one slot backend per variant and seven
 * map files that rules on the main frontend route by, ahead of every other rule there (see {@code
 * HaproxyLauncher.Options#withSplit} for the generated rules):
 *
 * <pre>
 * SPLIT.map            SPLIT.open on|off, SPLIT.salt SALT, SPLIT.stickiness hash|cookie
 * SPLIT.users.map      user id        -> backend   1. forced
 * SPLIT.seg-header.map header value   -> backend   2. segment
 * SPLIT.seg-cookie.map cookie value   -> backend   3. segment
 * SPLIT.sticky.map     SALT.backend   -> backend   4. cookie (and SALT.out -> out: stays outside)
 * SPLIT.buckets.map    0..99          -> backend   5. hash: xxh32(user id + SALT) mod 100 (stickiness
 *                                                     hash and a non-empty user id), else random: rand(100)
 * SPLIT.names.map      backend        -> variant   the x-bellwether-variant request header
 * </pre>
 *
 * Opening and closing is one {@code set map} of {@code SPLIT.open}. A whole map is replaced
 * atomically with HAProxy's versioned maps ({@code prepare map}, {@code add map @V} with a payload,
 * {@code commit map @V}; measured on 2.6.12: the map keeps its old entries, in {@code show map} and
 * for requests, until the commit swaps in the new version), so no request sees half a share. A
 * random draw is kept in the sticky cookie by the router ({@code Set-Cookie:
 * <cookie>=SALT.<backend>}, or {@code SALT.out} outside every share). Every map file is rewritten
 * from {@code show map} after every call (atomic renames), because HAProxy keeps no runtime map
 * change over a reload. The state is always read back from the router.
 */
public final class HaproxySplit implements SplitRouter {
  /** The sticky map's value for a visitor whose random draw fell outside every share. */
  public static final String OUT = "out";

  /** A salt: it becomes part of map keys and of a cookie value. */
  public static final Pattern SALT = Pattern.compile("[A-Za-z0-9]{1,64}");

  /** A variant name: it becomes a map value and a request header value. */
  public static final Pattern VARIANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static final Pattern BACKEND = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final Pattern VERSION = Pattern.compile("New version created: (\\d+)");
  // Well under tune.bufsize (16 kB), which bounds one command with its payload.
  private static final int PAYLOAD_BYTES = 8000;

  /** The map files of a split; all lie in the directory of the split's own map file. */
  public enum SplitMap {
    /** {@code <split>.map}: open, salt and stickiness. */
    MAIN(null),
    /** {@code <split>.users.map}: forced user id to backend. */
    USERS("users"),
    /** {@code <split>.seg-header.map}: segment header value to backend. */
    SEG_HEADER("seg-header"),
    /** {@code <split>.seg-cookie.map}: segment cookie value to backend. */
    SEG_COOKIE("seg-cookie"),
    /** {@code <split>.sticky.map}: sticky cookie value {@code <salt>.<backend>} to backend. */
    STICKY("sticky"),
    /** {@code <split>.buckets.map}: bucket 0 to 99 to backend. */
    BUCKETS("buckets"),
    /** {@code <split>.names.map}: backend to variant name. */
    NAMES("names");

    private final String suffix;

    SplitMap(String suffix) {
      this.suffix = suffix;
    }

    /** This map's file, given the split's own map file. */
    public Path file(Path mainMapFile, String split) {
      return suffix == null ? mainMapFile : mainMapFile.resolveSibling(split + "." + suffix + ".map");
    }
  }

  /** The maps that hold routes, in the order {@link #setRoutes} writes them. */
  private static final List<SplitMap> ROUTE_MAPS =
      List.of(SplitMap.USERS, SplitMap.SEG_HEADER, SplitMap.SEG_COOKIE, SplitMap.STICKY, SplitMap.BUCKETS);

  private final String router;
  private final HaproxyRuntimeApi api;
  private final HaproxyMaps runtimeMaps;
  private final Map<String, SplitConfig> splits;
  // Steps of one change must not interleave with another change to the same split from this worker.
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param router the router's configured name, reported in {@link SplitState#router()}
   * @param splits by name; each with backends and an absolute map file (checked at startup)
   */
  public HaproxySplit(String router, HaproxyRuntimeApi api, Map<String, SplitConfig> splits) {
    this.router = router;
    this.api = api;
    this.runtimeMaps =
        new HaproxyMaps(api, "does its configuration have the split's rules?");
    this.splits = Map.copyOf(splits);
  }

  @Override
  public Set<String> splits() {
    return new TreeSet<>(splits.keySet());
  }

  @Override
  public List<String> backends(String split) {
    return config(split).backends();
  }

  @Override
  public SplitState state(String split) {
    SplitConfig c = config(split);
    Map<SplitMap, Map<String, String>> maps = new LinkedHashMap<>();
    for (SplitMap m : SplitMap.values()) {
      maps.put(m, runtimeMaps.read(file(c, split, m)));
    }
    return state(split, c, maps);
  }

  /**
   * Every problem with {@code routes} that no router could hold, without asking one: values must be
   * plain tokens (salt {@link #SALT}, variant {@link #VARIANT}, user ids and segment values {@link
   * HaproxyPoolSwitch#SEGMENT_VALUE}), buckets within 0 to 100 and not overlapping, stickiness
   * {@code hash} or {@code cookie}, each backend, variant and value used once. Empty when fine.
   */
  public static List<String> problems(SplitRoutes routes) {
    List<String> out = new ArrayList<>();
    if (routes == null) {
      return out;
    }
    List<VariantRoute> variants = routes.variants();
    String salt = routes.salt() == null ? "" : routes.salt();
    if (!variants.isEmpty() || !salt.isEmpty()) {
      if (!SALT.matcher(salt).matches()) {
        out.add("salt must be 1 to 64 letters and digits, got '" + shown(salt) + "'");
      }
    }
    String stickiness = routes.stickiness();
    if (stickiness != null
        && !stickiness.isBlank()
        && !stickiness.equals(Assignment.HASH)
        && !stickiness.equals(Assignment.COOKIE)) {
      out.add("stickiness must be hash or cookie, got '" + shown(stickiness) + "'");
    }
    Set<String> backends = new HashSet<>();
    Set<String> names = new HashSet<>();
    Map<String, Map<String, String>> owners = new HashMap<>();
    boolean[] taken = new boolean[100];
    for (int i = 0; i < variants.size(); i++) {
      VariantRoute v = variants.get(i);
      String at = "variants[" + i + "]";
      if (v == null) {
        out.add(at + ": missing");
        continue;
      }
      if (v.variant() == null || !VARIANT.matcher(v.variant()).matches()) {
        out.add(at + ".variant must be 1 to 64 of letters, digits and . _ -, got '" + shown(v.variant()) + "'");
      } else if (!names.add(v.variant())) {
        out.add(at + ".variant '" + v.variant() + "' is routed twice");
      }
      if (v.backend() == null || !BACKEND.matcher(v.backend()).matches() || v.backend().equals(OUT)) {
        out.add(at + ".backend is not a backend name: '" + shown(v.backend()) + "'");
      } else if (!backends.add(v.backend())) {
        out.add(at + ".backend '" + v.backend() + "' is routed twice");
      }
      if (v.bucketFrom() < 0 || v.bucketTo() > 100 || v.bucketFrom() > v.bucketTo()) {
        out.add(at + ": buckets must be 0 <= from <= to <= 100, got " + v.bucketFrom() + " to " + v.bucketTo());
      } else {
        for (int b = v.bucketFrom(); b < v.bucketTo(); b++) {
          if (taken[b]) {
            out.add(at + ": bucket " + b + " belongs to another variant as well");
            break;
          }
          taken[b] = true;
        }
      }
      checkValues(out, at + ".users", v.users(), v.variant(), owners.computeIfAbsent("users", k -> new HashMap<>()));
      checkValues(out, at + ".headerValues", v.headerValues(), v.variant(), owners.computeIfAbsent("header", k -> new HashMap<>()));
      checkValues(out, at + ".cookieValues", v.cookieValues(), v.variant(), owners.computeIfAbsent("cookie", k -> new HashMap<>()));
    }
    return out;
  }

  private static void checkValues(
      List<String> out, String at, List<String> values, String variant, Map<String, String> owner) {
    for (String value : values) {
      if (value == null || !HaproxyPoolSwitch.SEGMENT_VALUE.matcher(value).matches()) {
        out.add(at + ": '" + shown(value) + "' is not 1 to 200 of letters, digits and . _ : @ + = / ~ -");
        continue;
      }
      String before = owner.putIfAbsent(value, variant == null ? "" : variant);
      if (before != null && !before.equals(variant)) {
        out.add(at + ": '" + value + "' is routed to variant '" + before + "' as well");
      }
    }
  }

  /** Non-printable and overlong input is not echoed whole into failure messages. */
  private static String shown(String s) {
    if (s == null) {
      return "null";
    }
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
  }

  /**
   * Validates everything first ({@link #problems}, and every backend one of the split's), then,
   * each map only when it differs from what it should hold: the names map (old and new names, so
   * that no routed backend is ever nameless), the salt and stickiness keys, the users, segment,
   * sticky and buckets maps, the names map (new names only). Open or closed stays as it is.
   */
  @Override
  public SplitState setRoutes(String split, SplitRoutes routes) {
    SplitRoutes wanted = routes == null ? SplitRoutes.none() : routes;
    SplitConfig c = config(split);
    List<String> problems = problems(wanted);
    for (VariantRoute v : wanted.variants()) {
      if (v != null && v.backend() != null && !c.backends().contains(v.backend())) {
        problems.add(
            "backend '" + shown(v.backend()) + "' is not one of split '" + split + "': " + c.backends());
      }
    }
    if (!problems.isEmpty()) {
      throw new RouterRejectedException(
          "split '" + split + "' cannot take these routes: " + String.join("; ", problems));
    }
    Map<SplitMap, LinkedHashMap<String, String>> want = routeMaps(wanted);
    synchronized (lock(split)) {
      String names = file(c, split, SplitMap.NAMES);
      LinkedHashMap<String, String> both = new LinkedHashMap<>(runtimeMaps.read(names));
      both.putAll(want.get(SplitMap.NAMES));
      replaceMap(names, both);
      String main = file(c, split, SplitMap.MAIN);
      Map<String, String> mainMap = runtimeMaps.read(main);
      String salt = wanted.salt() == null ? "" : wanted.salt();
      runtimeMaps.set(main, mainMap, split + ".salt", salt.isEmpty() ? null : salt);
      runtimeMaps.set(
          main,
          mainMap,
          split + ".stickiness",
          salt.isEmpty() ? null : stickinessOf(wanted.stickiness()));
      for (SplitMap m : ROUTE_MAPS) {
        replaceMap(file(c, split, m), want.get(m));
      }
      replaceMap(names, want.get(SplitMap.NAMES));
      persist(c, split);
      return state(split);
    }
  }

  /** One {@code set map} (or {@code add map} when the key is missing) of {@code <split>.open}. */
  @Override
  public SplitState setOpen(String split, boolean open) {
    SplitConfig c = config(split);
    synchronized (lock(split)) {
      String main = file(c, split, SplitMap.MAIN);
      runtimeMaps.set(main, runtimeMaps.read(main), split + ".open", open ? "on" : "off");
      runtimeMaps.writeFile(main);
      return state(split);
    }
  }

  /**
   * {@link #setOpen} false first, then {@code clear map} of every route map and the names map, and
   * the salt and stickiness keys deleted: the maps hold exactly what they held before any
   * experiment ({@code <split>.open off} and nothing else).
   */
  @Override
  public SplitState clear(String split) {
    SplitConfig c = config(split);
    synchronized (lock(split)) {
      String main = file(c, split, SplitMap.MAIN);
      Map<String, String> mainMap = runtimeMaps.read(main);
      runtimeMaps.set(main, mainMap, split + ".open", "off");
      runtimeMaps.writeFile(main);
      for (SplitMap m : ROUTE_MAPS) {
        replaceMap(file(c, split, m), new LinkedHashMap<>());
      }
      replaceMap(file(c, split, SplitMap.NAMES), new LinkedHashMap<>());
      runtimeMaps.set(main, mainMap, split + ".salt", null);
      runtimeMaps.set(main, mainMap, split + ".stickiness", null);
      persist(c, split);
      return state(split);
    }
  }

  /** What each map must hold for {@code routes} (the main map aside). */
  static Map<SplitMap, LinkedHashMap<String, String>> routeMaps(SplitRoutes routes) {
    Map<SplitMap, LinkedHashMap<String, String>> out = new LinkedHashMap<>();
    for (SplitMap m : SplitMap.values()) {
      out.put(m, new LinkedHashMap<>());
    }
    TreeMap<Integer, String> buckets = new TreeMap<>();
    for (VariantRoute v : routes.variants()) {
      String be = v.backend();
      out.get(SplitMap.NAMES).put(be, v.variant());
      v.users().forEach(u -> out.get(SplitMap.USERS).put(u, be));
      v.headerValues().forEach(h -> out.get(SplitMap.SEG_HEADER).put(h, be));
      v.cookieValues().forEach(k -> out.get(SplitMap.SEG_COOKIE).put(k, be));
      if (v.bucketTo() > v.bucketFrom()) {
        // A variant without a share takes no new user, so its cookie no longer routes either.
        out.get(SplitMap.STICKY).put(routes.salt() + "." + be, be);
      }
      for (int b = v.bucketFrom(); b < v.bucketTo(); b++) {
        buckets.put(b, be);
      }
    }
    if (!routes.variants().isEmpty()) {
      out.get(SplitMap.STICKY).put(routes.salt() + "." + OUT, OUT);
    }
    buckets.forEach((b, be) -> out.get(SplitMap.BUCKETS).put(Integer.toString(b), be));
    return out;
  }

  /**
   * The routes as the maps hold them. A backend is a variant when any map routes to it or names
   * it, in the split's backend order (others after). Its buckets read as {@code [min, max + 1)};
   * a variant without buckets reads as an empty range where the previous one ended.
   */
  private SplitState state(String split, SplitConfig c, Map<SplitMap, Map<String, String>> maps) {
    Map<String, String> main = maps.get(SplitMap.MAIN);
    Map<String, String> names = maps.get(SplitMap.NAMES);
    Set<String> routed = new LinkedHashSet<>(c.backends());
    routed.addAll(names.keySet());
    for (SplitMap m : ROUTE_MAPS) {
      routed.addAll(maps.get(m).values());
    }
    routed.remove(OUT);
    Map<String, List<Integer>> buckets = new HashMap<>();
    maps.get(SplitMap.BUCKETS)
        .forEach(
            (b, be) -> {
              try {
                buckets.computeIfAbsent(be, k -> new ArrayList<>()).add(Integer.parseInt(b.trim()));
              } catch (NumberFormatException e) {
                // Not a bucket HAProxy's map_int would ever match; not a route.
              }
            });
    List<VariantRoute> variants = new ArrayList<>();
    int cursor = 0;
    for (String be : routed) {
      boolean used = names.containsKey(be) || buckets.containsKey(be);
      for (SplitMap m : List.of(SplitMap.USERS, SplitMap.SEG_HEADER, SplitMap.SEG_COOKIE, SplitMap.STICKY)) {
        used |= maps.get(m).containsValue(be);
      }
      if (!used) {
        continue;
      }
      int from = cursor;
      int to = cursor;
      List<Integer> own = buckets.get(be);
      if (own != null && !own.isEmpty()) {
        from = own.stream().mapToInt(Integer::intValue).min().orElseThrow();
        to = own.stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
        cursor = to;
      }
      variants.add(
          new VariantRoute(
              names.getOrDefault(be, ""),
              be,
              from,
              to,
              keysOf(maps.get(SplitMap.USERS), be),
              keysOf(maps.get(SplitMap.SEG_HEADER), be),
              keysOf(maps.get(SplitMap.SEG_COOKIE), be)));
    }
    String salt = main.getOrDefault(split + ".salt", "");
    String stickiness = stickinessOf(main.get(split + ".stickiness"));
    return new SplitState(
        router,
        split,
        c.backends(),
        "on".equals(main.get(split + ".open")),
        new SplitRoutes(salt, stickiness, variants));
  }

  private static List<String> keysOf(Map<String, String> map, String backend) {
    List<String> out = new ArrayList<>();
    map.forEach((k, v) -> {
      if (v.equals(backend)) {
        out.add(k);
      }
    });
    return out;
  }

  private static String stickinessOf(String s) {
    return s == null || s.isBlank() ? Assignment.HASH : s;
  }

  /**
   * Makes the map hold exactly {@code want}: nothing when it does already; {@code clear map} when
   * {@code want} is empty; else a new version filled in chunks and committed in one command.
   */
  private void replaceMap(String file, LinkedHashMap<String, String> want) {
    Map<String, String> have = runtimeMaps.read(file);
    if (have.equals(want)) {
      return;
    }
    if (want.isEmpty()) {
      HaproxyMaps.expectSilence("clear map " + file, api.execute("clear map " + file));
      return;
    }
    String prepared = api.execute("prepare map " + file);
    Matcher m = VERSION.matcher(prepared);
    if (!m.find()) {
      throw new RouterRejectedException(
          "HAProxy refused 'prepare map " + file + "': " + prepared.strip());
    }
    String version = "@" + m.group(1);
    List<String> chunk = new ArrayList<>();
    int bytes = 0;
    for (Map.Entry<String, String> e : want.entrySet()) {
      String line = e.getKey() + " " + e.getValue();
      if (bytes + line.length() + 1 > PAYLOAD_BYTES && !chunk.isEmpty()) {
        addChunk(version, file, chunk);
        chunk = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(line);
      bytes += line.length() + 1;
    }
    addChunk(version, file, chunk);
    String commit = "commit map " + version + " " + file;
    String answer = api.execute(commit);
    if (!answer.isBlank() && !runtimeMaps.read(file).equals(want)) {
      // Another writer committed a later version; the retry starts over from what is there.
      throw new RouterUnavailableException(
          "HAProxy did not commit '" + commit + "': " + answer.strip(), null);
    }
  }

  private void addChunk(String version, String file, List<String> lines) {
    String cmd = "add map " + version + " " + file;
    HaproxyMaps.expectSilence(cmd, api.execute(cmd, lines));
  }

  /**
   * Rewrites every map file of the split from what HAProxy holds. Runs after every change, also one
   * that changed nothing, so a retry after a failed write repairs the files.
   */
  private void persist(SplitConfig c, String split) {
    for (SplitMap m : SplitMap.values()) {
      runtimeMaps.writeFile(file(c, split, m));
    }
  }

  private static String file(SplitConfig c, String split, SplitMap m) {
    return m.file(Path.of(c.mapFile()), split).toString();
  }

  private SplitConfig config(String split) {
    SplitConfig c = split == null ? null : splits.get(split);
    if (c == null) {
      throw new UnknownBackendException(
          "no split named '"
              + split
              + "' is configured in router '"
              + router
              + "'; configured: "
              + (splits.isEmpty() ? "none" : String.join(", ", splits())));
    }
    return c;
  }

  private Object lock(String split) {
    return locks.computeIfAbsent(split, k -> new Object());
  }
}
