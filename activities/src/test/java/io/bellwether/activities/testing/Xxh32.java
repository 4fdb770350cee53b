package io.bellwether.activities.testing;

import java.nio.charset.StandardCharsets;

/**
 * 32-bit xxHash with seed 0, as HAProxy's {@code xxh32} converter computes it: the tests predict a
 * user's bucket, {@code xxh32(user id + salt) mod 100}, and compare it with what HAProxy did.
 */
public final class Xxh32 {
  private static final int P1 = 0x9E3779B1;
  private static final int P2 = 0x85EBCA77;
  private static final int P3 = 0xC2B2AE3D;
  private static final int P4 = 0x27D4EB2F;
  private static final int P5 = 0x165667B1;

  private Xxh32() {}

  /** The bucket HAProxy's split gives {@code userId} under {@code salt}. */
  public static int bucket(String userId, String salt) {
    return (int) (Integer.toUnsignedLong(hash((userId + salt).getBytes(StandardCharsets.UTF_8))) % 100);
  }

  public static int hash(byte[] in) {
    int len = in.length;
    int i = 0;
    int h;
    if (len >= 16) {
      int v1 = P1 + P2;
      int v2 = P2;
      int v3 = 0;
      int v4 = -P1;
      while (i <= len - 16) {
        v1 = round(v1, le(in, i));
        v2 = round(v2, le(in, i + 4));
        v3 = round(v3, le(in, i + 8));
        v4 = round(v4, le(in, i + 12));
        i += 16;
      }
      h = Integer.rotateLeft(v1, 1) + Integer.rotateLeft(v2, 7) + Integer.rotateLeft(v3, 12)
          + Integer.rotateLeft(v4, 18);
    } else {
      h = P5;
    }
    h += len;
    while (i + 4 <= len) {
      h += le(in, i) * P3;
      h = Integer.rotateLeft(h, 17) * P4;
      i += 4;
    }
    while (i < len) {
      h += (in[i] & 0xff) * P5;
      h = Integer.rotateLeft(h, 11) * P1;
      i++;
    }
    h ^= h >>> 15;
    h *= P2;
    h ^= h >>> 13;
    h *= P3;
    h ^= h >>> 16;
    return h;
  }

  private static int round(int acc, int input) {
    acc += input * P2;
    acc = Integer.rotateLeft(acc, 13);
    return acc * P1;
  }

  private static int le(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
  }
}
