package io.bellwether.contracts.bluegreen;

import io.bellwether.contracts.activities.ServerInfo;
import java.util.List;
import java.util.Map;

/**
 * A fact about a blue-green pool in a router.
 *
 * @param pool the configured pool name
 * @param liveBackend the backend that takes the traffic not sent to the candidate
 * @param candidateBackend the other backend
 * @param candidatePercent share of traffic sent to the candidate, 0 to 100
 * @param previewOn whether requests with the preview header or cookie go to the candidate
 * @param servers every server slot of both backends, keyed by backend name
 */
public record PoolState(
    String pool,
    String liveBackend,
    String candidateBackend,
    int candidatePercent,
    boolean previewOn,
    Map<String, List<ServerInfo>> servers) {}
