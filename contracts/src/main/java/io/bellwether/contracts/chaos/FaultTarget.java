package io.bellwether.contracts.chaos;

/**
 * One thing a fault acts on, as the workflow resolved it from configuration: a server of a
 * router's backend (with the instance behind it), or a host resource.
 *
 * @param name the target's name: the instance or server name, such as {@code web-2}
 * @param router the configured router the server is in (null for host resources)
 * @param backend the backend the server is in (null for host resources)
 * @param server the server's name in the backend (null for host resources)
 * @param zone the zone tag the configuration gives the server (null when none)
 */
public record FaultTarget(String name, String router, String backend, String server, String zone) {}
