package io.bellwether.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedTemporalServerTest {
  private EmbeddedTemporalServer server;

  @BeforeEach
  void start() {
    server = EmbeddedTemporalServer.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answersTemporalCallsOnLoopback() {
    assertTrue(server.port() > 0);
    assertEquals("127.0.0.1:" + server.port(), server.target());
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
    try {
      var info =
          stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      assertTrue(info.hasCapabilities(), "the server answered a real Temporal call");
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void listensOnLoopbackOnly() throws IOException {
    List<InetSocketAddress> bound = server.boundAddresses();
    assertEquals(1, bound.size(), "one listening socket: " + bound);
    assertTrue(bound.get(0).getAddress().isLoopbackAddress(), "bound to " + bound);
    assertEquals(server.port(), bound.get(0).getPort());

    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), 1000);
      assertTrue(s.isConnected());
    }
    List<InetAddress> others = nonLoopbackAddresses();
    for (InetAddress other : others) {
      try (Socket s = new Socket()) {
        IOException refused =
            assertThrows(
                IOException.class,
                () -> s.connect(new InetSocketAddress(other, server.port()), 1000),
                "a connection to " + other.getHostAddress() + " must not reach the server");
        assertFalse(s.isConnected(), refused.toString());
      }
    }
  }

  @Test
  void aTakenPortIsReportedNotIgnored() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () -> EmbeddedTemporalServer.start("127.0.0.1", taken.getLocalPort()));
      assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void closeIsIdempotentAndFreesThePort() throws IOException {
    int port = server.port();
    server.close();
    server.close();
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertEquals(port, again.getLocalPort());
    }
  }

  private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
    List<InetAddress> out = new ArrayList<>();
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        // A link-local IPv6 address needs a scope to be reachable at all, so it proves nothing.
        if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          out.add(a);
        }
      }
    }
    return out;
  }
}
