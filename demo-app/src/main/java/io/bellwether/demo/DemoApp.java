package io.bellwether.demo;

import java.io.IOException;

/**
 * Entry point: {@code java -jar demo-app.jar --port 18081 --version 2.0.0 --instance web-1}.
 * Prints one line once listening; on SIGTERM stops accepting, lets in-flight requests finish and
 * exits 0. With {@code --chaos-monkey} the same endpoints come from a Spring Boot app with Chaos
 * Monkey ({@link ChaosMonkeyMode}).
 */
public final class DemoApp {
  private DemoApp() {}

  public static void main(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println(DemoOptions.USAGE);
        return;
      }
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("demo-app: " + e.getMessage());
      System.err.println(DemoOptions.USAGE);
      System.exit(2);
      return;
    }
    RunningServer server;
    try {
      server = options.chaosMonkey() ? ChaosMonkeyMode.start(options) : DemoServer.start(options);
    } catch (IOException e) {
      System.err.println(
          "demo-app: cannot listen on " + options.host() + ":" + options.port() + ": " + e);
      System.exit(1);
      return;
    } catch (RuntimeException e) {
      // Spring's way of saying the same, among other start-up failures.
      System.err.println(
          "demo-app: cannot start on " + options.host() + ":" + options.port() + ": " + e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop();
                  System.out.flush();
                  // The JVM reports 143 after SIGTERM even when shutdown went well; supervisors
                  // and tests read a clean stop as 0. The hook is only added once serving, so
                  // start-up errors keep their own codes.
                  Runtime.getRuntime().halt(0);
                },
                "demo-app-shutdown"));
    System.out.println(
        "demo-app "
            + options.instance()
            + " "
            + server.release().version()
            + " listening on "
            + server.host()
            + ":"
            + server.port());
    System.out.flush();
  }
}
