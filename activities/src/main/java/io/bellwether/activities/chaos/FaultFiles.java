package io.bellwether.activities.chaos;

import io.bellwether.contracts.chaos.FaultRequest;
import io.bellwether.contracts.chaos.FaultTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What the host-side injectors share: file names derived from a fault id, records written
 * atomically, host targets.
 */
final class FaultFiles {
  private static final int MAX_READABLE = 80;

  private FaultFiles() {}

  /**
   * A file-name-safe key for {@code faultId}: its letters, digits, {@code .}, {@code _} and {@code
   * -} (others become {@code _}, at most 80 of them), then {@code -} and 8 hex digits of its SHA-256,
   * so ids differing only in replaced characters still get different files.
   */
  static String fileKey(String faultId) {
    StringBuilder readable = new StringBuilder();
    for (char c : faultId.toCharArray()) {
      if (readable.length() == MAX_READABLE) {
        break;
      }
      readable.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' ? c : '_');
    }
    return readable + "-" + hash(faultId, 8);
  }

  /** The first {@code hexDigits} hex digits of the SHA-256 of {@code text}. */
  static String hash(String text, int hexDigits) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, hexDigits);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The file's content, or empty when it does not exist. */
  static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes through a temporary sibling moved into place, creating the directory when missing. */
  static void write(Path file, String content) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the file if it is there; returns whether it was. */
  static boolean delete(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot delete " + file + ": " + e.getMessage(), e);
    }
  }

  /** Files of {@code dir} whose names end with {@code suffix}; none when the directory is missing. */
  static List<Path> list(Path dir, String suffix) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
      files.forEach(out::add);
    } catch (IOException e) {
      throw new InjectorUnavailableException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  /**
   * For injectors acting on the host: {@link InvalidFaultException} when a target names a server,
   * since this injector cannot act on one. No targets, or host targets, are fine.
   */
  static void requireHostTargets(FaultRequest request, String type) {
    for (FaultTarget t : request.targets()) {
      if (t != null && (t.backend() != null || t.server() != null)) {
        throw new InvalidFaultException(
            "fault "
                + request.faultId()
                + ": a "
                + type
                + " injector acts on the host it runs on, not on server "
                + t.backend()
                + "/"
                + t.server());
      }
    }
  }
}
