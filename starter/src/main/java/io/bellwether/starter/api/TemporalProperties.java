package io.bellwether.starter.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bellwether.temporal.*}: where the API finds Temporal.
 *
 * @param address frontend {@code host:port}
 * @param namespace the namespace the runs live in
 */
@ConfigurationProperties("bellwether.temporal")
public record TemporalProperties(
    @DefaultValue("127.0.0.1:7233") String address, @DefaultValue("default") String namespace) {}
