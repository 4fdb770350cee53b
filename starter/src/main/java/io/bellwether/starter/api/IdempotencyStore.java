package io.bellwether.starter.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first answer to each {@code Idempotency-Key}, per caller, for 24 hours in memory. A key
 * being worked on is marked so that a concurrent retry does not start a second run. Thread-safe.
 * What outlives a restart is the run's own memo ({@link #fingerprint}), checked by the caller.
 */
public final class IdempotencyStore {
  public static final Duration TTL = Duration.ofHours(24);
  private static final int MAX_ENTRIES = 100_000;

  /** A stored answer: status, JSON body, and the headers to send again. */
  public record Answer(int status, Object body, Map<String, String> headers) {}

  /** What {@link #begin} found. */
  public sealed interface Lookup {}

  /** The key is new: go on, then {@link #finish} or {@link #abandon}. */
  public record Fresh() implements Lookup {}

  /** Same key, same body: send this again. */
  public record Replay(Answer answer) implements Lookup {}

  /** Same key, another body. */
  public record Mismatch() implements Lookup {}

  /** Same key and body, and the first request has not answered yet. */
  public record InProgress() implements Lookup {}

  private record Entry(String bodyHash, Answer answer, Instant expires) {}

  private final Clock clock;
  // Insertion order is expiry order: every entry lives exactly TTL.
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  public IdempotencyStore(Clock clock) {
    this.clock = clock;
  }

  /** Looks the key up and, when it is new, marks it as being worked on. */
  public synchronized Lookup begin(String caller, String key, byte[] body) {
    Instant now = clock.instant();
    prune(now);
    String k = caller + "\n" + key;
    String hash = sha256Hex(body);
    Entry e = entries.get(k);
    if (e != null) {
      if (!e.bodyHash().equals(hash)) {
        return new Mismatch();
      }
      return e.answer() == null ? new InProgress() : new Replay(e.answer());
    }
    entries.put(k, new Entry(hash, null, now.plus(TTL)));
    return new Fresh();
  }

  /** Keeps {@code answer} as the key's answer. */
  public synchronized void finish(String caller, String key, Answer answer) {
    String k = caller + "\n" + key;
    Entry e = entries.get(k);
    if (e != null) {
      entries.put(k, new Entry(e.bodyHash(), answer, e.expires()));
    }
  }

  /** Forgets the key, so that a retry is worked on afresh (after a failure worth retrying). */
  public synchronized void abandon(String caller, String key) {
    entries.remove(caller + "\n" + key);
  }

  /**
   * The value of the run's {@code bellwether.idempotency} memo: hex SHA-256 over the caller, the
   * key and the body. Pure.
   */
  public static String fingerprint(String caller, String key, byte[] body) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(caller.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(key.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(body);
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static String sha256Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private void prune(Instant now) {
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      if (e.getValue().expires().isAfter(now) && entries.size() <= MAX_ENTRIES) {
        break;
      }
      it.remove();
    }
  }
}
