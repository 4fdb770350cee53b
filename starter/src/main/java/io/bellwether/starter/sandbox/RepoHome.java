package io.bellwether.starter.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Finds the Bellwether checkout and the jars built in it. */
public final class RepoHome {
  /** System property that overrides the search. */
  public static final String HOME_PROPERTY = "bellwether.home";

  public static final String WORKER_JAR = "worker/target/bellwether-worker.jar";
  public static final String DEMO_APP_JAR = "demo-app/target/demo-app.jar";
  /** The CLI's runnable jar; the sandbox also runs it as the operator API ({@code serve}). */
  public static final String STARTER_JAR = "starter/target/bellwether.jar";

  private static final Pattern PARENT_BLOCK = Pattern.compile("(?s)<parent>.*?</parent>");
  private static final Pattern OWN_ARTIFACT =
      Pattern.compile("<artifactId>\\s*bellwether-parent\\s*</artifactId>");

  private RepoHome() {}

  /**
   * The repository root: {@code -Dbellwether.home}, else the nearest directory at or above the
   * current one whose pom.xml is {@code bellwether-parent}. Throws IllegalStateException when
   * there is none.
   */
  public static Path locate() {
    String configured = System.getProperty(HOME_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path home = Path.of(configured).toAbsolutePath().normalize();
      if (!isRoot(home)) {
        throw new IllegalStateException(
            HOME_PROPERTY + "=" + configured + " is not a Bellwether checkout (no bellwether-parent pom.xml)");
      }
      return home;
    }
    return locateFrom(Path.of("").toAbsolutePath());
  }

  /** The nearest directory at or above {@code start} holding the bellwether-parent pom.xml. */
  public static Path locateFrom(Path start) {
    for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (isRoot(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "cannot find the Bellwether checkout above "
            + start
            + ": run from inside it, or pass -D"
            + HOME_PROPERTY
            + "=/path/to/checkout");
  }

  /** Whether {@code dir} holds the parent pom; module poms name it only inside their parent block. */
  public static boolean isRoot(Path dir) {
    Path pom = dir.resolve("pom.xml");
    if (!Files.isRegularFile(pom)) {
      return false;
    }
    try {
      String text = PARENT_BLOCK.matcher(Files.readString(pom)).replaceAll("");
      return OWN_ARTIFACT.matcher(text).find();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A built jar under {@code home}; fails with what to run when it is missing. */
  public static Path requireJar(Path home, String relative) {
    Path jar = home.resolve(relative);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run ./bellwether build");
    }
    return jar;
  }
}
