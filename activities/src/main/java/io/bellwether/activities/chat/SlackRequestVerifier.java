package io.bellwether.activities.chat;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a request really comes from the chat service: {@code X-Slack-Signature} must be
 * {@code v0=} + hex(HMAC-SHA256(signing secret, {@code v0:<timestamp>:<raw body>})), {@code
 * X-Slack-Request-Timestamp} within five minutes of now, and the pair not seen before. Thread-safe.
 */
public final class SlackRequestVerifier {
  public static final String SIGNATURE_HEADER = "X-Slack-Signature";
  public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
  public static final Duration WINDOW = Duration.ofMinutes(5);
  /** Most remembered requests; only correctly signed ones are remembered. */
  public static final int DEFAULT_REPLAY_CAPACITY = 10_000;

  public static final String MISSING_HEADERS = "missing headers";
  public static final String MALFORMED = "malformed";
  public static final String STALE = "stale";
  public static final String BAD_SIGNATURE = "bad signature";
  public static final String REPLAYED = "replayed";
  public static final String REPLAY_CACHE_FULL = "replay cache full";

  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
  private static final Pattern SIGNATURE = Pattern.compile("v0=[0-9a-fA-F]{64}");

  private final SecretKeySpec key;
  private final Clock clock;
  private final int capacity;
  // Key "timestamp:signature" -> timestamp; the queue orders the same entries by timestamp so
  // that those outside the window can be dropped cheaply.
  private final Map<String, Long> seen = new HashMap<>();
  private final PriorityQueue<Seen> byAge = new PriorityQueue<>();

  private record Seen(long timestamp, String key) implements Comparable<Seen> {
    @Override
    public int compareTo(Seen o) {
      return Long.compare(timestamp, o.timestamp);
    }
  }

  /**
   * @param ok true when the request may be acted on
   * @param reason {@code ok}, or one of the reason constants; safe to log, it never quotes the
   *     secret or the signature
   */
  public record Result(boolean ok, String reason) {
    static final Result OK = new Result(true, "ok");

    static Result refused(String reason) {
      return new Result(false, reason);
    }
  }

  /** A verifier on the system clock. Throws {@link IllegalArgumentException} for a blank secret. */
  public SlackRequestVerifier(String signingSecret) {
    this(signingSecret, Clock.systemUTC(), DEFAULT_REPLAY_CAPACITY);
  }

  /** Throws {@link IllegalArgumentException} for a blank secret or a capacity below 1. */
  public SlackRequestVerifier(String signingSecret, Clock clock, int replayCapacity) {
    if (signingSecret == null || signingSecret.isBlank()) {
      throw new IllegalArgumentException("signing secret is missing");
    }
    if (replayCapacity < 1) {
      throw new IllegalArgumentException("replay capacity must be at least 1");
    }
    this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
    this.capacity = replayCapacity;
  }

  /**
   * Verifies one request from its two header values (null when absent) and its raw body, exactly
   * the bytes received. Not idempotent by design: the first accepted call remembers the request and
   * the same request again within the window is {@code replayed}. A request that fails any check
   * is not remembered, so forged requests cannot fill the replay cache. When the cache is full of
   * live entries the request is refused ({@code replay cache full}) rather than risk a replay.
   */
  public Result verify(String timestamp, String signature, byte[] rawBody) {
    if (timestamp == null || timestamp.isBlank() || signature == null || signature.isBlank()) {
      return Result.refused(MISSING_HEADERS);
    }
    String ts = timestamp.trim();
    String sig = signature.trim();
    if (!TIMESTAMP.matcher(ts).matches() || !SIGNATURE.matcher(sig).matches()) {
      return Result.refused(MALFORMED);
    }
    long t = Long.parseLong(ts);
    long now = clock.instant().getEpochSecond();
    // Future timestamps too: a clock far ahead would otherwise outlive the replay window.
    if (Math.abs(now - t) > WINDOW.toSeconds()) {
      return Result.refused(STALE);
    }
    byte[] expected = sign(key, ts, rawBody == null ? new byte[0] : rawBody)
        .getBytes(StandardCharsets.US_ASCII);
    byte[] given = sig.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) {
      return Result.refused(BAD_SIGNATURE);
    }
    return remember(ts + ":" + sig.toLowerCase(Locale.ROOT), t, now);
  }

  /** {@link #verify(String, String, byte[])} with the body as UTF-8. */
  public Result verify(String timestamp, String signature, String rawBody) {
    return verify(
        timestamp, signature, rawBody == null ? null : rawBody.getBytes(StandardCharsets.UTF_8));
  }

  private synchronized Result remember(String k, long t, long now) {
    long oldest = now - WINDOW.toSeconds();
    while (!byAge.isEmpty() && byAge.peek().timestamp() < oldest) {
      seen.remove(byAge.poll().key());
    }
    if (seen.containsKey(k)) {
      return Result.refused(REPLAYED);
    }
    if (seen.size() >= capacity) {
      return Result.refused(REPLAY_CACHE_FULL);
    }
    seen.put(k, t);
    byAge.add(new Seen(t, k));
    return Result.OK;
  }

  /** How many requests are remembered now. For tests and metrics. */
  public synchronized int remembered() {
    return seen.size();
  }

  /**
   * The {@code X-Slack-Signature} value the chat service would send: {@code v0=} + lower-case hex
   * of HMAC-SHA256(secret, {@code v0:<timestamp>:<body>}). Pure. For tests and the e2e harness.
   */
  public static String sign(String secret, long timestamp, String body) {
    return sign(
        new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
        Long.toString(timestamp),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static String sign(SecretKeySpec key, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "SlackRequestVerifier[secret=<redacted>, window=" + WINDOW + "]";
  }
}
