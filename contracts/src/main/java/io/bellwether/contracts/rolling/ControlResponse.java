package io.bellwether.contracts.rolling;

/**
 * Answer of an accepted operator update: the state the run is in after it.
 *
 * @param action what was accepted
 * @param phase the run's phase right after
 * @param paused whether a pause is now in force
 * @param message a short human answer
 */
public record ControlResponse(String action, Phase phase, boolean paused, String message) {}
