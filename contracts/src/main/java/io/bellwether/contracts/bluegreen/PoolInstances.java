package io.bellwether.contracts.bluegreen;

/**
 * How instances of a blue-green pool are named. The router knows only slots and addresses and the
 * deployer only names, so the name is derived from the slot: a run finds blue's instances from
 * the slots it reads, and whoever provisions a pool by hand (the sandbox) must name them the same.
 */
public final class PoolInstances {
  private PoolInstances() {}

  /** {@code <service>-<backend>-<slot>}, such as {@code shop-shop_a-s1}. */
  public static String name(String service, String backend, String slot) {
    return service + "-" + backend + "-" + slot;
  }
}
