package io.bellwether.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the runnable jar's libraries are unpacked for the Chaos Monkey mode. */
class ChaosMonkeyModeTest {
  @TempDir Path dir;

  private Path jar(String name, Map<String, String> libs) throws IOException {
    Path jar = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry("io/bellwether/demo/Other.class"));
      j.write(new byte[] {1, 2, 3});
      for (Map.Entry<String, String> lib : libs.entrySet()) {
        j.putNextEntry(new JarEntry(ChaosMonkeyMode.LIBRARIES + lib.getKey()));
        j.write(lib.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return jar;
  }

  @Test
  void unpacksOnceBesideTheJarAndReusesIt() throws Exception {
    Map<String, String> libs = new LinkedHashMap<>();
    libs.put("b-lib-1.0.jar", "second");
    libs.put("a-lib-2.0.jar", "first");
    Path jar = jar("demo-app.jar", libs);

    List<Path> first = ChaosMonkeyMode.unpacked(jar);
    assertEquals(List.of("a-lib-2.0.jar", "b-lib-1.0.jar"), names(first));
    assertEquals(dir.resolve(".demo-app-chaos-monkey"), first.get(0).getParent().getParent());
    assertArrayEquals("first".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(first.get(0)));
    long modified = Files.getLastModifiedTime(first.get(0)).toMillis();

    List<Path> again = ChaosMonkeyMode.unpacked(jar);
    assertEquals(first, again);
    assertEquals(
        modified, Files.getLastModifiedTime(again.get(0)).toMillis(), "not unpacked again");

    // Other libraries, another directory: a rebuilt jar never runs on stale ones.
    Path other = jar("other.jar", Map.of("a-lib-2.0.jar", "changed"));
    assertNotEquals(first.get(0).getParent(), ChaosMonkeyMode.unpacked(other).get(0).getParent());
  }

  @Test
  void concurrentStartsShareOneCompleteDirectory() throws Exception {
    Map<String, String> libs = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      libs.put("lib-" + i + ".jar", "content " + i + " " + "x".repeat(10_000));
    }
    Path jar = jar("demo-app.jar", libs);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<List<Path>>> starts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        starts.add(() -> ChaosMonkeyMode.unpacked(jar));
      }
      List<Path> seen = null;
      for (Future<List<Path>> f : pool.invokeAll(starts)) {
        List<Path> paths = f.get();
        if (seen != null) {
          assertEquals(seen, paths);
        }
        seen = paths;
      }
      for (int i = 0; i < 20; i++) {
        assertEquals(
            libs.get("lib-" + i + ".jar"),
            Files.readString(seen.get(0).resolveSibling("lib-" + i + ".jar")));
      }
      try (Stream<Path> homes = Files.list(dir.resolve(".demo-app-chaos-monkey"))) {
        assertEquals(1, homes.count(), "no half-unpacked directory left");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aJarWithoutTheLibrariesSaysSo() throws Exception {
    Path jar = jar("plain.jar", Map.of());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ChaosMonkeyMode.unpacked(jar));
    assertEquals(
        jar
            + " carries no "
            + ChaosMonkeyMode.LIBRARIES
            + ": it was built without the Chaos Monkey mode",
        e.getMessage());
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).toList();
  }
}
