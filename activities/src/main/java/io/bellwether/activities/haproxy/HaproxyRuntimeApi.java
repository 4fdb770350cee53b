package io.bellwether.activities.haproxy;

import io.bellwether.activities.router.RouterUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Client for HAProxy's runtime API (the {@code stats socket}), over a unix socket or TCP.
 *
 * <p>One command per connection: in non-interactive mode HAProxy answers and closes, so the end of
 * the answer is the end of the stream and no prompt parsing is needed.
 */
public final class HaproxyRuntimeApi {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final String endpoint;
  private final SocketAddress address;
  private final Duration timeout;

  /**
   * @param endpoint {@code unix:/path/to/admin.sock} or {@code tcp:host:port}
   * @param timeout longest wait for connect plus the whole answer; null for the default 5s
   * @throws IllegalArgumentException when the endpoint is not in one of those forms
   */
  public HaproxyRuntimeApi(String endpoint, Duration timeout) {
    this.endpoint = endpoint;
    this.address = parseEndpoint(endpoint);
    this.timeout =
        timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
  }

  /** The endpoint as configured. */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Why {@code endpoint} is not a usable runtime API address, or null when it is. For configuration
   * checks that must list every problem instead of stopping at the first.
   */
  public static String endpointProblem(String endpoint) {
    try {
      parseEndpoint(endpoint);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * Sends one command and returns HAProxy's whole answer, as text. HAProxy reports its own errors
   * as text in the answer (such as {@code No such server.}); telling those apart is the caller's
   * job. Throws {@link RouterUnavailableException} (retryable) when the socket cannot be reached or
   * the answer does not arrive within the timeout, and {@link IllegalArgumentException} for a
   * command with a line break, which HAProxy would run as a second command.
   */
  public String execute(String command) {
    requireOneLine(command);
    return send(command + "\n", command);
  }

  /**
   * Sends one command with a payload, HAProxy's {@code <<} form (such as {@code add map @1 FILE}
   * followed by one {@code key value} line per entry), and returns the whole answer, as {@link
   * #execute(String)} does. Each payload line must be one non-empty line (an empty line ends the
   * payload). Measured on HAProxy 2.6: a payload must stay well under {@code tune.bufsize} (16 kB
   * by default); one of 25 kB got no answer at all and changed nothing, so callers send chunks.
   */
  public String execute(String command, java.util.List<String> payload) {
    requireOneLine(command);
    StringBuilder text = new StringBuilder(command).append(" <<\n");
    for (String line : payload) {
      requireOneLine(line);
      if (line.isEmpty()) {
        throw new IllegalArgumentException("an empty payload line would end the payload");
      }
      text.append(line).append('\n');
    }
    return send(text.append('\n').toString(), command + " <<");
  }

  private static void requireOneLine(String command) {
    if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a runtime API command is one line: " + command);
    }
  }

  private String send(String text, String command) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SocketAddress target = address;
    if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
      target = new InetSocketAddress(inet.getHostString(), inet.getPort());
    }
    try (SocketChannel channel =
            target instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      if (!channel.connect(target)) {
        channel.register(selector, SelectionKey.OP_CONNECT);
        while (!channel.finishConnect()) {
          await(selector, deadline, "connect");
        }
      }
      ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      channel.register(selector, SelectionKey.OP_WRITE);
      while (out.hasRemaining()) {
        if (channel.write(out) == 0) {
          await(selector, deadline, "send");
        }
      }
      channel.register(selector, SelectionKey.OP_READ);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(16 * 1024);
      while (true) {
        int n = channel.read(in);
        if (n < 0) {
          return answer.toString(StandardCharsets.UTF_8);
        }
        if (n == 0) {
          await(selector, deadline, "answer");
          continue;
        }
        answer.write(in.array(), 0, in.position());
        in.clear();
      }
    } catch (IOException | UnresolvedAddressException e) {
      throw new RouterUnavailableException(
          "HAProxy runtime API "
              + endpoint
              + " failed on '"
              + command
              + "': "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    }
  }

  private void await(Selector selector, long deadline, String phase) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new IOException("no " + phase + " within " + timeout.toMillis() + " ms");
    }
    selector.selectedKeys().clear();
    selector.select(Math.max(1, left / 1_000_000));
  }

  private static SocketAddress parseEndpoint(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException("runtime API address is empty");
    }
    if (endpoint.startsWith("unix:")) {
      String path = endpoint.substring("unix:".length());
      if (path.isEmpty()) {
        throw new IllegalArgumentException("'" + endpoint + "' has no socket path");
      }
      return UnixDomainSocketAddress.of(Path.of(path));
    }
    if (endpoint.startsWith("tcp:")) {
      String hostPort = endpoint.substring("tcp:".length());
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + endpoint + "' is not tcp:host:port");
      }
      String host = hostPort.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + endpoint + "' has no numeric port");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("'" + endpoint + "' has a port out of range");
      }
      // Unresolved: resolving here would make a worker's startup depend on DNS.
      return InetSocketAddress.createUnresolved(host, port);
    }
    throw new IllegalArgumentException(
        "'"
            + endpoint
            + "' must start with unix: (unix:/path/admin.sock) or tcp: (tcp:127.0.0.1:9999)");
  }

  @Override
  public String toString() {
    return "HaproxyRuntimeApi[" + endpoint + "]";
  }
}
