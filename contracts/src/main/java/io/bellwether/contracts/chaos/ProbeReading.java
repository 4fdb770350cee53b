package io.bellwether.contracts.chaos;

/**
 * One reading of a probe or guardrail: facts, never a verdict (the workflow applies the tolerance
 * of the stage it is in).
 *
 * @param name the probe's or guardrail's name
 * @param value the number read (latency in ms, a query's value, servers up); null when there was
 *     none (no data, provider or endpoint down)
 * @param status HTTP status for {@code http} probes (0 without an answer); 0 otherwise
 * @param detail what was read or why nothing was, in words
 */
public record ProbeReading(String name, Double value, int status, String detail) {}
