package io.bellwether.worker;

import java.util.Optional;

/**
 * Where this worker's Temporal is: a cluster named in configuration, or the embedded server this
 * process started and owns. Closing it stops the embedded server (a no-op for a cluster).
 */
public final class TemporalConnection implements AutoCloseable {
  private final String target;
  private final String namespace;
  private final EmbeddedTemporalServer embedded;

  private TemporalConnection(String target, String namespace, EmbeddedTemporalServer embedded) {
    this.target = target;
    this.namespace = namespace;
    this.embedded = embedded;
  }

  /**
   * Starts the embedded server on 127.0.0.1 when {@code bellwether.temporal.address} is empty,
   * otherwise only records the address. Throws {@link java.io.UncheckedIOException} when the
   * embedded port cannot be bound.
   */
  static TemporalConnection open(BellwetherProperties.Temporal settings) {
    if (settings.embedded()) {
      EmbeddedTemporalServer server =
          EmbeddedTemporalServer.start(TemporalServerOnly.HOST, settings.embeddedPort());
      return new TemporalConnection(server.target(), settings.namespace(), server);
    }
    return new TemporalConnection(settings.address().trim(), settings.namespace(), null);
  }

  /** {@code host:port} the client and worker connect to. */
  public String target() {
    return target;
  }

  public String namespace() {
    return namespace;
  }

  /** Whether the server runs inside this process. */
  public boolean isEmbedded() {
    return embedded != null;
  }

  /** The server this process runs; empty in cluster mode. */
  public Optional<EmbeddedTemporalServer> embeddedServer() {
    return Optional.ofNullable(embedded);
  }

  /** Stops the embedded server, dropping the runs it holds. Idempotent. */
  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
