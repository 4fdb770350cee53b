package io.bellwether.activities.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellwether.contracts.gate.VerifiedIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AttestationsTest {
  private static final String SECRET = "s3cret-for-the-api-0123";
  private static final Map<String, String> KEYS =
      Map.of("api", SECRET, "bot", "another-secret-0123456");
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final Duration MAX_AGE = Duration.ofMinutes(10);
  private static final String RUN = "bluegreen-shop-2.0.0";

  private static String token() {
    return Attestations.issue("api", SECRET, "alice", RUN, "approve", T0);
  }

  @Test
  void aTokenVerifiesForItsRunAndAction() {
    String token = token();
    assertTrue(token.startsWith("v1.api."), token);
    assertEquals(4, token.split("\\.").length);
    assertEquals(
        new VerifiedIdentity(true, "alice", ""),
        Attestations.verify(token, KEYS, RUN, "approve", T0.plusSeconds(30), MAX_AGE));
    assertFalse(token.contains(SECRET), "the secret never travels");
  }

  static Stream<Arguments> refusals() {
    String good = token();
    String[] p = good.split("\\.");
    String otherKey = Attestations.issue("bot", "not-the-configured-one", "alice", RUN, "approve", T0);
    String unknownKey = Attestations.issue("old", SECRET, "alice", RUN, "approve", T0);
    String forged =
        p[0] + "." + p[1] + "." + b64("{\"by\":\"mallory\",\"workflowId\":\"" + RUN
            + "\",\"action\":\"approve\",\"iat\":" + T0.getEpochSecond() + "}") + "." + p[3];
    return Stream.of(
        Arguments.of("empty", "", "malformed"),
        Arguments.of("three parts", p[0] + "." + p[1] + "." + p[2], "malformed"),
        Arguments.of("five parts", good + ".x", "malformed"),
        Arguments.of("version", "v2." + p[1] + "." + p[2] + "." + p[3], "malformed: unsupported version"),
        Arguments.of("unknown key", unknownKey, "unknown key 'old'"),
        Arguments.of("signed with another secret", otherKey, "bad signature"),
        Arguments.of("payload swapped", forged, "bad signature"),
        Arguments.of(
            "signature altered",
            p[0] + "." + p[1] + "." + p[2] + "." + (p[3].charAt(0) == 'A' ? "B" : "A") + p[3].substring(1),
            "bad signature"),
        Arguments.of("signature not base64", p[0] + "." + p[1] + "." + p[2] + ".***", "malformed"),
        Arguments.of(
            "wrong run",
            Attestations.issue("api", SECRET, "alice", "bluegreen-shop-3.0.0", "approve", T0),
            "wrong run"),
        Arguments.of(
            "wrong action",
            Attestations.issue("api", SECRET, "alice", RUN, "reject", T0),
            "wrong action"),
        Arguments.of(
            "expired",
            Attestations.issue("api", SECRET, "alice", RUN, "approve", T0.minus(Duration.ofMinutes(11))),
            "expired"),
        Arguments.of(
            "from the future",
            Attestations.issue("api", SECRET, "alice", RUN, "approve", T0.plus(Duration.ofMinutes(5))),
            "not yet valid"),
        Arguments.of("payload not json", signed("not json"), "malformed: payload"),
        Arguments.of("payload lacks by", signed("{\"workflowId\":\"" + RUN + "\",\"action\":\"approve\",\"iat\":1}"), "malformed: payload"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void everyBadTokenIsRefusedWithItsReason(String name, String token, String reason) {
    VerifiedIdentity v = Attestations.verify(token, KEYS, RUN, "approve", T0, MAX_AGE);
    assertFalse(v.verified(), name);
    assertEquals("", v.by());
    assertTrue(v.reason().startsWith(reason), name + ": " + v.reason());
  }

  @Test
  void aNullTokenOrNoKeysIsRefusedNotThrown() {
    assertFalse(Attestations.verify(null, KEYS, RUN, "approve", T0, MAX_AGE).verified());
    VerifiedIdentity noKeys = Attestations.verify(token(), Map.of(), RUN, "approve", T0, MAX_AGE);
    assertTrue(noKeys.reason().startsWith("unknown key"), noKeys.reason());
  }

  @Test
  void issuingNeedsAUsableKeyAndIdentity() {
    assertThrows(IllegalArgumentException.class, () -> Attestations.issue("a.b", SECRET, "alice", RUN, "approve", T0));
    assertThrows(IllegalArgumentException.class, () -> Attestations.issue("api", "", "alice", RUN, "approve", T0));
    assertThrows(IllegalArgumentException.class, () -> Attestations.issue("api", SECRET, " ", RUN, "approve", T0));
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A correctly signed token around an arbitrary payload, to reach the payload checks. */
  private static String signed(String payloadJson) {
    String head = "v1.api." + b64(payloadJson);
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return head + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
          mac.doFinal(head.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
