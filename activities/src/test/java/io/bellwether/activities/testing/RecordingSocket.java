package io.bellwether.activities.testing;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A unix socket in front of HAProxy's admin socket that passes everything through and records the
 * first line of every connection: the runtime API command (one per connection).
 */
public final class RecordingSocket implements AutoCloseable {
  private final Path path;
  private final Path target;
  private final ServerSocketChannel server;
  private final List<String> commands = new ArrayList<>();
  private final Thread acceptor;

  private RecordingSocket(Path path, Path target) throws IOException {
    this.path = path;
    this.target = target;
    Files.deleteIfExists(path);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    acceptor = new Thread(this::acceptLoop, "recording-socket");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on {@code path}, forwarding to the unix socket {@code target}. */
  public static RecordingSocket start(Path path, Path target) throws IOException {
    return new RecordingSocket(path, target);
  }

  /** {@code unix:} plus this socket's path. */
  public String endpoint() {
    return "unix:" + path;
  }

  /** The commands seen so far, in order. */
  public synchronized List<String> commands() {
    return List.copyOf(commands);
  }

  /** The commands seen so far that change something (not {@code show ...}). */
  public List<String> changes() {
    return commands().stream().filter(c -> !c.startsWith("show ")).toList();
  }

  public synchronized void reset() {
    commands.clear();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        Thread t = new Thread(() -> handle(client), "recording-socket-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /**
   * Reads the whole request (a line, or with {@code <<} a payload up to an empty line), records
   * its first line, sends it on in one write and passes the answer back until HAProxy closes.
   */
  private void handle(SocketChannel client) {
    try (client;
        SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(target))) {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
      while (!complete(request.toString(StandardCharsets.UTF_8))) {
        buf.clear();
        if (client.read(buf) < 0) {
          return;
        }
        request.write(buf.array(), 0, buf.position());
      }
      String text = request.toString(StandardCharsets.UTF_8);
      synchronized (this) {
        commands.add(text.substring(0, text.indexOf('\n')));
      }
      ByteBuffer out = ByteBuffer.wrap(request.toByteArray());
      while (out.hasRemaining()) {
        upstream.write(out);
      }
      while (true) {
        buf.clear();
        if (upstream.read(buf) < 0) {
          return;
        }
        buf.flip();
        while (buf.hasRemaining()) {
          client.write(buf);
        }
      }
    } catch (IOException e) {
      // The client sees the connection close, as with HAProxy gone.
    }
  }

  private static boolean complete(String text) {
    int nl = text.indexOf('\n');
    if (nl < 0) {
      return false;
    }
    return !text.substring(0, nl).endsWith("<<") || text.endsWith("\n\n");
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(path);
  }

  @Override
  public String toString() {
    return String.join("\n", commands());
  }
}
