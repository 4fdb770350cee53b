package io.bellwether.activities.config;

import java.time.Duration;
import java.util.List;

/**
 * A named deployer.
 *
 * @param type adapter: {@code command} or {@code process}
 * @param command argv template. Placeholders {@code {instance}}, {@code {host}}, {@code {port}},
 *     {@code {address}} and {@code {version}} are replaced per argument; no shell is involved.
 *     For {@code command}: the deploy script. For {@code process}: how to start one instance.
 * @param versionCommand for {@code command}: optional argv template that prints the running
 *     version
 * @param workDir for {@code process}: where pid, state and log files live
 * @param timeout longest a deploy may take; default 5m
 */
public record DeployerConfig(
    String type, List<String> command, List<String> versionCommand, String workDir, Duration timeout) {}
