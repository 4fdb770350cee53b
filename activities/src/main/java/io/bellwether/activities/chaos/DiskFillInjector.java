package io.bellwether.activities.chaos;

import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault injector of type {@code disk-fill}: the filesystem holding the configured directory is
 * filled to {@code percent} (1 to 99) used, with one file {@code <path>/.bellwether-fill-<fault
 * key>}; restoring deletes the file. "Used" is counted as {@code df} shows it: used blocks over used
 * plus available ones, so blocks reserved for root do not count as free.
 *
 * <p>The file is allocated with {@code fallocate -l}, which reserves the blocks without writing
 * them and works on tmpfs (where {@code RandomAccessFile.setLength} only makes a sparse file); on a
 * filesystem without {@code fallocate}, zeros are written in 1 MiB chunks. A filesystem already at
 * or above the percentage gets an empty file: nothing allocated, the detail says so, and the file
 * still marks the fault as injected so that probe and restore agree.
 *
 * <p>The fill file is the whole record: it is created before any block is allocated, so a worker
 * that dies half-way leaves a file that restore deletes. A fill file of another fault in the same
 * directory blocks a new one ({@link FaultConflictException}): two fills of one filesystem would
 * add up, and restoring either would change the other's percentage. The targets are the host (see
 * {@link #actsOnServers()}).
 */
public final class DiskFillInjector implements FaultInjector {
  public static final String TYPE = "disk-fill";
  /** The magnitude key: the percentage of the filesystem to have in use, 1 to 99. */
  public static final String PERCENT = "percent";

  static final String PREFIX = ".bellwether-fill-";
  private static final long CHUNK = 1 << 20;
  private static final Duration FALLOCATE_TIMEOUT = Duration.ofSeconds(60);
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final Path path;

  /** @param path a directory on the filesystem to fill (the fill file goes there) */
  public DiskFillInjector(Path path) {
    if (path == null || !path.isAbsolute()) {
      throw new IllegalArgumentException("a disk-fill injector needs an absolute path, got " + path);
    }
    this.path = path.normalize();
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
   * Creates the fill file and allocates it so the filesystem is at {@code percent} used. Injecting
   * again sizes the file anew for the (possibly new) percentage, counting the filesystem without
   * it. {@link InvalidFaultException} for a missing or out-of-range percentage or a server target;
   * {@link InjectorUnavailableException} when the directory is missing or the allocation fails (the
   * file is then deleted).
   */
  @Override
  public FaultState inject(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    FaultFiles.requireHostTargets(request, TYPE);
    double percent = percent(request);
    requireDirectory();
    synchronized (LOCKS.computeIfAbsent(path, p -> new Object())) {
      Path file = fillFile(id);
      for (Path other : fillFiles()) {
        if (!other.equals(file)) {
          throw new FaultConflictException(
              "filesystem of " + path + " is being filled by " + other.getFileName() + "; restore that fault before injecting " + id);
        }
      }
      long own = sizeOf(file);
      Usage before = usage();
      long capacity = before.used() + before.available();
      long usedWithout = before.used() - own;
      long wanted = (long) Math.floor(capacity * percent / 100.0) - usedWithout;
      wanted = Math.max(0, wanted / 4096 * 4096);
      String note;
      if (Files.exists(file) && Math.abs(own - wanted) <= Math.max(CHUNK, capacity / 1000)) {
        note = "already filled";
      } else {
        FaultFiles.delete(file);
        create(file);
        if (wanted > 0) {
          allocate(file, wanted);
          note = "allocated " + mib(wanted);
        } else {
          note =
              String.format(
                  Locale.ROOT,
                  "allocated nothing: the filesystem is at %.1f%% already, at or above %s%%",
                  100.0 * usedWithout / capacity,
                  plain(percent));
        }
      }
      FaultState now = probe(request);
      return new FaultState(id, now.active(), now.affected(), note + "; " + now.detail());
    }
  }

  /** Deletes the fill file; nothing else was changed. */
  @Override
  public FaultState restore(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    synchronized (LOCKS.computeIfAbsent(path, p -> new Object())) {
      Path file = fillFile(id);
      long size = sizeOf(file);
      boolean deleted = FaultFiles.delete(file);
      String now = Files.isDirectory(path) ? "; " + usage().describe(path) : "";
      return new FaultState(
          id,
          false,
          List.of(),
          (deleted ? "deleted " + file.getFileName() + " (" + mib(size) + ")" : "no fill file of this fault") + now);
    }
  }

  /** Active while the fault's fill file exists; the detail says how full the filesystem is. */
  @Override
  public FaultState probe(FaultRequest request) {
    String id = HaproxyFaultTargets.faultId(request);
    Path file = fillFile(id);
    if (!Files.exists(file)) {
      return new FaultState(id, false, List.of(), "no fill file of this fault");
    }
    return new FaultState(
        id,
        true,
        List.of(path.toString()),
        file.getFileName() + " holds " + mib(sizeOf(file)) + "; " + usage().describe(path));
  }

  /** The fill file of the fault. */
  Path fillFile(String faultId) {
    return path.resolve(PREFIX + FaultFiles.fileKey(faultId));
  }

  private List<Path> fillFiles() {
    try (var files = Files.list(path)) {
      return files.filter(f -> f.getFileName().toString().startsWith(PREFIX)).sorted().toList();
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot list " + path + ": " + e.getMessage(), e);
    }
  }

  private void requireDirectory() {
    if (!Files.isDirectory(path)) {
      throw new InjectorUnavailableException("the disk-fill path " + path + " is not a directory");
    }
  }

  private static void create(Path file) {
    try {
      Files.createFile(file);
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  private static void allocate(Path file, long bytes) {
    HostCommand.Result r =
        HostCommand.run(List.of("fallocate", "-l", Long.toString(bytes), file.toString()), null, FALLOCATE_TIMEOUT);
    if (r.ok() && sizeOf(file) == bytes) {
      return;
    }
    String why = "fallocate exited with " + r.exitCode() + ": " + r.output();
    if (!r.output().toLowerCase(Locale.ROOT).contains("not supported")) {
      FaultFiles.delete(file);
      throw new InjectorUnavailableException("cannot allocate " + mib(bytes) + " in " + file + ": " + why);
    }
    // No fallocate on this filesystem: write the blocks.
    ByteBuffer zeros = ByteBuffer.allocate((int) CHUNK);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long left = bytes;
      while (left > 0) {
        zeros.clear().limit((int) Math.min(CHUNK, left));
        while (zeros.hasRemaining()) {
          left -= out.write(zeros);
        }
      }
      out.force(false);
    } catch (IOException e) {
      FaultFiles.delete(file);
      throw new InjectorUnavailableException(
          "cannot write " + mib(bytes) + " to " + file + " (" + why + "): " + e.getMessage(), e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private Usage usage() {
    try {
      FileStore store = Files.getFileStore(path);
      long total = store.getTotalSpace();
      long free = store.getUnallocatedSpace();
      return new Usage(total - free, store.getUsableSpace());
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot read the filesystem of " + path + ": " + e.getMessage(), e);
    }
  }

  private static double percent(FaultRequest request) {
    String raw = request.magnitude().get(PERCENT);
    try {
      double p = Double.parseDouble(raw == null ? "" : raw.trim());
      if (p >= 1 && p <= 99) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidFaultException(
        "fault " + request.faultId() + ": " + PERCENT + " must be 1 to 99, got " + raw);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Bytes in use and bytes available to unprivileged users, as {@code df} counts them. */
  private record Usage(long used, long available) {
    String describe(Path path) {
      long capacity = used + available;
      return String.format(
          Locale.ROOT,
          "filesystem of %s %.1f%% used (%s of %s)",
          path,
          capacity == 0 ? 0.0 : 100.0 * used / capacity,
          mib(used),
          mib(capacity));
    }
  }
}
