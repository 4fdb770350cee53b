package io.bellwether.activities.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A service chaos experiments may act on, from {@code bellwether.services.<name>}. A spec names the
 * service ({@code service: web}); its servers, zones, probe endpoints and SLO are only here.
 *
 * @param router a configured router ({@code bellwether.routers.<name>}) in front of the service
 * @param backend the router's backend whose servers are the service's instances
 * @param metrics a configured metrics provider ({@code bellwether.metrics.<name>}): the default of
 *     the spec's prometheus probes and guardrails, and where the SLO is read; required with {@code
 *     slo}
 * @param zones zone tag to the names of the servers in it; a server in no list has no zone, and no
 *     server may be in two zones
 * @param endpoints endpoint name to the http(s) URL an {@code http} probe of that name reads; the
 *     URL may hold a credential and is never printed
 * @param slo the service's SLO, or null for none (then a spec cannot set an error budget)
 * @param maxImpairedShare the most of the service's servers, and of each zone's, that concurrent
 *     experiments may impair together, above 0 and at most 1; default {@value
 *     #DEFAULT_MAX_IMPAIRED_SHARE}
 */
public record ServiceConfig(
    String router,
    String backend,
    String metrics,
    Map<String, List<String>> zones,
    Map<String, String> endpoints,
    SloConfig slo,
    Double maxImpairedShare) {
  public static final double DEFAULT_MAX_IMPAIRED_SHARE = 0.5;

  public ServiceConfig {
    // Sorted, and null entries kept, so that startup can report an empty zone or endpoint.
    zones = zones == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(zones));
    endpoints =
        endpoints == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(endpoints));
  }

  /** The share to use: the configured one, else {@value #DEFAULT_MAX_IMPAIRED_SHARE}. */
  public double maxImpairedShareOrDefault() {
    return maxImpairedShare == null ? DEFAULT_MAX_IMPAIRED_SHARE : maxImpairedShare;
  }

  /** The zone of server {@code server}, or null when the configuration gives it none. */
  public String zoneOf(String server) {
    for (Map.Entry<String, List<String>> e : zones.entrySet()) {
      if (e.getValue() != null && e.getValue().contains(server)) {
        return e.getKey();
      }
    }
    return null;
  }

  // An endpoint URL may carry a user and password: printed, it shows scheme, host and port only.
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    endpoints.forEach((name, url) -> shown.put(name, NotifierConfig.redact(url)));
    return "ServiceConfig[router=" + router + ", backend=" + backend + ", metrics=" + metrics
        + ", zones=" + zones + ", endpoints=" + shown + ", slo=" + slo + ", maxImpairedShare="
        + maxImpairedShare + "]";
  }
}
