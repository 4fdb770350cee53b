package io.bellwether.activities.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bellwether.activities.haproxy.HaproxyRouter;
import io.bellwether.activities.haproxy.HaproxyRuntimeApi;
import io.bellwether.activities.router.UnknownBackendException;
import io.bellwether.contracts.activities.ServerInfo;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault injector of type {@code chaos-monkey}: latency and exception assaults of Chaos Monkey for
 * Spring Boot, switched on through the actuator ({@code /actuator/chaosmonkey}) of target instances
 * that embed it, such as demo-app started with {@code --chaos-monkey}. The assaults act inside the
 * application, on the beans Chaos Monkey watches there, so a health check on an unwatched endpoint
 * still passes while traffic is slowed or fails.
 *
 * <p>Magnitude: {@code latencyMs} (1 to 60000: every attacked call takes that much longer; the
 * assault's range starts and ends there), and/or {@code exceptions=true} (every attacked call
 * throws, which the application answers with a 500), and {@code level} (1 to 10000, default 1:
 * every level-th call is attacked, counted per instance). With both, Chaos Monkey picks one of the
 * two at random for each attacked call. Any other key is refused, so a misspelt magnitude never
 * injects nothing quietly.
 *
 * <p>Targets are servers of the router's backends; the instance behind each is reached at the
 * address the router has for it ({@code show servers state}). Injecting posts the assault settings,
 * then enables Chaos Monkey; restoring disables it, then puts back the assault settings the
 * instance had before the fault.
 *
 * <p>Two things make the calls idempotent and let a restarted worker restore what an earlier one
 * switched on. A record per fault, {@code <workDir>/<fault key>.chaosmonkey}, written before any
 * instance is touched and deleted once every one is restored, lists the instances and the settings
 * each had before. And the assault settings carry the fault id: the exception assault's message is
 * {@code bellwether fault <faultId>}, set with every injection whether exceptions are on or not, so
 * {@link #probe} reads from the instances themselves which fault, if any, is in force there, and
 * {@link #restore} finds the fault on the request's targets even without the record (a worker on
 * another host). An instance whose Chaos Monkey is enabled without this fault's mark belongs to
 * someone else: injecting there throws {@link FaultConflictException}, restoring leaves it alone.
 *
 * <p>A target whose address refuses connections while restoring is counted as restored: Chaos
 * Monkey's settings live in the process's memory, and a process that is gone took them with it. Any
 * other failure to reach an instance is an {@link InjectorUnavailableException} (retryable); an
 * instance without the actuator endpoint (404) cannot take the fault ({@link InvalidFaultException}
 * when injecting) and holds none (when restoring or probing).
 */
public final class ChaosMonkeyInjector implements FaultInjector {
  public static final String TYPE = "chaos-monkey";

  /** Magnitude key: milliseconds added to every attacked call. */
  public static final String LATENCY_MS = "latencyMs";

  /** Magnitude key: {@code true} makes every attacked call throw. */
  public static final String EXCEPTIONS = "exceptions";

  /** Magnitude key: every level-th call is attacked; default 1 (every call). */
  public static final String LEVEL = "level";

  /** Where the targets serve Chaos Monkey's actuator endpoint. */
  public static final String ENDPOINT = "/actuator/chaosmonkey";

  /** The request timeout when none is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The start of the exception message that marks an instance's assault settings as a fault's. */
  public static final String MARK = "bellwether fault ";

  static final int MAX_LATENCY_MS = 60_000;
  static final int MAX_LEVEL = 10_000;

  private static final Set<String> MAGNITUDE_KEYS = Set.of(LATENCY_MS, EXCEPTIONS, LEVEL);
  private static final String SUFFIX = ".chaosmonkey";
  private static final String DEFAULT_EXCEPTION_MESSAGE = "Chaos Monkey - RuntimeException";
  // The assault settings an injection changes, and so the ones a restore puts back.
  private static final List<String> SETTINGS =
      List.of(
          "level",
          "deterministic",
          "latencyActive",
          "latencyRangeStart",
          "latencyRangeEnd",
          "exceptionsActive",
          "exception");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final String router;
  private final HaproxyRouter servers;
  private final Path workDir;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param router the configured router's name, which targets must name (or leave null)
   * @param api that router's runtime API, which gives the targets' addresses
   * @param workDir where the records of what each fault switched on are kept
   */
  public ChaosMonkeyInjector(String router, HaproxyRuntimeApi api, Path workDir) {
    this(router, api, workDir, DEFAULT_TIMEOUT);
  }

  /**
   * @param router the configured router's name, which targets must name (or leave null)
   * @param api that router's runtime API, which gives the targets' addresses
   * @param workDir where the records of what each fault switched on are kept
   * @param timeout longest wait for one actuator request, connecting included
   */
  public ChaosMonkeyInjector(String router, HaproxyRuntimeApi api, Path workDir, Duration timeout) {
    if (api == null) {
      throw new IllegalArgumentException("a chaos-monkey injector needs its router's runtime API");
    }
    if (workDir == null) {
      throw new IllegalArgumentException("a chaos-monkey injector needs its work-dir");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a chaos-monkey injector's timeout must be positive");
    }
    this.router = router;
    this.servers = new HaproxyRouter(api);
    this.workDir = workDir.toAbsolutePath();
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Records the instances (with the assault settings each has now, for the ones new to the fault),
   * then on each posts the fault's assault settings and enables Chaos Monkey. {@link
   * InvalidFaultException} for a bad magnitude, a server without a port, or an instance without the
   * actuator endpoint; {@link FaultConflictException}, before any change, when another fault of
   * this injector holds a target or a target's Chaos Monkey is enabled without this fault's mark;
   * {@link InjectorUnavailableException} when an instance cannot be reached.
   */
  @Override
  public FaultState inject(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    ObjectNode assault = assault(id, request);
    Map<String, Instance> targets = resolve(request);
    synchronized (LOCKS.computeIfAbsent(workDir, p -> new Object())) {
      Path file = recordFile(id);
      for (Path other : FaultFiles.list(workDir, SUFFIX)) {
        if (other.equals(file)) {
          continue;
        }
        Record held = Record.parse(FaultFiles.read(other).orElse(""));
        for (Instance t : targets.values()) {
          if (held.holds(t)) {
            throw new FaultConflictException(
                t.key()
                    + " ("
                    + t.address()
                    + ") is held by fault '"
                    + held.faultId()
                    + "'; restore it before injecting "
                    + id);
          }
        }
      }
      Record record = Record.parse(FaultFiles.read(file).orElse("")).forFault(id);
      Map<String, Found> found = new LinkedHashMap<>();
      for (Instance t : targets.values()) {
        Found f;
        try {
          f = read(t);
        } catch (Unreachable e) {
          throw e.unavailable();
        }
        if (f == null) {
          throw new InvalidFaultException(
              "fault "
                  + id
                  + ": "
                  + t.name()
                  + " at "
                  + t.address()
                  + " has no "
                  + ENDPOINT
                  + " (is Chaos Monkey for Spring Boot in it, with the actuator endpoint on?)");
        }
        if (f.enabled() && !id.equals(f.faultId())) {
          throw new FaultConflictException(
              t.name()
                  + " at "
                  + t.address()
                  + " has Chaos Monkey enabled "
                  + (f.faultId() == null ? "outside Bellwether" : "by fault '" + f.faultId() + "'")
                  + "; disable it before injecting "
                  + id);
        }
        found.put(t.key(), f);
      }
      for (Instance t : targets.values()) {
        Found f = found.get(t.key());
        ObjectNode before;
        if (id.equals(f.faultId()) || record.instances().containsKey(t.key())) {
          // Taken once, at the first injection: a second one finds the fault's own settings.
          before = record.before(t.key());
        } else if (f.faultId() != null) {
          // Another fault's leftover, not the instance's own: restore puts the defaults back.
          before = null;
        } else {
          before = f.settings();
        }
        record = record.with(t, before);
      }
      FaultFiles.write(file, record.format());
      for (Instance t : targets.values()) {
        post(t, "/assaults", assault, "setting the assaults of");
        post(t, "/enable", null, "enabling Chaos Monkey on");
      }
      FaultState now = probe(id, record.instances().values());
      return new FaultState(
          id, now.active(), now.affected(), describe(request) + "; " + now.detail());
    }
  }

  /**
   * On every instance the record lists, and on every target of the request that carries this
   * fault's mark: disables Chaos Monkey, then puts back the assault settings found before the fault
   * (Chaos Monkey's defaults when unknown). Deletes the record once all are done. {@link
   * InjectorUnavailableException} when an instance that still answers cannot be restored; the
   * record stays then, and a retry finishes the job.
   */
  @Override
  public FaultState restore(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    synchronized (LOCKS.computeIfAbsent(workDir, p -> new Object())) {
      Path file = recordFile(id);
      Record record = Record.parse(FaultFiles.read(file).orElse("")).forFault(id);
      Map<String, Instance> candidates = new LinkedHashMap<>(record.instances());
      for (Instance t : resolveQuietly(request).values()) {
        candidates.putIfAbsent(t.key(), t);
      }
      List<String> restored = new ArrayList<>();
      List<String> gone = new ArrayList<>();
      for (Instance t : candidates.values()) {
        Found f;
        try {
          f = read(t);
        } catch (Unreachable e) {
          if (e.refused()) {
            gone.add(t.name());
            continue;
          }
          throw e.unavailable();
        }
        // Without this fault's mark the settings are not the fault's: either the injection never
        // got this far, or the instance was restarted since (and someone else may have enabled
        // it). Without Chaos Monkey (null) there is nothing to restore either.
        if (f == null || !id.equals(f.faultId())) {
          continue;
        }
        if (f.enabled()) {
          post(t, "/disable", null, "disabling Chaos Monkey on");
        }
        post(t, "/assaults", settingsBefore(record, t), "putting back the assaults of");
        restored.add(t.name());
      }
      FaultFiles.delete(file);
      List<String> said = new ArrayList<>();
      if (!restored.isEmpty()) {
        said.add("Chaos Monkey disabled and assaults put back on " + restored);
      }
      if (!gone.isEmpty()) {
        said.add("not running, so nothing left there: " + gone);
      }
      String detail = said.isEmpty() ? "no instance holds this fault" : String.join("; ", said);
      return new FaultState(id, false, List.of(), detail);
    }
  }

  /**
   * Reads {@code status} and {@code assaults} of every instance the record lists, or else of the
   * request's targets: the fault is in force on an instance whose Chaos Monkey is enabled with an
   * assault on and this fault's mark. Read-only. {@link InjectorUnavailableException} when an
   * instance that is listening does not answer; one that refuses connections holds nothing.
   */
  @Override
  public FaultState probe(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    Record record = Record.parse(FaultFiles.read(recordFile(id)).orElse("")).forFault(id);
    Map<String, Instance> candidates = new LinkedHashMap<>(record.instances());
    for (Instance t : resolveQuietly(request).values()) {
      candidates.putIfAbsent(t.key(), t);
    }
    return probe(id, candidates.values());
  }

  private FaultState probe(String id, Iterable<Instance> instances) {
    List<String> affected = new ArrayList<>();
    List<String> where = new ArrayList<>();
    for (Instance t : instances) {
      Found f;
      try {
        f = read(t);
      } catch (Unreachable e) {
        if (e.refused()) {
          continue;
        }
        throw e.unavailable();
      }
      if (f != null && f.enabled() && id.equals(f.faultId()) && f.assaulting()) {
        affected.add(t.name());
        where.add(t.name() + " " + f.describe());
      }
    }
    String detail =
        where.isEmpty()
            ? "no instance has Chaos Monkey enabled for this fault"
            : "assaulting: " + where;
    return new FaultState(id, !affected.isEmpty(), affected, detail);
  }

  // ---- magnitude

  /** The assault settings the fault posts; {@link InvalidFaultException} for a bad magnitude. */
  static ObjectNode assault(String id, FaultRequest request) {
    Map<String, String> m = request.magnitude();
    for (String key : m.keySet()) {
      if (!MAGNITUDE_KEYS.contains(key)) {
        throw new InvalidFaultException(
            "fault "
                + id
                + ": unknown magnitude '"
                + key
                + "' (known: "
                + LATENCY_MS
                + ", "
                + EXCEPTIONS
                + ", "
                + LEVEL
                + ")");
      }
    }
    Integer latency =
        m.containsKey(LATENCY_MS)
            ? number(id, LATENCY_MS, m.get(LATENCY_MS), 1, MAX_LATENCY_MS)
            : null;
    boolean exceptions = false;
    if (m.containsKey(EXCEPTIONS)) {
      String raw = m.get(EXCEPTIONS) == null ? "" : m.get(EXCEPTIONS).trim();
      if (!raw.equals("true") && !raw.equals("false")) {
        throw new InvalidFaultException(
            "fault " + id + ": " + EXCEPTIONS + " must be true or false, got " + m.get(EXCEPTIONS));
      }
      exceptions = raw.equals("true");
    }
    if (latency == null && !exceptions) {
      throw new InvalidFaultException(
          "fault "
              + id
              + ": needs "
              + LATENCY_MS
              + " (1 to "
              + MAX_LATENCY_MS
              + ") or "
              + EXCEPTIONS
              + "=true");
    }
    int level = m.containsKey(LEVEL) ? number(id, LEVEL, m.get(LEVEL), 1, MAX_LEVEL) : 1;
    ObjectNode a = JSON.createObjectNode();
    a.put("level", level);
    // Every level-th call, not a random one in level: a test can count on it.
    a.put("deterministic", true);
    a.put("latencyActive", latency != null);
    if (latency != null) {
      a.put("latencyRangeStart", latency);
      a.put("latencyRangeEnd", latency);
    }
    a.put("exceptionsActive", exceptions);
    a.set("exception", exception(MARK + id));
    return a;
  }

  private static ObjectNode exception(String message) {
    ObjectNode e = JSON.createObjectNode();
    e.put("type", "java.lang.RuntimeException");
    ArrayNode args = e.putArray("arguments");
    ObjectNode arg = args.addObject();
    arg.put("type", "java.lang.String");
    arg.put("value", message);
    return e;
  }

  private static int number(String id, String key, String raw, int min, int max) {
    try {
      int n = Integer.parseInt(raw == null ? "" : raw.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidFaultException(
        "fault " + id + ": " + key + " must be " + min + " to " + max + ", got " + raw);
  }

  private static String describe(FaultRequest request) {
    Map<String, String> m = request.magnitude();
    List<String> what = new ArrayList<>();
    if (m.containsKey(LATENCY_MS)) {
      what.add("latency " + m.get(LATENCY_MS).trim() + " ms");
    }
    if ("true".equals(m.getOrDefault(EXCEPTIONS, "").trim())) {
      what.add("exceptions");
    }
    String level = m.getOrDefault(LEVEL, "1").trim();
    return String.join(" and ", what)
        + (level.equals("1") ? " on every call" : " on one call in " + level);
  }

  // ---- targets

  /** One instance: its server at the router and the address the router sends it traffic at. */
  record Instance(String key, String address, String name) {
    String base() {
      int colon = address.lastIndexOf(':');
      String host = address.substring(0, colon);
      // An IPv6 literal needs brackets in a URL.
      return "http://" + (host.contains(":") ? "[" + host + "]" : host) + address.substring(colon);
    }
  }

  /** The request's targets with their addresses; see {@link HaproxyFaultTargets#resolve}. */
  private Map<String, Instance> resolve(FaultRequest request) {
    Map<String, FaultTarget> targets = HaproxyFaultTargets.resolve(request, router, servers);
    Map<String, List<ServerInfo>> byBackend = new HashMap<>();
    Map<String, Instance> out = new LinkedHashMap<>();
    for (Map.Entry<String, FaultTarget> e : targets.entrySet()) {
      FaultTarget t = e.getValue();
      ServerInfo info =
          byBackend.computeIfAbsent(t.backend(), servers::servers).stream()
              .filter(s -> s.name().equals(t.server()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new UnknownBackendException(
                          "backend '" + t.backend() + "' has no server '" + t.server() + "'"));
      String address = info.address() == null ? "" : info.address().trim();
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || colon == address.length() - 1 || address.contains(" ")) {
        throw new InvalidFaultException(
            "fault "
                + request.faultId()
                + ": "
                + e.getKey()
                + " has no host:port address at the router ("
                + address
                + ")");
      }
      out.put(
          e.getKey(), new Instance(e.getKey(), address, t.name() == null ? e.getKey() : t.name()));
    }
    return out;
  }

  /**
   * The request's targets as {@link #resolve} finds them, or none when they cannot be resolved (no
   * targets, a server gone from the router): restore and probe then rely on the record.
   */
  private Map<String, Instance> resolveQuietly(FaultRequest request) {
    if (request.targets().isEmpty()) {
      return Map.of();
    }
    try {
      return resolve(request);
    } catch (InvalidFaultException | UnknownBackendException e) {
      return Map.of();
    }
  }

  // ---- the actuator

  /** What an instance's Chaos Monkey holds now. */
  private record Found(boolean enabled, String faultId, ObjectNode settings) {
    boolean assaulting() {
      return settings.path("latencyActive").asBoolean(false)
          || settings.path("exceptionsActive").asBoolean(false);
    }

    String describe() {
      List<String> on = new ArrayList<>();
      if (settings.path("latencyActive").asBoolean(false)) {
        on.add(
            "latency "
                + settings.path("latencyRangeStart").asText()
                + ".."
                + settings.path("latencyRangeEnd").asText()
                + " ms");
      }
      if (settings.path("exceptionsActive").asBoolean(false)) {
        on.add("exceptions");
      }
      return String.join(" and ", on) + " at level " + settings.path("level").asText();
    }
  }

  /**
   * {@code status} and {@code assaults} of an instance; null when it has no such endpoint (404).
   * {@link Unreachable} when it cannot be reached, {@link InjectorUnavailableException} for any
   * other answer.
   */
  private Found read(Instance t) {
    HttpResponse<String> status = send(t, "GET", "/status", null);
    if (status.statusCode() == 404) {
      return null;
    }
    // Older Chaos Monkey versions answer 503 for a disabled monkey, current ones 200 and a body.
    boolean enabled;
    if (status.statusCode() == 503) {
      enabled = false;
    } else {
      requireOk(t, "/status", status);
      enabled = parse(t, "/status", status.body()).path("enabled").asBoolean(false);
    }
    HttpResponse<String> assaults = send(t, "GET", "/assaults", null);
    requireOk(t, "/assaults", assaults);
    JsonNode all = parse(t, "/assaults", assaults.body());
    ObjectNode settings = JSON.createObjectNode();
    for (String key : SETTINGS) {
      if (all.has(key) && !all.get(key).isNull()) {
        settings.set(key, all.get(key));
      }
    }
    String message = "";
    for (JsonNode arg : all.path("exception").path("arguments")) {
      message = arg.path("value").asText("");
    }
    String faultId = message.startsWith(MARK) ? message.substring(MARK.length()) : null;
    return new Found(enabled, faultId, settings);
  }

  /**
   * POSTs to the instance's endpoint, with {@code body} as JSON or nothing. A 400 means Chaos
   * Monkey refused the settings, which no retry changes: {@link InvalidFaultException}.
   */
  private void post(Instance t, String path, ObjectNode body, String what) {
    HttpResponse<String> r;
    try {
      r = send(t, "POST", path, body);
    } catch (Unreachable e) {
      throw e.unavailable();
    }
    if (r.statusCode() == 400 || r.statusCode() == 404) {
      throw new InvalidFaultException(
          what
              + " "
              + t.name()
              + " at "
              + t.address()
              + " was refused: "
              + r.statusCode()
              + " "
              + snippet(r.body()));
    }
    if (r.statusCode() / 100 != 2) {
      throw new InjectorUnavailableException(
          what
              + " "
              + t.name()
              + " at "
              + t.address()
              + " failed: "
              + r.statusCode()
              + " "
              + snippet(r.body()));
    }
  }

  private HttpResponse<String> send(Instance t, String method, String path, ObjectNode body) {
    URI uri = URI.create(t.base() + ENDPOINT + path);
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout);
    if (body == null) {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      req.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    try {
      return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      // Refused: nothing listens there. A connect timeout is an HttpConnectTimeoutException, not
      // this, and means a host that may still run the instance.
      throw new Unreachable(t, true, e);
    } catch (IOException e) {
      throw new Unreachable(t, false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InjectorUnavailableException("interrupted while calling " + uri, e);
    }
  }

  private static void requireOk(Instance t, String path, HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new InjectorUnavailableException(
          "reading "
              + ENDPOINT
              + path
              + " of "
              + t.name()
              + " at "
              + t.address()
              + " failed: "
              + r.statusCode()
              + " "
              + snippet(r.body()));
    }
  }

  private static JsonNode parse(Instance t, String path, String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InjectorUnavailableException(
          ENDPOINT
              + path
              + " of "
              + t.name()
              + " at "
              + t.address()
              + " is not JSON: "
              + snippet(body),
          e);
    }
  }

  private static String snippet(String body) {
    String b = body == null ? "" : body.strip();
    return b.length() <= 200 ? b : b.substring(0, 200) + "...";
  }

  /** An instance that could not be reached; {@code refused} when nothing listens at its address. */
  private static final class Unreachable extends RuntimeException {
    private final Instance target;
    private final boolean refused;

    Unreachable(Instance target, boolean refused, Throwable cause) {
      super(cause);
      this.target = target;
      this.refused = refused;
    }

    boolean refused() {
      return refused;
    }

    InjectorUnavailableException unavailable() {
      return new InjectorUnavailableException(
          target.name() + " at " + target.address() + " cannot be reached: " + getCause(),
          getCause());
    }
  }

  /**
   * What {@link #restore} posts back: the settings recorded before the fault, else the defaults.
   */
  private static ObjectNode settingsBefore(Record record, Instance t) {
    ObjectNode before = record.before(t.key());
    if (before != null && before.has("exception")) {
      return before;
    }
    ObjectNode d = JSON.createObjectNode();
    d.put("level", 1);
    d.put("latencyActive", false);
    d.put("exceptionsActive", false);
    d.set("exception", exception(DEFAULT_EXCEPTION_MESSAGE));
    if (before != null) {
      d.setAll(before);
    }
    return d;
  }

  // ---- the record

  private Path recordFile(String faultId) {
    return workDir.resolve(FaultFiles.fileKey(faultId) + SUFFIX);
  }

  /**
   * A fault's record: {@code fault <id>}, then per instance {@code instance <backend>/<server>
   * <address> <name>} and {@code before <backend>/<server> <settings as one line of JSON>}.
   */
  private record Record(
      String faultId, Map<String, Instance> instances, Map<String, ObjectNode> before) {
    static Record parse(String text) {
      String id = "";
      Map<String, Instance> instances = new LinkedHashMap<>();
      Map<String, ObjectNode> before = new HashMap<>();
      for (String line : text.split("\n")) {
        String[] f = line.strip().split(" ", 4);
        if (f.length >= 2 && f[0].equals("fault")) {
          id = line.strip().substring("fault ".length());
        } else if (f.length == 4 && f[0].equals("instance")) {
          instances.put(f[1], new Instance(f[1], f[2], f[3]));
        } else if (f.length >= 3 && f[0].equals("before")) {
          try {
            JsonNode n = JSON.readTree(line.strip().split(" ", 3)[2]);
            if (n instanceof ObjectNode o) {
              before.put(f[1], o);
            }
          } catch (JsonProcessingException e) {
            // A damaged line: the restore falls back to the defaults for that instance.
          }
        }
      }
      return new Record(id, instances, before);
    }

    /** This record, or an empty one when it belongs to another fault (a hash collision). */
    Record forFault(String id) {
      return id.equals(faultId) ? this : new Record(id, Map.of(), Map.of());
    }

    boolean holds(Instance t) {
      return instances.values().stream()
          .anyMatch(i -> i.key().equals(t.key()) || i.address().equals(t.address()));
    }

    ObjectNode before(String key) {
      return before.get(key);
    }

    Record with(Instance t, ObjectNode settingsBefore) {
      Map<String, Instance> i = new LinkedHashMap<>(instances);
      i.put(t.key(), t);
      Map<String, ObjectNode> b = new HashMap<>(before);
      if (settingsBefore != null) {
        b.put(t.key(), settingsBefore);
      }
      return new Record(faultId, i, b);
    }

    String format() {
      StringBuilder out =
          new StringBuilder(
              "# chaos-monkey fault: the instances it switched on, and their assault settings"
                  + " before it\n");
      out.append("fault ").append(faultId).append('\n');
      for (Instance t : instances.values()) {
        out.append("instance ")
            .append(t.key())
            .append(' ')
            .append(t.address())
            .append(' ')
            .append(t.name())
            .append('\n');
        ObjectNode b = before.get(t.key());
        if (b != null) {
          out.append("before ").append(t.key()).append(' ').append(b.toString()).append('\n');
        }
      }
      return out.toString();
    }
  }
}
