package io.bellwether.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Starts the {@code --chaos-monkey} mode ({@code io.bellwether.demo.chaos.ChaosMonkeyServer}) and
 * finds Spring for it, which the plain mode must never load.
 *
 * <p>When Spring is on the class path already (tests, an IDE) the server runs in this class loader.
 * In the runnable jar, Spring's jars are stored whole under {@value #LIBRARIES}: they are unpacked
 * once into a directory beside the jar (another instance started from the same jar reuses it), and
 * a class loader of their own loads them together with the {@code io.bellwether.demo.chaos}
 * classes; everything else comes from the jar's own loader. Kept whole rather than merged into the
 * jar, because a jar directory grown by Spring's seventeen thousand entries slows every plain
 * start.
 */
final class ChaosMonkeyMode {
  /** Where the runnable jar keeps the mode's libraries. */
  static final String LIBRARIES = "META-INF/chaos-monkey/lib/";

  private static final String SERVER = "io.bellwether.demo.chaos.ChaosMonkeyServer";
  private static final String SPRING = "org/springframework/boot/SpringApplication.class";

  private ChaosMonkeyMode() {}

  /**
   * Starts the server and returns once it serves. Throws a {@link RuntimeException} when Spring is
   * nowhere to be found, cannot be unpacked, or fails to start (an address in use among others).
   */
  static RunningServer start(DemoOptions options) {
    ClassLoader own = ChaosMonkeyMode.class.getClassLoader();
    ClassLoader loader = own.getResource(SPRING) != null ? own : librariesLoader(own);
    // Spring, Tomcat and the logging libraries find their parts through the context loader. It
    // stays set: threads started from here on (the shutdown hook among them) inherit it.
    Thread.currentThread().setContextClassLoader(loader);
    try {
      Class<?> server = Class.forName(SERVER, true, loader);
      return (RunningServer) server.getMethod("start", DemoOptions.class).invoke(null, options);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("the Chaos Monkey mode failed to start", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the Chaos Monkey mode cannot be loaded", e);
    }
  }

  private static ClassLoader librariesLoader(ClassLoader parent) {
    ProtectionDomain domain = ChaosMonkeyMode.class.getProtectionDomain();
    Path jar;
    try {
      jar = Path.of(domain.getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot tell which jar this is", e);
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "the Chaos Monkey mode needs Spring: run the runnable demo-app.jar, or put Spring Boot,"
              + " actuator and chaos-monkey-spring-boot on the class path");
    }
    List<URL> urls = new ArrayList<>();
    for (Path lib : unpacked(jar)) {
      try {
        urls.add(lib.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
    return new ModeLoader(urls.toArray(URL[]::new), parent, domain);
  }

  /**
   * The jar's libraries, unpacked: {@code <jar dir>/.demo-app-chaos-monkey/<key>/}, the key a hash
   * of their names, sizes and checksums. Unpacked into a fresh directory that is then renamed into
   * place, so a concurrent start either finds it complete or not at all.
   */
  static List<Path> unpacked(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      List<JarEntry> libs =
          file.stream()
              .filter(e -> e.getName().startsWith(LIBRARIES) && e.getName().endsWith(".jar"))
              .sorted(Comparator.comparing(JarEntry::getName))
              .toList();
      if (libs.isEmpty()) {
        throw new IllegalStateException(
            jar + " carries no " + LIBRARIES + ": it was built without the Chaos Monkey mode");
      }
      Path home = home(jar).resolve(key(libs));
      if (!Files.isDirectory(home)) {
        Files.createDirectories(home.getParent());
        Path fresh = Files.createTempDirectory(home.getParent(), home.getFileName() + ".tmp-");
        for (JarEntry e : libs) {
          try (InputStream in = file.getInputStream(e)) {
            Files.copy(in, fresh.resolve(e.getName().substring(LIBRARIES.length())));
          }
        }
        try {
          Files.move(fresh, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
          // Another start got there first, with the same libraries (Linux reports a rename onto
          // a full directory as a plain FileSystemException).
          deleteTree(fresh);
          if (!Files.isDirectory(home)) {
            throw raced;
          }
        }
      }
      List<Path> out = new ArrayList<>();
      for (JarEntry e : libs) {
        out.add(home.resolve(e.getName().substring(LIBRARIES.length())));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the Chaos Monkey mode's libraries", e);
    }
  }

  /** Beside the jar when that directory is writable, else in the temporary directory. */
  private static Path home(Path jar) {
    Path dir = jar.toAbsolutePath().getParent();
    if (dir != null && Files.isWritable(dir)) {
      return dir.resolve(".demo-app-chaos-monkey");
    }
    return Path.of(
        System.getProperty("java.io.tmpdir"),
        "demo-app-chaos-monkey-" + System.getProperty("user.name"));
  }

  private static String key(List<JarEntry> libs) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (JarEntry e : libs) {
        sha.update(
            (e.getName() + " " + e.getSize() + " " + e.getCrc() + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Loads the libraries, and the {@code io.bellwether.demo.chaos} classes from the parent's jar
   * itself (they refer to Spring, which the parent cannot see); everything else the parent's way.
   */
  private static final class ModeLoader extends URLClassLoader {
    private static final String OWN = "io.bellwether.demo.chaos.";

    static {
      registerAsParallelCapable();
    }

    private final ProtectionDomain domain;

    ModeLoader(URL[] urls, ClassLoader parent, ProtectionDomain domain) {
      super("demo-app-chaos-monkey", urls, parent);
      this.domain = domain;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(OWN)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          String resource = name.replace('.', '/') + ".class";
          try (InputStream in = getParent().getResourceAsStream(resource)) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            c = defineClass(name, bytes, 0, bytes.length, domain);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
