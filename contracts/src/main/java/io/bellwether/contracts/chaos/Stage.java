package io.bellwether.contracts.chaos;

/** The part of an experiment a probe reading belongs to. */
public enum Stage {
  BASELINE,
  FAULT,
  RECOVERY
}
