package io.bellwether.activities.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * A named deployer.
 *
 * @param type adapter: {@code command} or {@code process}
 * @param command argv template. Placeholders {@code {instance}}, {@code {host}}, {@code {port}},
 *     {@code {address}} and {@code {version}} are replaced per argument; no shell is involved.
 *     For {@code command}: the deploy script. For {@code process}: how to start one instance
 *     (also for {@code provision}, with a free port picked by the deployer).
 * @param versionCommand for {@code command}: optional argv template that prints the running
 *     version
 * @param workDir for {@code process}: where pid, state and log files live
 * @param timeout longest a deploy may take; default 5m
 * @param provisionCommand for {@code command}: argv template ({@code {instance}}, {@code
 *     {version}}) that starts a new instance and prints its host:port as the last line of its
 *     standard output; without it the deployer cannot provision
 * @param decommissionCommand for {@code command}: argv template ({@code {instance}}) that stops
 *     and removes an instance; must succeed for an instance that is already gone
 * @param scrapeTargetsDir for {@code process}: optional directory of Prometheus target files
 *     ({@code file_sd_configs}); when set, the deployer writes {@code <instance>.json} there for
 *     every instance it deploys or provisions, labelled {@code bellwether_instance}, and deletes it
 *     when it decommissions the instance
 */
public record DeployerConfig(
    String type,
    List<String> command,
    List<String> versionCommand,
    String workDir,
    Duration timeout,
    List<String> provisionCommand,
    List<String> decommissionCommand,
    String scrapeTargetsDir) {

  // Several constructors: the binder must be told which one the properties fill.
  @ConstructorBinding
  public DeployerConfig {}

  /** Without scrape target files. */
  public DeployerConfig(
      String type,
      List<String> command,
      List<String> versionCommand,
      String workDir,
      Duration timeout,
      List<String> provisionCommand,
      List<String> decommissionCommand) {
    this(type, command, versionCommand, workDir, timeout, provisionCommand, decommissionCommand, null);
  }

  /** A deployer that only upgrades instances in place. */
  public DeployerConfig(
      String type, List<String> command, List<String> versionCommand, String workDir, Duration timeout) {
    this(type, command, versionCommand, workDir, timeout, null, null, null);
  }
}
