package io.bellwether.demo;

/** A demo instance that is serving, whichever server runs it. */
public interface RunningServer {
  /** The bound host address. */
  String host();

  /** The bound port (useful with port 0). */
  int port();

  /** The behaviour in force, after overrides. */
  Release release();

  /**
   * Stops accepting connections, lets in-flight requests finish within the shutdown grace, then
   * closes. Idempotent.
   */
  void stop();
}
