package io.bellwether.activities.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bellwether.contracts.gate.VerifiedIdentity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed statements that a person, authenticated by some front door (the operator API, a chat bot),
 * asked for an action on one run. The front door issues one with a shared secret; the worker
 * verifies it with the same secret from its configuration. Only the token travels through the
 * workflow's history: it proves who decided without carrying a secret, and being bound to one run,
 * one action and a short lifetime, a copy read from history is of no use elsewhere.
 *
 * <p>Format: {@code v1.<keyId>.<payload>.<signature>}, where {@code payload} is the base64url JSON
 * {@code {"by", "workflowId", "action", "iat"}} ({@code iat} in epoch seconds) and {@code
 * signature} is base64url HMAC-SHA256 of {@code v1.<keyId>.<payload>} under the key's secret.
 */
public final class Attestations {
  /** The only format version. */
  public static final String VERSION = "v1";

  /** Clocks of the issuer and the worker may differ by this much. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private Attestations() {}

  /** Whether {@code keyId} can name a key: letters, digits, {@code _} and {@code -}, up to 64. */
  public static boolean isValidKeyId(String keyId) {
    return keyId != null && KEY_ID.matcher(keyId).matches();
  }

  /**
   * A token attesting that {@code by} asked for {@code action} on run {@code workflowId} at {@code
   * issuedAt}. Throws {@link IllegalArgumentException} for an invalid key id, an empty secret or
   * an empty {@code by}.
   */
  public static String issue(
      String keyId, String secret, String by, String workflowId, String action, Instant issuedAt) {
    if (!isValidKeyId(keyId)) {
      throw new IllegalArgumentException("key id must be letters, digits, _ or - (up to 64)");
    }
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("secret is empty");
    }
    if (by == null || by.isBlank()) {
      throw new IllegalArgumentException("'by' is empty");
    }
    ObjectNode claims = JSON.createObjectNode();
    claims.put("by", by);
    claims.put("workflowId", workflowId == null ? "" : workflowId);
    claims.put("action", action == null ? "" : action);
    claims.put("iat", issuedAt.getEpochSecond());
    String payload;
    try {
      payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String signed = VERSION + "." + keyId + "." + payload;
    return signed + "." + B64.encodeToString(hmac(secret, signed));
  }

  /**
   * The identity {@code token} attests, when it is well formed, signed with one of {@code keys}
   * (key id to secret), issued for {@code workflowId} and {@code action}, and no older than {@code
   * maxAge} at {@code now}. Never throws for a bad token: the answer is {@code verified=false} with
   * a reason that starts with one of {@code malformed}, {@code unknown key}, {@code bad
   * signature}, {@code wrong run}, {@code wrong action}, {@code expired} or {@code not yet valid}.
   * The signature is checked, in constant time, before anything in the payload is believed.
   */
  public static VerifiedIdentity verify(
      String token,
      Map<String, String> keys,
      String workflowId,
      String action,
      Instant now,
      Duration maxAge) {
    if (token == null || token.isBlank()) {
      return refused("malformed: no attestation");
    }
    String[] parts = token.strip().split("\\.", -1);
    if (parts.length != 4) {
      return refused("malformed: expected v1.<keyId>.<payload>.<signature>");
    }
    if (!VERSION.equals(parts[0])) {
      return refused("malformed: unsupported version '" + clip(parts[0]) + "'");
    }
    String keyId = parts[1];
    String secret = keys == null || !isValidKeyId(keyId) ? null : keys.get(keyId);
    if (secret == null || secret.isEmpty()) {
      return refused("unknown key '" + clip(keyId) + "'");
    }
    byte[] given;
    try {
      given = B64D.decode(parts[3]);
    } catch (IllegalArgumentException e) {
      return refused("malformed: signature is not base64url");
    }
    byte[] expected = hmac(secret, parts[0] + "." + keyId + "." + parts[2]);
    if (!MessageDigest.isEqual(expected, given)) {
      return refused("bad signature for key '" + keyId + "'");
    }
    JsonNode claims;
    try {
      claims = JSON.readTree(B64D.decode(parts[2]));
    } catch (IllegalArgumentException | java.io.IOException e) {
      return refused("malformed: payload is not base64url JSON");
    }
    if (claims == null
        || !claims.isObject()
        || !claims.path("by").isTextual()
        || claims.path("by").asText().isBlank()
        || !claims.path("workflowId").isTextual()
        || !claims.path("action").isTextual()
        || !claims.path("iat").canConvertToLong()) {
      return refused("malformed: payload needs by, workflowId, action and iat");
    }
    String by = claims.path("by").asText();
    String forRun = claims.path("workflowId").asText();
    String forAction = claims.path("action").asText();
    if (!forRun.equals(workflowId)) {
      return refused("wrong run: issued for '" + clip(forRun) + "', not '" + workflowId + "'");
    }
    if (!forAction.equals(action)) {
      return refused("wrong action: issued for '" + clip(forAction) + "', not '" + action + "'");
    }
    Instant issued = Instant.ofEpochSecond(claims.path("iat").asLong());
    if (issued.isAfter(now.plus(CLOCK_SKEW))) {
      return refused("not yet valid: issued at " + issued + ", after " + now);
    }
    if (issued.plus(maxAge).isBefore(now)) {
      return refused("expired: issued at " + issued + ", older than " + maxAge);
    }
    return new VerifiedIdentity(true, by, "");
  }

  private static VerifiedIdentity refused(String reason) {
    return new VerifiedIdentity(false, "", reason);
  }

  private static byte[] hmac(String secret, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      // Every Java 17 runtime has HmacSHA256.
      throw new IllegalStateException(e);
    }
  }

  // Token parts come from outside; keep what is echoed into history short.
  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
