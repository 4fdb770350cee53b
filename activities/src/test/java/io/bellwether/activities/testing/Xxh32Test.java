package io.bellwether.activities.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tests' xxHash is the reference one, and gives the buckets HAProxy gave. */
class Xxh32Test {
  @ParameterizedTest
  @CsvSource({"'',0x02CC5D05", "a,0x550D7456", "abc,0x32D153FF", "Nobody inspects the spammish repetition,0xE2293B2F"})
  void publishedValues(String input, String expected) {
    assertEquals(Long.decode(expected).intValue(), Xxh32.hash(input.getBytes(StandardCharsets.UTF_8)));
  }

  /** Seen by hand on HAProxy 2.6.12 ({@code xxh32,mod(100)} of user id + salt s1). */
  @Test
  void bucketsHaproxyGave() {
    assertEquals(23, Xxh32.bucket("a", "s1"));
    assertEquals(39, Xxh32.bucket("b", "s1"));
    assertEquals(66, Xxh32.bucket("c", "s1"));
    assertEquals(48, Xxh32.bucket("d", "s1"));
    assertEquals(79, Xxh32.bucket("e", "s1"));
  }
}
