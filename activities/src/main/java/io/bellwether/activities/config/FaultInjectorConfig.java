package io.bellwether.activities.config;

/**
 * A named fault injector, from {@code bellwether.fault-injectors.<name>}. Specs name it ({@code
 * injector: edge-latency}); the addresses and files are only here.
 *
 * @param type adapter: {@code haproxy-latency} (delays the responses of chosen servers) or {@code
 *     haproxy-maintenance} (puts chosen servers in maintenance: the zone cut)
 * @param router the configured router ({@code bellwether.routers.<name>}, of type {@code haproxy})
 *     whose runtime API the injector uses; every target must be a server of that router
 * @param mapFile for {@code haproxy-latency}: the latency map file exactly as the HAProxy
 *     configuration names it (the {@code map(...)} of every backend's latency rule; the launcher's
 *     {@code withLatencyFaults()} makes {@code <dir>/faults-latency.map}), rewritten on every
 *     change so a reload keeps the fault. For {@code haproxy-maintenance}: the injector's record of
 *     the state every server had before the cut (HAProxy does not load it), best next to the
 *     router's map files, such as {@code <dir>/faults-maintenance.map}
 * @param stateFile for {@code haproxy-maintenance}: HAProxy's {@code server-state-file}; {@code
 *     show servers state} is saved there after every change so a reload keeps the cut (and, once
 *     restored, does not bring it back). Null or blank for none. Unused by {@code haproxy-latency}
 */
public record FaultInjectorConfig(String type, String router, String mapFile, String stateFile) {}
