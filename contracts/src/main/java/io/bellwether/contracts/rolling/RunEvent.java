package io.bellwether.contracts.rolling;

/**
 * One line of the audit trail.
 *
 * @param time ISO-8601 instant from the workflow clock
 * @param by who acted: a person, or {@code bellwether} for the run itself
 * @param action what happened, such as {@code started}, {@code pause}, {@code batch-done}
 * @param detail why, or what it touched
 */
public record RunEvent(String time, String by, String action, String detail) {}
