package io.bellwether.starter.sandbox;

import io.bellwether.starter.load.LoadGenerator;
import io.bellwether.starter.load.ShopperLoad;
import java.net.URI;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The sandbox's background traffic: a detached process that sends steady requests through the
 * HAProxy frontend until it is stopped, so that a canary's analysis in {@code bellwether up} has
 * data to measure without the user running a load tool; plus {@value #SHOPPERS_PER_SECOND}
 * simulated shoppers a second (stable user ids, a fifth of them returning, who buy as the variant
 * they see makes them), so that an A/B test has users to count. Prints the counts every 10 s to
 * its log.
 *
 * <p>Usage: {@code java -cp bellwether.jar io.bellwether.starter.sandbox.BackgroundLoad URL RATE}.
 */
public final class BackgroundLoad {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  /** GETs only: the sandbox's user may be watching a demo-app's log; POSTs add nothing here. */
  private static final double POST_SHARE = 0.0;

  /** Shopper arrivals per second: enough for the example A/B test to decide in a few minutes. */
  public static final int SHOPPERS_PER_SECOND = 20;

  // New users for about 1.7 hours at this rate; after that only returning users come.
  private static final int SHOPPERS = 100_000;

  private BackgroundLoad() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: BackgroundLoad URL REQUESTS_PER_SECOND");
      System.exit(2);
    }
    URI target = URI.create(args[0]);
    int rate = Integer.parseInt(args[1]);
    LoadGenerator load = new LoadGenerator(target, rate, POST_SHARE);
    ShopperLoad shoppers =
        new ShopperLoad(
            ShopperLoad.Settings.of(target, SHOPPERS, SHOPPERS_PER_SECOND)
                .withReturningShare(0.2)
                .withBuyMode(ShopperLoad.BuyMode.RANDOM)
                .withSeed(System.nanoTime()));
    // SIGTERM from bellwether down: stop sending first, so no request is cut off half-way.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  shoppers.close();
                  load.close();
                },
                "bellwether-background-load-stop"));
    load.start();
    shoppers.start();
    System.out.println(
        LocalTime.now().format(CLOCK) + " sending " + rate + " req/s and " + SHOPPERS_PER_SECOND
            + " shoppers/s to " + target);
    LoadGenerator.Counts last = load.snapshot();
    while (true) {
      Thread.sleep(10_000);
      LoadGenerator.Counts now = load.snapshot();
      System.out.println(LocalTime.now().format(CLOCK) + " last 10s: " + LoadGenerator.describe(now.minus(last)));
      System.out.println(LocalTime.now().format(CLOCK) + " shoppers: " + ShopperLoad.describe(shoppers.snapshot()));
      last = now;
    }
  }
}
