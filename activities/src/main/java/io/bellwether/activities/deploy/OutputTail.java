package io.bellwether.activities.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Keeps the last bytes of a process's output: the audit trail wants the end, where errors are. */
final class OutputTail {
  static final int DEFAULT_LIMIT = 4096;

  private final byte[] ring;
  private long total;

  OutputTail(int limit) {
    this.ring = new byte[limit];
  }

  synchronized void write(byte[] buf, int off, int len) {
    for (int i = 0; i < len; i++) {
      ring[(int) (total++ % ring.length)] = buf[off + i];
    }
  }

  /** Copies {@code in} until its end; for a reader thread. */
  void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        write(buf, 0, n);
      }
    } catch (IOException e) {
      // The process went away or the pipe was closed on timeout; what was read is kept.
    }
  }

  @Override
  public synchronized String toString() {
    int len = (int) Math.min(total, ring.length);
    byte[] out = new byte[len];
    long start = total - len;
    for (int i = 0; i < len; i++) {
      out[i] = ring[(int) ((start + i) % ring.length)];
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** The last {@code limit} bytes of a file, or an empty string when it cannot be read. */
  static String ofFile(Path file, int limit) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - limit);
      byte[] buf = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
