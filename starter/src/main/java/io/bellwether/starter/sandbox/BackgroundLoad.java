package io.bellwether.starter.sandbox;

import io.bellwether.starter.load.LoadGenerator;
import java.net.URI;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The sandbox's background traffic: a detached process that sends steady requests through the
 * HAProxy frontend until it is stopped, so that a canary's analysis in {@code bellwether up} has
 * data to measure without the user running a load tool. Prints the counts every 10 s to its log.
 *
 * <p>Usage: {@code java -cp bellwether.jar io.bellwether.starter.sandbox.BackgroundLoad URL RATE}.
 */
public final class BackgroundLoad {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  /** GETs only: the sandbox's user may be watching a demo-app's log; POSTs add nothing here. */
  private static final double POST_SHARE = 0.0;

  private BackgroundLoad() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: BackgroundLoad URL REQUESTS_PER_SECOND");
      System.exit(2);
    }
    URI target = URI.create(args[0]);
    int rate = Integer.parseInt(args[1]);
    LoadGenerator load = new LoadGenerator(target, rate, POST_SHARE);
    // SIGTERM from bellwether down: stop sending first, so no request is cut off half-way.
    Runtime.getRuntime().addShutdownHook(new Thread(load::close, "bellwether-background-load-stop"));
    load.start();
    System.out.println(LocalTime.now().format(CLOCK) + " sending " + rate + " req/s to " + target);
    LoadGenerator.Counts last = load.snapshot();
    while (true) {
      Thread.sleep(10_000);
      LoadGenerator.Counts now = load.snapshot();
      System.out.println(LocalTime.now().format(CLOCK) + " last 10s: " + LoadGenerator.describe(now.minus(last)));
      last = now;
    }
  }
}
