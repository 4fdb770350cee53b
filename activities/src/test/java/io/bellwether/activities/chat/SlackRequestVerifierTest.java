package io.bellwether.activities.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bellwether.activities.chat.SlackRequestVerifier.Result;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlackRequestVerifierTest {
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final long NOW = 1_700_000_000L;
  private static final String BODY =
      "token=x&team_id=T1&user_id=U42&command=%2Fbellwether&text=approve+rolling-payments-42";

  /** A clock the test moves, so the window is checked without waiting. */
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.ofEpochSecond(NOW));

  private SlackRequestVerifier verifier;

  @BeforeEach
  void setUp() {
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    verifier = new SlackRequestVerifier(SECRET, clock, 100);
  }

  private Result verify(long ts, String body) {
    return verifier.verify(Long.toString(ts), SlackRequestVerifier.sign(SECRET, ts, body), body);
  }

  @Test
  void signMatchesAnIndependentlyComputedValue() {
    // openssl: printf 'v0:1700000000:hello' | openssl dgst -sha256 -hmac 8f742231b10e8888abcd99yyyzzz85a5
    assertEquals(
        "v0=3f3351c24876ff47deab5ec9045b731a0c9d9e27a50234683918bb6edb3571fa",
        SlackRequestVerifier.sign(SECRET, NOW, "hello"));
  }

  @Test
  void acceptsACorrectlySignedFreshRequest() {
    assertEquals(new Result(true, "ok"), verify(NOW, BODY));
    // Within the window on either side.
    assertEquals(new Result(true, "ok"), verify(NOW - 300, BODY));
    assertEquals(new Result(true, "ok"), verify(NOW + 300, BODY));
  }

  @Test
  void acceptsAnUpperCaseHexSignature() {
    String sig = SlackRequestVerifier.sign(SECRET, NOW, BODY);
    String upper = "v0=" + sig.substring(3).toUpperCase();
    assertEquals(true, verifier.verify(Long.toString(NOW), upper, BODY).ok());
  }

  @Test
  void refusesAWrongSignature() {
    String sig = SlackRequestVerifier.sign(SECRET, NOW, BODY);
    char last = sig.charAt(sig.length() - 1);
    String flipped = sig.substring(0, sig.length() - 1) + (last == '0' ? '1' : '0');
    assertEquals(
        new Result(false, "bad signature"), verifier.verify(Long.toString(NOW), flipped, BODY));
  }

  @Test
  void refusesASignatureMadeWithAnotherSecret() {
    String sig = SlackRequestVerifier.sign("not-the-secret", NOW, BODY);
    assertEquals(new Result(false, "bad signature"), verifier.verify(Long.toString(NOW), sig, BODY));
  }

  @Test
  void refusesATamperedBody() {
    String sig = SlackRequestVerifier.sign(SECRET, NOW, BODY);
    String tampered = BODY.replace("approve", "reject");
    assertEquals(
        new Result(false, "bad signature"), verifier.verify(Long.toString(NOW), sig, tampered));
  }

  @Test
  void refusesASignatureForAnotherTimestamp() {
    // The timestamp is signed: moving it forward to dodge the window breaks the signature.
    String sig = SlackRequestVerifier.sign(SECRET, NOW - 600, BODY);
    assertEquals(new Result(false, "bad signature"), verifier.verify(Long.toString(NOW), sig, BODY));
  }

  @Test
  void refusesAStaleRequest() {
    assertEquals(new Result(false, "stale"), verify(NOW - 301, BODY));
  }

  @Test
  void refusesARequestFromTheFuture() {
    assertEquals(new Result(false, "stale"), verify(NOW + 301, BODY));
  }

  @Test
  void refusesAReplayWithinTheWindow() {
    long ts = NOW - 10;
    String sig = SlackRequestVerifier.sign(SECRET, ts, BODY);
    assertEquals(true, verifier.verify(Long.toString(ts), sig, BODY).ok());
    now.set(Instant.ofEpochSecond(NOW + 200));
    assertEquals(new Result(false, "replayed"), verifier.verify(Long.toString(ts), sig, BODY));
    // Once outside the window the same request is stale, and the cache has let it go.
    now.set(Instant.ofEpochSecond(NOW + 400));
    assertEquals(new Result(false, "stale"), verifier.verify(Long.toString(ts), sig, BODY));
    assertEquals(true, verify(NOW + 400, BODY).ok());
    assertEquals(1, verifier.remembered());
  }

  @Test
  void aDifferentBodyAtTheSameSecondIsNotAReplay() {
    assertEquals(true, verify(NOW, BODY).ok());
    assertEquals(true, verify(NOW, BODY + "&x=1").ok());
  }

  @Test
  void refusedRequestsAreNotRemembered() {
    verifier.verify(Long.toString(NOW), SlackRequestVerifier.sign("other", NOW, BODY), BODY);
    assertEquals(0, verifier.remembered());
    // So the genuine request with the same timestamp still goes through.
    assertEquals(true, verify(NOW, BODY).ok());
  }

  @Test
  void aFullCacheRefusesRatherThanForgets() {
    SlackRequestVerifier small =
        new SlackRequestVerifier(SECRET, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC), 2);
    for (int i = 0; i < 2; i++) {
      String b = BODY + i;
      assertEquals(
          true,
          small.verify(Long.toString(NOW), SlackRequestVerifier.sign(SECRET, NOW, b), b).ok());
    }
    String b = BODY + "x";
    assertEquals(
        new Result(false, "replay cache full"),
        small.verify(Long.toString(NOW), SlackRequestVerifier.sign(SECRET, NOW, b), b));
  }

  @ParameterizedTest(name = "[{index}] ts={0} sig={1} -> {2}")
  @CsvSource(
      nullValues = "NULL",
      value = {
        "NULL, v0=SIG, missing headers",
        "'', v0=SIG, missing headers",
        "NOW, NULL, missing headers",
        "NOW, '  ', missing headers",
        "abc, v0=SIG, malformed",
        "-5, v0=SIG, malformed",
        "1.7e9, v0=SIG, malformed",
        "NOW, SIG, malformed",
        "NOW, v1=SIG, malformed",
        "NOW, v0=deadbeef, malformed",
        "NOW, v0=SIGzz, malformed",
      })
  void refusesMissingOrMalformedHeaders(String ts, String sig, String reason) {
    String good = SlackRequestVerifier.sign(SECRET, NOW, BODY).substring(3);
    String t = ts == null ? null : ts.replace("NOW", Long.toString(NOW));
    String s = sig == null ? null : sig.replace("SIG", good);
    assertEquals(new Result(false, reason), verifier.verify(t, s, BODY));
    assertEquals(0, verifier.remembered());
  }

  @Test
  void rejectsABlankSecretAndNeverPrintsIt() {
    assertThrows(IllegalArgumentException.class, () -> new SlackRequestVerifier(" "));
    assertFalse(verifier.toString().contains(SECRET));
  }
}
