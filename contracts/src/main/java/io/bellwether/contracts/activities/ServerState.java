package io.bellwether.contracts.activities;

/** Administrative state of a server in a router, as HAProxy names it. */
public enum ServerState {
  /** Takes new traffic. */
  READY,
  /** Keeps its sessions but takes no new ones. */
  DRAIN,
  /** Out of rotation; no traffic at all. */
  MAINT
}
