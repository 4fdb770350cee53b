package io.bellwether.contracts.chaos;

/**
 * One reading in the journal, with the verdict of the tolerance in force at that stage.
 *
 * @param time ISO-8601 instant (workflow clock)
 * @param stage baseline, fault or recovery
 * @param probe the probe's or guardrail's name ({@code guardrail:<name>} for guardrails, {@code
 *     budget} for the error budget's failed requests)
 * @param value the value, null when none
 * @param status HTTP status (0 for others)
 * @param ok whether the tolerance in force admitted it (true when none applies)
 * @param detail why not, or what was read
 */
public record ProbeSample(
    String time, Stage stage, String probe, Double value, int status, boolean ok, String detail) {}
