package io.bellwether.contracts.activities;

/**
 * A fact about one server in a router backend.
 *
 * @param name server name in the backend
 * @param address host:port
 * @param state administrative state
 * @param weight current weight
 * @param sessions current sessions (HAProxy {@code scur})
 * @param status operational status as the router reports it (UP, DOWN, DRAIN, MAINT, no check)
 */
public record ServerInfo(
    String name, String address, ServerState state, int weight, int sessions, String status) {}
