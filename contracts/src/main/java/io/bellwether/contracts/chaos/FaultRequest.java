package io.bellwether.contracts.chaos;

import java.util.List;
import java.util.Map;

/**
 * One fault to inject, restore or check. Injection and restoration are idempotent by {@code
 * faultId}: injecting a fault that is already active changes nothing, restoring one that is gone
 * is fine.
 *
 * @param faultId unique per run and fault step, such as {@code chaos-web-latency-1/f1}
 * @param injector the configured fault injector ({@code bellwether.fault-injectors.<name>})
 * @param targets what it acts on, resolved by the workflow
 * @param magnitude the injector's settings, such as {@code delayMs=300}
 * @param durationMillis how long the fault is meant to last (injectors that can bound a fault
 *     themselves, such as a load generator's timeout, use it as a second dead-man switch)
 */
public record FaultRequest(
    String faultId,
    String injector,
    List<FaultTarget> targets,
    Map<String, String> magnitude,
    long durationMillis) {
  public FaultRequest {
    targets = targets == null ? List.of() : List.copyOf(targets);
    magnitude = magnitude == null ? Map.of() : Map.copyOf(magnitude);
  }
}
