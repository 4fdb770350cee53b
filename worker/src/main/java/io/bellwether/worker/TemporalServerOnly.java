package io.bellwether.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --temporal-server-only}: runs the embedded Temporal server alone, without Spring, so a
 * worker process can be killed and restarted while the runs it worked on stay in this process.
 */
final class TemporalServerOnly {
  static final String FLAG = "--temporal-server-only";
  static final String HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 7233;

  private TemporalServerOnly() {}

  static boolean requested(String[] args) {
    for (String a : args) {
      if (FLAG.equals(a)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The port from {@code --port=N} or {@code --port N}; {@value #DEFAULT_PORT} when absent. Throws
   * {@link IllegalArgumentException} for anything else, so a typo cannot start a server somewhere
   * unexpected.
   */
  static int port(String[] args) {
    int port = DEFAULT_PORT;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      if (a.startsWith("--port=")) {
        value = a.substring("--port=".length());
      } else if (a.equals("--port")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--port needs a value");
        }
        value = args[++i];
      } else if (!a.equals(FLAG)) {
        throw new IllegalArgumentException(
            "unknown argument '" + a + "' (server-only mode takes only --port=N)");
      }
      if (value != null) {
        try {
          port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--port must be a number, got '" + value + "'");
        }
        if (port < 0 || port > 65535) {
          throw new IllegalArgumentException("--port must be 0 to 65535, got " + port);
        }
      }
    }
    return port;
  }

  /**
   * Starts the server, prints the single line {@code Temporal server listening on
   * 127.0.0.1:<port>} on stdout (scripts wait for it), and blocks until the JVM is asked to stop.
   * Returns the process exit code.
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    int port;
    try {
      port = port(args);
    } catch (IllegalArgumentException e) {
      err.println("bellwether-worker: " + e.getMessage());
      return 2;
    }
    quietLogging();
    EmbeddedTemporalServer server;
    try {
      server = EmbeddedTemporalServer.start(HOST, port);
    } catch (RuntimeException e) {
      err.println("bellwether-worker: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "temporal-server-shutdown"));
    out.println("Temporal server listening on " + server.target());
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  /**
   * Without Spring, Logback's default is DEBUG on stdout, which would bury the one line scripts
   * read; warnings and errors still go to stderr.
   */
  private static void quietLogging() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n");
    encoder.start();
    ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(appender);
  }
}
