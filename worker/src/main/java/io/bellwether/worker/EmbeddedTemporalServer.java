package io.bellwether.worker;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Temporal's in-memory server on one host address only, for single-machine use: the demo, the CLI
 * sandbox, end-to-end tests. State lives in memory for as long as this object is open.
 *
 * <p>The SDK's stock {@code TestServer.createPortBoundServer} listens on every interface, which
 * would expose an unauthenticated Temporal API to the network; this wraps the same services in a
 * gRPC server bound to the address asked for.
 */
public final class EmbeddedTemporalServer implements AutoCloseable {
  private final TestServicesStarter services;
  private final Server server;
  private final String host;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedTemporalServer(TestServicesStarter services, Server server, String host) {
    this.services = services;
    this.server = server;
    this.host = host;
  }

  /**
   * Starts a server listening on {@code host:port} only ({@code port} 0 picks a free port; {@link
   * #target()} tells which). Clocks run in real time: the first constructor argument of {@code
   * TestServicesStarter} locks time skipping, which otherwise lets timers fire early whenever no
   * call is in flight, and bake times and timeouts would be skipped. Throws {@link
   * UncheckedIOException} when the address cannot be bound (port in use, unknown host).
   */
  public static EmbeddedTemporalServer start(String host, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }
    TestServicesStarter services = new TestServicesStarter(true, 0);
    try {
      // grpc-api's Grpc class only builds for a port (every interface); Netty's builder takes an
      // address.
      ServerBuilder<?> builder =
          NettyServerBuilder.forAddress(
              new InetSocketAddress(host, port), InsecureServerCredentials.create());
      GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
      Server server = builder.build().start();
      return new EmbeddedTemporalServer(services, server, host);
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException(
          "cannot start the embedded Temporal server on " + host + ":" + port + ": " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      services.close();
      throw e;
    }
  }

  /** The port actually bound; differs from the one asked for only when that was 0. */
  public int port() {
    return server.getPort();
  }

  /** Every socket address the server listens on: exactly one, on the host it was started with. */
  public List<InetSocketAddress> boundAddresses() {
    return server.getListenSockets().stream()
        .filter(InetSocketAddress.class::isInstance)
        .map(InetSocketAddress.class::cast)
        .toList();
  }

  /** The address clients connect to, such as {@code 127.0.0.1:7233}. */
  public String target() {
    return host + ":" + port();
  }

  /** Blocks until {@link #close()} has run, for a process whose only job is this server. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops accepting calls, gives open calls (long polls from workers) up to five seconds, then drops
   * every run held in memory. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      services.close();
    }
  }
}
