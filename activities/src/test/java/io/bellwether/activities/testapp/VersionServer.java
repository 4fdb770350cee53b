package io.bellwether.activities.testapp;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in service for process deployer tests, started as its own JVM: answers {@code /version}
 * with its version. Version {@code crash} exits with 3 at start; {@code liar} claims version {@code
 * 0.0.0}.
 */
public final class VersionServer {
  public static void main(String[] args) throws Exception {
    int port = 0;
    String version = "";
    String instance = "";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--version" -> version = args[i + 1];
        case "--instance" -> instance = args[i + 1];
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    if (version.equals("crash")) {
      System.out.println("version-server " + instance + ": refusing to start version crash");
      System.exit(3);
    }
    String answer = version.equals("liar") ? "0.0.0" : version;
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    server.createContext(
        "/version",
        ex -> {
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
    System.out.println("version-server " + instance + " " + version + " listening on " + port);
  }
}
