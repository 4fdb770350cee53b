package io.bellwether.activities.config;

import java.time.Duration;
import java.util.Map;

/**
 * Keys that verify approval attestations. An authenticated front door (the operator API, a chat
 * bot) signs who approved with one of these shared secrets; the worker checks the signature. The
 * secrets stay in the worker's configuration and never enter workflow history.
 *
 * @param keys key id to shared secret, from {@code bellwether.identity.keys.<keyId>}
 * @param maxAge how old an attestation may be; default 10m
 */
public record IdentityConfig(Map<String, String> keys, Duration maxAge) {
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  public IdentityConfig {
    keys = keys == null ? Map.of() : Map.copyOf(keys);
    maxAge = maxAge == null ? DEFAULT_MAX_AGE : maxAge;
  }

  // No secret in logs or exception messages: records print their fields.
  @Override
  public String toString() {
    return "IdentityConfig[keys=" + keys.keySet() + ", maxAge=" + maxAge + "]";
  }
}
