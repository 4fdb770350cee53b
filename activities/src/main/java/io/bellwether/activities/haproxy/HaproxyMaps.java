package io.bellwether.activities.haproxy;

import io.bellwether.activities.router.RouterRejectedException;
import io.bellwether.activities.router.RouterUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HAProxy maps as the pool switch and the experiment split use them: read one through the runtime
 * API, change one key, and write what HAProxy holds back to the map file (and other files, such as
 * the server state) so that a reload starts from it. Every file is written to a temporary sibling
 * first and moved into place, so HAProxy never loads half a file.
 */
public final class HaproxyMaps {
  private final HaproxyRuntimeApi api;
  private final String notLoadedHint;

  /**
   * @param notLoadedHint the question a "no such map" error asks, such as "is it the path the
   *     frontend uses?"
   */
  public HaproxyMaps(HaproxyRuntimeApi api, String notLoadedHint) {
    this.api = api;
    this.notLoadedHint = notLoadedHint;
  }

  /**
   * Key to value as HAProxy holds the map {@code mapFile} now, in the map's order. A map HAProxy
   * has not loaded is a {@link RouterRejectedException}.
   */
  public Map<String, String> read(String mapFile) {
    String answer = api.execute("show map " + mapFile);
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : answer.split("\r?\n")) {
      if (line.isBlank()) {
        continue;
      }
      // "0x55d0c8a1b2c0 key value"
      String[] parts = line.split("\\s+", 3);
      if (parts.length < 2 || !parts[0].startsWith("0x")) {
        throw new RouterRejectedException(
            "HAProxy has no map '"
                + mapFile
                + "' loaded ("
                + notLoadedHint
                + "): "
                + answer.strip());
      }
      out.put(parts[1], parts.length == 3 ? parts[2] : "");
    }
    return out;
  }

  /**
   * Sets one key of map {@code file} ({@code set map}, or {@code add map} when missing) or, for a
   * null {@code value}, deletes it; nothing when {@code map} (what HAProxy holds, kept up to date
   * here) already says so.
   */
  public void set(String file, Map<String, String> map, String key, String value) {
    if (value == null) {
      if (map.containsKey(key)) {
        runForgiving("del map " + file + " " + key);
        map.remove(key);
      }
      return;
    }
    if (value.equals(map.get(key))) {
      return;
    }
    String cmd = (map.containsKey(key) ? "set" : "add") + " map " + file + " " + key + " " + value;
    expectSilence(cmd, api.execute(cmd));
    map.put(key, value);
  }

  /**
   * Runs a map command whose "not found" answer is fine: a key already gone is what a retry after a
   * lost answer finds. Any other answer is a {@link RouterRejectedException}.
   */
  public void runForgiving(String cmd) {
    String answer = api.execute(cmd).strip();
    if (!answer.isEmpty() && !answer.toLowerCase(Locale.ROOT).contains("not found")) {
      throw new RouterRejectedException("HAProxy refused '" + cmd + "': " + answer);
    }
  }

  /** A {@link RouterRejectedException} when HAProxy answered {@code cmd} with anything at all. */
  public static void expectSilence(String cmd, String answer) {
    if (!answer.isBlank()) {
      throw new RouterRejectedException("HAProxy refused '" + cmd + "': " + answer.strip());
    }
  }

  /**
   * Saves {@code show servers state} (administrative states, weights and addresses of every server)
   * to {@code stateFile}, HAProxy's {@code server-state-file}, so that a reload starts from what
   * HAProxy holds now. An answer that is not the table is a {@link RouterRejectedException}.
   */
  public void saveServerState(String stateFile) {
    saveServerState(List.of(stateFile));
  }

  /**
   * The same to every file of {@code stateFiles} (blank names skipped, each written once), from one
   * {@code show servers state}; nothing is asked when there is no file.
   */
  public void saveServerState(Collection<String> stateFiles) {
    Set<String> files = new LinkedHashSet<>();
    for (String f : stateFiles) {
      if (f != null && !f.isBlank()) {
        files.add(f);
      }
    }
    if (files.isEmpty()) {
      return;
    }
    String state = api.execute("show servers state");
    if (!state.contains("\n# ")) {
      throw new RouterRejectedException("unexpected 'show servers state' answer: " + state.strip());
    }
    for (String f : files) {
      write(Path.of(f), state);
    }
  }

  /** Rewrites the map file {@code mapFile} from what HAProxy holds now. */
  public void writeFile(String mapFile) {
    StringBuilder text =
        new StringBuilder("# Written by Bellwether on every change; HAProxy loads it at start.\n");
    for (Map.Entry<String, String> e : read(mapFile).entrySet()) {
      text.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
    }
    write(Path.of(mapFile), text.toString());
  }

  /**
   * Writes {@code content} to {@code file} through a temporary sibling moved into place. A failure
   * is a retryable {@link RouterUnavailableException}: the router holds the change, and a retry of
   * the same call writes the file again.
   */
  public static void write(Path file, String content) {
    Path tmp = file.resolveSibling(file.getFileName() + ".bellwether-tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new RouterUnavailableException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
