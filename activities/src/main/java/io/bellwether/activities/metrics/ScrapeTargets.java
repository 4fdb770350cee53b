package io.bellwether.activities.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * Prometheus file-based discovery ({@code file_sd_configs}) target files: one {@code
 * <instance>.json} per instance in a directory Prometheus watches, holding {@code
 * [{"targets":["127.0.0.1:PORT"],"labels":{"bellwether_instance":"<instance>"}}]}. Queries select
 * an instance's series by that label. Files are written whole (a temporary file, then a move), so
 * Prometheus never reads half of one; the temporary name does not end in {@code .json}, so it is
 * never read at all.
 */
public final class ScrapeTargets {
  /** The label every scraped instance carries: its instance name. */
  public static final String INSTANCE_LABEL = "bellwether_instance";

  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}");

  private ScrapeTargets() {}

  /** The target file of {@code instance} in {@code dir}. */
  public static Path file(Path dir, String instance) {
    return dir.resolve(check(instance) + ".json");
  }

  /**
   * Writes (or replaces) the target file of {@code instance} at {@code address} (host:port),
   * creating {@code dir} when needed. Idempotent. Throws {@link IllegalArgumentException} for an
   * instance name unfit for a file name or an address that is not host:port.
   */
  public static Path write(Path dir, String instance, String address) throws IOException {
    check(instance);
    if (address == null || !ADDRESS.matcher(address).matches()) {
      throw new IllegalArgumentException("scrape address must be host:port, got '" + address + "'");
    }
    Files.createDirectories(dir);
    Path file = file(dir, instance);
    Path tmp = dir.resolve("." + instance + ".json.tmp");
    Files.writeString(tmp, json(instance, address), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** Removes the target file of {@code instance}; true when there was one. Idempotent. */
  public static boolean delete(Path dir, String instance) throws IOException {
    return Files.deleteIfExists(file(dir, instance));
  }

  /** The file's content; names and addresses are checked, so no JSON escaping is needed. */
  static String json(String instance, String address) {
    return "[{\"targets\":[\""
        + address
        + "\"],\"labels\":{\""
        + INSTANCE_LABEL
        + "\":\""
        + instance
        + "\"}}]\n";
  }

  private static String check(String instance) {
    if (instance == null || !INSTANCE.matcher(instance).matches()) {
      throw new IllegalArgumentException(
          "instance name '" + instance + "' must be letters, digits, '.', '_' or '-'");
    }
    return instance;
  }
}
