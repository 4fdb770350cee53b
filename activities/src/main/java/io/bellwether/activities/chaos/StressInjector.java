package io.bellwether.activities.chaos;

import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fault injector of type {@code stress}: CPU and memory load on the worker's host from {@code
 * stress-ng}, started detached in a session and process group of its own ({@code setsid}), so it
 * outlives neither its restore nor its deadline, whatever happens to the worker.
 *
 * <p>Magnitude: {@code cpu} (CPU workers, default 1, or 0 when {@code vm} is given), {@code cpuLoad}
 * (percent per CPU worker, 1 to 100, default 100), {@code vm} (memory workers, default 0), {@code
 * vmBytes} (memory per memory worker, such as {@code 256M} or {@code 10%}, default 256M).
 *
 * <p>Two dead-man switches: the workflow's durable timer restores the fault, and stress-ng itself
 * ends after {@code --timeout} = the fault's duration plus a grace (60 s when configured), even if no
 * restore ever comes.
 *
 * <p>What runs lives on disk in {@code <workDir>/<fault key>.stress}: the leader's PID (also the
 * process group id), its start time, and the argv. It is written before stress-ng starts (without
 * a PID) and again once it runs. Restore kills the whole process group (the workers rename
 * themselves, but keep the group) and anything still carrying the fault's log file on its command
 * line, then deletes the record. Another fault's load that still runs blocks a new one ({@link
 * FaultConflictException}): one load per injector at a time. The targets are the host (see {@link
 * #actsOnServers()}).
 */
public final class StressInjector implements FaultInjector {
  public static final String TYPE = "stress";
  public static final String CPU = "cpu";
  public static final String CPU_LOAD = "cpuLoad";
  public static final String VM = "vm";
  public static final String VM_BYTES = "vmBytes";
  /** The grace added to a fault's duration for stress-ng's own {@code --timeout}. */
  public static final Duration DEFAULT_TIMEOUT_GRACE = Duration.ofSeconds(60);

  private static final String SUFFIX = ".stress";
  private static final Pattern BYTES = Pattern.compile("[1-9][0-9]{0,12}[KMGkmg]?|[1-9][0-9]?%");
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Duration START_CHECK = Duration.ofMillis(300);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final List<String> command;
  private final Path workDir;
  private final Duration timeoutGrace;

  /**
   * @param command stress-ng and fixed arguments; null or empty for {@code [stress-ng]}
   * @param workDir where the records and stress-ng's log live
   * @param timeoutGrace added to a fault's duration for {@code --timeout}
   */
  public StressInjector(List<String> command, Path workDir, Duration timeoutGrace) {
    if (workDir == null) {
      throw new IllegalArgumentException("a stress injector needs its work-dir");
    }
    this.command = command == null || command.isEmpty() ? List.of("stress-ng") : List.copyOf(command);
    this.workDir = workDir.toAbsolutePath();
    this.timeoutGrace = timeoutGrace == null ? DEFAULT_TIMEOUT_GRACE : timeoutGrace;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public boolean actsOnServers() {
    return false;
  }

  /**
   * Starts stress-ng unless this fault's load runs already with the same arguments; a load with
   * other arguments (a new magnitude) is replaced. {@link InvalidFaultException} for a bad
   * magnitude, a duration that is not positive, or a server target; {@link
   * InjectorUnavailableException} when stress-ng cannot be started or exits at once.
   */
  @Override
  public FaultState inject(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    FaultFiles.requireHostTargets(request, TYPE);
    if (request.durationMillis() <= 0) {
      throw new InvalidFaultException(
          "fault " + id + ": a stress fault needs a positive duration (it bounds stress-ng's --timeout)");
    }
    List<String> load = loadArguments(request);
    synchronized (LOCKS.computeIfAbsent(workDir, p -> new Object())) {
      Path file = recordFile(id);
      for (Path other : FaultFiles.list(workDir, SUFFIX)) {
        if (!other.equals(file) && !members(Record.parse(FaultFiles.read(other).orElse(""))).isEmpty()) {
          throw new FaultConflictException(
              "a stress load of fault '" + Record.parse(FaultFiles.read(other).orElse("")).faultId()
                  + "' still runs; restore it before injecting " + id);
        }
      }
      long timeout = (request.durationMillis() + timeoutGrace.toMillis() + 999) / 1000;
      Path log = logFile(id);
      List<String> argv = new ArrayList<>();
      if (Files.isExecutable(SETSID)) {
        argv.add(SETSID.toString());
      }
      argv.addAll(command);
      argv.addAll(List.of("--timeout", timeout + "s", "--log-file", log.toString()));
      argv.addAll(load);

      Record found = Record.parse(FaultFiles.read(file).orElse(""));
      if (!members(found).isEmpty()) {
        if (found.load().equals(load)) {
          FaultState now = probe(request);
          return new FaultState(id, now.active(), now.affected(), "already running; " + now.detail());
        }
        kill(found);
      }
      // Compensation first: a worker dying right after the start finds the record by its log file.
      FaultFiles.write(file, new Record(id, 0, 0, log.toString(), load).format());
      Process process;
      try {
        process =
            new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile(id).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
      } catch (IOException e) {
        FaultFiles.delete(file);
        throw new InjectorUnavailableException("cannot start " + argv + ": " + e.getMessage(), e);
      }
      long started = process.toHandle().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
      FaultFiles.write(file, new Record(id, process.pid(), started, log.toString(), load).format());
      try {
        if (process.waitFor(START_CHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
          String out = FaultFiles.read(outFile(id)).orElse("").strip();
          FaultFiles.delete(file);
          throw new InjectorUnavailableException(
              argv + " exited with " + process.exitValue() + " at start: " + tail(out));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InjectorUnavailableException("interrupted while starting stress-ng", e);
      }
      FaultState now = probe(request);
      return new FaultState(
          id, now.active(), now.affected(), "started " + String.join(" ", argv.subList(argv.indexOf("--timeout"), argv.size())) + "; " + now.detail());
    }
  }

  /** Kills the load's whole process group and deletes its record and log. */
  @Override
  public FaultState restore(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    synchronized (LOCKS.computeIfAbsent(workDir, p -> new Object())) {
      Path file = recordFile(id);
      Optional<String> text = FaultFiles.read(file);
      if (text.isEmpty()) {
        return new FaultState(id, false, List.of(), "no stress load of this fault");
      }
      Record record = Record.parse(text.get());
      int killed = kill(record);
      FaultFiles.delete(outFile(id));
      FaultFiles.delete(logFile(id));
      FaultFiles.delete(file);
      return new FaultState(
          id,
          false,
          List.of(),
          killed == 0 ? "the load had ended already" : "killed stress-ng (" + killed + " processes)");
    }
  }

  /**
   * Kills every load recorded in {@code workDir} and deletes the records and logs: for tearing a
   * host down (a sandbox going away) when no workflow is left to restore its faults. Returns the
   * number of processes killed.
   */
  public static int stopAll(Path workDir) {
    Path dir = workDir.toAbsolutePath();
    int killed = 0;
    synchronized (LOCKS.computeIfAbsent(dir, p -> new Object())) {
      for (Path file : FaultFiles.list(dir, SUFFIX)) {
        killed += kill(Record.parse(FaultFiles.read(file).orElse("")));
        String name = file.getFileName().toString();
        FaultFiles.delete(dir.resolve(name + ".log"));
        FaultFiles.delete(dir.resolve(name + ".out"));
        FaultFiles.delete(file);
      }
    }
    return killed;
  }

  /** Active while any process of the load runs. */
  @Override
  public FaultState probe(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    Record record = Record.parse(FaultFiles.read(recordFile(id)).orElse(""));
    List<ProcessHandle> running = members(record);
    if (running.isEmpty()) {
      return new FaultState(id, false, List.of(), "no stress load of this fault runs");
    }
    return new FaultState(
        id,
        true,
        List.of("host"),
        "stress-ng " + String.join(" ", record.load()) + ": " + running.size()
            + " processes (group " + record.pid() + ")");
  }

  /** The stress-ng arguments for the magnitude, validated. */
  static List<String> loadArguments(FaultRequest request) {
    Map<String, String> m = request.magnitude();
    for (String key : m.keySet()) {
      if (!List.of(CPU, CPU_LOAD, VM, VM_BYTES).contains(key)) {
        throw new InvalidFaultException(
            "fault " + request.faultId() + ": unknown stress magnitude '" + key + "' (known: cpu, cpuLoad, vm, vmBytes)");
      }
    }
    int vm = intOf(request, VM, 0, 0, 64);
    int cpu = intOf(request, CPU, vm > 0 ? 0 : 1, 0, 256);
    int cpuLoad = intOf(request, CPU_LOAD, 100, 1, 100);
    String vmBytes = m.getOrDefault(VM_BYTES, "256M").trim();
    if (!BYTES.matcher(vmBytes).matches()) {
      throw new InvalidFaultException(
          "fault " + request.faultId() + ": " + VM_BYTES + " must be bytes with an optional K, M or G, or a percentage, got " + vmBytes);
    }
    if (cpu == 0 && vm == 0) {
      throw new InvalidFaultException("fault " + request.faultId() + ": cpu and vm are both 0, nothing to load");
    }
    List<String> out = new ArrayList<>();
    // stress-ng reads '--cpu 0' as one worker per CPU: 0 here means no CPU workers at all.
    if (cpu > 0) {
      out.addAll(List.of("--cpu", Integer.toString(cpu), "--cpu-load", Integer.toString(cpuLoad)));
    }
    if (vm > 0) {
      out.addAll(List.of("--vm", Integer.toString(vm), "--vm-bytes", vmBytes));
    }
    return out;
  }

  private static int intOf(FaultRequest request, String key, int dflt, int min, int max) {
    String raw = request.magnitude().get(key);
    if (raw == null) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidFaultException(
        "fault " + request.faultId() + ": " + key + " must be " + min + " to " + max + ", got " + raw);
  }

  /**
   * SIGKILL to every process of the load: its group, and whatever carries its log file on the
   * command line. Waits up to 5 s; returns how many there were. {@link
   * InjectorUnavailableException} when some are still there.
   */
  private static int kill(Record record) {
    List<ProcessHandle> members = members(record);
    if (members.isEmpty()) {
      return 0;
    }
    if (record.pid() > 0) {
      // One signal to the group reaches the workers at once; they would otherwise be orphaned.
      HostCommand.run(List.of("kill", "-KILL", "--", "-" + record.pid()), null, KILL_TIMEOUT);
    }
    members.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
    while (!members(record).isEmpty()) {
      if (System.nanoTime() >= deadline) {
        throw new InjectorUnavailableException(
            "stress-ng processes " + members(record).stream().map(ProcessHandle::pid).toList() + " survived SIGKILL");
      }
      members(record).forEach(ProcessHandle::destroyForcibly);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InjectorUnavailableException("interrupted", e);
      }
    }
    return members.size();
  }

  /**
   * The live processes of the load: those in the leader's process group, when one of them is
   * stress-ng (a group id cannot be reused while any member lives, but a recorded id whose group is
   * gone could name a stranger's group later), plus those whose command line holds the load's log
   * file.
   */
  private static List<ProcessHandle> members(Record record) {
    if (record.log().isEmpty()) {
      return List.of();
    }
    List<ProcessHandle> group = new ArrayList<>();
    List<ProcessHandle> marked = new ArrayList<>();
    boolean groupIsOurs = false;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        Stat stat = Stat.read(p);
        if (stat == null || stat.zombie()) {
          continue;
        }
        String cmdline = cmdline(p);
        if (record.pid() > 0 && stat.pgid() == record.pid()) {
          group.add(ProcessHandle.of(Long.parseLong(name)).orElse(null));
          groupIsOurs |= cmdline.contains(record.log()) || stat.comm().startsWith("stress-ng");
        } else if (cmdline.contains(record.log())) {
          marked.add(ProcessHandle.of(Long.parseLong(name)).orElse(null));
        }
      }
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot list /proc: " + e.getMessage(), e);
    }
    List<ProcessHandle> out = new ArrayList<>();
    if (groupIsOurs) {
      out.addAll(group);
    }
    out.addAll(marked);
    out.removeIf(h -> h == null || !h.isAlive());
    return out;
  }

  private static String cmdline(Path proc) {
    try {
      return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  private Path recordFile(String faultId) {
    return workDir.resolve(FaultFiles.fileKey(faultId) + SUFFIX);
  }

  private Path logFile(String faultId) {
    return workDir.resolve(FaultFiles.fileKey(faultId) + SUFFIX + ".log");
  }

  private Path outFile(String faultId) {
    return workDir.resolve(FaultFiles.fileKey(faultId) + SUFFIX + ".out");
  }

  private static String tail(String text) {
    return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
  }

  /** {@code /proc/<pid>/stat}: command name, state, process group. */
  private record Stat(String comm, char state, long pgid) {
    boolean zombie() {
      return state == 'Z' || state == 'X';
    }

    static Stat read(Path proc) {
      try {
        String s = Files.readString(proc.resolve("stat"));
        int open = s.indexOf('(');
        int close = s.lastIndexOf(')');
        String[] rest = s.substring(close + 2).split(" ");
        // After the name: state, ppid, pgrp.
        return new Stat(s.substring(open + 1, close), rest[0].charAt(0), Long.parseLong(rest[2]));
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  /** The record file: one {@code key=value} a line. */
  private record Record(String faultId, long pid, long startedMillis, String log, List<String> load) {
    String format() {
      return "# Written by Bellwether (stress): the load of one fault; restore kills process group pid\n"
          + "fault=" + faultId + "\n"
          + "pid=" + pid + "\n"
          + "started=" + startedMillis + "\n"
          + "log=" + log + "\n"
          + "load=" + String.join(" ", load) + "\n";
    }

    static Record parse(String text) {
      Map<String, String> kv = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && eq > 0) {
          kv.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
      }
      String load = kv.getOrDefault("load", "");
      return new Record(
          kv.getOrDefault("fault", ""),
          longOf(kv.get("pid")),
          longOf(kv.get("started")),
          kv.getOrDefault("log", ""),
          load.isEmpty() ? List.of() : List.of(load.split(" ")));
    }

    private static long longOf(String s) {
      try {
        return s == null ? 0 : Long.parseLong(s);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }
}
