package io.bellwether.activities.testing;

import io.bellwether.activities.haproxy.HaproxyLauncher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HAProxy agent-check responder: on each connection it writes one line (such as {@code ready})
 * and closes, as the agent protocol expects.
 */
public final class TestAgent implements AutoCloseable {
  private final ServerSocket socket;
  private final String reply;
  private final AtomicInteger answered = new AtomicInteger();
  private final Thread thread;

  public TestAgent(String reply) throws IOException {
    this.reply = reply;
    this.socket =
        new ServerSocket(HaproxyLauncher.freePort(), 50, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::serve, "test-agent");
    thread.setDaemon(true);
    thread.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** Agent checks answered so far. */
  public int answered() {
    return answered.get();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept();
          OutputStream out = s.getOutputStream()) {
        out.write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        answered.incrementAndGet();
      } catch (IOException e) {
        // Closed, or HAProxy hung up early: either way, the next connection is served anew.
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
