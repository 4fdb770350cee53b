package io.bellwether.activities.config;

import java.util.List;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * A named fault injector, from {@code bellwether.fault-injectors.<name>}. Specs name it ({@code
 * injector: edge-latency}); the addresses, files and commands are only here. Which keys a type
 * reads, and which it requires, is checked by {@code FaultInjectors.create}; a key a type does not
 * read is ignored.
 *
 * @param type adapter: {@code haproxy-latency} (delays the responses of chosen servers), {@code
 *     haproxy-maintenance} (puts chosen servers in maintenance: the zone cut), {@code process-kill}
 *     (kills the processes behind chosen servers), {@code disk-fill} (fills a filesystem to a
 *     percentage), {@code stress} (CPU or memory load on the worker's host with stress-ng) or
 *     {@code nftables-partition} (drops the traffic to chosen servers in a network namespace)
 * @param router the configured router ({@code bellwether.routers.<name>}, of type {@code haproxy})
 *     whose servers are the targets; required by every type that acts on servers ({@code
 *     haproxy-latency}, {@code haproxy-maintenance}, {@code process-kill}, {@code
 *     nftables-partition}), unused by {@code disk-fill} and {@code stress}
 * @param mapFile for {@code haproxy-latency}: the latency map file exactly as the HAProxy
 *     configuration names it (the {@code map(...)} of every backend's latency rule; the launcher's
 *     {@code withLatencyFaults()} makes {@code <dir>/faults-latency.map}), rewritten on every
 *     change so a reload keeps the fault. For {@code haproxy-maintenance}: the injector's record of
 *     the state every server had before the cut (HAProxy does not load it), best next to the
 *     router's map files, such as {@code <dir>/faults-maintenance.map}
 * @param stateFile for {@code haproxy-maintenance}: HAProxy's {@code server-state-file}; {@code
 *     show servers state} is saved there after every change so a reload keeps the cut (and, once
 *     restored, does not bring it back). Null or blank for none. Unused by the other types
 * @param deployer for {@code process-kill}: the configured deployer ({@code
 *     bellwether.deployers.<name>}, of type {@code process}) that runs the instances; the injector
 *     reads its pid and version files and restarts instances through it. Either this or both
 *     {@code stopCommand} and {@code startCommand}
 * @param stopCommand for {@code process-kill} without a deployer: argv template ({@code
 *     {instance}}, {@code {address}}, {@code {host}}, {@code {port}}, {@code {version}}) that kills
 *     one instance at once; no shell is involved
 * @param startCommand for {@code process-kill} without a deployer: argv template (same placeholders)
 *     that starts one instance again at the same address and returns once it is started (detached,
 *     its output sent to a file rather than inherited); the injector then waits until the address
 *     accepts connections
 * @param path for {@code disk-fill}: a directory on the filesystem to fill (absolute); the fill
 *     file is created in it
 * @param command for {@code stress}: the stress-ng program and any fixed arguments before the
 *     injector's own; default {@code [stress-ng]}
 * @param workDir for {@code process-kill}, {@code stress} and {@code nftables-partition}: where
 *     the injector keeps what it did per fault, so a restarted worker can restore it (absolute;
 *     created on first use). Unused by {@code disk-fill}, whose fill file is its own record
 * @param namespace for {@code nftables-partition}: the network namespace ({@code ip netns}) the
 *     router runs in, created by whoever runs the system; the injector's nftables tables go there
 */
public record FaultInjectorConfig(
    String type,
    String router,
    String mapFile,
    String stateFile,
    String deployer,
    List<String> stopCommand,
    List<String> startCommand,
    String path,
    List<String> command,
    String workDir,
    String namespace) {

  // Several constructors: the binder must be told which one the properties fill.
  @ConstructorBinding
  public FaultInjectorConfig {
    stopCommand = stopCommand == null ? null : List.copyOf(stopCommand);
    startCommand = startCommand == null ? null : List.copyOf(startCommand);
    command = command == null ? null : List.copyOf(command);
  }

  /** An HAProxy injector ({@code haproxy-latency}, {@code haproxy-maintenance}). */
  public FaultInjectorConfig(String type, String router, String mapFile, String stateFile) {
    this(type, router, mapFile, stateFile, null, null, null, null, null, null, null);
  }
}
