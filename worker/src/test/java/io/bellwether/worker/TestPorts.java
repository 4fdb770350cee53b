package io.bellwether.worker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

final class TestPorts {
  private TestPorts() {}

  /** A port on 127.0.0.1 that was free a moment ago. */
  static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
