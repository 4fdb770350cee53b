package io.bellwether.activities.chaos;

import static io.bellwether.activities.chaos.FaultTesting.request;
import static io.bellwether.activities.chaos.FaultTesting.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bellwether.activities.config.FaultInjectorConfig;
import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultState;
import io.bellwether.contracts.chaos.FaultTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a 64 MiB tmpfs the test mounts (it needs root; skipped when the mount fails). Usage is
 * read with {@code df}, not with the injector's own arithmetic.
 */
class DiskFillInjectorTest {
  private static final String INJECTOR = "disk-fill";
  private static final FaultTarget HOST = new FaultTarget(INJECTOR, null, null, null, null);

  @TempDir Path dir;

  private Path mount;
  private boolean mounted;
  private FaultInjector injector;

  @BeforeEach
  void mountTmpfs() throws Exception {
    mount = dir.resolve("fs");
    Files.createDirectories(mount);
    HostCommand.Result r =
        HostCommand.run(List.of("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString()), null, Duration.ofSeconds(10));
    assumeTrue(r.ok(), "cannot mount a tmpfs here (root needed): " + r.output());
    mounted = true;
    injector = fromConfig();
  }

  @AfterEach
  void unmount() {
    if (mounted) {
      HostCommand.Result r = HostCommand.run(List.of("umount", mount.toString()), null, Duration.ofSeconds(10));
      if (!r.ok()) {
        HostCommand.run(List.of("umount", "-l", mount.toString()), null, Duration.ofSeconds(10));
      }
    }
  }

  private FaultInjector fromConfig() {
    return FaultInjectors.create(
        INJECTOR,
        new FaultInjectorConfig(DiskFillInjector.TYPE, null, null, null, null, null, null, mount.toString(), null, null, null),
        Map.of());
  }

  private static FaultRequest fill(String id, String percent) {
    return request(id, INJECTOR, List.of(HOST), Map.of(DiskFillInjector.PERCENT, percent));
  }

  @Test
  void fillsToThePercentageAndRestoresToWhatWasThereThreeTimes() throws Exception {
    assertFalse(injector.actsOnServers());
    Files.writeString(mount.resolve("data.txt"), "x".repeat(3 * 1024 * 1024)); // something there before
    Df before = df();
    int cycles = 0;
    for (String percent : List.of("50", "80", "95")) {
      FaultRequest fault = fill("chaos-disk-1/f" + percent, percent);
      FaultState injected = injector.inject(fault);
      assertTrue(injected.active(), injected.detail());
      assertEquals(List.of(mount.toString()), injected.affected());
      Df during = df();
      int want = Integer.parseInt(percent);
      assertTrue(Math.abs(during.percent() - want) <= 2, "df says " + during + " for " + want + "%: " + injected.detail());
      assertEquals(1, fillFiles().size(), "one file");
      assertTrue(injector.probe(fault).active());
      System.out.println("DISK-FILL " + percent + "%: df " + during + "; " + injected.detail());

      FaultState restored = injector.restore(fault);
      assertFalse(restored.active());
      assertFalse(injector.probe(fault).active());
      assertEquals(0, leftBehind(before), percent + "%: " + df() + " vs " + before);
      cycles++;
    }
    report("fillsToThePercentageAndRestoresToWhatWasThereThreeTimes", cycles, before);
  }

  @Test
  void injectAndRestoreAreIdempotentAndRefuseWhatTheyCannotDo() throws Exception {
    Df before = df();
    FaultRequest fault = fill("chaos-disk-2/f1", "60");
    FaultRequest never = fill("chaos-never/f9", "60");
    assertFalse(injector.restore(never).active(), "restoring a fault never injected is fine");

    injector.inject(fault);
    long size = Files.size(fillFiles().get(0));
    FaultState again = injector.inject(fault);
    assertTrue(again.detail().startsWith("already filled"), again.detail());
    assertEquals(size, Files.size(fillFiles().get(0)));
    // A new percentage resizes this fault's file; the filesystem is counted without it.
    injector.inject(fill(fault.faultId(), "30"));
    assertTrue(Math.abs(df().percent() - 30) <= 2, df().toString());
    assertEquals(1, fillFiles().size());

    assertThrows(FaultConflictException.class, () -> injector.inject(fill("chaos-other/f1", "40")));
    assertEquals(1, fillFiles().size(), "the conflict changed nothing");
    for (String bad : List.of("0", "100", "abc", "")) {
      assertThrows(InvalidFaultException.class, () -> injector.inject(fill("chaos-bad/f1", bad)), bad);
    }
    assertThrows(
        InvalidFaultException.class,
        () -> injector.inject(request("chaos-bad/f2", INJECTOR, List.of(target("web-1", "a")), Map.of("percent", "50"))));

    // A new injector, as after a worker restart: the file is all it needs.
    FaultInjector fresh = fromConfig();
    assertTrue(fresh.probe(fault).active());
    assertFalse(fresh.restore(fault).active());
    assertFalse(fresh.restore(fault).active(), "a second restore is fine");
    assertEquals(0, leftBehind(before));
    report("injectAndRestoreAreIdempotentAndRefuseWhatTheyCannotDo", 1, before);
  }

  @Test
  void aFilesystemAboveThePercentageGetsNothing() throws Exception {
    Path other = mount.resolve("big");
    HostCommand.Result r = HostCommand.run(List.of("fallocate", "-l", "40M", other.toString()), null, Duration.ofSeconds(10));
    assertTrue(r.ok(), r.output());
    Df before = df();
    FaultRequest fault = fill("chaos-disk-3/f1", "50");
    FaultState injected = injector.inject(fault);
    assertTrue(injected.detail().startsWith("allocated nothing"), injected.detail());
    assertTrue(injected.active(), "the empty file marks the fault");
    assertEquals(0, Files.size(fillFiles().get(0)));
    assertEquals(before.percent(), df().percent());
    injector.restore(fault);
    assertEquals(0, leftBehind(before));
    report("aFilesystemAboveThePercentageGetsNothing", 1, before);
  }

  private List<Path> fillFiles() throws Exception {
    try (var files = Files.list(mount)) {
      return files.filter(f -> f.getFileName().toString().startsWith(DiskFillInjector.PREFIX)).toList();
    }
  }

  /** Fill files left, plus 1 when df's used bytes are not back to what they were. */
  private int leftBehind(Df before) throws Exception {
    return fillFiles().size() + (Math.abs(df().used() - before.used()) > 64 * 1024 ? 1 : 0);
  }

  private void report(String test, int cycles, Df before) throws Exception {
    System.out.println(
        "FAULT-CYCLES " + DiskFillInjector.TYPE + " " + cycles + " cycles, " + leftBehind(before)
            + " left behind (" + test + ")");
  }

  /** {@code df}'s view: used and available bytes, and its (rounded up) use percentage. */
  record Df(long used, long available, int percent) {}

  private Df df() {
    HostCommand.Result r =
        HostCommand.run(List.of("df", "-B1", "--output=used,avail,pcent", mount.toString()), null, Duration.ofSeconds(10));
    assertTrue(r.ok(), r.output());
    String[] f = r.output().strip().split("\n")[1].trim().split("\\s+");
    return new Df(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2].replace("%", "")));
  }
}
